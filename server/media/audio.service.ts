import { createWriteStream } from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { z } from "zod";
import type { Config } from "../config.ts";
import { notFound } from "../errors.ts";
import type { Logger } from "../adapters/logger.ts";
import { FfmpegError, type Ffmpeg } from "../adapters/ffmpeg.ts";
import type { Storage } from "../adapters/storage/storage.ts";
import { DEFAULT_CONTENT_TYPE } from "../adapters/storage/content-types.ts";
import { JobError, LeaseLostError, type JobFailure } from "../jobs/errors.ts";
import type { JobQueue } from "../jobs/queue.ts";
import type { JobHandler, RunningJob } from "../jobs/registry.ts";
import { inspectAudioFile, type InspectedAudio } from "./audio-inspect.ts";
import { processAudio, type AudioTags } from "./audio-pipeline.ts";
import type { AudioRepository, NewRendition } from "./audio.repository.ts";
import { artworkKey, audioVersionPrefix, uploadSourceKey } from "./media-keys.ts";

export const AUDIO_QUEUE = "audio.process";

const audioJobPayload = z.object({
  variantId: z.string().min(1),
  sourceKey: z.string().min(1),
  audioVersion: z.number().int().positive(),
});
export type AudioJobPayload = z.infer<typeof audioJobPayload>;

export interface AcceptAudioUpload {
  variantId: string;
  /** A local file holding the upload; consumed (deleted) whatever the outcome. */
  sourcePath: string;
  originalName?: string;
  contentType?: string;
}

export interface AcceptedAudio {
  jobId: string;
  audioVersion: number;
  /** From the container header (an estimate for some formats); the job measures it exactly. */
  durationSeconds?: number;
}

/** Renditions are immutable under their versioned keys, so caches may keep them forever. */
const IMMUTABLE = "public, max-age=31536000, immutable";
/** Database progress writes: at most one per second, or on a 5-point step. */
const PROGRESS_MIN_INTERVAL_MS = 1000;
const PROGRESS_MIN_STEP = 5;
/** Work folders of a killed worker are swept once they are this old (far longer than any job runs). */
const STALE_WORK_DIR_MS = 6 * 3600_000;
const WORK_DIR_PREFIX = "audio-";

export interface AudioServiceDeps {
  repository: AudioRepository;
  storage: Storage;
  ffmpeg: Ffmpeg;
  queue: JobQueue;
  logger: Logger;
  config: Pick<Config, "dataDir" | "media">;
}

/**
 * Uploaded recordings → published audio: accepts an upload (checks it, keeps it durably, queues a
 * job), and runs that job (probe, loudness, encode, store, swap renditions). The variant's
 * previous audio stays in place until the new one is completely stored and committed.
 */
export class AudioService {
  private sweptStaleWorkDirs = false;

  constructor(private readonly deps: AudioServiceDeps) {}

  /** Fast checks for an upload: 415 unsupported_media (not audio), 422 audio_too_long / audio_corrupt (unreadable headers). */
  inspectUpload(filePath: string): Promise<InspectedAudio> {
    return inspectAudioFile(this.deps.ffmpeg, filePath, this.deps.config.media.maxAudioSeconds);
  }

  /**
   * Checks the upload, moves it into storage under uploads/<variantId>/<uuid> (reachable by a worker
   * on any machine, and surviving restarts), then in one transaction bumps the variant's
   * audioVersion, marks it queued and enqueues the job. Whatever fails, nothing is left behind: the
   * source file is always removed, the stored copy too if the job could not be queued.
   */
  async acceptAudioUpload(input: AcceptAudioUpload): Promise<AcceptedAudio> {
    const { repository, storage, queue, logger } = this.deps;
    let inspected: InspectedAudio;
    let sourceKey: string;
    try {
      if (!(await repository.findVariant(input.variantId))) throw notFound();
      inspected = await this.inspectUpload(input.sourcePath);
      sourceKey = uploadSourceKey(input.variantId);
      await storage.putFile(sourceKey, input.sourcePath, { contentType: DEFAULT_CONTENT_TYPE });
    } finally {
      await fsp.rm(input.sourcePath, { force: true });
    }
    let queued: { jobId: string; audioVersion: number };
    try {
      queued = await repository.transaction(async (tx) => {
        const audioVersion = await repository.startNewVersion(tx, input.variantId);
        const job = await queue.enqueueIn(tx, AUDIO_QUEUE, { variantId: input.variantId, sourceKey, audioVersion } satisfies AudioJobPayload);
        return { jobId: job.id, audioVersion };
      });
    } catch (err) {
      await storage.delete(sourceKey).catch((cleanupErr) => logger.error({ err: cleanupErr, sourceKey }, "could not delete an upload that was not queued"));
      throw err;
    }
    queue.notify();
    logger.info(
      { variantId: input.variantId, jobId: queued.jobId, audioVersion: queued.audioVersion, container: inspected.container, declaredType: input.contentType, originalName: input.originalName },
      "audio upload accepted",
    );
    return { ...queued, durationSeconds: inspected.probe.durationSeconds };
  }

