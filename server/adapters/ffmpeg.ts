import { accessSync, constants } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import ffmpeg from "fluent-ffmpeg";
import type { Config } from "../config.ts";

// ffmpeg and ffprobe behind one small adapter: where the binaries are, a typed probe, and a run
// that streams stderr (for progress and for the filters' reports) and can be cancelled.

export interface FfmpegBinaries {
  ffmpeg: string;
  ffprobe: string;
}

function findOnPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** FFMPEG_PATH/FFPROBE_PATH, else the binaries on PATH, else the static builds shipped by the npm installers. */
export function resolveFfmpegBinaries(media: Pick<Config["media"], "ffmpegPath" | "ffprobePath">): FfmpegBinaries {
  const require = createRequire(import.meta.url);
  return {
    ffmpeg: media.ffmpegPath ?? findOnPath("ffmpeg") ?? (require("@ffmpeg-installer/ffmpeg") as { path: string }).path,
    ffprobe: media.ffprobePath ?? findOnPath("ffprobe") ?? (require("@ffprobe-installer/ffprobe") as { path: string }).path,
  };
}

export interface ProbedAudioStream {
  index: number;
  codec: string;
  sampleRate: number;
  channels: number;
  channelLayout?: string;
  bitRate?: number;
  durationSeconds?: number;
}

export interface ProbeResult {
  formatName: string;
  /** Container duration; for some formats (ADTS, MP3 without a Xing header) only an estimate. */
  durationSeconds?: number;
  bitRate?: number;
  tags: Record<string, string>;
  /** The first audio stream, or null when the file has none. */
  audio: ProbedAudioStream | null;
  /** Video streams other than cover art. */
  hasVideo: boolean;
  hasAttachedPicture: boolean;
  streams: ffmpeg.FfprobeStream[];
}

/** ffprobe prints "N/A" for unknown values; fluent-ffmpeg turns numbers into numbers and leaves the rest. */
function num(value: unknown): number | undefined {
  const n = typeof value === "number" ? value : typeof value === "string" ? Number(value) : NaN;
  return Number.isFinite(n) ? n : undefined;
}

export class FfmpegError extends Error {
  constructor(
    message: string,
    /** Every stderr line of the run (level-tagged: "[error] …"). */
    public readonly log: string[] = [],
    public readonly aborted = false,
  ) {
    super(message);
    this.name = "FfmpegError";
  }
}

export interface FfmpegInput {
  path: string;
  options?: string[];
}

export interface FfmpegOutput {
  path: string;
  options: string[];
}

export interface FfmpegRun {
  inputs: FfmpegInput[];
  complexFilter?: string;
  outputs: FfmpegOutput[];
  /** Called with the media time processed so far (from ffmpeg's "time=" status lines). */
  onTime?: (seconds: number) => void;
  signal?: AbortSignal;
}

export interface FfmpegRunResult {
  log: string[];
  /** Media time of the last status line: how much of the input was actually decoded. */
  processedSeconds: number;
}

const STATUS_TIME = /\btime=\s*(-?)(\d+):(\d{2}):(\d{2}(?:\.\d+)?)/;

export function parseStatusTime(line: string): number | undefined {
  const m = STATUS_TIME.exec(line);
  if (!m) return undefined;
  if (m[1]) return 0;
  return Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4]);
}

/** Lines ffmpeg logged at error level or worse (needs the "level" log flag, which run() sets). */
export function errorLines(log: string[]): string[] {
  return log.filter((line) => /\[(error|fatal|panic)\]/.test(line));
}

/** Adds arguments without fluent-ffmpeg's habit of splitting a lone "-flag value" string on its space. */
function addArgs(add: (...args: string[]) => unknown, args: string[] | undefined): void {
  if (!args || args.length === 0) return;
  // One argument alone is split only if it contains a space; none of ours do when alone.
  add(...args);
}

/**
 * ffmpeg's stderr, bounded: a damaged file can make a decoder complain once per frame. Keeps the
 * first lines (stream info, the first errors) and the last ones (the filters' end-of-run reports).
 */
class BoundedLog {
  private readonly head: string[] = [];
  private tail: string[] = [];
  private dropped = 0;
  constructor(private readonly keep = 2000) {}
  push(line: string): void {
    if (this.head.length < this.keep) {
      this.head.push(line);
      return;
    }
    this.tail.push(line);
    if (this.tail.length > this.keep * 2) {
      this.dropped += this.tail.length - this.keep;
      this.tail = this.tail.slice(-this.keep);
    }
  }
  lines(): string[] {
    const tail = this.tail.slice(-this.keep);
    const dropped = this.dropped + (this.tail.length - tail.length);
    return dropped > 0 ? [...this.head, `[… ${dropped} lines omitted]`, ...tail] : [...this.head, ...tail];
  }
}

