import { describe, expect, it } from "vitest";
import {
  downloadThresholdBytes,
  isCountableRequest,
  parseRangeHeader,
  planRangeResponse,
  RangeCoverage,
  truncateIp,
  utcDay,
} from "../../server/analytics/iab.ts";

const APPLE_PODCASTS = "Podcasts/1440.4 CFNetwork/1128.0.1 Darwin/19.6.0";

describe("isCountableRequest", () => {
  it("counts a plain GET from a podcast app", () => {
    const decision = isCountableRequest({ method: "GET", userAgent: APPLE_PODCASTS });
    expect(decision).toEqual({ countable: true, agent: { app: "Apple Podcasts", device: "phone", os: "iOS", bot: false } });
    expect(isCountableRequest({ method: "get", rangeHeader: "bytes=0-", userAgent: APPLE_PODCASTS }).countable).toBe(true);
    expect(isCountableRequest({ method: "GET", rangeHeader: "bytes=0-2", userAgent: APPLE_PODCASTS }).countable).toBe(true);
  });

  it.each([
    [{ method: "HEAD", userAgent: APPLE_PODCASTS }, "head_request"],
    [{ method: "POST", userAgent: APPLE_PODCASTS }, "not_get"],
    [{ method: "GET", rangeHeader: "bytes=0-1", userAgent: APPLE_PODCASTS }, "probe_range"],
    [{ method: "GET", rangeHeader: "bytes=0-0", userAgent: APPLE_PODCASTS }, "probe_range"],
    [{ method: "GET", rangeHeader: " Bytes = 0 - 1 ", userAgent: APPLE_PODCASTS }, "probe_range"],
    [{ method: "GET" }, "no_user_agent"],
    [{ method: "GET", userAgent: "   " }, "no_user_agent"],
    [{ method: "GET", userAgent: "atc/1.0 watchOS/7.1 model/Watch5,1 hwp/t8006 build/18R590 (6; dt:201)" }, "apple_watch_duplicate"],
    [{ method: "GET", userAgent: "(null)/(null) watchOS/5.0.1 model/Watch3,3 hwp/t8004 build/16R381 (6; dt:155)" }, "apple_watch_duplicate"],
    [{ method: "GET", userAgent: "Overcast/1.0 Podcast Sync (+http://overcast.fm/)" }, "bot"],
    [{ method: "GET", userAgent: "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)" }, "bot"],
  ])("excludes %j (%s)", (request, reason) => {
    expect(isCountableRequest(request)).toMatchObject({ countable: false, reason });
  });

  it("still counts Overcast on Apple Watch (not a duplicate of a phone download)", () => {
    expect(isCountableRequest({ method: "GET", userAgent: "Overcast ( http://overcast.fm/; Apple Watch podcast app)" }).countable).toBe(true);
  });
});

