import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import { XMLParser } from "fast-xml-parser";
import Parser from "rss-parser";
import { createTestEnv, type TestEnv } from "../support/app.ts";
import { AudioRepository, type NewRendition } from "../../server/media/audio.repository.ts";
import { audioVersionPrefix } from "../../server/media/media-keys.ts";
import { sha256 } from "./seed.ts";

// Shows and episodes made the way producers make them — through the API — then read back as feeds
// and pages. Only the ffmpeg step is stood in for: renditions are stored and swapped in with the
// audio pipeline's own repository call, exactly as a finished job does.

const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@", parseTagValue: false, isArray: (n) => ["item", "podcast:alternateEnclosure"].includes(n) });

describe("feeds and pages of shows made through the API", () => {
  let env: TestEnv;
  let auth: { Authorization: string };

  beforeAll(async () => {
    env = await createTestEnv({ env: { FEED_RECHECK_MS: "0" } });
    auth = { Authorization: `Bearer ${await env.tokenFor("producer")}` };
  });
  afterAll(() => env?.close());

  /** What a finished audio job leaves behind: stored renditions, the variant "ready". */
  async function finishAudio(variantId: string, showId: string, episodeId: string, locale: string, bytes: number) {
    const repository = new AudioRepository(env.ctx.db.prisma);
    const version = await repository.transaction((tx) => repository.startNewVersion(tx, variantId));
    const prefix = audioVersionPrefix({ showId, episodeId, locale }, version);
    const renditions: NewRendition[] = [];
    for (const [kind, file, mimeType, kbps, size] of [["main", "main.mp3", "audio/mpeg", 128, bytes], ["lowdata", "lowdata.m4a", "audio/mp4", 40, Math.ceil(bytes / 3)]] as const) {
      const data = randomBytes(size);
      const storageKey = `${prefix}/${file}`;
      await env.ctx.storage.put(storageKey, data, { contentType: mimeType });
      renditions.push({ kind, storageKey, mimeType, bitrateKbps: kbps, bytes: size, sha256: sha256(data), durationSeconds: 61.2, id3HeaderBytes: 0 });
    }
    const replaced = await repository.transaction((tx) => repository.replaceRenditions(tx, variantId, version, { durationSeconds: 61.2, inputLufs: -20, outputLufs: -16, truePeakDbtp: -1.5 }, renditions));
    expect(replaced).not.toBeNull();
  }

  it("publishes what producers publish, in every language, with their texts, transcripts and chapters", async () => {
    const created = await env
      .request()
      .post("/api/v1/shows")
      .set(auth)
      .send({
        slug: "temoins",
        locales: ["ar", "fr"],
        defaultLocale: "ar",
        category: "Society & Culture",
        subcategory: "Documentary",
        ownerName: "Équipe Sada",
        ownerEmail: "radio@example.org",
        copyright: "CC BY 4.0",
        localizations: { ar: { title: "شهود", description: "شهادات من المنطقة.", author: "صدى" }, fr: { title: "Témoins", description: "Des témoignages & des voix.", author: "Sada" } },
      });
    expect(created.status).toBe(201);
    const show = created.body;

    const episodeRes = await env
      .request()
      .post(`/api/v1/shows/${show.id}/episodes`)
      .set(auth)
      .send({
        season: 1,
        number: 3,
        variants: {
          ar: { title: "الشاهدة الأولى", summary: "ملخص", showNotes: "**مهم** — [رابط](https://example.org) <script>alert(1)</script>" },
          fr: { title: "Première témoin", summary: "Résumé", showNotes: "Notes *en français*." },
        },
      });
    expect(episodeRes.status).toBe(201);
    const episode = episodeRes.body;
    const ar = episode.variants.ar;
    const fr = episode.variants.fr;

    // Nothing is public before publication.
    expect((await env.request().get("/fr/temoins/episode-3")).status).toBe(404);
    const empty = await new Parser().parseString((await env.request().get("/feeds/temoins/fr.xml")).text);
    expect(empty.items).toEqual([]);

    await finishAudio(ar.id, show.id, episode.id, "ar", 5000);
    await finishAudio(fr.id, show.id, episode.id, "fr", 4000);
    const vtt = "WEBVTT\n\n00:00.000 --> 00:02.000\n<v Amal>Bonjour.\n";
    expect((await env.request().put(`/api/v1/episodes/${episode.id}/variants/fr/transcript`).set(auth).set("Content-Type", "text/vtt").send(vtt)).status).toBe(200);
    const chapters = { version: "1.2.0", chapters: [{ startTime: 0, title: "Début" }, { startTime: 30, title: "Suite", url: "https://example.org/suite" }] };
    expect((await env.request().put(`/api/v1/episodes/${episode.id}/variants/fr/chapters`).set(auth).send(chapters)).status).toBe(200);
    expect((await env.request().post(`/api/v1/episodes/${episode.id}/variants/fr/publish`).set(auth).send({})).status).toBe(200);
    const later = new Date(Date.now() + 3600_000).toISOString();
    const scheduled = await env.request().post(`/api/v1/episodes/${episode.id}/variants/ar/publish`).set(auth).send({ publishAt: later });
    expect(scheduled.status).toBe(200);

    // French: live, with everything the API stored.
    const frFeed = xml.parse((await env.request().get("/feeds/temoins/fr.xml")).text).rss.channel;
    expect(frFeed["podcast:guid"]).toBe(show.localizations.fr.podcastGuid);
    expect(frFeed["itunes:owner"]["itunes:name"]).toBe("Équipe Sada");
    const item = frFeed.item[0];
    expect(item.guid["#text"]).toBe(fr.guid);
    expect(item.title).toBe("Première témoin");
    expect(item["content:encoded"]).toContain("<em>en français</em>");
    expect(item.enclosure["@length"]).toBe("4000");
    expect(item["itunes:episode"]).toBe("3");
    const current = (await env.request().get(`/api/v1/episodes/${episode.id}`).set(auth)).body;
    // The feed and the API hand out the same public addresses.
    expect(item.enclosure["@url"]).toBe(current.variants.fr.audio.renditions.find((r: { kind: string }) => r.kind === "main").url);
    expect(item["podcast:transcript"]["@url"]).toBe(current.variants.fr.transcriptUrl);
    expect(item["podcast:chapters"]["@url"]).toBe(current.variants.fr.chaptersUrl);
    const transcript = await env.request().get(new URL(current.variants.fr.transcriptUrl).pathname);
    expect(transcript.status).toBe(200);
    expect(transcript.text).toContain("Bonjour.");
    // The Arabic version is scheduled: not yet an alternate enclosure, not yet in its feed.
    expect(item["podcast:alternateEnclosure"].some((a: Record<string, string>) => a["@lang"] === "ar")).toBe(false);
    expect(xml.parse((await env.request().get("/feeds/temoins/ar.xml")).text).rss.channel.item).toBeUndefined();

    // The episode page (by the slug the API chose, and by number).
    const page = await env.request().get(`/fr/temoins/${episode.slug}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain("<em>en français</em>");
    expect(page.text).toContain('<strong class="speaker">Amal :</strong> Bonjour.');
    expect(page.text).toContain('<a href="https://example.org/suite" rel="noopener nofollow">Suite</a>');
    expect((await env.request().get("/fr/temoins/3")).status).toBe(200);

    // Publishing Arabic now brings it into both feeds; unpublishing French takes it out.
    await env.request().post(`/api/v1/episodes/${episode.id}/variants/ar/unpublish`).set(auth).expect(200);
    await env.request().post(`/api/v1/episodes/${episode.id}/variants/ar/publish`).set(auth).send({}).expect(200);
    const arItem = xml.parse((await env.request().get("/feeds/temoins/ar.xml")).text).rss.channel.item[0];
    expect(arItem["content:encoded"]).toContain("<strong>مهم</strong>");
    expect(arItem["content:encoded"]).not.toContain("<script");
    expect(arItem["podcast:alternateEnclosure"].find((a: Record<string, string>) => a["@lang"] === "fr")["@length"]).toBe("4000");
    await env.request().post(`/api/v1/episodes/${episode.id}/variants/fr/unpublish`).set(auth).expect(200);
    expect(xml.parse((await env.request().get("/feeds/temoins/fr.xml")).text).rss.channel.item).toBeUndefined();
    expect((await env.request().get(new URL(current.variants.fr.transcriptUrl).pathname)).status).toBe(404);
    expect((await env.request().get(`/fr/temoins/${episode.slug}`)).status).toBe(404);
  });
});
