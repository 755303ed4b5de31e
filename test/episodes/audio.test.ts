import fsp from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../server/adapters/clock.ts";
import { FeedsRepository } from "../../server/feeds/feeds.repository.ts";
import { t } from "../../server/i18n.ts";
import { Worker } from "../../server/jobs/worker.ts";
import { createTestEnv, type TestEnv } from "../support/app.ts";
import { makeAudio, truncated } from "../support/audio-fixtures.ts";
import { showBody, storedKeys } from "../shows/support.ts";

// End to end through the API with the real audio pipeline: a trilingual show, an episode, generated
// recordings uploaded, the worker run, the result read back, published now and on a schedule.

// Starts at the real time: cookie sessions and S3 signatures expire by real clocks too.
const clock = new ManualClock(new Date(Math.ceil(Date.now() / 3600_000) * 3600_000));
let env: TestEnv;
let producer: string;
let fixtures: string;

beforeAll(async () => {
  env = await createTestEnv({ overrides: { clock } });
  producer = `Bearer ${await env.tokenFor("producer")}`;
  fixtures = await fsp.mkdtemp(path.join(env.config.dataDir, "fixtures-"));
});
afterAll(async () => {
  await env?.close();
});

const api = () => env.request();

/** The worker `npm start` runs, driven one job at a time. */
async function runJobs(): Promise<number> {
  const worker = new Worker(env.ctx.jobs.repository, env.ctx.jobs, env.ctx.jobHandlers, {
    clock: env.ctx.clock,
    logger: env.ctx.logger,
    concurrency: 1,
    leaseSeconds: 60,
    backoffBaseMs: 1,
  });
  let ran = 0;
  while (await worker.runOnce()) ran++;
  return ran;
}

describe("a trilingual episode from upload to listeners", () => {
  it("uploads, processes, reports, publishes now and on a schedule", async () => {
    const show = await api().post("/api/v1/shows").set("Authorization", producer).send(showBody());
    expect(show.status).toBe(201);
    const created = await api()
      .post(`/api/v1/shows/${show.body.id}/episodes`)
      .set("Authorization", producer)
      .send({ number: 1, variants: { ar: { title: "الحلقة الأولى" }, fr: { title: "Premier épisode" }, en: { title: "First episode" } } });
    expect(created.status).toBe(201);
    const episodeId = created.body.id;
    const ids = { ar: created.body.variants.ar.id, fr: created.body.variants.fr.id, en: created.body.variants.en.id };

    // Arabic: a WAV as the raw body. French: an MP3 as a form field. English: a recording cut off mid-upload.
    const wav = await makeAudio(fixtures, "ar", "wav", { seconds: 6, gain: 0.3 });
    let res = await api().put(`/api/v1/episodes/${episodeId}/variants/ar/audio`).set("Authorization", producer).set("Content-Type", "audio/wav").send(await fsp.readFile(wav));
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(res.body).toMatchObject({ variantId: ids.ar, audio: { status: "queued", progress: 0, renditions: [] } });
    res = await api()
      .put(`/api/v1/episodes/${episodeId}/variants/fr/audio`)
      .set("Authorization", producer)
      .attach("file", await makeAudio(fixtures, "fr", "mp3", { seconds: 5, channels: 1 }), { filename: "épisode 1.mp3", contentType: "audio/mpeg" });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    res = await api()
      .put(`/api/v1/episodes/${episodeId}/variants/en/audio`)
      .set("Authorization", producer)
      .set("Content-Type", "audio/mpeg")
      .send(await fsp.readFile(await truncated(await makeAudio(fixtures, "en", "mp3", { seconds: 5 }), 0.3)));
    expect(res.status, JSON.stringify(res.body)).toBe(202);

    res = await api().get(`/api/v1/episodes/${episodeId}`).set("Authorization", producer);
    expect(res.body.variants.ar.audio.status).toBe("queued");
    expect(await runJobs()).toBe(3);

    res = await api().get(`/api/v1/episodes/${episodeId}`).set("Authorization", producer).set("Accept-Language", "fr");
    const ar = res.body.variants.ar;
    expect(ar.audio).toMatchObject({ status: "ready", progress: 100, error: null });
    expect(ar.audio.durationSeconds).toBeCloseTo(6, 0);
    expect(ar.audio.loudness.outputLufs).toBeCloseTo(-16, 0);
    expect(ar.audio.loudness.truePeakDbtp).toBeLessThanOrEqual(-1);
    expect(ar.audio.loudness.inputLufs).toBeLessThan(-16);
    const kinds = ar.audio.renditions.map((r: { kind: string }) => r.kind).sort();
    expect(kinds).toEqual(["lowdata", "main"]);
    const main = ar.audio.renditions.find((r: { kind: string }) => r.kind === "main");
    expect(main).toMatchObject({ mimeType: "audio/mpeg", bitrateKbps: 128, url: `http://sada.test/media/${ids.ar}/main.mp3` });
    expect(main.bytes).toBeGreaterThan(50_000);
    expect(main.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(res.body.variants.fr.audio.status).toBe("ready");
    expect(res.body.variants.en.audio).toMatchObject({
      status: "failed",
      renditions: [],
      error: { code: "audio_corrupt", message: t("fr", "errors:audio_corrupt") }, // in the caller's language
    });
    const audioKeys = (await storedKeys(env)).filter((k) => k.startsWith(`shows/${show.body.id}/episodes/${episodeId}/`));
    expect(audioKeys.filter((k) => k.includes("/en/"))).toEqual([]); // the failed one left nothing
    expect((await storedKeys(env)).filter((k) => k.startsWith("uploads/"))).toEqual([]);

    // English cannot go out; Arabic goes out now; French is scheduled in two hours.
    res = await api().post(`/api/v1/episodes/${episodeId}/variants/en/publish`).set("Authorization", producer).send({});
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe("audio_not_ready");
    res = await api().post(`/api/v1/episodes/${episodeId}/variants/ar/publish`).set("Authorization", producer).send({});
    expect(res.body.variants.ar).toMatchObject({ status: "published", publishedAt: clock.now().toISOString() });
    const at = new Date(clock.now().getTime() + 2 * 3600_000).toISOString();
    res = await api().post(`/api/v1/episodes/${episodeId}/variants/fr/publish`).set("Authorization", producer).send({ publishAt: at });
    expect(res.body.variants.fr).toMatchObject({ status: "scheduled", publishAt: at });

    const feeds = new FeedsRepository(env.ctx.db.prisma);
    expect((await feeds.liveVariants(show.body.id, "ar", clock.now())).map((v) => v.guid)).toEqual([created.body.variants.ar.guid]);
    expect(await feeds.liveVariants(show.body.id, "fr", clock.now())).toEqual([]);
    const feed = await api().get(`/feeds/${show.body.slug}/ar.xml`);
    expect(feed.status).toBe(200);
    expect(feed.text).toContain(created.body.variants.ar.guid);

    clock.advance(2 * 3600_000);
    res = await api().get(`/api/v1/shows/${show.body.id}/episodes`).set("Authorization", producer);
    expect(res.body.episodes[0].variants.fr).toMatchObject({ status: "published", publishedAt: at });
    expect((await feeds.liveVariants(show.body.id, "fr", clock.now())).map((v) => v.guid)).toEqual([created.body.variants.fr.guid]);
  });
});
