import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Worker } from "../../server/jobs/worker.ts";
import { createTestEnv, type TestEnv } from "../support/app.ts";
import { makeAudio } from "../support/audio-fixtures.ts";
import { signInThroughForm, type Agent } from "./support.ts";

let env: TestEnv;
let tmp: string;
beforeAll(async () => {
  env = await createTestEnv();
  tmp = mkdtempSync(path.join(os.tmpdir(), "sada-admin-"));
});
afterAll(async () => {
  await env?.close();
  rmSync(tmp, { recursive: true, force: true });
});

const TITLES = { ar: "أصوات </title><script>alert(1)</script>", fr: "Voix & « libertés »", en: "Voices" };

function showForm(csrf: string, overrides: Record<string, string | string[]> = {}) {
  return {
    _csrf: csrf,
    slug: "voices",
    locales: ["ar", "fr", "en"],
    defaultLocale: "ar",
    categoryChoice: "Society & Culture::Documentary",
    type: "episodic",
    ownerName: "Sada Team",
    ownerEmail: "podcast@example.org",
    copyright: "© 2026",
    "localizations.ar.title": TITLES.ar,
    "localizations.ar.description": "وصف",
    "localizations.ar.author": "فريق صدى",
    "localizations.fr.title": TITLES.fr,
    "localizations.fr.description": "",
    "localizations.fr.author": "",
    "localizations.en.title": TITLES.en,
    "localizations.en.description": "",
    "localizations.en.author": "",
    ...overrides,
  };
}

/** Forms post repeated fields (locales=ar&locales=fr) as browsers do. */
const encode = (form: Record<string, string | string[]>) => {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(form)) for (const v of Array.isArray(value) ? value : [value]) params.append(key, v);
  return params.toString();
};

async function createShow(agent: Agent, csrf: string, overrides: Record<string, string | string[]> = {}) {
  const res = await agent.post("/admin/shows").type("form").send(encode(showForm(csrf, overrides))).expect(303);
  return res.headers.location.split("/").pop()!;
}

