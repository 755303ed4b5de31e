import { execFile, execFileSync } from "node:child_process";
import fsp from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { Ffmpeg, resolveFfmpegBinaries } from "../../server/adapters/ffmpeg.ts";

// Audio made on the spot with ffmpeg's generators (and espeak-ng speech when installed): nothing is
// downloaded, and every fixture is a few seconds long so the suite stays fast.

const run = promisify(execFile);
export const binaries = resolveFfmpegBinaries({ ffmpegPath: process.env.FFMPEG_PATH, ffprobePath: process.env.FFPROBE_PATH });
export const ffmpeg = new Ffmpeg(binaries);

export const hasEspeak = (() => {
  try {
    execFileSync("espeak-ng", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

/** Extension → encoder arguments (after a default -ar 44100), for every container Sada accepts. */
export const FORMATS = {
  wav: ["-c:a", "pcm_s16le"],
  flac: ["-c:a", "flac"],
  aiff: ["-c:a", "pcm_s16be", "-f", "aiff"],
  mp3: ["-c:a", "libmp3lame", "-b:a", "192k"],
  m4a: ["-c:a", "aac", "-b:a", "128k", "-movflags", "+faststart"],
  aac: ["-c:a", "aac", "-b:a", "128k", "-f", "adts"],
  // Opus only runs at 48 kHz: these sources also exercise resampling to 44.1 kHz.
  ogg: ["-c:a", "libopus", "-b:a", "96k", "-ar", "48000", "-f", "ogg"],
  opus: ["-c:a", "libopus", "-b:a", "96k", "-ar", "48000", "-f", "ogg"],
  webm: ["-c:a", "libopus", "-b:a", "96k", "-ar", "48000", "-f", "webm"],
} as const;
export type FixtureFormat = keyof typeof FORMATS;

export interface FixtureOptions {
  seconds?: number;
  channels?: 1 | 2;
  /** "speech": espeak-ng if installed, else speech-like modulated noise; "music": pink noise with a slow swell. */
  content?: "speech" | "music";
  /** Linear gain applied to the content (1 = as generated), to make quiet or hot sources. */
  gain?: number;
}

const SENTENCES =
  "Sada publishes podcasts in Arabic, French and English. Each episode is measured and normalised to minus sixteen LUFS. " +
  "This sentence is a test fixture, spoken by a synthetic voice, so that the pipeline hears something like speech. ";

/** Generates `<dir>/<name>.<format>`; returns its path. */
export async function makeAudio(dir: string, name: string, format: FixtureFormat, options: FixtureOptions = {}): Promise<string> {
  const seconds = options.seconds ?? 8;
  const channels = options.channels ?? 2;
  const gain = options.gain ?? 1;
  const target = path.join(dir, `${name}.${format}`);
  const layout = channels === 1 ? "mono" : "stereo";
  let input: string[];
  let filter: string;
  if ((options.content ?? "speech") === "speech" && hasEspeak) {
    const voice = path.join(dir, `${name}-voice.wav`);
    await run("espeak-ng", ["-s", "160", "-w", voice, SENTENCES.repeat(Math.ceil(seconds / 10))]);
    input = ["-i", voice];
    // Right channel slightly quieter and delayed, so stereo is not just mono twice.
    filter = channels === 1 ? `volume=${gain}` : `volume=${gain},pan=stereo|c0=c0|c1=0.8*c0,adelay=0|7`;
  } else {
    input = ["-f", "lavfi", "-i", `anoisesrc=c=pink:a=0.5:d=${seconds}:seed=7`];
    // Syllable-rate (speech) or slow (music) level changes give the content a loudness range.
    const swell = (options.content ?? "speech") === "speech" ? "0.15+0.85*abs(sin(2*PI*t*2.5))" : "0.4+0.6*abs(sin(2*PI*t/4))";
    filter = `volume='${gain}*(${swell})':eval=frame,aformat=channel_layouts=${layout}`;
  }
  await run(binaries.ffmpeg, [
    "-hide_banner", "-loglevel", "error", "-y", ...input,
    "-af", filter, "-t", String(seconds), "-ar", "44100", "-ac", String(channels), ...FORMATS[format], target,
  ]);
  return target;
}

/** A copy of `file` cut to `fraction` of its bytes, like an upload that broke off. */
export async function truncated(file: string, fraction = 0.6): Promise<string> {
  const bytes = await fsp.readFile(file);
  const { dir, name, ext } = path.parse(file);
  const target = path.join(dir, `${name}-truncated${ext}`);
  await fsp.writeFile(target, bytes.subarray(0, Math.floor(bytes.length * fraction)));
  return target;
}

export interface Loudness {
  integratedLufs: number;
  truePeakDbtp: number;
}

/**
 * Independent EBU R128 measurement of a file with ffmpeg's ebur128 meter (not loudnorm). Mono is
 * measured as dual-mono, i.e. as heard on two ears, which is how Sada normalises it.
 */
export async function measureLoudness(file: string): Promise<Loudness> {
  const probe = await ffmpeg.probe(file);
  const dualMono = probe.audio?.channels === 1 ? ":dualmono=true" : "";
  const { stderr } = await run(binaries.ffmpeg, ["-hide_banner", "-nostats", "-i", file, "-map", "0:a:0", "-af", `ebur128=peak=true${dualMono}`, "-f", "null", "-"], {
    maxBuffer: 64 * 1024 * 1024,
  });
  const summary = stderr.slice(stderr.lastIndexOf("Summary:"));
  const integrated = /I:\s+(-?[\d.]+|-inf) LUFS/.exec(summary);
  const peak = /True peak:\s+Peak:\s+(-?[\d.]+|-inf) dBFS/.exec(summary);
  if (!integrated || !peak) throw new Error(`no ebur128 summary for ${file}:\n${summary}`);
  return { integratedLufs: Number(integrated[1]), truePeakDbtp: Number(peak[1]) };
}
