import path from "node:path";
import { AppError } from "../errors.ts";
import { errorLines, type Ffmpeg, type FfmpegRun, type ProbeResult } from "../adapters/ffmpeg.ts";
import { id3v2TagBytes } from "./id3.ts";
import {
  measureFilter,
  measurementFrom,
  normaliseFilter,
  parseLoudnormReports,
  reportedLufs,
  round2,
  type LoudnessMeasurement,
} from "./loudness.ts";
import { oggEndsCleanly } from "./ogg.ts";

// The audio work of one upload, without database or storage: measure (pass 1), then normalise and
// encode both renditions from a single decode (pass 2), then read back what was written.

export type RenditionKind = "main" | "lowdata";

export interface RenditionSpec {
  kind: RenditionKind;
  fileName: string;
  mimeType: string;
  /** The encoder's bitrate setting. */
  targetKbps: number;
  channels: 1 | 2;
  sampleRate: number;
}

export const SAMPLE_RATE = 44_100;

/**
 * Main: MP3 CBR 44.1 kHz — 128 kbps stereo, or 96 kbps for mono sources (joint-stereo 128 kbps
 * spends about that on the mid channel, so mono 96 keeps the same quality class, music beds
 * included; listeners who need small files have the low-data rendition).
 * Low-data: AAC-LC mono in .m4a (moov first): every podcast app and browser plays AAC-LC (HE-AAC
 * or Opus would be smaller, but ffmpeg's native encoder only does LC and Apple's apps only
 * recently took Opus). ffmpeg's AAC encoder overshoots its setting on speech (measured: 40k gives
 * 40–50 kbps, 48k up to 62 kbps), so it is asked for 40k to land in the 32–48 kbps class; the
 * bitrate recorded is the one measured on the file.
 */
export function renditionSpecs(channels: 1 | 2): RenditionSpec[] {
  return [
    { kind: "main", fileName: "main.mp3", mimeType: "audio/mpeg", targetKbps: channels === 2 ? 128 : 96, channels, sampleRate: SAMPLE_RATE },
    { kind: "lowdata", fileName: "lowdata.m4a", mimeType: "audio/mp4", targetKbps: 40, channels: 1, sampleRate: SAMPLE_RATE },
  ];
}

/** ID3v2 TLAN wants ISO 639-2 codes. */
const ISO_639_2: Record<string, string> = { ar: "ara", fr: "fra", en: "eng" };

export interface AudioTags {
  title: string;
  /** Show title (ID3 album). */
  album?: string;
  /** Show author (ID3 artist). */
  artist?: string;
  /** Episode number (ID3 track). */
  track?: number | null;
  /** Sada locale (ar, fr, en). */
  locale: string;
  copyright?: string;
}

/** Downmix/upmix rule: mono stays mono, everything else becomes stereo, before measuring so both passes hear the same signal. */
export const processingChannels = (probe: ProbeResult): 1 | 2 => (probe.audio?.channels === 1 ? 1 : 2);
const sourceStream = (probe: ProbeResult) => `[0:${probe.audio?.index ?? "a:0"}]`;
const layoutFilter = (channels: 1 | 2) => `aformat=channel_layouts=${channels === 1 ? "mono" : "stereo"}`;
/** Equal-weight downmix for the mono low-data rendition (then normalised on its own: see below). */
const DOWNMIX = "pan=mono|c0=0.5*c0+0.5*c1";

/**
 * Pass 1: measure. A stereo source is measured twice in the same decode: as is (for the main
 * rendition) and downmixed to mono (for the low-data one) — a downmix loses loudness wherever the
 * channels differ, so it needs its own gain to reach the target too.
 */
export function measureCommand(sourcePath: string, probe: ProbeResult): FfmpegRun {
  const channels = processingChannels(probe);
  const complexFilter =
    channels === 1
      ? `${sourceStream(probe)}${layoutFilter(1)},${measureFilter(1)}[m1]`
      : `${sourceStream(probe)}${layoutFilter(2)},asplit=2[s][d];[s]${measureFilter(2)}[m1];[d]${DOWNMIX},${measureFilter(1)}[m2]`;
  const sink = (label: string) => ({ path: "-", options: ["-map", `[${label}]`, "-f", "null"] });
  return { inputs: [{ path: sourcePath }], complexFilter, outputs: channels === 1 ? [sink("m1")] : [sink("m1"), sink("m2")] };
}

/** Measurements for each rendition's signal (null: silence, nothing to normalise). */
export interface RenditionMeasurements {
  main: LoudnessMeasurement | null;
  lowdata: LoudnessMeasurement | null;
}