describe("admin: shows and episodes", () => {
  it("lists shows for editors only; analysts are refused", async () => {
    const analyst = await signInThroughForm(env, "analyst");
    await analyst.agent.get("/admin/shows").expect(403);
    await analyst.agent.get("/admin/shows/new").expect(403);
    const producer = await signInThroughForm(env, "producer", { lang: "fr" });
    const empty = await producer.agent.get("/admin/shows").expect(200);
    expect(empty.text).toContain("Aucune émission pour l&#39;instant.");
  });

  it("creates a show with its three languages side by side, and shows field errors in the user's language", async () => {
    const { agent, csrf } = await signInThroughForm(env, "producer", { lang: "fr" });
    const form = await agent.get("/admin/shows/new").expect(200);
    // One column per language; labels in the interface language, typing in the column's language and direction.
    expect(form.text.match(/<fieldset class="lang-column">/g)).toHaveLength(3);
    expect(form.text).toMatch(/<input id="f-localizations-ar-title" name="localizations\.ar\.title"[^>]* lang="ar" dir="rtl"/);
    expect(form.text).toMatch(/<input id="f-localizations-fr-title" name="localizations\.fr\.title"[^>]* lang="fr" dir="ltr"/);
    expect(form.text).toMatch(/<label for="f-localizations-en-title">Titre</);

    const bad = await agent
      .post("/admin/shows")
      .type("form")
      .send(encode(showForm(csrf, { slug: "Not A Slug!", ownerEmail: "nope", "localizations.fr.title": "" })))
      .expect(422);
    expect(bad.text).toContain("Certains champs ne sont pas valides.");
    expect(bad.text).toMatch(/id="f-slug-error">[^<]+</);
    expect(bad.text).toMatch(/id="f-ownerEmail-error">[^<]+</);
    expect(bad.text).toMatch(/id="f-localizations-fr-title-error">Trop court ou trop petit/);
    // What was typed comes back, escaped.
    expect(bad.text).toContain("أصوات &lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(bad.text).not.toContain("<script>alert(1)</script>");

    const id = await createShow(agent, csrf);
    const page = await agent.get(`/admin/shows/${id}`).expect(200);
    expect(page.text).toContain("L&#39;émission a été créée.");
    for (const locale of ["ar", "fr", "en"]) expect(page.text).toContain(`value="http://sada.test/feeds/voices/${locale}.xml"`);
    expect(page.text).toContain("Voix &amp; « libertés »");
    expect(page.text).toContain('data-url="/api/v1/shows/' + id + '/artwork"');
    expect(page.text).toMatch(/Apple Podcasts exige une illustration carrée, en JPEG ou PNG, entre 1400 × 1400 et 3000 × 3000 pixels\./);

    // The same slug again: the error sits next to the slug field.
    const duplicate = await agent.post("/admin/shows").type("form").send(encode(showForm(csrf))).expect(409);
    expect(duplicate.text).toMatch(/id="f-slug-error">[^<]*voices/);

    const list = await agent.get("/admin/shows").expect(200);
    expect(list.text).toContain(`href="/admin/shows/${id}"`);
  });

  it("edits a show: texts per language and settings", async () => {
    const { agent, csrf } = await signInThroughForm(env, "producer");
    const id = await createShow(agent, csrf, { slug: "edit-me" });
    await agent
      .post(`/admin/shows/${id}`)
      .type("form")
      .send(encode(showForm(csrf, { slug: "edit-me", "localizations.en.title": "Voices, edited", explicit: "true", locales: ["ar", "en"] })))
      .expect(303);
    const show = await env.ctx.shows.get(id);
    expect(show.show.explicit).toBe(true);
    expect(show.show.locales).toBe("ar,en");
    expect(show.show.localizations.find((l) => l.locale === "en")?.title).toBe("Voices, edited");
  });

  it("creates an episode, refuses to publish it before its audio is ready, then publishes, schedules and unpublishes", async () => {
    const { agent, csrf } = await signInThroughForm(env, "producer", { lang: "ar" });
    const showId = await createShow(agent, csrf, { slug: "episodes-show" });
    const form = await agent.get(`/admin/shows/${showId}/episodes/new`).expect(200);
    expect(form.text).toContain('dir="rtl"');
    const created = await agent
      .post(`/admin/shows/${showId}/episodes`)
      .type("form")
      .send(encode({ _csrf: csrf, slug: "", season: "1", number: "3", type: "full", "variants.ar.title": "الحلقة الثالثة", "variants.ar.summary": "ملخص", "variants.ar.showNotes": "**مرحبا**", "variants.fr.title": "Épisode 3", "variants.en.title": "" }))
      .expect(303);
    const episodeId = created.headers.location.split("/").pop()!;
    const episode = await env.ctx.episodes.get(episodeId);
    expect(episode.variants.map((v) => v.locale).sort()).toEqual(["ar", "fr"]);

    const page = await agent.get(`/admin/episodes/${episodeId}`).expect(200);
    expect(page.text).toContain('data-endpoint="/api/v1/uploads/tus"');
    expect(page.text).toContain('<script src="/admin/assets/vendor/tus.min.js');
    expect(page.text).toContain("مسودة"); // draft
    expect(page.text).toContain("إضافة نسخة لغوية"); // English can still be added

    const refused = await agent.post(`/admin/episodes/${episodeId}/variants/ar/publish`).type("form").send({ _csrf: csrf }).expect(409);
    expect(refused.text).toMatch(/role="alert"[^>]*>\s*<p>[^<]+<\/p>/);

    // Audio through the API (the page's tus widget does the same in a browser; see the e2e test), then the job.
    const wav = await makeAudio(tmp, "ep3", "wav", { seconds: 3, content: "music" });
    await agent.put(`/api/v1/episodes/${episodeId}/variants/ar/audio`).set("X-CSRF-Token", csrf).set("Content-Type", "audio/wav").send(readFileSync(wav)).expect(202);
    const processing = await agent.get(`/admin/episodes/${episodeId}`).expect(200);
    expect(processing.text).toMatch(/data-audio-status="queued"/);
    const worker = new Worker(env.ctx.jobs.repository, env.ctx.jobs, env.ctx.jobHandlers, { clock: env.ctx.clock, logger: env.ctx.logger, concurrency: 1, leaseSeconds: 60 });
    expect(await worker.runOnce()).toBe(true);

    const ready = await agent.get(`/admin/episodes/${episodeId}`).set("Cookie", "digits=latn").expect(200);
    expect(ready.text).toMatch(/data-fact="duration">0:03</);
    expect(ready.text).toMatch(/data-fact="outputLufs">-1[5-7]\.\d LUFS</);
    expect(ready.text).toContain(`src="/admin/episodes/${episodeId}/variants/ar/preview"`);
    // Staff preview, untracked: streamed from local storage, or a redirect to the (presigned) S3 object.
    const preview = await agent.get(`/admin/episodes/${episodeId}/variants/ar/preview`);
    if (env.config.storage.driver === "s3") expect(preview.status === 302 && preview.headers.location).toMatch(/main.*\.mp3/);
    else expect([preview.status, preview.headers["content-type"]]).toEqual([200, "audio/mpeg"]);

    await agent.post(`/admin/episodes/${episodeId}/variants/ar/publish`).type("form").send({ _csrf: csrf }).expect(303);
    const published = await agent.get(`/admin/episodes/${episodeId}`).expect(200);
    expect(published.text).toContain("تم النشر."); // flash
    expect((await env.ctx.episodes.get(episodeId)).variants.find((v) => v.locale === "ar")?.status).toBe("published");
    const feed = await env.request().get("/feeds/episodes-show/ar.xml").expect(200);
    expect(feed.text).toContain("الحلقة الثالثة");

    await agent.post(`/admin/episodes/${episodeId}/variants/ar/unpublish`).type("form").send({ _csrf: csrf }).expect(303);
    expect((await env.ctx.episodes.get(episodeId)).variants.find((v) => v.locale === "ar")?.status).toBe("unpublished");

    // Scheduling reads the typed time in the user's time zone (Tunis is UTC+1 all year).
    await agent.post(`/admin/episodes/${episodeId}/variants/ar/publish`).set("Cookie", "tz=Africa/Tunis").type("form").send({ _csrf: csrf, publishAt: "2099-03-01T09:30" }).expect(303);
    const scheduled = (await env.ctx.episodes.get(episodeId)).variants.find((v) => v.locale === "ar")!;
    expect(scheduled.status).toBe("scheduled");
    expect(scheduled.publishAt?.toISOString()).toBe("2099-03-01T08:30:00.000Z");
  });

  it("edits a language version's texts and adds a missing one, with errors shown on the form", async () => {
    const { agent, csrf } = await signInThroughForm(env, "producer");
    const showId = await createShow(agent, csrf, { slug: "texts-show" });
    const created = await agent.post(`/admin/shows/${showId}/episodes`).type("form").send(encode({ _csrf: csrf, type: "full", "variants.fr.title": "Un" })).expect(303);
    const episodeId = created.headers.location.split("/").pop()!;
    await agent.post(`/admin/episodes/${episodeId}/variants/fr`).type("form").send({ _csrf: csrf, "variants.fr.title": "Un, revu", "variants.fr.summary": "S", "variants.fr.showNotes": "N" }).expect(303);
    expect((await env.ctx.episodes.get(episodeId)).variants[0].title).toBe("Un, revu");
    const empty = await agent.post(`/admin/episodes/${episodeId}/variants/fr`).type("form").send({ _csrf: csrf, "variants.fr.title": "" }).expect(422);
    expect(empty.text).toMatch(/id="f-variants-fr-title-error">[^<]+</);
    await agent.post(`/admin/episodes/${episodeId}/variants`).type("form").send({ _csrf: csrf, locale: "en", title: "One" }).expect(303);
    expect((await env.ctx.episodes.get(episodeId)).variants.map((v) => v.locale).sort()).toEqual(["en", "fr"]);
    const badSeason = await agent.post(`/admin/episodes/${episodeId}`).type("form").send({ _csrf: csrf, slug: "", season: "-4", number: "", type: "full" }).expect(422);
    expect(badSeason.text).toMatch(/id="f-season-error">[^<]+</);
    await agent.get(`/admin/episodes/no-such-episode`).expect(404);
  });
});