  /** The `audio.process` job handler, for the worker's registry. */
  jobHandler(): JobHandler<AudioJobPayload> {
    return {
      parse: (payload) => {
        const parsed = audioJobPayload.safeParse(payload);
        if (!parsed.success) throw new JobError("job_payload_invalid", parsed.error.message, false);
        return parsed.data;
      },
      run: (job) => this.process(job),
      onRetry: async (payload) => {
        await this.deps.repository.markQueued(payload.variantId, payload.audioVersion);
      },
      onFailed: (payload, failure) => this.recordFailure(payload, failure),
    };
  }

  private async recordFailure(payload: AudioJobPayload, failure: JobFailure): Promise<void> {
    await this.deps.repository.markFailed(payload.variantId, payload.audioVersion, failure.code, failure.message);
    await this.deleteSource(payload.sourceKey);
  }

  private async deleteSource(sourceKey: string): Promise<void> {
    await this.deps.storage.delete(sourceKey).catch((err) => this.deps.logger.warn({ err, sourceKey }, "could not delete an upload source"));
  }

  private async process(job: RunningJob<AudioJobPayload>): Promise<void> {
    const { repository, storage, ffmpeg, config, logger } = this.deps;
    const { variantId, sourceKey, audioVersion } = job.payload;
    const variant = await repository.findVariantForProcessing(variantId);
    if (!variant || variant.audioVersion !== audioVersion) {
      // Deleted, or a newer upload superseded this one: nothing to do but tidy up.
      job.logger.info({ variantId, audioVersion, current: variant?.audioVersion }, "audio job superseded");
      await this.deleteSource(sourceKey);
      return;
    }
    await repository.markProcessing(variantId, audioVersion);
    const prefix = audioVersionPrefix({ showId: variant.episode.showId, episodeId: variant.episodeId, locale: variant.locale }, audioVersion);
    const tmpRoot = path.join(config.dataDir, "tmp");
    await fsp.mkdir(tmpRoot, { recursive: true });
    await this.sweepStaleWorkDirs(tmpRoot);
    const workDir = await fsp.mkdtemp(path.join(tmpRoot, WORK_DIR_PREFIX));
    let committed = false;
    const progress = this.progressReporter(job);
    try {
      const sourcePath = await this.localCopy(sourceKey, path.join(workDir, "source"));
      const { probe } = await inspectAudioFile(ffmpeg, sourcePath, config.media.maxAudioSeconds);
      const show = variant.episode.show;
      const localization = show.localizations.find((l) => l.locale === variant.locale) ?? show.localizations.find((l) => l.locale === show.defaultLocale);
      const tags: AudioTags = {
        title: variant.title,
        album: localization?.title,
        artist: localization?.author || show.ownerName,
        track: variant.episode.number,
        locale: variant.locale,
        copyright: show.copyright,
      };
      const artworkPath = await this.artworkFile(variant.imageKey ?? show.artworkKey, workDir, job.logger);
      const result = await processAudio(ffmpeg, {
        sourcePath,
        probe,
        workDir,
        tags,
        artworkPath,
        maxAudioSeconds: config.media.maxAudioSeconds,
        signal: job.signal,
        onProgress: (fraction) => progress.report(fraction * 95),
      }).catch((err: unknown) => {
        // Input problems are AppErrors (permanent); an encoder that crashed may do better next time.
        if (err instanceof FfmpegError && !err.aborted) throw new JobError("audio_processing_failed", err.message, true, { cause: err });
        throw err;
      });

      const renditions: NewRendition[] = [];
      for (const rendition of result.renditions) {
        job.signal.throwIfAborted();
        const storageKey = `${prefix}/${rendition.fileName}`;
        const stored = await storage.putFile(storageKey, rendition.path, { contentType: rendition.mimeType, cacheControl: IMMUTABLE });
        renditions.push({
          kind: rendition.kind,
          storageKey,
          mimeType: rendition.mimeType,
          bitrateKbps: rendition.bitrateKbps,
          bytes: stored.size,
          sha256: stored.sha256,
          durationSeconds: rendition.durationSeconds,
          id3HeaderBytes: rendition.id3HeaderBytes,
        });
      }
      await progress.flush();
      const figures = { durationSeconds: result.durationSeconds, inputLufs: result.inputLufs, outputLufs: result.outputLufs, truePeakDbtp: result.truePeakDbtp };
      const previous = await job.complete((tx) => repository.replaceRenditions(tx, variantId, audioVersion, figures, renditions));
      if (previous === null) {
        job.logger.info({ variantId, audioVersion }, "audio job superseded while processing; its files are discarded");
        await storage.deletePrefix(prefix);
        await this.deleteSource(sourceKey);
        return;
      }
      committed = true;
      job.logger.info({ variantId, audioVersion, ...figures, normalization: result.normalization }, "audio ready");
      // After the commit: the old files are unreferenced now. A failure here only leaves garbage.
      for (const old of previous) {
        if (!old.storageKey.startsWith(`${prefix}/`)) {
          await storage.delete(old.storageKey).catch((err) => logger.warn({ err, key: old.storageKey }, "could not delete a replaced rendition"));
        }
      }
      await this.deleteSource(sourceKey);
    } catch (err) {
      // A run that lost its lease leaves the folder alone: the worker that took the job over writes there.
      const lostLease = err instanceof LeaseLostError || job.signal.reason instanceof LeaseLostError;
      if (!committed && !lostLease) {
        await storage.deletePrefix(prefix).catch((cleanupErr) => logger.error({ err: cleanupErr, prefix }, "could not delete a failed attempt's files"));
      }
      throw err;
    } finally {
      await progress.flush();
      await fsp.rm(workDir, { recursive: true, force: true });
    }
  }

