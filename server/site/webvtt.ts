// Reading a stored WebVTT transcript as text for people: cues with their start time and speaker
// (from <v Name> voice spans), markup removed, then grouped into paragraphs. Lenient on purpose — a
// transcript that is slightly off still reads well; the upload side validates strictly.

export interface TranscriptCue {
  startSeconds: number;
  endSeconds: number;
  speaker?: string;
  text: string;
}

export interface TranscriptParagraph {
  startSeconds: number;
  speaker?: string;
  text: string;
}

const TIMING = /^\s*((?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})\s+-->\s+((?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})/;
const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: "\u00a0", lrm: "\u200e", rlm: "\u200f" };

export function parseTimestamp(value: string): number {
  const parts = value.replace(",", ".").split(":").map(Number);
  return parts.reduce((total, part) => total * 60 + part, 0);
}

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] === "#") {
      const code = name[1] === "x" || name[1] === "X" ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

/** Cue payload → plain text and the first voice's name. */
function cueText(payload: string): { text: string; speaker?: string } {
  const voice = /<v(?:\.[^\s>]*)?\s+([^>]+)>/.exec(payload);
  const text = decodeEntities(payload.replace(/<[^>]*>/g, ""))
    .replace(/\s*\n\s*/g, " ")
    .trim();
  const speaker = voice ? decodeEntities(voice[1]).trim() : undefined;
  return { text, speaker: speaker || undefined };
}

export function parseWebVtt(source: string): TranscriptCue[] {
  const blocks = source.replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n").split(/\n{2,}/);
  const cues: TranscriptCue[] = [];
  for (const block of blocks) {
    const lines = block.split("\n").filter((line, index) => index > 0 || line.trim() !== "");
    const timingIndex = lines.findIndex((line) => line.includes("-->"));
    if (timingIndex === -1 || timingIndex > 1) continue; // header, NOTE, STYLE, REGION
    const timing = TIMING.exec(lines[timingIndex]);
    if (!timing) continue;
    const { text, speaker } = cueText(lines.slice(timingIndex + 1).join("\n"));
    if (!text) continue;
    cues.push({ startSeconds: parseTimestamp(timing[1]), endSeconds: parseTimestamp(timing[2]), speaker, text });
  }
  return cues;
}

/** A new paragraph starts with a new speaker, after a pause, or once one grows long. */
export function transcriptParagraphs(cues: TranscriptCue[], { pauseSeconds = 2, maxChars = 600 } = {}): TranscriptParagraph[] {
  const paragraphs: TranscriptParagraph[] = [];
  let current: (TranscriptParagraph & { endSeconds: number }) | undefined;
  for (const cue of cues) {
    const speakerChanged = cue.speaker !== undefined && cue.speaker !== current?.speaker;
    if (!current || speakerChanged || cue.startSeconds - current.endSeconds >= pauseSeconds || current.text.length >= maxChars) {
      current = { startSeconds: cue.startSeconds, endSeconds: cue.endSeconds, speaker: cue.speaker ?? current?.speaker, text: cue.text };
      paragraphs.push(current);
    } else {
      current.text += ` ${cue.text}`;
      current.endSeconds = cue.endSeconds;
    }
  }
  return paragraphs.map(({ startSeconds, speaker, text }) => ({ startSeconds, speaker, text }));
}
