import { describe, expect, it } from "vitest";
import { parseTimestamp, parseWebVtt, transcriptParagraphs } from "../../server/site/webvtt.ts";
import { parseChapters } from "../../server/site/chapters.ts";

describe("WebVTT for reading", () => {
  it("reads cues, voices and entities, and skips headers, notes, styles and cue settings", () => {
    const cues = parseWebVtt(
      "\uFEFFWEBVTT - a title\r\nKind: captions\r\n\r\nSTYLE\r\n::cue { color: red }\r\n\r\nNOTE a comment\r\nwith --> an arrow\r\n\r\n1\r\n00:01.000 --> 00:04.500 align:start line:0\r\n<v.loud Amal Ben Ali>Hello &amp; <b>welcome</b>\r\nto the show\r\n\r\n01:00:05.250 --> 01:00:07.000\r\n<c.yellow>No speaker</c> &lt;tag&gt; &#x2014; &#8212;\r\n\r\n00:00:08.000 --> 00:00:09.000\r\n\r\n",
    );
    expect(cues).toEqual([
      { startSeconds: 1, endSeconds: 4.5, speaker: "Amal Ben Ali", text: "Hello & welcome to the show" },
      { startSeconds: 3605.25, endSeconds: 3607, speaker: undefined, text: "No speaker <tag> — —" },
    ]);
    expect(parseTimestamp("1:02:03,5")).toBe(3723.5);
  });

  it("groups cues into paragraphs by speaker, pause and length", () => {
    const cue = (start: number, text: string, speaker?: string) => ({ startSeconds: start, endSeconds: start + 1, speaker, text });
    const paragraphs = transcriptParagraphs([cue(0, "a", "A"), cue(1, "b", "A"), cue(2, "c", "B"), cue(10, "d"), cue(11, "e")], { pauseSeconds: 2, maxChars: 600 });
    expect(paragraphs).toEqual([
      { startSeconds: 0, speaker: "A", text: "a b" },
      { startSeconds: 2, speaker: "B", text: "c" },
      { startSeconds: 10, speaker: "B", text: "d e" },
    ]);
    expect(transcriptParagraphs([cue(0, "x".repeat(10)), cue(1, "y")], { maxChars: 5 })).toHaveLength(2);
    expect(parseWebVtt("not a transcript")).toEqual([]);
  });
});

describe("chapters for reading", () => {
  it("keeps titled table-of-contents chapters, and shows none from a file the upload rules reject", () => {
    const json = JSON.stringify({
      version: "1.2.0",
      chapters: [
        { startTime: 0, title: " One " },
        { startTime: 30, title: "Two", url: "http://example.org/2" },
        { startTime: 40, title: "Hidden", toc: false },
        { startTime: 50 },
      ],
    });
    expect(parseChapters(json)).toEqual([
      { startSeconds: 0, title: "One", url: undefined },
      { startSeconds: 30, title: "Two", url: "http://example.org/2" },
    ]);
    const withScriptLink = { version: "1.2.0", chapters: [{ startTime: 0, title: "x", url: "javascript:alert(1)" }] };
    expect(parseChapters(JSON.stringify(withScriptLink))).toEqual([]);
    expect(parseChapters("{")).toEqual([]);
    expect(parseChapters('{"chapters": 3}')).toEqual([]);
  });
});
