import { fileTypeFromFile } from "file-type";
import { AppError, unsupportedMedia } from "../errors.ts";
import { FfmpegError, type Ffmpeg, type ProbeResult } from "../adapters/ffmpeg.ts";

// The fast checks an upload gets before it is accepted: sniff the bytes (the name and the declared
// Content-Type prove nothing), then ffprobe the headers. Decoding — where truncation and damage
// show — happens in the job.

/** Containers we accept, by sniffed extension (file-type): WAV, FLAC, AIFF, MP3, M4A/AAC, OGG/Opus, WebM. */
const ACCEPTED_CONTAINERS = new Set(["wav", "flac", "aif", "mp3", "m4a", "mp4", "aac", "ogg", "oga", "opus", "webm"]);

export interface InspectedAudio {
  /** Sniffed container, e.g. "wav", "m4a". */
  container: string;
  probe: ProbeResult;
}

export async function inspectAudioFile(ffmpeg: Ffmpeg, filePath: string, maxAudioSeconds: number): Promise<InspectedAudio> {
  const sniffed = await fileTypeFromFile(filePath);
  if (!sniffed || !ACCEPTED_CONTAINERS.has(sniffed.ext)) throw unsupportedMedia({ detected: sniffed?.mime ?? "unknown" });
  let probe: ProbeResult;
  try {
    probe = await ffmpeg.probe(filePath);
  } catch (err) {
    // It looks like an audio container but its headers cannot be read: damaged (e.g. an MP4 cut before its index).
    if (err instanceof FfmpegError) throw new AppError("audio_corrupt", 422, { detail: err.message });
    throw err;
  }
  // An MP4/WebM with a picture track is a video, not a podcast recording (cover art is fine).
  if (!probe.audio || probe.hasVideo) throw unsupportedMedia({ detected: sniffed.mime });
  if (probe.durationSeconds !== undefined && probe.durationSeconds > maxAudioSeconds) {
    throw new AppError("audio_too_long", 422, { seconds: Math.round(probe.durationSeconds), maxSeconds: maxAudioSeconds });
  }
  return { container: sniffed.ext, probe };
}
