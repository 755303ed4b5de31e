import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../server/adapters/clock.ts";
import { FeedsRepository } from "../../server/feeds/feeds.repository.ts";
import { createTestEnv, type TestEnv } from "../support/app.ts";
import { readStored, showBody, storedKeys, tempFiles } from "../shows/support.ts";

// The episodes API without the audio pipeline: variants and their GUIDs, slugs, transcripts,
// chapters, the publication state machine (audio readiness is set directly here; the real
// pipeline runs in audio.test.ts), and who may do what.

// Starts at the real time: cookie sessions expire by the client's clock too.
const clock = new ManualClock(new Date(Math.ceil(Date.now() / 3600_000) * 3600_000));
let env: TestEnv;
let producer: string;
let analyst: string;

beforeAll(async () => {
  env = await createTestEnv({ overrides: { clock } });
  producer = `Bearer ${await env.tokenFor("producer")}`;
  analyst = `Bearer ${await env.tokenFor("analyst")}`;
});
afterAll(async () => {
  await env?.close();
});

const api = () => env.request();
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function createShow(overrides: Record<string, unknown> = {}): Promise<Json> {
  const res = await api().post("/api/v1/shows").set("Authorization", producer).send(showBody(overrides));
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

async function createEpisode(showId: string, body: Record<string, unknown>): Promise<Json> {
  const res = await api().post(`/api/v1/shows/${showId}/episodes`).set("Authorization", producer).send(body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

const trilingual = {
  ar: { title: "الحلقة الرابعة: الكلمة", summary: "ملخص", showNotes: "مع **أمل**" },
  fr: { title: "Épisode 4 : la parole", showNotes: "Avec [le rapport](https://example.org/r)" },
  en: { title: "Episode 4: Speaking out" },
};

/** What the audio pipeline leaves when a recording is processed (see audio.test.ts for the real thing). */
async function markAudioReady(variantId: string) {
  await env.ctx.db.prisma.episodeVariant.update({
    where: { id: variantId },
    data: {
      audioStatus: "ready",
      audioProgress: 100,
      durationSeconds: 12,
      renditions: { create: { kind: "main", storageKey: `x/${variantId}/main.mp3`, mimeType: "audio/mpeg", bitrateKbps: 128, bytes: 1000, sha256: "0".repeat(64), durationSeconds: 12 } },
    },
  });
}

describe("episodes and variants", () => {
  it("creates an episode with one variant per language, each with its own permanent GUID", async () => {
    const show = await createShow();
    const episode = await createEpisode(show.id, { number: 4, season: 1, type: "full", variants: trilingual });
    expect(episode).toMatchObject({ showId: show.id, slug: "s1-episode-4", season: 1, number: 4, type: "full", slugEditable: true });
    expect(Object.keys(episode.variants)).toEqual(["ar", "fr", "en"]);
    const guids = Object.values(episode.variants as Record<string, Json>).map((v) => v.guid);
    expect(new Set(guids).size).toBe(3);
    for (const guid of guids) expect(guid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(episode.variants.fr).toMatchObject({
      locale: "fr",
      title: "Épisode 4 : la parole",
      summary: "",
      status: "draft",
      publishAt: null,
      publishedAt: null,
      transcriptUrl: null,
      chaptersUrl: null,
      audio: { status: "none", progress: 0, error: null, durationSeconds: null, loudness: null, renditions: [] },
    });
    expect(episode.variants.fr.showNotesHtml).toBe('<p>Avec <a href="https://example.org/r" rel="noopener nofollow">le rapport</a></p>');
    expect(episode.variants.ar.showNotesHtml).toBe("<p>مع <strong>أمل</strong></p>");

    const fetched = await api().get(`/api/v1/episodes/${episode.id}`).set("Authorization", producer).expect(200);
    expect(fetched.body).toEqual(episode);
    const list = await api().get(`/api/v1/shows/${show.id}/episodes`).set("Authorization", producer).expect(200);
    expect(list.body.episodes.map((e: Json) => e.id)).toEqual([episode.id]);

    // GUIDs survive every edit.
    const patched = await api()
      .patch(`/api/v1/episodes/${episode.id}`)
      .set("Authorization", producer)
      .send({ variants: { en: { title: "Episode 4: Speaking Out", showNotes: "# Notes" } }, type: "bonus" });
    expect(patched.status).toBe(200);
    expect(patched.body.variants.en).toMatchObject({ title: "Episode 4: Speaking Out", showNotesHtml: "<h3>Notes</h3>", guid: episode.variants.en.guid });
    expect(patched.body.type).toBe("bonus");
  });

  it("makes slugs from the number, else a Latin title, else a short id; never twice in a show", async () => {
    const show = await createShow();
    expect((await createEpisode(show.id, { number: 7, variants: { ar: { title: "سبعة" } } })).slug).toBe("episode-7");
    expect((await createEpisode(show.id, { number: 7, variants: { ar: { title: "سبعة مكرر" } } })).slug).toBe("episode-7-2");
    expect((await createEpisode(show.id, { variants: { ar: { title: "حلقة خاصة" }, fr: { title: "Édition spéciale : été" } } })).slug).toBe("edition-speciale-ete");
    expect((await createEpisode(show.id, { variants: { ar: { title: "حلقة بلا رقم" } } })).slug).toMatch(/^episode-[0-9a-f]{8}$/);
    expect((await createEpisode(show.id, { slug: "my-slug", variants: { en: { title: "Mine" } } })).slug).toBe("my-slug");

    const dup = await api().post(`/api/v1/shows/${show.id}/episodes`).set("Authorization", producer).send({ slug: "my-slug", variants: { en: { title: "Again" } } });
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe("episode_slug_taken");
    const other = await createShow();
    expect((await createEpisode(other.id, { slug: "my-slug", variants: { en: { title: "Elsewhere" } } })).slug).toBe("my-slug"); // unique per show only
  });

  it("refuses variants in languages the show does not enable (422 locale_not_enabled) and empty episodes", async () => {
    const show = await createShow({ locales: ["ar", "fr"], localizations: { ar: { title: "صدى" }, fr: { title: "Écho" } } });
    let res = await api().post(`/api/v1/shows/${show.id}/episodes`).set("Authorization", producer).send({ variants: { en: { title: "Echo" } } });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: "locale_not_enabled" });
    res = await api().post(`/api/v1/shows/${show.id}/episodes`).set("Authorization", producer).send({ variants: {} });
    expect(res.status).toBe(422);
    expect(res.body.error.details[0]).toMatchObject({ path: "variants", code: "variant_required" });

    const episode = await createEpisode(show.id, { variants: { ar: { title: "حلقة" } } });
    res = await api().patch(`/api/v1/episodes/${episode.id}`).set("Authorization", producer).send({ variants: { en: { title: "Echo" } } });
    expect(res.body.error.code).toBe("locale_not_enabled");
    res = await api().put(`/api/v1/episodes/${episode.id}/variants/en/transcript`).set("Authorization", producer).set("Content-Type", "text/vtt").send("WEBVTT\n");
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe("locale_not_enabled");
    res = await api().post(`/api/v1/episodes/${episode.id}/variants/en/publish`).set("Authorization", producer).send({});
    expect(res.body.error.code).toBe("locale_not_enabled");
    res = await api().post(`/api/v1/episodes/${episode.id}/variants/de/publish`).set("Authorization", producer).send({});
    expect(res.body.error.code).toBe("validation_failed");
    res = await api().post(`/api/v1/episodes/${episode.id}/variants/fr/publish`).set("Authorization", producer).send({});
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe("variant_not_found");
  });

  it("adds and removes variants; the last one stays; removing deletes the variant's files", async () => {
    const show = await createShow();
    const episode = await createEpisode(show.id, { variants: { ar: { title: "حلقة" } } });
    let res = await api().patch(`/api/v1/episodes/${episode.id}`).set("Authorization", producer).send({ variants: { fr: { summary: "sans titre" } } });
    expect(res.body.error.code).toBe("variant_title_required");
    res = await api().patch(`/api/v1/episodes/${episode.id}`).set("Authorization", producer).send({ variants: { fr: { title: "Épisode" } } });
    expect(Object.keys(res.body.variants)).toEqual(["ar", "fr"]);
    await api()
      .put(`/api/v1/episodes/${episode.id}/variants/fr/transcript`)
      .set("Authorization", producer)
      .set("Content-Type", "text/vtt")
      .send("WEBVTT\n\n00:00.000 --> 00:01.000\nBonjour\n")
      .expect(200);
    expect((await storedKeys(env)).filter((k) => k.startsWith(`shows/${show.id}/episodes/${episode.id}/fr/`))).toHaveLength(1);
    res = await api().patch(`/api/v1/episodes/${episode.id}`).set("Authorization", producer).send({ variants: { fr: null } });
    expect(Object.keys(res.body.variants)).toEqual(["ar"]);
    expect((await storedKeys(env)).filter((k) => k.startsWith(`shows/${show.id}/episodes/${episode.id}/`))).toEqual([]);
    res = await api().patch(`/api/v1/episodes/${episode.id}`).set("Authorization", producer).send({ variants: { ar: null } });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe("variant_required");
  });

  it("answers 404 for unknown episodes", async () => {
    for (const request of [
      api().get("/api/v1/episodes/nope"),
      api().patch("/api/v1/episodes/nope").send({ number: 1 }),
      api().delete("/api/v1/episodes/nope"),
      api().put("/api/v1/episodes/nope/variants/ar/transcript").set("Content-Type", "text/vtt").send("WEBVTT\n"),
      api().put("/api/v1/episodes/nope/variants/ar/chapters").send({ version: "1.2.0", chapters: [{ startTime: 0 }] }),
      api().put("/api/v1/episodes/nope/variants/ar/audio").set("Content-Type", "audio/mpeg").send(Buffer.alloc(100)),
      api().post("/api/v1/episodes/nope/variants/ar/publish").send({}),
      api().post("/api/v1/episodes/nope/variants/ar/unpublish"),
    ]) {
      const res = await request.set("Authorization", producer);
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe("episode_not_found");
    }
    const show = await createShow();
    const res = await api().post(`/api/v1/shows/nope/episodes`).set("Authorization", producer).send({ variants: { ar: { title: "x" } } });
    expect(res.body.error.code).toBe("show_not_found");
    expect((await api().get(`/api/v1/shows/${show.id}/episodes`).set("Authorization", producer)).body).toEqual({ episodes: [] });
  });

  it("deletes an episode with all its files", async () => {
    const show = await createShow();
    const episode = await createEpisode(show.id, { variants: { ar: { title: "حلقة" }, en: { title: "Episode" } } });
    await api()
      .put(`/api/v1/episodes/${episode.id}/variants/en/chapters`)
      .set("Authorization", producer)
      .send({ version: "1.2.0", chapters: [{ startTime: 0, title: "Intro" }] })
      .expect(200);
    await env.ctx.storage.put(`uploads/${episode.variants.ar.id}/pending`, "x", { contentType: "application/octet-stream" });
    await api().delete(`/api/v1/episodes/${episode.id}`).set("Authorization", producer).expect(204);
    await api().get(`/api/v1/episodes/${episode.id}`).set("Authorization", producer).expect(404);
    const keys = await storedKeys(env);
    expect(keys.filter((k) => k.includes(episode.id) || k.startsWith(`uploads/${episode.variants.ar.id}/`))).toEqual([]);
  });
});

describe("transcripts and chapters", () => {
  it("stores WebVTT as sent and SRT (raw or multipart) as WebVTT; a new upload replaces the old file", async () => {
    const show = await createShow();
    const episode = await createEpisode(show.id, { variants: { fr: { title: "Épisode" } } });
    const url = `/api/v1/episodes/${episode.id}/variants/fr/transcript`;
    const vtt = "WEBVTT\n\n00:00.000 --> 00:01.500\n<v Amal>Bonjour à toutes et à tous</v>\n";
    let res = await api().put(url).set("Authorization", producer).set("Content-Type", "text/vtt").send(vtt);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const firstUrl = res.body.variants.fr.transcriptUrl;
    expect(firstUrl).toMatch(new RegExp(`^http://sada\\.test/files/variants/${episode.variants.fr.id}/[\\w-]+/transcript\\.vtt$`));
    const firstKey = (await env.ctx.db.prisma.episodeVariant.findUniqueOrThrow({ where: { id: episode.variants.fr.id } })).transcriptKey!;
    expect((await readStored(env, firstKey)).toString()).toBe(vtt);

    const srt = "1\r\n00:00:00,000 --> 00:00:01,500\r\nBonjour\r\n";
    res = await api().put(url).set("Authorization", producer).attach("file", Buffer.from(srt), { filename: "episode.srt", contentType: "application/x-subrip" });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.variants.fr.transcriptUrl).not.toBe(firstUrl);
    const secondKey = (await env.ctx.db.prisma.episodeVariant.findUniqueOrThrow({ where: { id: episode.variants.fr.id } })).transcriptKey!;
    expect((await readStored(env, secondKey)).toString()).toBe("WEBVTT\n\n1\n00:00:00.000 --> 00:00:01.500\nBonjour\n");
    expect(await env.ctx.storage.head(firstKey)).toBeNull(); // replaced, not orphaned

    res = await api().delete(url).set("Authorization", producer);
    expect(res.body.variants.fr.transcriptUrl).toBeNull();
    expect(await env.ctx.storage.head(secondKey)).toBeNull();
  });

  it("refuses invalid transcripts with 422 transcript_invalid (line and reason, translated), storing nothing", async () => {
    const show = await createShow();
    const episode = await createEpisode(show.id, { variants: { fr: { title: "Épisode" } } });
    const res = await api()
      .put(`/api/v1/episodes/${episode.id}/variants/fr/transcript`)
      .set("Authorization", producer)
      .set("Accept-Language", "ar")
      .set("Content-Type", "text/vtt")
      .send("WEBVTT\n\n00:00.000 --> 00:01.000\nok\n\n00:01.000 --> 00:00.500\nbackwards\n");
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({
      code: "transcript_invalid",
      message: "ملف النص المفرّغ ليس بصيغة WebVTT صالحة ولا بصيغة SRT صالحة.",
      details: [{ path: "transcript", code: "transcript_end_before_start", line: 6, message: "السطر 6: ينتهي المقطع قبل أن يبدأ." }],
    });
    const binary = await api().put(`/api/v1/episodes/${episode.id}/variants/fr/transcript`).set("Authorization", producer).set("Content-Type", "application/octet-stream").send(Buffer.from([0xff, 0xfe, 0, 0x57]));
    expect(binary.status).toBe(422);
    expect((await storedKeys(env)).filter((k) => k.includes(episode.id))).toEqual([]);
    expect(await tempFiles(env)).toEqual([]);
  });

  it("stores valid chapters (JSON body or a chapters file) and refuses invalid ones with 422 chapters_invalid", async () => {
    const show = await createShow();
    const episode = await createEpisode(show.id, { variants: { en: { title: "Episode" } } });
    const url = `/api/v1/episodes/${episode.id}/variants/en/chapters`;
    const chapters = { version: "1.2.0", chapters: [{ startTime: 0, title: "Intro" }, { startTime: 90.5, title: "Interview", url: "https://example.org" }] };
    let res = await api().put(url).set("Authorization", producer).send(chapters);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.variants.en.chaptersUrl).toMatch(/\/chapters\.json$/);
    let key = (await env.ctx.db.prisma.episodeVariant.findUniqueOrThrow({ where: { id: episode.variants.en.id } })).chaptersKey!;
    expect(JSON.parse((await readStored(env, key)).toString())).toEqual(chapters);

    res = await api().put(url).set("Authorization", producer).set("Content-Type", "application/json+chapters").send(JSON.stringify({ ...chapters, chapters: [{ startTime: 3 }] }));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(await env.ctx.storage.head(key)).toBeNull();
    key = (await env.ctx.db.prisma.episodeVariant.findUniqueOrThrow({ where: { id: episode.variants.en.id } })).chaptersKey!;

    res = await api().put(url).set("Authorization", producer).send({ version: "1.2.0", chapters: [{ startTime: 10 }, { startTime: 5 }] });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: "chapters_invalid", details: [{ path: "chapters.1.startTime", code: "chapters_out_of_order" }] });
    res = await api().put(url).set("Authorization", producer).set("Content-Type", "application/json+chapters").send("{ not json");
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe("chapters_invalid");
    res = await api().put(url).set("Authorization", producer).attach("file", Buffer.from('{"chapters": []}'), { filename: "chapters.json", contentType: "application/json" });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe("chapters_invalid");
    // The stored file is untouched by refused uploads.
    expect((await env.ctx.db.prisma.episodeVariant.findUniqueOrThrow({ where: { id: episode.variants.en.id } })).chaptersKey).toBe(key);
    expect((await storedKeys(env)).filter((k) => k.includes(episode.id))).toEqual([key]);
  });
});

