import { describe, expect, it } from "vitest";
import { AppError } from "../../server/errors.ts";
import { parseChapters } from "../../server/episodes/chapters.ts";
import { renderShowNotes } from "../../server/episodes/show-notes.ts";
import { toWebVtt } from "../../server/episodes/transcript.ts";
import { isItunesCategory } from "../../server/shows/itunes-categories.ts";
import { asciiSlug } from "../../server/shows/slug.ts";

// The text inputs of an episode, without HTTP: show notes, transcripts, chapters, slugs, categories.

function failure(fn: () => unknown): AppError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    return err as AppError;
  }
  throw new Error("expected a failure");
}

const transcriptFailure = (text: string) => {
  const err = failure(() => toWebVtt(Buffer.from(text)));
  expect(err).toMatchObject({ code: "transcript_invalid", status: 422 });
  return err.details![0] as { code: string; line?: number };
};

describe("show notes", () => {
  it("renders Markdown to the allow-listed HTML, links marked noopener nofollow", () => {
    const html = renderShowNotes(
      "# Guests\n\nWith **Amal** and _Karim_.\nSee [the report](https://example.org/report) or [write](mailto:team@example.org).\n\n- one\n- two\n\n> quoted\n\n`code`",
    );
    expect(html).toBe(
      [
        "<h3>Guests</h3>",
        "<p>With <strong>Amal</strong> and <em>Karim</em>.<br />See " +
          '<a href="https://example.org/report" rel="noopener nofollow">the report</a> or <a href="mailto:team@example.org" rel="noopener nofollow">write</a>.</p>',
        "<ul>\n<li>one</li>\n<li>two</li>\n</ul>",
        "<blockquote>\n<p>quoted</p>\n</blockquote>",
        "<p><code>code</code></p>",
      ].join("\n"),
    );
  });

  it("drops scripts, handlers, images, styles and unsafe links but keeps their text", () => {
    const html = renderShowNotes(
      '<script>alert(1)</script><p onclick="x()" style="color:red">Hi <img src=x onerror=alert(1)></p>\n\n' +
        '[click](javascript:alert(1)) [data](data:text/html;base64,PHNjcmlwdD4=) <a href="//evil.example">proto</a> <a href="https://ok.example" target="_blank" rel="opener">ok</a>\n\n' +
        "<iframe src=https://evil.example></iframe><table><tr><td>cell</td></tr></table>",
    );
    expect(html).not.toMatch(/script|onclick|onerror|style=|<img|<iframe|<table|javascript:|data:|evil|target=/);
    expect(html).toContain("Hi");
    expect(html).toContain("click");
    expect(html).toContain("proto");
    expect(html).toContain("cell");
    expect(html).toContain('<a href="https://ok.example" rel="noopener nofollow">ok</a>');
    expect(renderShowNotes("  \n ")).toBe("");
  });

  it("keeps Arabic text as is", () => {
    expect(renderShowNotes("حلقة عن **حرية التعبير**")).toBe("<p>حلقة عن <strong>حرية التعبير</strong></p>");
  });
});

