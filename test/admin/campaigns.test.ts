import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestEnv, type TestEnv } from "../support/app.ts";
import { seedEpisode, seedShow } from "../feeds/seed.ts";
import { signInThroughForm } from "./support.ts";

let env: TestEnv;
let show: { id: string; slug: string };
let episodeId: string;

beforeAll(async () => {
  env = await createTestEnv();
  show = await seedShow(env.ctx, { artwork: false });
  episodeId = (await seedEpisode(env.ctx, show, { slug: "first", number: 1, variants: [{ locale: "ar", title: "الحلقة الأولى" }, { locale: "fr", title: "Premier épisode" }] })).episode.id;
});
afterAll(async () => {
  await env?.close();
});

describe("admin: campaign links", () => {
  it("is in everyone's navigation and renders in Arabic, French and English", async () => {
    const expectations = { ar: ["روابط الحملات", 'dir="rtl"'], fr: ["Liens de campagne", 'dir="ltr"'], en: ["Campaign links", 'dir="ltr"'] } as const;
    for (const [locale, [title, dir]] of Object.entries(expectations)) {
      const producer = await signInThroughForm(env, "producer", { locale: locale as "ar" | "fr" | "en" });
      const nav = await producer.agent.get("/admin/preferences").expect(200);
      expect(nav.text).toContain('href="/admin/campaigns"');
      const page = await producer.agent.get("/admin/campaigns").expect(200);
      expect(page.text).toContain(`<h1>${title}</h1>`);
      expect(page.text).toContain(dir);
      expect(page.text).toContain('method="post" action="/admin/campaigns"');
      expect(page.text).toContain(`/admin/assets/campaigns.js?v=`);
    }
  });

  it("creates a link through the form, with field errors in the user's language, and lists it with a copy button", async () => {
    const producer = await signInThroughForm(env, "producer", { locale: "fr" });
    const bad = await producer.agent
      .post("/admin/campaigns")
      .type("form")
      .send({ _csrf: producer.csrf, name: "", target: "episode_page", showId: show.id, episodeId: "", locale: "fr", code: "pas bon" })
      .expect(422);
    expect(bad.text).toContain("Certains champs ne sont pas valides.");
    expect(bad.text).toMatch(/id="f-name-error">[^<]+</);
    expect(bad.text).toMatch(/id="f-episodeId-error">Ce champ est obligatoire\.</);
    expect(bad.text).toMatch(/id="f-code-error">Lettres latines, chiffres/);
    expect(bad.text).toContain('value="pas bon"');

    const name = `<script>alert(1)</script> Radio Tunis`;
    const created = await producer.agent
      .post("/admin/campaigns")
      .type("form")
      .send({ _csrf: producer.csrf, name, target: "episode_page", showId: show.id, episodeId, locale: "fr", code: "radio-tunis" })
      .expect(303);
    const campaign = (await env.ctx.campaigns.list()).find((v) => v.campaign.code === "radio-tunis")!.campaign;
    expect(created.headers.location).toBe(`/admin/campaigns#campaign-${campaign.id}`);
    const list = await producer.agent.get("/admin/campaigns").expect(200);
    expect(list.text).toContain("Le lien de campagne a été créé.");
    expect(list.text).toContain("&lt;script&gt;alert(1)&lt;/script&gt; Radio Tunis");
    expect(list.text).not.toContain("<script>alert(1)");
    expect(list.text).toContain('value="http://sada.test/c/radio-tunis"');
    expect(list.text).toContain(`data-copy="#link-${campaign.id}"`);
    expect(list.text).toContain("Premier épisode");
    expect(list.text).toContain(`data-campaign-downloads="${campaign.id}"`);

    // A taken code lands next to the code field; a show's missing language next to the language.
    const taken = await producer.agent
      .post("/admin/campaigns")
      .type("form")
      .send({ _csrf: producer.csrf, name: "Encore", target: "show_page", showId: show.id, episodeId, locale: "fr", code: "radio-tunis" })
      .expect(409);
    expect(taken.text).toMatch(/id="f-code-error">Le code « radio-tunis » est déjà utilisé/);
    // The episode chosen in the list is ignored for a show page link (not an error).
    const generated = await producer.agent.post("/admin/campaigns").type("form").send({ _csrf: producer.csrf, name: "Affiches", target: "show_page", showId: show.id, episodeId, locale: "ar" }).expect(303);
    expect(generated.headers.location).toMatch(/^\/admin\/campaigns#campaign-/);
  });

  it("counts visits on the page and archives / restores links", async () => {
    const admin = await signInThroughForm(env, "admin", { locale: "en" });
    const { campaign } = await env.ctx.campaigns.create({ name: "Newsletter", target: "feed", showId: show.id, locale: "ar" });
    await env.request().get(`/c/${campaign.code}`).set("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36").expect(302);
    await env.ctx.campaigns.settled();
    const page = await admin.agent.get("/admin/campaigns").expect(200);
    expect(page.text).toMatch(new RegExp(`data-campaign-visits="${campaign.id}">1<`));

    await admin.agent.post(`/admin/campaigns/${campaign.id}`).type("form").send({ _csrf: admin.csrf, archived: "true" }).expect(303);
    const active = await admin.agent.get("/admin/campaigns").expect(200);
    expect(active.text).toContain("The campaign link was archived.");
    expect(active.text).not.toContain(`id="campaign-${campaign.id}"`);
    const archived = await admin.agent.get("/admin/campaigns?status=archived").expect(200);
    expect(archived.text).toContain(`id="campaign-${campaign.id}"`);
    await admin.agent.post(`/admin/campaigns/${campaign.id}`).type("form").send({ _csrf: admin.csrf, archived: "false" }).expect(303);
    expect((await env.ctx.campaigns.get(campaign.id)).campaign.archivedAt).toBeNull();
    // Without the CSRF token nothing changes.
    await admin.agent.post(`/admin/campaigns/${campaign.id}`).type("form").send({ archived: "true" }).expect(403);
    await admin.agent.post(`/admin/campaigns/unknown`).type("form").send({ _csrf: admin.csrf, archived: "true" }).expect(404);
  });

  it("shows analysts the links and their numbers, without the forms, and refuses their posts", async () => {
    const analyst = await signInThroughForm(env, "analyst", { locale: "ar" });
    const page = await analyst.agent.get("/admin/campaigns").expect(200);
    expect(page.text).toContain("radio-tunis");
    expect(page.text).not.toContain('method="post" action="/admin/campaigns"');
    expect(page.text).not.toMatch(/action="\/admin\/campaigns\//);
    expect(page.text).toContain("المنتجون والمسؤولون");
    await analyst.agent.post("/admin/campaigns").type("form").send({ _csrf: analyst.csrf, name: "X", target: "show_page", showId: show.id, locale: "ar" }).expect(403);
    const { campaign } = await env.ctx.campaigns.create({ name: "Kept", target: "show_page", showId: show.id, locale: "ar" });
    await analyst.agent.post(`/admin/campaigns/${campaign.id}`).type("form").send({ _csrf: analyst.csrf, archived: "true" }).expect(403);
    expect((await env.ctx.campaigns.get(campaign.id)).campaign.archivedAt).toBeNull();
  });
});