describe("publication", () => {
  it("refuses to publish before the audio is ready (409 audio_not_ready)", async () => {
    const show = await createShow();
    const episode = await createEpisode(show.id, { variants: { ar: { title: "حلقة" } } });
    const res = await api().post(`/api/v1/episodes/${episode.id}/variants/ar/publish`).set("Authorization", producer).send({});
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe("audio_not_ready");
    for (const audioStatus of ["queued", "processing", "failed"]) {
      await env.ctx.db.prisma.episodeVariant.update({ where: { id: episode.variants.ar.id }, data: { audioStatus } });
      const again = await api().post(`/api/v1/episodes/${episode.id}/variants/ar/publish`).set("Authorization", producer).send({});
      expect(again.body.error.code).toBe("audio_not_ready");
    }
  });

  it("publishes now, unpublishes, republishes with the first date; locks the slugs", async () => {
    const show = await createShow();
    const episode = await createEpisode(show.id, { number: 1, variants: { ar: { title: "حلقة" }, en: { title: "Episode" } } });
    await markAudioReady(episode.variants.ar.id);
    const url = (action: string) => `/api/v1/episodes/${episode.id}/variants/ar/${action}`;
    const publishedAt = clock.now().toISOString();
    let res = await api().post(url("publish")).set("Authorization", producer).send({});
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.variants.ar).toMatchObject({ status: "published", publishedAt, publishAt: null });
    expect(res.body.variants.en.status).toBe("draft");
    expect(res.body.slugEditable).toBe(false);
    expect((await api().post(url("publish")).set("Authorization", producer).send({})).body.error.code).toBe("variant_already_published");

    const live = new FeedsRepository(env.ctx.db.prisma);
    expect((await live.liveVariants(show.id, "ar", clock.now())).map((v) => v.id)).toEqual([episode.variants.ar.id]);

    res = await api().patch(`/api/v1/episodes/${episode.id}`).set("Authorization", producer).send({ slug: "renamed" });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe("episode_slug_locked");
    res = await api().patch(`/api/v1/shows/${show.id}`).set("Authorization", producer).send({ slug: `${show.slug}-2` });
    expect(res.body.error.code).toBe("slug_locked");

    clock.advance(3600_000);
    res = await api().post(url("unpublish")).set("Authorization", producer);
    expect(res.body.variants.ar).toMatchObject({ status: "unpublished", publishedAt });
    expect(await live.liveVariants(show.id, "ar", clock.now())).toEqual([]);
    expect((await api().post(url("unpublish")).set("Authorization", producer)).body.error.code).toBe("variant_not_published");

    clock.advance(3600_000);
    res = await api().post(url("publish")).set("Authorization", producer).send({});
    expect(res.body.variants.ar).toMatchObject({ status: "published", publishedAt }); // the first date stays
    expect((await api().post(`/api/v1/episodes/${episode.id}/variants/en/unpublish`).set("Authorization", producer)).body.error.code).toBe("variant_not_published");
  });

  it("schedules a future publication that goes live at its time without anything running", async () => {
    const show = await createShow();
    const episode = await createEpisode(show.id, { variants: { fr: { title: "Épisode" } } });
    await markAudioReady(episode.variants.fr.id);
    const at = new Date(clock.now().getTime() + 2 * 3600_000);
    let res = await api().post(`/api/v1/episodes/${episode.id}/variants/fr/publish`).set("Authorization", producer).send({ publishAt: at.toISOString() });
    expect(res.body.variants.fr).toMatchObject({ status: "scheduled", publishAt: at.toISOString(), publishedAt: null });
    const live = new FeedsRepository(env.ctx.db.prisma);
    expect(await live.liveVariants(show.id, "fr", clock.now())).toEqual([]);

    clock.set(new Date(at.getTime() + 1000));
    res = await api().get(`/api/v1/episodes/${episode.id}`).set("Authorization", producer);
    expect(res.body.variants.fr).toMatchObject({ status: "published", publishedAt: at.toISOString() });
    expect((await live.liveVariants(show.id, "fr", clock.now())).map((v) => v.id)).toEqual([episode.variants.fr.id]);
    expect((await env.ctx.db.prisma.episodeVariant.findUniqueOrThrow({ where: { id: episode.variants.fr.id } })).status).toBe("scheduled"); // nothing rewrote it

    res = await api().post(`/api/v1/episodes/${episode.id}/variants/fr/unpublish`).set("Authorization", producer);
    expect(res.body.variants.fr).toMatchObject({ status: "unpublished", publishedAt: at.toISOString(), publishAt: null });
  });

  it("reschedules, or takes a scheduled variant that never went out back to draft; backdates on request", async () => {
    const show = await createShow();
    const episode = await createEpisode(show.id, { variants: { en: { title: "Episode" } } });
    await markAudioReady(episode.variants.en.id);
    const url = (action: string) => `/api/v1/episodes/${episode.id}/variants/en/${action}`;
    const later = new Date(clock.now().getTime() + 86_400_000).toISOString();
    const evenLater = new Date(clock.now().getTime() + 2 * 86_400_000).toISOString();
    await api().post(url("publish")).set("Authorization", producer).send({ publishAt: later }).expect(200);
    let res = await api().post(url("publish")).set("Authorization", producer).send({ publishAt: evenLater });
    expect(res.body.variants.en).toMatchObject({ status: "scheduled", publishAt: evenLater });
    res = await api().post(url("unpublish")).set("Authorization", producer);
    expect(res.body.variants.en).toMatchObject({ status: "draft", publishAt: null, publishedAt: null });
    expect(res.body.slugEditable).toBe(true);

    const past = "2025-06-01T08:00:00.000Z";
    res = await api().post(url("publish")).set("Authorization", producer).send({ publishAt: "2025-06-01T10:00:00+02:00" });
    expect(res.body.variants.en).toMatchObject({ status: "published", publishedAt: past, publishAt: null });
    res = await api().post(url("publish")).set("Authorization", producer).send({ publishAt: "tomorrow" });
    expect(res.status).toBe(422);
  });
});