function metadataArgs(tags: AudioTags, streamLanguageSpecifier?: string): string[] {
  const language = ISO_639_2[tags.locale] ?? "und";
  const entries: [string, string | undefined][] = [
    ["title", tags.title],
    ["album", tags.album],
    ["artist", tags.artist],
    ["album_artist", tags.artist],
    ["track", tags.track != null ? String(tags.track) : undefined],
    ["genre", "Podcast"],
    ["copyright", tags.copyright],
    ["language", language],
  ];
  const args = entries.filter(([, v]) => v !== undefined && v !== "").flatMap(([k, v]) => ["-metadata", `${k}=${v}`]);
  if (streamLanguageSpecifier) args.push(`-metadata:s:${streamLanguageSpecifier}`, `language=${language}`);
  return args;
}

export interface EncodeTargets {
  main: string;
  lowdata: string;
}

/** Pass 2: one decode, split into both renditions, each normalised with its pass-1 measurement and encoded. */
export function encodeCommand(input: {
  sourcePath: string;
  probe: ProbeResult;
  measurements: RenditionMeasurements;
  tags: AudioTags;
  artworkPath?: string;
  targets: EncodeTargets;
}): FfmpegRun {
  const channels = processingChannels(input.probe);
  const [main, lowdata] = renditionSpecs(channels);
  const normalise = (c: 1 | 2, m: LoudnessMeasurement | null) => (m ? `${normaliseFilter(c, m)},` : "");
  const resample = `aresample=${SAMPLE_RATE}`;
  const complexFilter =
    channels === 1
      ? // Mono: both renditions carry the same signal, so one loudnorm serves both.
        `${sourceStream(input.probe)}${layoutFilter(1)},${normalise(1, input.measurements.main)}${resample},asplit=2[main][low]`
      : `${sourceStream(input.probe)}${layoutFilter(2)},asplit=2[s][d];` +
        `[s]${normalise(2, input.measurements.main)}${resample}[main];` +
        `[d]${DOWNMIX},${normalise(1, input.measurements.lowdata)}${resample}[low]`;
  const noSourceMetadata = ["-map_metadata", "-1", "-map_chapters", "-1"];
  const artwork = input.artworkPath
    ? // The mp3 muxer writes a video stream as an ID3 APIC frame; "Cover (front)" sets its picture type.
      ["-map", "1:v:0", "-c:v", "copy", "-disposition:v:0", "attached_pic", "-metadata:s:v:0", "title=Cover", "-metadata:s:v:0", "comment=Cover (front)"]
    : [];
  return {
    inputs: [{ path: input.sourcePath }, ...(input.artworkPath ? [{ path: input.artworkPath }] : [])],
    complexFilter,
    outputs: [
      {
        path: input.targets.main,
        options: [
          "-map", "[main]", ...artwork, ...noSourceMetadata,
          "-c:a", "libmp3lame", "-b:a", `${main!.targetKbps}k`, "-ar", String(SAMPLE_RATE), "-ac", String(main!.channels),
          "-id3v2_version", "3", "-write_id3v1", "0", ...metadataArgs(input.tags), "-f", "mp3",
        ],
      },
      {
        path: input.targets.lowdata,
        options: [
          "-map", "[low]", ...noSourceMetadata,
          "-c:a", "aac", "-b:a", `${lowdata!.targetKbps}k`, "-ar", String(SAMPLE_RATE), "-ac", "1",
          "-movflags", "+faststart", ...metadataArgs(input.tags, "a:0"), "-f", "ipod",
        ],
      },
    ],
  };
}

const audioCorrupt = (detail: string) => new AppError("audio_corrupt", 422, { detail });

/** ffmpeg's message without its "[decoder @ 0x…] [error]" prefixes, nor our temp paths. */
const cleanLine = (line: string, sourcePath: string) =>
  line.split(sourcePath).join("input").replace(/^(\[[^\]]*\]\s*)+/, "").trim();

/**
 * Why a fully decoded source must be considered corrupt or truncated, or null. Decoders report
 * damage as error lines; demuxers flag cut packets ("corrupt input packet", "partial file"); and a
 * file that decodes to less than its header announces was cut (unless that duration was only
 * estimated from the bitrate, which ffmpeg says).
 */
export async function corruptionReason(input: { sourcePath: string; probe: ProbeResult; log: string[]; decodedSeconds: number }): Promise<string | null> {
  const errors = errorLines(input.log);
  if (errors.length > 0) return cleanLine(errors[0]!, input.sourcePath);
  const damaged = input.log.find((line) => /corrupt input packet|partial file/i.test(line));
  if (damaged) return cleanLine(damaged, input.sourcePath);
  if (input.decodedSeconds < 0.05) return "no audio could be decoded";
  const announced = input.probe.durationSeconds;
  const estimated = input.log.some((line) => line.includes("Estimating duration from bitrate"));
  if (announced !== undefined && !estimated && input.decodedSeconds < announced - Math.max(0.5, announced * 0.02)) {
    return `decoded ${input.decodedSeconds.toFixed(2)} s of ${announced.toFixed(2)} s announced: the file is truncated`;
  }
  if (/\bogg\b/.test(input.probe.formatName) && !(await oggEndsCleanly(input.sourcePath))) {
    return "the Ogg stream ends without its final page: the file is truncated";
  }
  return null;
}