describe("transcripts", () => {
  it("keeps valid WebVTT (line endings normalised): header text, notes, styles, identifiers, settings, voices", () => {
    const vtt =
      "\uFEFFWEBVTT - Épisode 4\r\n\r\nSTYLE\r\n::cue { color: yellow }\r\n\r\nNOTE made by hand\r\n\r\n1\r\n00:00.000 --> 00:02.500 align:start position:10%\r\n<v Amal>مرحبا بكم</v>\r\n\r\n" +
      "intro-2\r\n00:00:02.500 --> 00:00:05.000\r\nBienvenue &amp; bonjour\r\nsecond line\r\n\r\n01:00:00.000 --> 01:00:01.000\r\nlate\r\n";
    const result = toWebVtt(Buffer.from(vtt));
    expect(result).toMatchObject({ sourceFormat: "webvtt", cueCount: 3 });
    expect(result.vtt).toBe(vtt.replace("\uFEFF", "").replace(/\r\n/g, "\n"));
  });

  it("converts SRT to WebVTT: timestamps, b/i/u kept, font and position tags dropped, text escaped", () => {
    const srt =
      "1\r\n00:00:01,000 --> 00:00:03,200\r\n<i>Hello</i> & <font color=\"red\">welcome</font>\r\n\r\n" +
      "2\n00:00:03,200 --> 00:00:05,000 X1:10 X2:20 Y1:30 Y2:40\n{\\an8}x < y\n\n\n3\n01:02:03,004 --> 01:02:04,000\nمرحبا\n";
    const result = toWebVtt(Buffer.from(srt));
    expect(result).toMatchObject({ sourceFormat: "srt", cueCount: 3 });
    expect(result.vtt).toBe(
      "WEBVTT\n\n1\n00:00:01.000 --> 00:00:03.200\n<i>Hello</i> &amp; welcome\n\n2\n00:00:03.200 --> 00:00:05.000\nx &lt; y\n\n3\n01:02:03.004 --> 01:02:04.000\nمرحبا\n",
    );
    expect(toWebVtt(Buffer.from(result.vtt)).cueCount).toBe(3); // the output is valid WebVTT
  });

  it("refuses what apps could not read, naming the line and the reason", () => {
    expect(transcriptFailure("")).toMatchObject({ code: "transcript_empty" });
    expect(transcriptFailure("Just some text\nwithout timing")).toMatchObject({ code: "transcript_header", line: 1 });
    expect(transcriptFailure("WEBVTTX\n\n00:00.000 --> 00:01.000\nhi")).toMatchObject({ code: "transcript_header", line: 1 });
    expect(transcriptFailure("WEBVTT\n00:00.000 --> 00:01.000\nhi")).toMatchObject({ code: "transcript_header_blank_line", line: 2 });
    expect(transcriptFailure("WEBVTT\n\n00:00.000 --> 00:01.00\nhi")).toMatchObject({ code: "transcript_timestamp", line: 3 });
    expect(transcriptFailure("WEBVTT\n\n00:00:00,000 --> 00:00:01,000\nhi")).toMatchObject({ code: "transcript_timestamp", line: 3 });
    expect(transcriptFailure("WEBVTT\n\n00:61.000 --> 01:02.000\nhi")).toMatchObject({ code: "transcript_timestamp", line: 3 });
    expect(transcriptFailure("WEBVTT\n\nid\ntext without timing")).toMatchObject({ code: "transcript_timing_missing", line: 4 });
    expect(transcriptFailure("WEBVTT\n\n00:02.000 --> 00:01.000\nhi")).toMatchObject({ code: "transcript_end_before_start", line: 3 });
    expect(transcriptFailure("WEBVTT\n\n00:05.000 --> 00:06.000\na\n\n00:01.000 --> 00:02.000\nb")).toMatchObject({ code: "transcript_out_of_order", line: 6 });
    expect(transcriptFailure("WEBVTT\n\n00:01.000 --> 00:02.000 colour:red\nhi")).toMatchObject({ code: "transcript_cue_settings", line: 3 });
    expect(transcriptFailure("WEBVTT\n\n00:01.000 --> 00:02.000\nsee --> there")).toMatchObject({ code: "transcript_arrow_in_text", line: 4 });
    expect(transcriptFailure("WEBVTT\n\n00:01.000 --> 00:02.000\nhi\n\nSTYLE\n::cue {}")).toMatchObject({ code: "transcript_block_after_cue", line: 6 });
    expect(transcriptFailure("WEBVTT\n\nNOTE only a note")).toMatchObject({ code: "transcript_no_cues" });
    expect(transcriptFailure("1\n00:00:01,000 --> 00:00:02,000\nok\n\nx\n00:00:02,000 --> 00:00:03,000\nno")).toMatchObject({ code: "transcript_srt_index", line: 5 });
    expect(transcriptFailure("1\n00:00:01,000 --> 00:00:02,000\n\n2\n00:00:02,000 --> 00:00:03,000\nok")).toMatchObject({ code: "transcript_srt_text_missing", line: 2 });
    expect(transcriptFailure("1\n0:00:01,000 --> 00:00:02,000\nhi")).toMatchObject({ code: "transcript_timestamp", line: 2 });
    const latin1 = failure(() => toWebVtt(Buffer.from([0x57, 0x45, 0x42, 0x56, 0x54, 0x54, 0x0a, 0x0a, 0xe9])));
    expect(latin1.details![0]).toMatchObject({ code: "transcript_encoding" });
  });
});