describe("access", () => {
  it("lets analysts read episodes but change nothing; 401 without credentials", async () => {
    const show = await createShow();
    const episode = await createEpisode(show.id, { variants: { ar: { title: "حلقة" } } });
    await api().get(`/api/v1/shows/${show.id}/episodes`).set("Authorization", analyst).expect(200);
    await api().get(`/api/v1/episodes/${episode.id}`).set("Authorization", analyst).expect(200);
    const writes = () => [
      api().post(`/api/v1/shows/${show.id}/episodes`).send({ variants: { ar: { title: "x" } } }),
      api().patch(`/api/v1/episodes/${episode.id}`).send({ number: 2 }),
      api().delete(`/api/v1/episodes/${episode.id}`),
      api().put(`/api/v1/episodes/${episode.id}/variants/ar/audio`).set("Content-Type", "audio/wav").send(Buffer.alloc(64)),
      api().put(`/api/v1/episodes/${episode.id}/variants/ar/transcript`).set("Content-Type", "text/vtt").send("WEBVTT\n"),
      api().put(`/api/v1/episodes/${episode.id}/variants/ar/chapters`).send({ version: "1", chapters: [{ startTime: 0 }] }),
      api().post(`/api/v1/episodes/${episode.id}/variants/ar/publish`).send({}),
      api().post(`/api/v1/episodes/${episode.id}/variants/ar/unpublish`),
    ];
    for (const request of writes()) expect((await request.set("Authorization", analyst)).status).toBe(403);
    for (const request of writes()) expect((await request).status).toBe(401);
    await api().get(`/api/v1/episodes/${episode.id}`).expect(401);
    const { agent } = await env.loginAs("producer");
    const res = await agent.patch(`/api/v1/episodes/${episode.id}`).set("X-CSRF-Token", "").send({ number: 2 });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe("csrf_invalid");
    expect((await agent.patch(`/api/v1/episodes/${episode.id}`).send({ number: 2 })).status).toBe(200);
  });
});
