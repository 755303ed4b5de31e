import fsp from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inspectAudioFile } from "../../server/media/audio-inspect.ts";
import { processAudio, type AudioTags } from "../../server/media/audio-pipeline.ts";
import { id3v2TagBytes } from "../../server/media/id3.ts";
import { FORMATS, ffmpeg, makeAudio, measureLoudness, truncated, type FixtureFormat } from "../support/audio-fixtures.ts";
import { rejection } from "../support/inspect.ts";

// The audio work on its own (no database, no storage): real ffmpeg on generated recordings.

let dir: string;
const tags: AudioTags = { title: "Épisode 12 — «Voix»", album: "Sada", artist: "Équipe Sada", track: 12, locale: "fr", copyright: "CC BY 4.0" };

beforeAll(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), "sada-audio-"));
});
afterAll(async () => {
  await fsp.rm(dir, { recursive: true, force: true });
});

async function process(source: string, extra: { artworkPath?: string; maxAudioSeconds?: number } = {}) {
  const { probe } = await inspectAudioFile(ffmpeg, source, extra.maxAudioSeconds ?? 3600);
  const workDir = await fsp.mkdtemp(path.join(dir, "work-"));
  const progress: number[] = [];
  const result = await processAudio(ffmpeg, {
    sourcePath: source,
    probe,
    workDir,
    tags,
    artworkPath: extra.artworkPath,
    maxAudioSeconds: extra.maxAudioSeconds ?? 3600,
    onProgress: (f) => progress.push(f),
  });
  return { result, progress, workDir };
}

describe("accepted formats", () => {
  // (.opus is the same Ogg container and codec as .ogg here.)
  it.each((Object.keys(FORMATS) as FixtureFormat[]).filter((f) => f !== "opus"))("%s → normalised MP3 + AAC renditions", async (format) => {
    const source = await makeAudio(dir, `accept-${format}`, format, { seconds: 6 });
    const { result } = await process(source);
    expect(result.durationSeconds).toBeGreaterThan(5.8);
    expect(result.durationSeconds).toBeLessThan(6.2);
    expect(result.outputLufs).toBeCloseTo(-16, 0);
    const main = await ffmpeg.probe(result.renditions[0]!.path);
    expect(main.audio).toMatchObject({ codec: "mp3", sampleRate: 44100, channels: 2 });
    const low = await ffmpeg.probe(result.renditions[1]!.path);
    expect(low.audio).toMatchObject({ codec: "aac", sampleRate: 44100, channels: 1 });
  });
});

describe("loudness normalisation", () => {
  it.each([
    ["quiet speech (≈ −32 LUFS)", { gain: 0.2 }],
    ["hot speech, clipping (limiter needed)", { gain: 4 }],
    ["mono music bed", { channels: 1 as const, content: "music" as const, gain: 0.5 }],
  ])("%s → −16 LUFS ±1, true peak ≤ −1 dBTP, measured independently on both renditions", async (_label, options) => {
    const source = await makeAudio(dir, `loud-${_label.replace(/\W+/g, "-")}`, "wav", { seconds: 12, ...options });
    const { result } = await process(source);
    const input = await measureLoudness(source);
    // Recorded figures: input as measured by an independent meter, output on target.
    expect(Math.abs(result.inputLufs! - input.integratedLufs)).toBeLessThan(0.6);
    expect(result.outputLufs!).toBeGreaterThanOrEqual(-17);
    expect(result.outputLufs!).toBeLessThanOrEqual(-15);
    expect(result.truePeakDbtp!).toBeLessThanOrEqual(-1);
    for (const rendition of result.renditions) {
      const measured = await measureLoudness(rendition.path);
      expect(measured.integratedLufs, rendition.kind).toBeGreaterThanOrEqual(-17);
      expect(measured.integratedLufs, rendition.kind).toBeLessThanOrEqual(-15);
      // 0.1 dB: the meter's display resolution.
      expect(measured.truePeakDbtp, rendition.kind).toBeLessThanOrEqual(-1 + 0.1);
    }
  });
});