describe("parseRangeHeader", () => {
  const size = 1000;
  it.each<[string | undefined, ReturnType<typeof parseRangeHeader>]>([
    [undefined, { kind: "none" }],
    ["bytes=0-499", { kind: "ranges", ranges: [{ start: 0, end: 499 }] }],
    ["bytes=100-", { kind: "ranges", ranges: [{ start: 100, end: 999 }] }],
    ["bytes=-500", { kind: "ranges", ranges: [{ start: 500, end: 999 }] }],
    ["bytes=-5000", { kind: "ranges", ranges: [{ start: 0, end: 999 }] }], // longer suffix than the file
    ["bytes=900-5000", { kind: "ranges", ranges: [{ start: 900, end: 999 }] }], // end clipped
    ["bytes=0-1", { kind: "ranges", ranges: [{ start: 0, end: 1 }] }],
    ["BYTES=0-0", { kind: "ranges", ranges: [{ start: 0, end: 0 }] }],
    ["bytes=999-999", { kind: "ranges", ranges: [{ start: 999, end: 999 }] }],
    ["bytes=0-99999999999999999999999", { kind: "ranges", ranges: [{ start: 0, end: 999 }] }],
    // Several ranges: sorted; overlapping and adjacent ones merged.
    ["bytes=500-599, 0-99", { kind: "ranges", ranges: [{ start: 0, end: 99 }, { start: 500, end: 599 }] }],
    ["bytes=0-99,100-199,150-300", { kind: "ranges", ranges: [{ start: 0, end: 300 }] }],
    ["bytes=0-99,,", { kind: "ranges", ranges: [{ start: 0, end: 99 }] }], // empty list elements ignored
    ["bytes=2000-,0-9", { kind: "ranges", ranges: [{ start: 0, end: 9 }] }], // unsatisfiable parts dropped
    // Unsatisfiable → 416.
    ["bytes=1000-", { kind: "unsatisfiable" }],
    ["bytes=5000-6000", { kind: "unsatisfiable" }],
    ["bytes=-0", { kind: "unsatisfiable" }],
    ["bytes=99999999999999999999-", { kind: "unsatisfiable" }],
    // Malformed → ignored (whole file).
    ["bytes=500-100", { kind: "invalid" }],
    ["bytes=abc", { kind: "invalid" }],
    ["bytes=-", { kind: "invalid" }],
    ["bytes=", { kind: "invalid" }],
    ["bytes 0-100", { kind: "invalid" }],
    ["items=0-5", { kind: "invalid" }],
    ["bytes=0-1-2", { kind: "invalid" }],
    ["bytes=1.5-2", { kind: "invalid" }],
    ["bytes=0-99,x", { kind: "invalid" }],
    ["", { kind: "invalid" }],
    [`bytes=${"0-1,".repeat(100)}`, { kind: "invalid" }], // too many ranges
    [`bytes=0-${"9".repeat(2000)}`, { kind: "invalid" }], // absurdly long header
  ])("%s", (header, expected) => {
    expect(parseRangeHeader(header, size)).toEqual(expected);
  });

  it("finds nothing satisfiable in an empty file", () => {
    expect(parseRangeHeader("bytes=0-", 0)).toEqual({ kind: "unsatisfiable" });
    expect(parseRangeHeader("bytes=-10", 0)).toEqual({ kind: "unsatisfiable" });
  });
});

describe("planRangeResponse", () => {
  it("answers 206 for one range, 200 for none, malformed or several, 416 when unsatisfiable", () => {
    expect(planRangeResponse("bytes=100-199", 1000)).toEqual({ status: 206, start: 100, end: 199 });
    expect(planRangeResponse(undefined, 1000)).toEqual({ status: 200, start: 0, end: 999 });
    expect(planRangeResponse("bytes=oops", 1000)).toEqual({ status: 200, start: 0, end: 999 });
    expect(planRangeResponse("bytes=0-9,500-509", 1000)).toEqual({ status: 200, start: 0, end: 999 });
    expect(planRangeResponse("bytes=0-9,10-19", 1000)).toEqual({ status: 206, start: 0, end: 19 });
    expect(planRangeResponse("bytes=1000-", 1000)).toEqual({ status: 416 });
  });
});

describe("downloadThresholdBytes", () => {
  it("is the ID3 header plus one minute at the average audio byte rate", () => {
    // 60 minutes of 128 kb/s audio (16,000 B/s) after a 4 KiB tag.
    const bytes = 4096 + 16_000 * 3600;
    expect(downloadThresholdBytes({ id3HeaderBytes: 4096, bytes, durationSeconds: 3600 })).toBe(4096 + 16_000 * 60);
  });

  it("rounds up to whole bytes", () => {
    expect(downloadThresholdBytes({ id3HeaderBytes: 0, bytes: 1001, durationSeconds: 120 })).toBe(501);
  });

  it("is the whole file for episodes under a minute or of unknown duration", () => {
    expect(downloadThresholdBytes({ id3HeaderBytes: 100, bytes: 500_000, durationSeconds: 59.9 })).toBe(500_000);
    expect(downloadThresholdBytes({ id3HeaderBytes: 100, bytes: 500_000, durationSeconds: Number.NaN })).toBe(500_000);
    expect(downloadThresholdBytes({ id3HeaderBytes: 100, bytes: 500_000, durationSeconds: 0 })).toBe(500_000);
  });

  it("never exceeds the file, whatever the header claims", () => {
    expect(downloadThresholdBytes({ id3HeaderBytes: 10_000_000, bytes: 500_000, durationSeconds: 600 })).toBe(500_000);
    expect(downloadThresholdBytes({ id3HeaderBytes: 0, bytes: 1_000_000, durationSeconds: 60 })).toBe(1_000_000);
  });
});