const GLOBAL_OPTIONS = ["-hide_banner", "-nostdin", "-loglevel", "level+info"];

/** The command line run() executes for a spec (as fluent-ffmpeg assembles it); for benchmarks and logs. */
export function ffmpegArgs(spec: Omit<FfmpegRun, "onTime" | "signal">): string[] {
  const args: string[] = [];
  spec.inputs.forEach((input, i) => args.push(...(i === 0 ? GLOBAL_OPTIONS : []), ...(input.options ?? []), "-i", input.path));
  args.push("-y");
  if (spec.complexFilter) args.push("-filter_complex", spec.complexFilter);
  for (const output of spec.outputs) args.push(...output.options, output.path);
  return args;
}

export class Ffmpeg {
  constructor(readonly binaries: FfmpegBinaries) {}

  probe(file: string): Promise<ProbeResult> {
    return new Promise((resolve, reject) => {
      ffmpeg(file)
        .setFfprobePath(this.binaries.ffprobe)
        .ffprobe(["-v", "error"], (err, data) => {
          if (err) return reject(new FfmpegError(String((err as Error).message ?? err)));
          resolve(toProbeResult(data));
        });
    });
  }

  run(spec: FfmpegRun): Promise<FfmpegRunResult> {
    return new Promise((resolve, reject) => {
      if (spec.signal?.aborted) return reject(new FfmpegError("ffmpeg run aborted before start", [], true));
      const command = ffmpeg().setFfmpegPath(this.binaries.ffmpeg);
      const log = new BoundedLog();
      let processedSeconds = 0;
      spec.inputs.forEach((input, i) => {
        command.input(input.path);
        // Global options go before the first input; "level" tags each line with its severity.
        const options = i === 0 ? [...GLOBAL_OPTIONS, ...(input.options ?? [])] : input.options;
        addArgs((...a) => command.inputOptions(...a), options);
      });
      if (spec.complexFilter) command.complexFilter(spec.complexFilter);
      for (const output of spec.outputs) {
        command.output(output.path);
        addArgs((...a) => command.outputOptions(...a), output.options);
      }
      command.on("stderr", (line: string) => {
        const time = parseStatusTime(line);
        if (time === undefined) return log.push(line);
        // Status lines ("size=… time=… speed=…") only matter for the time they carry.
        processedSeconds = time;
        spec.onTime?.(time);
      });
      let aborted = false;
      const onAbort = () => {
        aborted = true;
        command.kill("SIGKILL");
      };
      spec.signal?.addEventListener("abort", onAbort, { once: true });
      command.on("error", (err: Error) => {
        spec.signal?.removeEventListener("abort", onAbort);
        const lines = log.lines();
        const detail = errorLines(lines).slice(-3).join(" | ");
        reject(new FfmpegError(aborted ? "ffmpeg run aborted" : `${err.message}${detail ? ` (${detail})` : ""}`, lines, aborted));
      });
      command.on("end", () => {
        spec.signal?.removeEventListener("abort", onAbort);
        resolve({ log: log.lines(), processedSeconds });
      });
      command.run();
    });
  }
}

function toProbeResult(data: ffmpeg.FfprobeData): ProbeResult {
  const streams = data.streams ?? [];
  const audio = streams.find((s) => s.codec_type === "audio");
  const attached = (s: ffmpeg.FfprobeStream) => Boolean((s.disposition as Record<string, number> | undefined)?.attached_pic);
  const tags: Record<string, string> = {};
  for (const [key, value] of Object.entries(data.format?.tags ?? {})) tags[key.toLowerCase()] = String(value);
  return {
    formatName: String(data.format?.format_name ?? ""),
    durationSeconds: num(data.format?.duration) ?? num(audio?.duration),
    bitRate: num(data.format?.bit_rate),
    tags,
    audio: audio
      ? {
          index: audio.index,
          codec: String(audio.codec_name ?? ""),
          sampleRate: num(audio.sample_rate) ?? 0,
          channels: num(audio.channels) ?? 0,
          channelLayout: typeof audio.channel_layout === "string" ? audio.channel_layout : undefined,
          bitRate: num(audio.bit_rate),
          durationSeconds: num(audio.duration),
        }
      : null,
    hasVideo: streams.some((s) => s.codec_type === "video" && !attached(s)),
    hasAttachedPicture: streams.some((s) => s.codec_type === "video" && attached(s)),
    streams,
  };
}
