import { XMLParser } from "fast-xml-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestEnv, type TestEnv } from "../support/app.ts";
import { seedEpisode, seedShow } from "../feeds/seed.ts";
import { generateCampaignCode, GENERATED_CODE_LENGTH } from "../../server/campaigns/campaigns.service.ts";

const BROWSER_UA = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Mobile Safari/537.36";
const OTHER_BROWSER_UA = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1";
const BOT_UA = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";

let env: TestEnv;
let show: { id: string; slug: string };
let otherShow: { id: string; slug: string };
let episodeId: string;
let draftEpisodeId: string;
let editor: Awaited<ReturnType<TestEnv["loginAs"]>>;

beforeAll(async () => {
  // Behind a proxy, so each test request can come from its own address (X-Forwarded-For).
  env = await createTestEnv({ env: { TRUST_PROXY: "true" } });
  show = await seedShow(env.ctx, { artwork: false });
  otherShow = await seedShow(env.ctx, { artwork: false, locales: ["fr"] });
  const published = await seedEpisode(env.ctx, show, { slug: "first", number: 1, variants: [{ locale: "ar", status: "published", publishedAt: new Date("2026-01-01T00:00:00Z") }, { locale: "fr", status: "draft" }] });
  episodeId = published.episode.id;
  draftEpisodeId = (await seedEpisode(env.ctx, show, { slug: "draft", variants: [{ locale: "ar", status: "draft" }] })).episode.id;
  editor = await env.loginAs("producer");
});
afterAll(async () => {
  await env?.close();
});

async function createCampaign(body: Record<string, unknown>) {
  const res = await editor.agent.post("/api/v1/campaigns").send(body).expect(201);
  return res.body;
}

async function visit(code: string, ip: string, userAgent?: string, method: "get" | "head" = "get") {
  const request = env.request()[method](`/c/${code}`).set("X-Forwarded-For", ip);
  if (userAgent !== undefined) request.set("User-Agent", userAgent);
  else request.unset("User-Agent");
  const res = await request;
  await env.ctx.campaigns.settled();
  return res;
}