describe("renditions", () => {
  it("main: MP3 128 kbps CBR stereo 44.1 kHz with ID3v2 tags and cover art; low-data: AAC-LC mono ~40 kbps, moov first", async () => {
    const source = await makeAudio(dir, "tags", "flac", { seconds: 8 });
    const cover = path.join(dir, "cover.jpg");
    const sharp = (await import("sharp")).default;
    await sharp({ create: { width: 300, height: 300, channels: 3, background: "#c0392b" } }).jpeg().toFile(cover);
    const { result, progress } = await process(source, { artworkPath: cover });
    const [main, low] = result.renditions;

    expect(main).toMatchObject({ kind: "main", mimeType: "audio/mpeg", bitrateKbps: 128, targetKbps: 128, fileName: "main.mp3" });
    const mainProbe = await ffmpeg.probe(main!.path);
    expect(mainProbe.formatName).toBe("mp3");
    expect(mainProbe.audio).toMatchObject({ codec: "mp3", sampleRate: 44100, channels: 2, bitRate: 128000 });
    expect(mainProbe.tags).toMatchObject({ title: tags.title, album: "Sada", artist: "Équipe Sada", track: "12", language: "fra", genre: "Podcast", copyright: "CC BY 4.0" });
    expect(mainProbe.hasAttachedPicture).toBe(true);
    const header = Buffer.alloc(3);
    const fh = await fsp.open(main!.path, "r");
    await fh.read(header, 0, 3, 0);
    await fh.close();
    expect(header.toString("latin1")).toBe("ID3");
    // The tag (with the picture) ends exactly where the first MPEG frame starts.
    expect(main!.id3HeaderBytes).toBe(await id3v2TagBytes(main!.path));
    expect(main!.id3HeaderBytes).toBeGreaterThan((await fsp.stat(cover)).size);
    const bytes = await fsp.readFile(main!.path);
    expect(bytes[main!.id3HeaderBytes]).toBe(0xff);
    expect(bytes[main!.id3HeaderBytes + 1]! & 0xe0).toBe(0xe0);
    // CBR: size ≈ bitrate × duration (+ tag).
    const audioBytes = bytes.length - main!.id3HeaderBytes;
    expect(audioBytes / ((128_000 / 8) * main!.durationSeconds)).toBeCloseTo(1, 1);

    expect(low).toMatchObject({ kind: "lowdata", mimeType: "audio/mp4", fileName: "lowdata.m4a", id3HeaderBytes: 0 });
    const lowProbe = await ffmpeg.probe(low!.path);
    expect(lowProbe.formatName).toContain("mp4");
    expect(lowProbe.audio).toMatchObject({ codec: "aac", sampleRate: 44100, channels: 1 });
    expect(lowProbe.streams[0]!.profile).toBe("LC");
    // "Around 32–48 kbps": the AAC encoder's rate control is loose on speech (see renditionSpecs).
    expect(low!.bitrateKbps).toBe(Math.round(lowProbe.audio!.bitRate! / 1000));
    expect(low!.bitrateKbps).toBeGreaterThanOrEqual(32);
    expect(low!.bitrateKbps).toBeLessThanOrEqual(52);
    expect(lowProbe.tags).toMatchObject({ title: tags.title, album: "Sada" });
    const lowBytes = await fsp.readFile(low!.path);
    // faststart: the index ("moov") precedes the media data ("mdat"), so playback starts before the download ends.
    expect(lowBytes.indexOf("moov")).toBeLessThan(lowBytes.indexOf("mdat"));

    expect(Math.abs(main!.durationSeconds - low!.durationSeconds)).toBeLessThan(0.1);
    // Progress rose steadily to the end.
    expect(progress.length).toBeGreaterThan(1);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(progress.at(-1)!).toBeGreaterThan(0.9);
  });

  it("mono source → MP3 96 kbps mono", async () => {
    const source = await makeAudio(dir, "mono", "wav", { seconds: 6, channels: 1 });
    const { result } = await process(source);
    const main = await ffmpeg.probe(result.renditions[0]!.path);
    expect(result.renditions[0]!.bitrateKbps).toBe(96);
    expect(main.audio).toMatchObject({ codec: "mp3", channels: 1, sampleRate: 44100, bitRate: 96000 });
  });

  it("5.1 source → stereo main", async () => {
    const source = path.join(dir, "surround.flac");
    const { binaries } = await import("../support/audio-fixtures.ts");
    const { execFileSync } = await import("node:child_process");
    execFileSync(binaries.ffmpeg, ["-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "anoisesrc=c=pink:a=0.3:d=5,volume='0.3+0.7*abs(sin(2*PI*t))':eval=frame", "-af", "pan=5.1|c0=c0|c1=c0|c2=c0|c3=c0|c4=c0|c5=c0", "-c:a", "flac", source]);
    const { result } = await process(source);
    expect((await ffmpeg.probe(result.renditions[0]!.path)).audio).toMatchObject({ channels: 2 });
  });
});

describe("bad input", () => {
  it("a text file named .mp3 → 415 unsupported_media", async () => {
    const fake = path.join(dir, "notes.mp3");
    await fsp.writeFile(fake, "These are my show notes, not audio.\n".repeat(100));
    const err = await rejection(inspectAudioFile(ffmpeg, fake, 3600));
    expect(err).toMatchObject({ code: "unsupported_media", status: 415 });
  });

  it("an image → 415 unsupported_media", async () => {
    const image = path.join(dir, "image.mp3");
    const sharp = (await import("sharp")).default;
    await sharp({ create: { width: 64, height: 64, channels: 3, background: "#000" } }).png().toFile(image);
    expect(await rejection(inspectAudioFile(ffmpeg, image, 3600))).toMatchObject({ code: "unsupported_media", status: 415 });
  });

  it("longer than the maximum → 422 audio_too_long", async () => {
    const source = await makeAudio(dir, "long", "mp3", { seconds: 6 });
    const err = await rejection(inspectAudioFile(ffmpeg, source, 5));
    expect(err).toMatchObject({ code: "audio_too_long", status: 422, params: { seconds: 6, maxSeconds: 5 } });
  });

  it.each(["wav", "mp3", "flac", "m4a", "ogg", "webm", "aiff"] as FixtureFormat[])("a truncated %s → audio_corrupt (found while decoding)", async (format) => {
    const whole = await makeAudio(dir, `cut-${format}`, format, { seconds: 6 });
    const cut = await truncated(whole);
    const err = await rejection(
      (async () => {
        const { probe } = await inspectAudioFile(ffmpeg, cut, 3600);
        const workDir = await fsp.mkdtemp(path.join(dir, "work-"));
        await processAudio(ffmpeg, { sourcePath: cut, probe, workDir, tags, maxAudioSeconds: 3600 });
      })(),
    );
    expect(err).toMatchObject({ code: "audio_corrupt", status: 422 });
    expect(String(err.params.detail)).not.toContain(dir);
  });

  it("an MP4 cut before its index cannot even be probed → 422 audio_corrupt at upload", async () => {
    const whole = path.join(dir, "moov-at-end.m4a");
    const { binaries } = await import("../support/audio-fixtures.ts");
    const { execFileSync } = await import("node:child_process");
    execFileSync(binaries.ffmpeg, ["-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "sine=d=4", "-c:a", "aac", whole]);
    const cut = await truncated(whole, 0.5);
    expect(await rejection(inspectAudioFile(ffmpeg, cut, 3600))).toMatchObject({ code: "audio_corrupt", status: 422 });
  });
});