export interface ProcessedRendition extends RenditionSpec {
  path: string;
  /** Average bitrate of the audio stream as written (exact for CBR MP3). */
  bitrateKbps: number;
  durationSeconds: number;
  id3HeaderBytes: number;
}

export interface ProcessedAudio {
  durationSeconds: number;
  /** Null for silence (nothing to measure or normalise). Mono figures are dual-mono (loudness.ts). */
  inputLufs: number | null;
  outputLufs: number | null;
  truePeakDbtp: number | null;
  normalization: string | null;
  renditions: ProcessedRendition[];
}

export interface ProcessAudioOptions {
  sourcePath: string;
  probe: ProbeResult;
  workDir: string;
  tags: AudioTags;
  artworkPath?: string;
  maxAudioSeconds: number;
  signal?: AbortSignal;
  /** 0..1 over the whole processing (measure ≈ first third, encode the rest). */
  onProgress?: (fraction: number) => void;
}

/** Share of the work done by the measuring pass (measured: about a third; it runs the loudnorm meters but no encoder). */
const MEASURE_SHARE = 0.3;

export async function processAudio(ffmpeg: Ffmpeg, opts: ProcessAudioOptions): Promise<ProcessedAudio> {
  const { probe } = opts;
  const channels = processingChannels(probe);
  const expected = probe.durationSeconds && probe.durationSeconds > 0 ? probe.durationSeconds : undefined;
  const progress = (share: number, offset: number) => (seconds: number) => {
    if (expected) opts.onProgress?.(Math.min(1, offset + share * Math.min(1, seconds / expected)));
  };

  const measured = await ffmpeg.run({ ...measureCommand(opts.sourcePath, probe), signal: opts.signal, onTime: progress(MEASURE_SHARE, 0) });
  const reason = await corruptionReason({ sourcePath: opts.sourcePath, probe, log: measured.log, decodedSeconds: measured.processedSeconds });
  if (reason) throw audioCorrupt(reason);
  if (measured.processedSeconds > opts.maxAudioSeconds) {
    throw new AppError("audio_too_long", 422, { seconds: Math.round(measured.processedSeconds), maxSeconds: opts.maxAudioSeconds });
  }
  const firstReports = parseLoudnormReports(measured.log);
  if (firstReports.length !== channels) throw new Error(`loudnorm printed ${firstReports.length} measurements, expected ${channels}`);
  const measurements: RenditionMeasurements = {
    main: measurementFrom(firstReports[0]!),
    lowdata: measurementFrom(firstReports[channels === 1 ? 0 : 1]!),
  };

  const targets = { main: path.join(opts.workDir, "main.mp3"), lowdata: path.join(opts.workDir, "lowdata.m4a") };
  const encoded = await ffmpeg.run({
    ...encodeCommand({ sourcePath: opts.sourcePath, probe, measurements, tags: opts.tags, artworkPath: opts.artworkPath, targets }),
    signal: opts.signal,
    onTime: progress(1 - MEASURE_SHARE, MEASURE_SHARE),
  });
  // The main rendition's loudnorm comes first in the graph; its report gives the recorded output figures.
  const mainReport = measurements.main ? parseLoudnormReports(encoded.log)[0] : undefined;
  if (measurements.main && !mainReport) throw new Error("loudnorm printed no output figures");

  const renditions: ProcessedRendition[] = [];
  for (const spec of renditionSpecs(channels)) {
    const file = targets[spec.kind];
    const written = await ffmpeg.probe(file);
    renditions.push({
      ...spec,
      path: file,
      bitrateKbps: Math.round((written.audio?.bitRate ?? spec.targetKbps * 1000) / 1000),
      durationSeconds: round2(written.durationSeconds ?? measured.processedSeconds),
      id3HeaderBytes: spec.kind === "main" ? await id3v2TagBytes(file) : 0,
    });
  }
  return {
    durationSeconds: renditions[0]!.durationSeconds,
    inputLufs: measurements.main ? reportedLufs(measurements.main.integrated, channels) : null,
    // loudnorm's own meter on its output (the normalised PCM fed to the MP3 encoder): no third decode.
    outputLufs: mainReport ? reportedLufs(mainReport.output_i, channels) : null,
    truePeakDbtp: mainReport ? round2(mainReport.output_tp) : null,
    normalization: mainReport?.normalization_type ?? null,
    renditions,
  };
}
