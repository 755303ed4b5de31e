import { describe, expect, it } from "vitest";
import { errorLines, parseStatusTime } from "../../server/adapters/ffmpeg.ts";
import { id3v2TagBytesFromHeader } from "../../server/media/id3.ts";
import { measurementFrom, parseLoudnormReports, reportedLufs } from "../../server/media/loudness.ts";
import { tailEndsWithEosPage } from "../../server/media/ogg.ts";

describe("ID3v2 header size", () => {
  it("reads the syncsafe size and adds the header (and the v2.4 footer)", () => {
    // size bytes 00 01 0a 5e = (1 << 14) + (0x0a << 7) + 0x5e = 17758
    expect(id3v2TagBytesFromHeader(Buffer.from([0x49, 0x44, 0x33, 3, 0, 0, 0x00, 0x01, 0x0a, 0x5e]))).toBe(17768);
    expect(id3v2TagBytesFromHeader(Buffer.from([0x49, 0x44, 0x33, 4, 0, 0x10, 0, 0, 0, 100]))).toBe(120);
  });
  it("is 0 without a tag or with an invalid (non-syncsafe) size", () => {
    expect(id3v2TagBytesFromHeader(Buffer.from([0xff, 0xfb, 0x90, 0, 0, 0, 0, 0, 0, 0]))).toBe(0);
    expect(id3v2TagBytesFromHeader(Buffer.from([0x49, 0x44, 0x33, 3, 0, 0, 0x80, 0, 0, 0]))).toBe(0);
  });
});

function oggPage(flags: number, data: Buffer): Buffer {
  const header = Buffer.alloc(27);
  header.write("OggS", 0, "latin1");
  header[5] = flags;
  header[26] = 1;
  return Buffer.concat([header, Buffer.from([data.length]), data]);
}

describe("Ogg end-of-stream check", () => {
  it("accepts a stream whose last page is complete and flagged end-of-stream", () => {
    expect(tailEndsWithEosPage(Buffer.concat([oggPage(0, Buffer.alloc(50)), oggPage(4, Buffer.alloc(30))]))).toBe(true);
  });
  it("rejects a cut last page, or a last page without the flag", () => {
    const whole = Buffer.concat([oggPage(0, Buffer.alloc(50)), oggPage(4, Buffer.alloc(30))]);
    expect(tailEndsWithEosPage(whole.subarray(0, whole.length - 5))).toBe(false);
    expect(tailEndsWithEosPage(Buffer.concat([oggPage(0, Buffer.alloc(50)), oggPage(0, Buffer.alloc(30))]))).toBe(false);
  });
  it("is not fooled by 'OggS' inside packet data", () => {
    const payload = Buffer.concat([Buffer.from("xxOggSxx", "latin1"), Buffer.alloc(20)]);
    expect(tailEndsWithEosPage(oggPage(4, payload))).toBe(true);
  });
});

describe("ffmpeg log parsing", () => {
  it("reads status times and error-level lines", () => {
    expect(parseStatusTime("size=N/A time=01:02:03.50 bitrate=N/A speed=20x")).toBe(3723.5);
    expect(parseStatusTime("size=N/A time=-00:00:00.02 bitrate=N/A")).toBe(0);
    expect(parseStatusTime("[info] Stream mapping:")).toBeUndefined();
    expect(errorLines(["[flac @ 0x1] [error] invalid residual", "[info] ok", "[warning] hmm"])).toEqual(["[flac @ 0x1] [error] invalid residual"]);
  });

  it("reads every loudnorm report in filtergraph order, silence as -inf", () => {
    const report = (i: string) => ["{", `\t"input_i" : "${i}",`, '\t"input_tp" : "-3.00",', '\t"input_lra" : "4.00",', '\t"input_thresh" : "-30.00",', '\t"output_i" : "-16.00",', '\t"output_tp" : "-1.50",', '\t"output_lra" : "3.00",', '\t"output_thresh" : "-26.00",', '\t"normalization_type" : "linear",', '\t"target_offset" : "0.10"', "}"];
    const log = ["[Parsed_loudnorm_4 @ 0x2] [info] ", ...report("-inf"), "[Parsed_loudnorm_1 @ 0x1] [info] ", ...report("-20.00")];
    const [first, second] = parseLoudnormReports(log);
    expect(first!.input_i).toBe(-20);
    expect(measurementFrom(first!)).toEqual({ integrated: -20, truePeak: -3, lra: 4, threshold: -30, targetOffset: 0.1 });
    expect(second!.input_i).toBe(-Infinity);
    expect(measurementFrom(second!)).toBeNull();
    expect(reportedLufs(-19.01, 1)).toBe(-16);
    expect(reportedLufs(-16.004, 2)).toBe(-16);
  });
});
