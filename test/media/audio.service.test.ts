import { createHash, randomUUID } from "node:crypto";
import fsp from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import sharp from "sharp";
import type { Storage } from "../../server/adapters/storage/storage.ts";
import { Worker } from "../../server/jobs/worker.ts";
import { processArtwork } from "../../server/media/artwork.ts";
import { AudioRepository } from "../../server/media/audio.repository.ts";
import { AUDIO_QUEUE, AudioService, type AudioJobPayload } from "../../server/media/audio.service.ts";
import { JobHandlers } from "../../server/jobs/registry.ts";
import { ffmpeg, makeAudio, truncated } from "../support/audio-fixtures.ts";
import { createTestEnv, type TestEnv } from "../support/app.ts";
import { rejection, storedKeys, tempFiles } from "../support/inspect.ts";

// The audio pipeline end to end, minus HTTP: upload accepted → job → worker → renditions in
// storage and in the database, on the configured database and storage driver.

let env: TestEnv;
let fixtures: string;

beforeAll(async () => {
  env = await createTestEnv({ env: { MAX_AUDIO_SECONDS: "30" } });
  fixtures = await fsp.mkdtemp(path.join(env.config.dataDir, "fixtures-"));
});
afterAll(async () => {
  await env?.close();
});

function newWorker(handlers = env.ctx.jobHandlers) {
  return new Worker(env.ctx.jobs.repository, env.ctx.jobs, handlers, {
    clock: env.ctx.clock,
    logger: env.ctx.logger,
    concurrency: 1,
    leaseSeconds: 30,
    pollMs: 50,
    backoffBaseMs: 1,
  });
}

/** A show (optionally with artwork) with one episode and its French variant. */
async function createVariant(options: { artwork?: boolean } = {}) {
  const prisma = env.ctx.db.prisma;
  const show = await prisma.show.create({
    data: {
      slug: `show-${randomUUID().slice(0, 8)}`,
      locales: "fr,ar",
      defaultLocale: "fr",
      category: "News",
      ownerName: "Sada",
      ownerEmail: "owner@example.org",
      copyright: "CC BY 4.0",
      podcastGuid: randomUUID(),
      localizations: { create: [{ locale: "fr", title: "Voix libres", author: "Équipe Sada" }] },
    },
  });
  if (options.artwork) {
    const cover = path.join(fixtures, `cover-${show.id}.png`);
    await sharp({ create: { width: 1400, height: 1400, channels: 3, background: "#2e86de" } }).png().toFile(cover);
    const stored = await processArtwork(env.ctx.storage, { target: { showId: show.id }, version: 1, sourcePath: cover });
    await prisma.show.update({ where: { id: show.id }, data: { artworkKey: stored.prefix, artworkVersion: 1 } });
  }
  const episode = await prisma.episode.create({ data: { showId: show.id, slug: "ep-1", number: 4 } });
  const variant = await prisma.episodeVariant.create({ data: { episodeId: episode.id, locale: "fr", guid: randomUUID(), title: "Épisode 4 : la parole" } });
  return { show, episode, variant };
}


const underVariant = (keys: string[], variantFolder: string) => keys.filter((k) => k.startsWith(variantFolder));

async function sha256Of(storage: Storage, key: string) {
  const hash = createHash("sha256");
  for await (const chunk of (await storage.get(key)) as AsyncIterable<Buffer>) hash.update(chunk);
  return hash.digest("hex");
}