describe("chapters", () => {
  const valid = {
    version: "1.2.0",
    title: "Épisode 4",
    chapters: [
      { startTime: 0, title: "Intro" },
      { startTime: 168.5, title: "Témoignage", img: "https://example.org/c.jpg", url: "https://example.org/report", endTime: 400 },
      { startTime: 410, toc: false, location: { name: "Tunis", geo: "geo:36.8065,10.1815" } },
    ],
  };

  it("accepts the Podcasting 2.0 format (from bytes or parsed JSON) and keeps only known fields", () => {
    expect(parseChapters(Buffer.from(JSON.stringify(valid)))).toEqual(valid);
    expect(parseChapters({ ...valid, generator: "x", chapters: [{ startTime: 1, title: "a", colour: "red" }] })).toEqual({ version: "1.2.0", title: "Épisode 4", chapters: [{ startTime: 1, title: "a" }] });
  });

  it("refuses malformed files with 422 chapters_invalid and the failing field", () => {
    const cases: [unknown, string, string][] = [
      [{ chapters: [{ startTime: 0 }] }, "version", "required"],
      [{ version: "1.2.0", chapters: [] }, "chapters", "too_small"],
      [{ version: "1.2.0", chapters: [{ title: "no time" }] }, "chapters.0.startTime", "required"],
      [{ version: "1.2.0", chapters: [{ startTime: -1 }] }, "chapters.0.startTime", "too_small"],
      [{ version: "1.2.0", chapters: [{ startTime: "10" }] }, "chapters.0.startTime", "invalid_type"],
      [{ version: "1.2.0", chapters: [{ startTime: 5, endTime: 2 }] }, "chapters.0.endTime", "chapters_end_before_start"],
      [{ version: "1.2.0", chapters: [{ startTime: 5 }, { startTime: 2 }] }, "chapters.1.startTime", "chapters_out_of_order"],
      [{ version: "1.2.0", chapters: [{ startTime: 0, url: "javascript:alert(1)" }] }, "chapters.0.url", "invalid_format"],
      [{ version: "1.2.0", chapters: [{ startTime: 0, img: "not a url" }] }, "chapters.0.img", "invalid_format"],
      [{ version: "1.2.0", chapters: [{ startTime: 0, location: { name: "x", geo: "36.8,10.1" } }] }, "chapters.0.location.geo", "invalid_format"],
      [[1, 2], "", "invalid_type"],
    ];
    for (const [input, path, code] of cases) {
      const err = failure(() => parseChapters(input));
      expect(err.code).toBe("chapters_invalid");
      expect(err.details, JSON.stringify(input)).toContainEqual(expect.objectContaining({ path, code }));
    }
    const syntax = failure(() => parseChapters(Buffer.from("{ version: 1")));
    expect(syntax.details).toEqual([{ path: "chapters", code: "chapters_json_syntax" }]);
  });
});

describe("slugs and categories", () => {
  it("transliterates Latin script and drops what has no ASCII form", () => {
    expect(asciiSlug("Épisode 4 : la parole libérée")).toBe("episode-4-la-parole-liberee");
    expect(asciiSlug("Straße & Œuvre — Ça va?")).toBe("strasse-oeuvre-ca-va");
    expect(asciiSlug("حرية التعبير")).toBe("");
    expect(asciiSlug("Une très longue phrase qui dépasse largement la limite fixée pour une adresse", 30)).toBe("une-tres-longue-phrase-qui");
  });

  it("knows Apple's categories and which subcategory belongs where", () => {
    expect(isItunesCategory("Society & Culture", "Documentary")).toBe(true);
    expect(isItunesCategory("News", "Politics")).toBe(true);
    expect(isItunesCategory("Education", "How To")).toBe(true);
    expect(isItunesCategory("Government")).toBe(true);
    expect(isItunesCategory("Government", "Politics")).toBe(false);
    expect(isItunesCategory("Politics")).toBe(false);
    expect(isItunesCategory("toString")).toBe(false);
  });
});
