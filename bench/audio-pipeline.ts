// Audio processing overhead: Sada's whole audio job for a 30-minute WAV, through the real queue and
// worker (SQLite + local storage), against the bare ffmpeg commands doing the same decode,
// loudness measurement, normalisation and encoding. Goal: ratio ≤ 1.15.
// Run alone: `npm run bench -- audio-pipeline` (BENCH_AUDIO_MINUTES=5 for a quicker look).
import { execFile, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import fsp from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import sharp from "sharp";
import { applyMigrations } from "../prisma/migration-engine.ts";
import { loadConfig } from "../server/config.ts";
import { createContext, type AppContext } from "../server/context.ts";
import { createLogger } from "../server/adapters/logger.ts";
import { ffmpegArgs, type FfmpegRun } from "../server/adapters/ffmpeg.ts";
import { Worker } from "../server/jobs/worker.ts";
import { processArtwork } from "../server/media/artwork.ts";
import { encodeCommand, measureCommand, processingChannels, type RenditionMeasurements } from "../server/media/audio-pipeline.ts";
import { measurementFrom, parseLoudnormReports } from "../server/media/loudness.ts";
import { artworkKey } from "../server/media/media-keys.ts";
import type { BenchResult } from "./types.ts";

const exec = promisify(execFile);
const MINUTES = Number(process.env.BENCH_AUDIO_MINUTES ?? 30);
const REPEAT = Math.max(1, Number(process.env.BENCH_AUDIO_REPEAT ?? 1));

/** A speech-like stereo programme: espeak-ng sentences (if installed) looped over a quiet noise bed. */
async function makeProgramme(ffmpeg: string, dir: string, seconds: number): Promise<string> {
  const target = path.join(dir, "programme.wav");
  const voice = path.join(dir, "voice.wav");
  let voiceInput: string[];
  try {
    await exec("espeak-ng", ["-s", "155", "-w", voice, "Sada publishes podcasts in Arabic, French and English, for people whose voices are rarely heard. ".repeat(12)]);
    voiceInput = ["-stream_loop", "-1", "-i", voice];
  } catch {
    voiceInput = ["-f", "lavfi", "-i", `anoisesrc=c=pink:a=0.4:d=${seconds},volume='0.15+0.85*abs(sin(2*PI*t*2.5))':eval=frame`];
  }
  await exec(ffmpeg, [
    "-hide_banner", "-loglevel", "error", "-y", ...voiceInput,
    "-f", "lavfi", "-i", `anoisesrc=c=brown:a=0.02:d=${seconds}`,
    "-filter_complex", "[0:a]aresample=44100,aformat=channel_layouts=mono[v];[1:a]aresample=44100,aformat=channel_layouts=mono[n];[v][n]amix=inputs=2:duration=longest,pan=stereo|c0=c0|c1=0.9*c0",
    "-t", String(seconds), "-ar", "44100", "-c:a", "pcm_s16le", target,
  ]);
  return target;
}

function runFfmpeg(binary: string, spec: FfmpegRun): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, ffmpegArgs(spec), { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve(stderr.split(/\r\n|\r|\n/)) : reject(new Error(`ffmpeg exited ${code}: ${stderr.slice(-500)}`))));
  });
}

/** The bare commands: measure, then normalise + encode both renditions — what Sada's job runs, minus Sada. */
async function baseline(ctx: AppContext, source: string, artwork: string, outDir: string): Promise<number> {
  const probe = await ctx.ffmpeg.probe(source); // not timed: only to build the same command lines
  const channels = processingChannels(probe);
  const started = performance.now();
  const reports = parseLoudnormReports(await runFfmpeg(ctx.ffmpeg.binaries.ffmpeg, measureCommand(source, probe)));
  const measurements: RenditionMeasurements = { main: measurementFrom(reports[0]!), lowdata: measurementFrom(reports[channels === 1 ? 0 : 1]!) };
  await runFfmpeg(
    ctx.ffmpeg.binaries.ffmpeg,
    encodeCommand({
      sourcePath: source,
      probe,
      measurements,
      tags: { title: "Bench", album: "Bench show", artist: "Sada", track: 1, locale: "en" },
      artworkPath: artwork,
      targets: { main: path.join(outDir, "main.mp3"), lowdata: path.join(outDir, "lowdata.m4a") },
    }),
  );
  return (performance.now() - started) / 1000;
}

