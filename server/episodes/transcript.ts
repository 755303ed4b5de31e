import { AppError, type ErrorDetail } from "../errors.ts";

// Transcripts arrive as WebVTT or SRT and are stored as WebVTT (what podcast apps and <track> read).
// Validation is strict — a file an app cannot parse is refused with the line and the reason, rather
// than published broken. The reasons are `validation:transcript_*` keys.

export type TranscriptReason =
  | "encoding"
  | "empty"
  | "header"
  | "header_blank_line"
  | "timing_missing"
  | "timestamp"
  | "cue_settings"
  | "end_before_start"
  | "out_of_order"
  | "arrow_in_text"
  | "srt_index"
  | "srt_text_missing"
  | "block_after_cue"
  | "no_cues";

/** The detail's message (validation:transcript_<reason>) names the line when there is one. */
export function transcriptInvalid(reason: TranscriptReason, line?: number): AppError {
  const detail: ErrorDetail & { line?: number } = { path: "transcript", code: `transcript_${reason}`, ...(line ? { line } : {}) };
  return new AppError("transcript_invalid", 422, {}, [detail]);
}

interface Cue {
  identifier?: string;
  start: number;
  end: number;
  settings?: string;
  text: string[];
}

interface Line {
  text: string;
  /** 1-based, in the uploaded file. */
  number: number;
}

/** Blocks of non-empty lines separated by blank lines (whitespace-only lines count as blank for SRT only). */
function blocks(lines: Line[], blank: (text: string) => boolean): Line[][] {
  const result: Line[][] = [];
  let current: Line[] = [];
  for (const line of lines) {
    if (blank(line.text)) {
      if (current.length) result.push(current);
      current = [];
    } else current.push(line);
  }
  if (current.length) result.push(current);
  return result;
}

/** WebVTT timestamp: (hh+:)mm:ss.ttt, minutes and seconds 00–59, exactly three fraction digits. */
const VTT_TIMESTAMP = /^(?:(\d{2,}):)?([0-5]\d):([0-5]\d)\.(\d{3})$/;
const VTT_TIMING = /^(\S+)[ \t]+-->[ \t]+(\S+)(?:[ \t]+(.*))?$/;
const VTT_SETTING = /^(vertical:(rl|lr)|line:-?\d+(\.\d+)?%?(,(start|center|end))?|position:\d+(\.\d+)?%(,(line-left|center|line-right))?|size:\d+(\.\d+)?%|align:(start|center|end|left|right)|region:[^\s:]+)$/;
const SRT_TIMESTAMP = /^(\d{2,}):([0-5]\d):([0-5]\d)[,.](\d{3})$/;
const SRT_TIMING = /^(\S+)[ \t]+-->[ \t]+(\S+)(?:[ \t]+X1:\d+[ \t]+X2:\d+[ \t]+Y1:\d+[ \t]+Y2:\d+)?[ \t]*$/;

function seconds(match: RegExpExecArray): number {
  return Number(match[1] ?? 0) * 3600 + Number(match[2]) * 60 + Number(match[3]) + Number(match[4]) / 1000;
}

function formatTimestamp(value: number): string {
  const ms = Math.round(value * 1000);
  const pad = (n: number, width = 2) => String(n).padStart(width, "0");
  return `${pad(Math.floor(ms / 3_600_000))}:${pad(Math.floor(ms / 60_000) % 60)}:${pad(Math.floor(ms / 1000) % 60)}.${pad(ms % 1000, 3)}`;
}

function checkOrder(cue: Cue, previous: Cue | undefined, line: number): void {
  if (cue.end <= cue.start) throw transcriptInvalid("end_before_start", line);
  if (previous && cue.start < previous.start) throw transcriptInvalid("out_of_order", line);
}

function parseVtt(lines: Line[]): Cue[] {
  if (!/^WEBVTT([ \t].*)?$/.test(lines[0].text)) throw transcriptInvalid("header", 1);
  // The header runs to the first blank line and may not hold a cue.
  let index = 1;
  while (index < lines.length && lines[index].text !== "") {
    if (lines[index].text.includes("-->")) throw transcriptInvalid("header_blank_line", lines[index].number);
    index++;
  }
  const cues: Cue[] = [];
  for (const block of blocks(lines.slice(index), (text) => text === "")) {
    const first = block[0];
    if (/^NOTE($|[ \t])/.test(first.text)) {
      const arrow = block.find((l) => l.text.includes("-->"));
      if (arrow) throw transcriptInvalid("arrow_in_text", arrow.number);
      continue;
    }
    if (/^(STYLE|REGION)[ \t]*$/.test(first.text)) {
      if (cues.length) throw transcriptInvalid("block_after_cue", first.number);
      continue;
    }
    const timingAt = first.text.includes("-->") ? 0 : 1;
    const timingLine = block[timingAt];
    if (!timingLine || !timingLine.text.includes("-->")) throw transcriptInvalid("timing_missing", (timingLine ?? first).number);
    const timing = VTT_TIMING.exec(timingLine.text);
    const start = timing && VTT_TIMESTAMP.exec(timing[1]);
    const end = timing && VTT_TIMESTAMP.exec(timing[2]);
    if (!timing || !start || !end) throw transcriptInvalid("timestamp", timingLine.number);
    const settings = timing[3]?.trim();
    if (settings && !settings.split(/[ \t]+/).every((s) => VTT_SETTING.test(s))) throw transcriptInvalid("cue_settings", timingLine.number);
    const text = block.slice(timingAt + 1);
    const arrow = text.find((l) => l.text.includes("-->"));
    if (arrow) throw transcriptInvalid("arrow_in_text", arrow.number);
    const cue: Cue = { identifier: timingAt ? first.text : undefined, start: seconds(start), end: seconds(end), settings, text: text.map((l) => l.text) };
    checkOrder(cue, cues.at(-1), timingLine.number);
    cues.push(cue);
  }
  return cues;
}