describe("campaigns API", () => {
  it("generates short, URL-safe, random codes", () => {
    const codes = new Set(Array.from({ length: 2000 }, () => generateCampaignCode()));
    expect(codes.size).toBe(2000);
    for (const code of codes) expect(code).toMatch(new RegExp(`^[0-9A-Za-z]{${GENERATED_CODE_LENGTH}}$`));
    // Every base62 character turns up (no bias towards a subset).
    expect(new Set([...codes].join("")).size).toBe(62);
  });

  it("creates a campaign for a show page, an episode page and a feed, and lists them", async () => {
    const page = await createCampaign({ name: "WhatsApp — March", target: "show_page", showId: show.id, locale: "ar" });
    expect(page).toMatchObject({
      name: "WhatsApp — March",
      target: "show_page",
      showId: show.id,
      episodeId: null,
      locale: "ar",
      archived: false,
      visits: 0,
      targetUrl: `http://sada.test/ar/${show.slug}/`,
    });
    expect(page.code).toMatch(/^[0-9A-Za-z]{8}$/);
    expect(page.url).toBe(`http://sada.test/c/${page.code}`);

    const episode = await createCampaign({ name: "Radio partner Tunis", target: "episode_page", showId: show.id, episodeId, locale: "ar", code: "radio-tunis" });
    expect(episode).toMatchObject({ code: "radio-tunis", episodeId, targetUrl: `http://sada.test/ar/${show.slug}/first`, url: "http://sada.test/c/radio-tunis" });
    const feed = await createCampaign({ name: "Newsletter", target: "feed", showId: show.id, locale: "fr" });
    expect(feed.targetUrl).toBe(`http://sada.test/feeds/${show.slug}/fr.xml`);

    const token = await env.tokenFor("analyst");
    const list = await env.request().get("/api/v1/campaigns").set("Authorization", `Bearer ${token}`).expect(200);
    const ids = list.body.campaigns.map((c: { id: string }) => c.id);
    expect(ids).toEqual(expect.arrayContaining([page.id, episode.id, feed.id]));
    const filtered = await env.request().get(`/api/v1/campaigns?showId=${otherShow.id}`).set("Authorization", `Bearer ${token}`).expect(200);
    expect(filtered.body.campaigns).toEqual([]);
    const one = await env.request().get(`/api/v1/campaigns/${episode.id}`).set("Authorization", `Bearer ${token}`).expect(200);
    expect(one.body).toEqual(episode);
    await env.request().get("/api/v1/campaigns/nope").set("Authorization", `Bearer ${token}`).expect(404);
  });

  it("validates input with field details, 404 for unknown shows and episodes, 409 for a taken code", async () => {
    const bad = await editor.agent
      .post("/api/v1/campaigns")
      .set("Accept-Language", "fr")
      .send({ name: "", target: "podcast", showId: show.id, locale: "de", code: "no spaces!" })
      .expect(422);
    expect(bad.body.error.code).toBe("validation_failed");
    const paths = bad.body.error.details.map((d: { path: string }) => d.path);
    expect(paths).toEqual(expect.arrayContaining(["name", "target", "locale", "code"]));
    expect(bad.body.error.details.find((d: { path: string }) => d.path === "code").message).toBe(
      "Lettres latines, chiffres, « - » et « _ » seulement (64 au plus).",
    );

    const noEpisode = await editor.agent.post("/api/v1/campaigns").send({ name: "X", target: "episode_page", showId: show.id, locale: "ar" }).expect(422);
    expect(noEpisode.body.error.details).toEqual([expect.objectContaining({ path: "episodeId", code: "required" })]);
    const strayEpisode = await editor.agent.post("/api/v1/campaigns").send({ name: "X", target: "feed", showId: show.id, episodeId, locale: "ar" }).expect(422);
    expect(strayEpisode.body.error.details).toEqual([expect.objectContaining({ path: "episodeId", code: "campaign_episode_not_allowed" })]);

    const unknownShow = await editor.agent.post("/api/v1/campaigns").set("Accept-Language", "ar").send({ name: "X", target: "show_page", showId: "missing", locale: "ar" }).expect(404);
    expect(unknownShow.body.error.code).toBe("show_not_found");
    await editor.agent.post("/api/v1/campaigns").send({ name: "X", target: "episode_page", showId: otherShow.id, episodeId, locale: "fr" }).expect(404); // episode of another show
    const locale = await editor.agent.post("/api/v1/campaigns").send({ name: "X", target: "show_page", showId: otherShow.id, locale: "ar" }).expect(422);
    expect(locale.body.error.code).toBe("locale_not_enabled");

    const taken = await editor.agent.post("/api/v1/campaigns").set("Accept-Language", "en").send({ name: "Again", target: "show_page", showId: show.id, locale: "ar", code: "radio-tunis" }).expect(409);
    expect(taken.body.error).toMatchObject({ code: "campaign_code_taken", message: "The code “radio-tunis” is already used by another campaign link." });
    // Nothing half-written.
    expect(await env.ctx.db.prisma.campaign.count({ where: { name: { in: ["X", "Again"] } } })).toBe(0);
  });

  it("lets analysts read but not change; anonymous callers get 401", async () => {
    const analyst = await env.loginAs("analyst");
    const created = await createCampaign({ name: "Posters", target: "show_page", showId: show.id, locale: "fr" });
    await analyst.agent.get("/api/v1/campaigns").expect(200);
    await analyst.agent.post("/api/v1/campaigns").send({ name: "No", target: "show_page", showId: show.id, locale: "fr" }).expect(403);
    await analyst.agent.patch(`/api/v1/campaigns/${created.id}`).send({ archived: true }).expect(403);
    await env.request().get("/api/v1/campaigns").expect(401);
    const admin = await env.loginAs("admin");
    await admin.agent.patch(`/api/v1/campaigns/${created.id}`).send({ name: "Posters (Sfax)" }).expect(200);
  });

  it("renames, archives (hidden by default, still redirecting) and unarchives", async () => {
    const created = await createCampaign({ name: "Old flyer", target: "show_page", showId: show.id, locale: "fr" });
    const archived = await editor.agent.patch(`/api/v1/campaigns/${created.id}`).send({ archived: true, name: "Old flyer 2025" }).expect(200);
    expect(archived.body).toMatchObject({ archived: true, name: "Old flyer 2025" });
    expect(archived.body.archivedAt).toEqual(expect.any(String));
    const active = await editor.agent.get("/api/v1/campaigns").expect(200);
    expect(active.body.campaigns.map((c: { id: string }) => c.id)).not.toContain(created.id);
    const onlyArchived = await editor.agent.get("/api/v1/campaigns?status=archived").expect(200);
    expect(onlyArchived.body.campaigns.map((c: { id: string }) => c.id)).toEqual([created.id]);
    await editor.agent.get("/api/v1/campaigns?status=everything").expect(422);

    const res = await visit(created.code, "80.10.1.1", BROWSER_UA);
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe(`/fr/${show.slug}/?c=${created.code}`);
    expect((await editor.agent.get(`/api/v1/campaigns/${created.id}`).expect(200)).body.visits).toBe(1);

    const back = await editor.agent.patch(`/api/v1/campaigns/${created.id}`).send({ archived: false }).expect(200);
    expect(back.body).toMatchObject({ archived: false, archivedAt: null });
    await editor.agent.patch(`/api/v1/campaigns/${created.id}`).send({ code: "new" }).expect(422); // the code never changes
  });
});