describe("audio upload → job → renditions", () => {
  it("processes an upload: renditions stored and recorded, figures and progress, source removed", async () => {
    const { show, episode, variant } = await createVariant({ artwork: true });
    const source = await makeAudio(fixtures, "episode", "wav", { seconds: 20, gain: 0.3 });
    const accepted = await env.ctx.audio.acceptAudioUpload({ variantId: variant.id, sourcePath: source, originalName: "épisode 4.wav", contentType: "audio/wav" });
    expect(accepted.audioVersion).toBe(1);
    await expect(fsp.access(source)).rejects.toThrow(); // consumed
    const queued = await env.ctx.db.prisma.episodeVariant.findUniqueOrThrow({ where: { id: variant.id } });
    expect(queued).toMatchObject({ audioStatus: "queued", audioProgress: 0, audioVersion: 1 });
    const job = await env.ctx.jobs.get(accepted.jobId);
    const payload = JSON.parse(job!.payload) as AudioJobPayload;
    expect(job).toMatchObject({ queue: AUDIO_QUEUE, status: "queued" });
    expect(payload).toMatchObject({ variantId: variant.id, audioVersion: 1 });
    expect(payload.sourceKey).toMatch(new RegExp(`^uploads/${variant.id}/[0-9a-f-]{36}$`));
    expect(await env.ctx.storage.head(payload.sourceKey)).not.toBeNull();

    // Watch the variant while the worker runs.
    const seen = new Set<string>();
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        const v = await env.ctx.db.prisma.episodeVariant.findUniqueOrThrow({ where: { id: variant.id } });
        seen.add(`${v.audioStatus}:${v.audioProgress}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    expect(await newWorker().runOnce()).toBe(true);
    watching = false;
    await watcher;
    const intermediate = [...seen].filter((s) => s.startsWith("processing:")).map((s) => Number(s.split(":")[1]));
    expect(intermediate.some((p) => p > 0 && p < 100)).toBe(true);

    const ready = await env.ctx.db.prisma.episodeVariant.findUniqueOrThrow({ where: { id: variant.id }, include: { renditions: { orderBy: { kind: "asc" } } } });
    expect(ready).toMatchObject({ audioStatus: "ready", audioProgress: 100, audioErrorCode: null, audioErrorMessage: null });
    expect(ready.durationSeconds!).toBeCloseTo(20, 0);
    expect(ready.inputLufs!).toBeLessThan(-20);
    expect(Math.abs(ready.outputLufs! + 16)).toBeLessThanOrEqual(1);
    expect(ready.truePeakDbtp!).toBeLessThanOrEqual(-1);
    expect(await env.ctx.jobs.get(accepted.jobId)).toMatchObject({ status: "succeeded", progress: 100, attempts: 1 });

    const folder = `shows/${show.id}/episodes/${episode.id}/fr/v1`;
    const [low, main] = ready.renditions;
    expect(main).toMatchObject({ kind: "main", storageKey: `${folder}/main.mp3`, mimeType: "audio/mpeg", bitrateKbps: 128 });
    expect(low).toMatchObject({ kind: "lowdata", storageKey: `${folder}/lowdata.m4a`, mimeType: "audio/mp4", id3HeaderBytes: 0 });
    for (const rendition of ready.renditions) {
      const head = await env.ctx.storage.head(rendition.storageKey);
      expect(head?.size).toBe(rendition.bytes);
      expect(await sha256Of(env.ctx.storage, rendition.storageKey)).toBe(rendition.sha256);
      expect(rendition.durationSeconds).toBeCloseTo(20, 0);
    }
    // ID3: tags from the show and episode, and the show's artwork as the attached picture.
    const local = path.join(fixtures, "main-copy.mp3");
    const chunks: Buffer[] = [];
    for await (const chunk of (await env.ctx.storage.get(main!.storageKey)) as AsyncIterable<Buffer>) chunks.push(chunk);
    await fsp.writeFile(local, Buffer.concat(chunks));
    const probe = await ffmpeg.probe(local);
    expect(probe.tags).toMatchObject({ title: "Épisode 4 : la parole", album: "Voix libres", artist: "Équipe Sada", track: "4", language: "fra" });
    expect(probe.hasAttachedPicture).toBe(true);
    expect(main!.id3HeaderBytes).toBeGreaterThan(10_000); // the 1400 px JPEG is inside the tag

    // Nothing left but the renditions (and the artwork): the upload is gone.
    expect(await env.ctx.storage.head(payload.sourceKey)).toBeNull();
    expect(underVariant(await storedKeys(env), `shows/${show.id}/episodes/`)).toEqual([`${folder}/lowdata.m4a`, `${folder}/main.mp3`]);
    expect(await tempFiles(env)).toEqual([]);
  });

  it("a truncated re-upload fails with audio_corrupt and leaves the previous audio intact and nothing else", async () => {
    const { show, episode, variant } = await createVariant();
    await env.ctx.audio.acceptAudioUpload({ variantId: variant.id, sourcePath: await makeAudio(fixtures, "good", "mp3", { seconds: 6 }) });
    await newWorker().runOnce();
    const before = await env.ctx.db.prisma.rendition.findMany({ where: { variantId: variant.id }, orderBy: { kind: "asc" } });
    expect(before).toHaveLength(2);
    const keysBefore = await storedKeys(env);

    for (const format of ["wav", "flac"] as const) {
      const cut = await truncated(await makeAudio(fixtures, `damaged-${format}`, format, { seconds: 6 }));
      const accepted = await env.ctx.audio.acceptAudioUpload({ variantId: variant.id, sourcePath: cut });
      await newWorker().runOnce();
      const job = await env.ctx.jobs.get(accepted.jobId);
      expect(job).toMatchObject({ status: "failed", attempts: 1, lastErrorCode: "audio_corrupt" });
      const failed = await env.ctx.db.prisma.episodeVariant.findUniqueOrThrow({ where: { id: variant.id }, include: { renditions: { orderBy: { kind: "asc" } } } });
      expect(failed).toMatchObject({ audioStatus: "failed", audioErrorCode: "audio_corrupt", audioVersion: accepted.audioVersion });
      expect(failed.audioErrorMessage).toMatch(/damaged or incomplete/);
      // Previous audio: same rows, same bytes, still playable.
      expect(failed.renditions).toEqual(before);
      for (const r of before) expect(await sha256Of(env.ctx.storage, r.storageKey)).toBe(r.sha256);
      // Storage: exactly what was there before (no partial renditions, no leftover upload).
      expect(await storedKeys(env)).toEqual(keysBefore);
      expect(underVariant(keysBefore, `shows/${show.id}/episodes/${episode.id}/fr/`)).toEqual(before.map((r) => r.storageKey).sort());
    }
    expect(await tempFiles(env)).toEqual([]);
  });

  it("rejects a text file named .mp3 with 415, and a too-long recording with 422, changing nothing", async () => {
    const { variant } = await createVariant();
    const fake = path.join(fixtures, "fake.mp3");
    await fsp.writeFile(fake, "not audio at all\n".repeat(200));
    const jobsBefore = await env.ctx.db.prisma.job.count();
    const keysBefore = await storedKeys(env);
    expect(await rejection(env.ctx.audio.acceptAudioUpload({ variantId: variant.id, sourcePath: fake, contentType: "audio/mpeg" }))).toMatchObject({
      code: "unsupported_media",
      status: 415,
    });
    await expect(fsp.access(fake)).rejects.toThrow();

    const long = await makeAudio(fixtures, "long", "flac", { seconds: 31, content: "music" });
    expect(await rejection(env.ctx.audio.acceptAudioUpload({ variantId: variant.id, sourcePath: long }))).toMatchObject({
      code: "audio_too_long",
      status: 422,
      params: { seconds: 31, maxSeconds: 30 },
    });
    await expect(fsp.access(long)).rejects.toThrow();

    expect(await env.ctx.db.prisma.episodeVariant.findUniqueOrThrow({ where: { id: variant.id } })).toMatchObject({ audioStatus: "none", audioVersion: 0 });
    expect(await env.ctx.db.prisma.job.count()).toBe(jobsBefore);
    expect(await storedKeys(env)).toEqual(keysBefore);
  });

  it("a newer upload supersedes a queued one: the older job ends without touching the variant", async () => {
    const { show, episode, variant } = await createVariant();
    const first = await env.ctx.audio.acceptAudioUpload({ variantId: variant.id, sourcePath: await makeAudio(fixtures, "first", "ogg", { seconds: 5 }) });
    const second = await env.ctx.audio.acceptAudioUpload({ variantId: variant.id, sourcePath: await makeAudio(fixtures, "second", "m4a", { seconds: 5 }) });
    expect(second.audioVersion).toBe(first.audioVersion + 1);
    const worker = newWorker();
    while (await worker.runOnce());
    expect(await env.ctx.jobs.get(first.jobId)).toMatchObject({ status: "succeeded" });
    const ready = await env.ctx.db.prisma.episodeVariant.findUniqueOrThrow({ where: { id: variant.id }, include: { renditions: true } });
    expect(ready).toMatchObject({ audioStatus: "ready", audioVersion: second.audioVersion });
    const folder = `shows/${show.id}/episodes/${episode.id}/fr/v${second.audioVersion}/`;
    expect(ready.renditions.every((r) => r.storageKey.startsWith(folder))).toBe(true);
    const keys = await storedKeys(env);
    expect(keys.filter((k) => k.startsWith(`uploads/${variant.id}/`))).toEqual([]);
    expect(underVariant(keys, `shows/${show.id}/`)).toEqual([`${folder}lowdata.m4a`, `${folder}main.mp3`]);
  });

  it("replacing ready audio deletes the previous version's files after the swap", async () => {
    const { variant } = await createVariant();
    const worker = newWorker();
    await env.ctx.audio.acceptAudioUpload({ variantId: variant.id, sourcePath: await makeAudio(fixtures, "v1", "wav", { seconds: 5 }) });
    await worker.runOnce();
    const v1 = await env.ctx.db.prisma.rendition.findMany({ where: { variantId: variant.id } });
    await env.ctx.audio.acceptAudioUpload({ variantId: variant.id, sourcePath: await makeAudio(fixtures, "v2", "aiff", { seconds: 5 }) });
    await worker.runOnce();
    const v2 = await env.ctx.db.prisma.rendition.findMany({ where: { variantId: variant.id } });
    expect(v2.every((r) => r.storageKey.includes("/v2/"))).toBe(true);
    for (const old of v1) expect(await env.ctx.storage.head(old.storageKey)).toBeNull();
  });

  it("an attempt that fails while storing leaves nothing; the retry succeeds", async () => {
    const { show, episode, variant } = await createVariant();
    // The real storage, with one injected failure: the second rendition's upload breaks once.
    let failures = 1;
    const flaky: Storage = Object.assign(Object.create(env.ctx.storage) as Storage, {
      putFile: async (key: string, file: string, opts: Parameters<Storage["putFile"]>[2]) => {
        if (key.endsWith("lowdata.m4a") && failures-- > 0) throw new Error("connection reset while uploading");
        return env.ctx.storage.putFile(key, file, opts);
      },
    });
    const audio = new AudioService({
      repository: new AudioRepository(env.ctx.db.prisma),
      storage: flaky,
      ffmpeg: env.ctx.ffmpeg,
      queue: env.ctx.jobs,
      logger: env.ctx.logger,
      config: env.config,
    });
    const handlers = new JobHandlers();
    handlers.register(AUDIO_QUEUE, audio.jobHandler());
    const accepted = await audio.acceptAudioUpload({ variantId: variant.id, sourcePath: await makeAudio(fixtures, "flaky", "flac", { seconds: 5 }) });
    const worker = newWorker(handlers);
    await worker.runOnce();
    expect(await env.ctx.jobs.get(accepted.jobId)).toMatchObject({ status: "queued", attempts: 1, lastErrorCode: "job_failed" });
    expect(await env.ctx.db.prisma.episodeVariant.findUniqueOrThrow({ where: { id: variant.id } })).toMatchObject({ audioStatus: "queued", audioProgress: 0 });
    const folder = `shows/${show.id}/episodes/${episode.id}/`;
    expect(underVariant(await storedKeys(env), folder)).toEqual([]); // main.mp3 was stored, then removed
    await new Promise((r) => setTimeout(r, 5)); // backoff (1 ms)
    await worker.runOnce();
    expect(await env.ctx.jobs.get(accepted.jobId)).toMatchObject({ status: "succeeded", attempts: 2 });
    expect(underVariant(await storedKeys(env), folder)).toHaveLength(2);
  });
});