describe("RangeCoverage", () => {
  it("merges overlapping and adjacent ranges and measures the covered prefix", () => {
    const coverage = new RangeCoverage();
    coverage.add(0, 2); // the two-byte probe
    expect(coverage.coveredFromStart()).toBe(2);
    coverage.add(5000, 9000); // a seek ahead
    expect(coverage.coveredFromStart()).toBe(2);
    coverage.add(2, 5000); // play from the start: now contiguous
    expect(coverage.coveredFromStart()).toBe(9000);
    coverage.add(8000, 12_000);
    coverage.add(12_000, 12_500); // adjacent
    expect(coverage.coveredFromStart()).toBe(12_500);
    expect(coverage.coveredBytes()).toBe(12_500);
    expect(coverage.covers(12_500)).toBe(true);
    expect(coverage.covers(12_501)).toBe(false);
  });

  it("counts play–pause–play as one contiguous prefix", () => {
    const coverage = new RangeCoverage();
    coverage.add(0, 300_000);
    coverage.add(280_000, 700_000); // resumed with a small overlap
    expect(coverage.covers(700_000)).toBe(true);
  });

  it("does not count bytes after a gap", () => {
    const coverage = new RangeCoverage();
    coverage.add(100, 1_000_000);
    expect(coverage.coveredFromStart()).toBe(0);
    expect(coverage.coveredBytes()).toBe(999_900);
  });

  it("stays bounded, dropping the intervals farthest from the start", () => {
    const coverage = new RangeCoverage(4);
    for (let i = 10; i > 0; i--) coverage.add(i * 100, i * 100 + 10);
    coverage.add(0, 50);
    expect(coverage.coveredBytes()).toBe(50 + 3 * 10);
    coverage.add(50, 100);
    expect(coverage.coveredFromStart()).toBe(110);
  });

  it("ignores empty and negative intervals", () => {
    const coverage = new RangeCoverage();
    coverage.add(10, 10);
    coverage.add(-5, 3);
    coverage.add(20, 10);
    expect(coverage.coveredBytes()).toBe(0);
  });
});

describe("utcDay", () => {
  it("is the UTC calendar day, not the server's local one", () => {
    expect(utcDay(new Date("2026-03-01T23:59:59.999Z"))).toBe("2026-03-01");
    expect(utcDay(new Date("2026-03-02T00:00:00+01:00"))).toBe("2026-03-01");
    expect(utcDay(new Date("2026-03-01T23:30:00-02:00"))).toBe("2026-03-02");
  });
});

describe("truncateIp", () => {
  it.each([
    ["203.0.113.7", "203.0.113.7"],
    [" 198.51.100.1 ", "198.51.100.1"],
    ["::ffff:203.0.113.7", "203.0.113.7"],
    ["::FFFF:cb00:7107", "203.0.113.7"],
    ["2001:db8:85a3:8d3:1319:8a2e:370:7348", "2001:db8:85a3:8d3::"],
    ["2001:0DB8:0000:0042:0000:8a2e:0370:7334", "2001:db8:0:42::"],
    ["2001:db8::1", "2001:db8::"],
    ["2a01:cb00:ab:cd::1", "2a01:cb00:ab:cd::"],
    ["fe80::1%eth0", "fe80::"],
    ["[2001:db8:1:2:3:4:5:6]", "2001:db8:1:2::"],
    ["::1", "::"],
    ["2001:db8:1:2::192.0.2.1", "2001:db8:1:2::"],
  ])("%s → %s", (ip, expected) => {
    expect(truncateIp(ip)).toBe(expected);
  });

  it("gives every address of one /64 the same network", () => {
    expect(truncateIp("2001:db8:aa:bb:1::1")).toBe(truncateIp("2001:db8:aa:bb:ffff:ffff:ffff:ffff"));
    expect(truncateIp("2001:db8:aa:bb::1")).not.toBe(truncateIp("2001:db8:aa:bc::1"));
  });

  it.each(["", "not an ip", "1.2.3", "256.1.1.1", "2001:db8:::1", "01.2.3.4"])("rejects %j", (ip) => {
    expect(truncateIp(ip)).toBeNull();
  });
});