/** SRT cue text → WebVTT cue text: b/i/u kept, <font> and {\an8}-style tags dropped, the rest escaped. */
function srtTextToVtt(text: string): string {
  return text
    .replace(/\{\\[^}]*\}/g, "")
    .replace(/<\/?font[^>]*>/gi, "")
    .replace(/&(?!(?:[a-z]+|#\d+|#x[0-9a-f]+);)/gi, "&amp;")
    .replace(/<(?!\/?[biu]>)/gi, "&lt;")
    .replace(/<(\/?)([BIU])>/g, (_m, slash: string, tag: string) => `<${slash}${tag.toLowerCase()}>`);
}

function parseSrt(lines: Line[]): Cue[] {
  const cues: Cue[] = [];
  for (const block of blocks(lines, (text) => text.trim() === "")) {
    const [indexLine, timingLine, ...text] = block;
    if (!/^\d+$/.test(indexLine.text.trim())) throw transcriptInvalid(cues.length ? "srt_index" : "header", indexLine.number);
    if (!timingLine) throw transcriptInvalid("timing_missing", indexLine.number);
    const timing = SRT_TIMING.exec(timingLine.text.trim());
    const start = timing && SRT_TIMESTAMP.exec(timing[1]);
    const end = timing && SRT_TIMESTAMP.exec(timing[2]);
    if (!timing || !start || !end) throw transcriptInvalid(timingLine.text.includes("-->") ? "timestamp" : "timing_missing", timingLine.number);
    if (text.length === 0) throw transcriptInvalid("srt_text_missing", timingLine.number);
    const arrow = text.find((l) => l.text.includes("-->"));
    if (arrow) throw transcriptInvalid("arrow_in_text", arrow.number);
    const cue: Cue = { identifier: indexLine.text.trim(), start: seconds(start), end: seconds(end), text: text.map((l) => srtTextToVtt(l.text.trimEnd())) };
    checkOrder(cue, cues.at(-1), timingLine.number);
    cues.push(cue);
  }
  return cues;
}

function serialize(cues: Cue[]): string {
  const body = cues.map((cue) => {
    const timing = `${formatTimestamp(cue.start)} --> ${formatTimestamp(cue.end)}${cue.settings ? ` ${cue.settings}` : ""}`;
    return [...(cue.identifier ? [cue.identifier] : []), timing, ...cue.text].join("\n");
  });
  return `WEBVTT\n\n${body.join("\n\n")}\n`;
}

export interface Transcript {
  /** The WebVTT to store. */
  vtt: string;
  sourceFormat: "webvtt" | "srt";
  cueCount: number;
}

/**
 * Validates an uploaded transcript (UTF-8 WebVTT or SRT) and returns it as WebVTT. A WebVTT file is
 * kept as written (line endings normalised); an SRT file is converted. Throws 422
 * `transcript_invalid` with the line and reason.
 */
export function toWebVtt(bytes: Buffer): Transcript {
  let source: string;
  try {
    source = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw transcriptInvalid("encoding");
  }
  if (source.includes("\u0000")) throw transcriptInvalid("encoding");
  source = source.replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n");
  if (!source.trim()) throw transcriptInvalid("empty");
  const lines = source.split("\n").map((text, i) => ({ text, number: i + 1 }));
  if (lines[0].text.startsWith("WEBVTT")) {
    const cues = parseVtt(lines);
    if (cues.length === 0) throw transcriptInvalid("no_cues");
    return { vtt: `${source.trimEnd()}\n`, sourceFormat: "webvtt", cueCount: cues.length };
  }
  const firstLine = lines.find((l) => l.text.trim() !== "")!;
  if (!/^\d+$/.test(firstLine.text.trim())) throw transcriptInvalid("header", firstLine.number);
  const cues = parseSrt(lines);
  if (cues.length === 0) throw transcriptInvalid("no_cues");
  return { vtt: serialize(cues), sourceFormat: "srt", cueCount: cues.length };
}