/** Sada: upload accepted (sniff, probe, stored durably, job queued) → worker → renditions stored and committed. */
async function sada(ctx: AppContext, worker: Worker, programme: string, variantId: string): Promise<{ seconds: number; acceptSeconds: number }> {
  const upload = path.join(ctx.config.dataDir, `upload-${randomUUID()}.wav`);
  await fsp.copyFile(programme, upload); // the upload as the HTTP layer would leave it (not timed)
  const started = performance.now();
  const accepted = await ctx.audio.acceptAudioUpload({ variantId, sourcePath: upload });
  const acceptSeconds = (performance.now() - started) / 1000;
  for (;;) {
    const job = await ctx.jobs.get(accepted.jobId);
    if (job?.status === "succeeded") break;
    if (job?.status === "failed" || (job?.status === "queued" && job.attempts > 0)) throw new Error(`audio job failed: ${job.lastErrorCode} ${job.lastError}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  // The job is marked succeeded in the same transaction as the renditions; the rest is cleanup.
  while (worker.activeJobs > 0) await new Promise((r) => setTimeout(r, 10));
  return { seconds: (performance.now() - started) / 1000, acceptSeconds };
}

export async function run(): Promise<BenchResult[]> {
  const dataDir = await fsp.mkdtemp(path.join(os.tmpdir(), "sada-bench-audio-"));
  const config = loadConfig({ NODE_ENV: "production", DATA_DIR: dataDir, LOG_LEVEL: "silent", WORKER_ENABLED: "false" });
  await applyMigrations(config.database, { log: () => {} });
  const ctx = await createContext(config, { logger: createLogger("silent") });
  try {
    const seconds = MINUTES * 60;
    const programme = await makeProgramme(ctx.ffmpeg.binaries.ffmpeg, dataDir, seconds);

    // A show with artwork (embedded in the MP3's ID3 tag by both sides) and one episode variant.
    const cover = path.join(dataDir, "cover.png");
    await sharp({ create: { width: 1400, height: 1400, channels: 3, background: "#8e44ad" } }).png().toFile(cover);
    const show = await ctx.db.prisma.show.create({
      data: {
        slug: "bench",
        locales: "en",
        defaultLocale: "en",
        category: "News",
        ownerName: "Sada",
        ownerEmail: "bench@example.org",
        podcastGuid: randomUUID(),
        localizations: { create: [{ locale: "en", title: "Bench show", author: "Sada" }] },
      },
    });
    const art = await processArtwork(ctx.storage, { target: { showId: show.id }, version: 1, sourcePath: cover });
    await ctx.db.prisma.show.update({ where: { id: show.id }, data: { artworkKey: art.prefix } });
    const episode = await ctx.db.prisma.episode.create({ data: { showId: show.id, slug: "bench", number: 1 } });
    const variant = await ctx.db.prisma.episodeVariant.create({ data: { episodeId: episode.id, locale: "en", guid: randomUUID(), title: "Bench" } });
    const artworkFile = ctx.storage.localPath!(artworkKey(art.prefix, 1400));

    const worker = new Worker(ctx.jobs.repository, ctx.jobs, ctx.jobHandlers, {
      clock: ctx.clock,
      logger: ctx.logger,
      concurrency: 1,
      leaseSeconds: config.worker.leaseSeconds,
    });
    worker.start();
    const baselineRuns: number[] = [];
    const sadaRuns: { seconds: number; acceptSeconds: number }[] = [];
    try {
      for (let i = 0; i < REPEAT; i++) {
        const out = await fsp.mkdtemp(path.join(dataDir, "baseline-"));
        baselineRuns.push(await baseline(ctx, programme, artworkFile, out));
        await fsp.rm(out, { recursive: true, force: true });
        sadaRuns.push(await sada(ctx, worker, programme, variant.id));
      }
    } finally {
      await worker.stop();
    }
    const base = Math.min(...baselineRuns);
    const best = sadaRuns.reduce((a, b) => (b.seconds < a.seconds ? b : a));
    const ready = await ctx.db.prisma.episodeVariant.findUniqueOrThrow({ where: { id: variant.id }, include: { renditions: true } });
    const sizes = ready.renditions.map((r) => `${r.kind} ${(r.bytes / 1e6).toFixed(1)} MB @ ${r.bitrateKbps} kbps`).join(", ");
    return [
      {
        name: `audio job, ${MINUTES}-min stereo WAV (accept upload → queue → worker → stored) vs bare ffmpeg`,
        baseline: base,
        ours: best.seconds,
        unit: "s",
        ratio: best.seconds / base,
        goal: "≤ 1.15",
        notes:
          `${(seconds / best.seconds).toFixed(1)}× real time (bare ffmpeg ${(seconds / base).toFixed(1)}×); ` +
          `accepting the upload (sniff, probe, copy into storage, enqueue) ${best.acceptSeconds.toFixed(1)} s of it; ` +
          `loudness in ${ready.inputLufs} → out ${ready.outputLufs} LUFS, TP ${ready.truePeakDbtp} dBTP; ${sizes}; ` +
          `best of ${REPEAT} (baseline runs ${baselineRuns.map((s) => s.toFixed(1)).join("/")} s, Sada ${sadaRuns.map((r) => r.seconds.toFixed(1)).join("/")} s)`,
      },
    ];
  } finally {
    await ctx.close();
    await fsp.rm(dataDir, { recursive: true, force: true });
  }
}