describe("/c/{code}", () => {
  it("redirects to the target with the campaign code, counting one visit per visitor and day", async () => {
    const campaign = await createCampaign({ name: "Counted", target: "episode_page", showId: show.id, episodeId, locale: "ar" });
    const first = await visit(campaign.code, "196.203.76.1", BROWSER_UA);
    expect(first.status).toBe(302);
    expect(first.headers.location).toBe(`/ar/${show.slug}/first?c=${campaign.code}`);
    expect(first.headers["cache-control"]).toBe("no-store");
    // The page the link leads to exists and hands the code to its player.
    const page = await env.request().get(first.headers.location).expect(200);
    expect(page.text).toContain(`c=${campaign.code}`);

    await visit(campaign.code, "196.203.76.1", BROWSER_UA); // same visitor, same day
    await visit(campaign.code, "196.203.76.1", BROWSER_UA);
    await visit(campaign.code, "196.203.76.1", OTHER_BROWSER_UA); // another person on the same network
    await visit(campaign.code, "41.248.1.1", BROWSER_UA);
    // Bots, link previews without a user agent and HEAD requests are redirected but not counted.
    expect((await visit(campaign.code, "8.8.8.8", BOT_UA)).status).toBe(302);
    expect((await visit(campaign.code, "8.8.4.4", undefined)).status).toBe(302);
    expect((await visit(campaign.code, "80.10.1.2", BROWSER_UA, "head")).status).toBe(302);

    const rows = await env.ctx.db.prisma.campaignVisit.findMany({ where: { campaignId: campaign.id } });
    expect(rows).toHaveLength(3);
    expect(rows.map((r) => r.country).sort()).toEqual(["MA", "TN", "TN"]);
    // No address, not even in part, reaches the database: only the keyed hash.
    const stored = JSON.stringify(rows);
    for (const fragment of ["196.203", "41.248", "8.8.8.8", "Mozilla"]) expect(stored).not.toContain(fragment);
    for (const row of rows) expect(row.visitorHash).toMatch(/^[A-Za-z0-9_-]{22}$/);

    const api = await editor.agent.get(`/api/v1/campaigns/${campaign.id}`).expect(200);
    expect(api.body.visits).toBe(3);
    const today = new Date().toISOString().slice(0, 10);
    const list = await editor.agent.get(`/api/v1/campaigns?from=${today}&to=${today}`).expect(200);
    expect(list.body.campaigns.find((c: { id: string }) => c.id === campaign.id).visits).toBe(3);
    const before = await editor.agent.get(`/api/v1/campaigns?from=2020-01-01&to=2020-12-31`).expect(200);
    expect(before.body.campaigns.find((c: { id: string }) => c.id === campaign.id).visits).toBe(0);
    await editor.agent.get(`/api/v1/campaigns?from=2026-02-01&to=2026-01-01`).expect(422);
  });

  it("falls back to the show page when the episode is not public, and answers an unknown code with a page in the visitor's language", async () => {
    const campaign = await createCampaign({ name: "Too early", target: "episode_page", showId: show.id, episodeId: draftEpisodeId, locale: "ar" });
    expect((await visit(campaign.code, "80.10.1.3", BROWSER_UA)).headers.location).toBe(`/ar/${show.slug}/?c=${campaign.code}`);
    const fr = await env.request().get(`/c/${campaign.code}`).set("Accept-Language", "fr").expect(302);
    expect(fr.headers.location).toBe(`/ar/${show.slug}/?c=${campaign.code}`); // the campaign's language, not the visitor's

    const unknown = await env.request().get("/c/doesNotExist").set("Accept-Language", "fr").expect(404);
    expect(unknown.headers["content-type"]).toMatch(/text\/html/);
    expect(unknown.text).toContain('lang="fr"');
    const ar = await env.request().get("/c/also-unknown").set("Accept-Language", "ar").expect(404);
    expect(ar.text).toContain('dir="rtl"');
    await env.request().get("/c/bad%20code").expect(404);
  });

  it("attributes downloads of a feed campaign: the feed it leads to carries the code in its enclosures", async () => {
    const campaign = await createCampaign({ name: "Podcast apps", target: "feed", showId: show.id, locale: "ar" });
    const res = await visit(campaign.code, "193.95.66.10", BROWSER_UA);
    expect(res.headers.location).toBe(`/feeds/${show.slug}/ar.xml?c=${campaign.code}`);
    const parse = (xml: string) => new XMLParser({ ignoreAttributes: false }).parse(xml).rss.channel;

    const campaignFeed = parse((await env.request().get(res.headers.location).expect(200)).text);
    expect(campaignFeed.item.enclosure["@_url"]).toMatch(new RegExp(`^http://sada\\.test/media/[^?]+\\.mp3\\?c=${campaign.code}$`));
    const self = [campaignFeed["atom:link"]].flat().find((l: Record<string, string>) => l["@_rel"] === "self");
    expect(self["@_href"]).toBe(`http://sada.test/feeds/${show.slug}/ar.xml?c=${campaign.code}`);

    // The plain feed is unchanged, and a code that is not a campaign of this show gets the plain feed.
    const plain = (await env.request().get(`/feeds/${show.slug}/ar.xml`).expect(200)).text;
    expect(parse(plain).item.enclosure["@_url"]).not.toContain("?c=");
    const madeUp = (await env.request().get(`/feeds/${show.slug}/ar.xml?c=madeUp123`).expect(200)).text;
    expect(madeUp).toBe(plain);
    const foreign = await createCampaign({ name: "Other show", target: "feed", showId: otherShow.id, locale: "fr" });
    expect((await env.request().get(`/feeds/${show.slug}/ar.xml?c=${foreign.code}`).expect(200)).text).toBe(plain);
  });
});