  /** A worker killed mid-job cannot clean its work folder; the first job of a later run does (other workers' live folders are young). */
  private async sweepStaleWorkDirs(tmpRoot: string): Promise<void> {
    if (this.sweptStaleWorkDirs) return;
    this.sweptStaleWorkDirs = true;
    for (const entry of await fsp.readdir(tmpRoot, { withFileTypes: true })) {
      if (!entry.isDirectory() || !entry.name.startsWith(WORK_DIR_PREFIX)) continue;
      const dir = path.join(tmpRoot, entry.name);
      const { mtimeMs } = await fsp.stat(dir).catch(() => ({ mtimeMs: Date.now() }));
      if (Date.now() - mtimeMs > STALE_WORK_DIR_MS) await fsp.rm(dir, { recursive: true, force: true });
    }
  }

  /** ffmpeg needs a file: the stored object itself with local storage, else a download into the job's temp folder. */
  private async localCopy(key: string, target: string): Promise<string> {
    const { storage } = this.deps;
    if (!(await storage.head(key))) throw new JobError("audio_source_missing", `the uploaded file ${key} is no longer in storage`, false);
    if (storage.localPath) return storage.localPath(key);
    await pipeline(await storage.get(key), createWriteStream(target));
    return target;
  }

  /** The 1400 px artwork (episode image, else show artwork) for the MP3's ID3 tag; none if there is none or it cannot be read. */
  private async artworkFile(prefix: string | null, workDir: string, logger: Logger): Promise<string | undefined> {
    if (!prefix) return undefined;
    try {
      return await this.localCopy(artworkKey(prefix, 1400), path.join(workDir, "cover.jpg"));
    } catch (err) {
      logger.warn({ err, prefix }, "artwork not available for the ID3 tag; encoding without it");
      return undefined;
    }
  }

  /** Throttled progress writes (job + variant); flush() waits for the last one so none lands after the outcome. */
  private progressReporter(job: RunningJob<AudioJobPayload>) {
    let last = 0;
    let lastAt = 0;
    let inFlight: Promise<unknown> | null = null;
    return {
      report: (percent: number) => {
        const value = Math.floor(percent);
        const now = Date.now();
        if (inFlight || value <= last || (value - last < PROGRESS_MIN_STEP && now - lastAt < PROGRESS_MIN_INTERVAL_MS)) return;
        last = value;
        lastAt = now;
        inFlight = Promise.all([job.progress(value), this.deps.repository.setProgress(job.payload.variantId, job.payload.audioVersion, value)])
          .catch((err) => job.logger.warn({ err }, "could not record progress"))
          .finally(() => (inFlight = null));
      },
      flush: async () => {
        await inFlight;
      },
    };
  }
}
