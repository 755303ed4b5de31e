// Counting rules of the IAB Tech Lab Podcast Measurement Technical Guidelines v2.2, as pure
// functions (see notes/analytics-method.md for the method and the choices made where the
// guidelines leave room).
import { isIP } from "node:net";
import { classifyUserAgent, type ClassifyContext, type UserAgentInfo } from "./user-agent.ts";

export type ExclusionReason =
  | "head_request" // HEAD never transfers audio
  | "not_get"
  | "probe_range" // `bytes=0-1` / `bytes=0-0`: players checking size and range support
  | "no_user_agent"
  | "apple_watch_duplicate" // Apple Podcasts re-downloads on the watch what the phone already has
  | "bot";

export interface MediaRequestFacts extends ClassifyContext {
  method: string;
  rangeHeader?: string | null;
  userAgent?: string | null;
}

export type CountingDecision =
  | { countable: true; agent: UserAgentInfo }
  | { countable: false; reason: ExclusionReason; agent: UserAgentInfo };

const PROBE_RANGE = /^\s*bytes\s*=\s*0\s*-\s*[01]\s*$/i;
const APPLE_WATCH_DUPLICATE = /^atc\/.*watchOS|\(null\)\/\(null\) watchOS/;

/** Whether a media request may count towards downloads, and if not, why. */
export function isCountableRequest(request: MediaRequestFacts): CountingDecision {
  const agent = classifyUserAgent(request.userAgent, request);
  const excluded = (reason: ExclusionReason): CountingDecision => ({ countable: false, reason, agent });
  const method = request.method.toUpperCase();
  if (method === "HEAD") return excluded("head_request");
  if (method !== "GET") return excluded("not_get");
  if (request.rangeHeader && PROBE_RANGE.test(request.rangeHeader)) return excluded("probe_range");
  const userAgent = request.userAgent?.trim();
  if (!userAgent) return excluded("no_user_agent");
  if (isAppleWatchDuplicate(userAgent)) return excluded("apple_watch_duplicate");
  if (agent.bot) return excluded("bot");
  return { countable: true, agent };
}

export function isAppleWatchDuplicate(userAgent: string): boolean {
  return APPLE_WATCH_DUPLICATE.test(userAgent);
}

// ---------------------------------------------------------------------------------------------
// Range requests (RFC 9110 §14)

/** Inclusive byte positions, as in a Content-Range header. */
export interface ByteRange {
  start: number;
  end: number;
}

export type RangeParseResult =
  | { kind: "none" } // no Range header
  | { kind: "invalid" } // malformed or not in bytes: RFC 9110 says to ignore it and send the whole file
  | { kind: "unsatisfiable" } // → 416 with `Content-Range: bytes */size`
  | { kind: "ranges"; ranges: ByteRange[] }; // satisfiable ranges, sorted, overlapping/adjacent ones merged

const MAX_RANGE_HEADER_LENGTH = 1024;
const MAX_RANGES = 64;
const INT_RANGE = /^(\d+)-(\d*)$/;
const SUFFIX_RANGE = /^-(\d+)$/;

/** Positions beyond 2^53 cannot be compared exactly; anything that long is past any file anyway. */
function position(digits: string): number {
  return digits.length > 15 ? Number.MAX_SAFE_INTEGER : Number(digits);
}

export function parseRangeHeader(header: string | null | undefined, size: number): RangeParseResult {
  if (header === undefined || header === null) return { kind: "none" };
  if (header.length > MAX_RANGE_HEADER_LENGTH) return { kind: "invalid" };
  const equals = header.indexOf("=");
  if (equals < 0 || header.slice(0, equals).trim().toLowerCase() !== "bytes") return { kind: "invalid" };
  // Empty list elements are allowed and ignored (RFC 9110 §5.6.1.2).
  const specs = header
    .slice(equals + 1)
    .split(",")
    .map((spec) => spec.trim())
    .filter(Boolean);
  if (specs.length === 0 || specs.length > MAX_RANGES) return { kind: "invalid" };

  const satisfiable: ByteRange[] = [];
  for (const spec of specs) {
    const int = INT_RANGE.exec(spec);
    if (int) {
      const first = position(int[1]!);
      const last = int[2] ? position(int[2]) : undefined;
      if (last !== undefined && last < first) return { kind: "invalid" };
      if (first < size) satisfiable.push({ start: first, end: Math.min(last ?? size - 1, size - 1) });
      continue;
    }
    const suffix = SUFFIX_RANGE.exec(spec);
    if (!suffix) return { kind: "invalid" };
    const length = position(suffix[1]!);
    // A zero-length suffix, or any range of an empty file, selects nothing.
    if (length > 0 && size > 0) satisfiable.push({ start: Math.max(0, size - length), end: size - 1 });
  }
  if (satisfiable.length === 0) return { kind: "unsatisfiable" };
  return { kind: "ranges", ranges: coalesce(satisfiable) };
}

function coalesce(ranges: ByteRange[]): ByteRange[] {
  const sorted = [...ranges].sort((a, b) => a.start - b.start);
  const merged: ByteRange[] = [{ ...sorted[0]! }];
  for (const range of sorted.slice(1)) {
    const last = merged[merged.length - 1]!;
    if (range.start <= last.end + 1) last.end = Math.max(last.end, range.end);
    else merged.push({ ...range });
  }
  return merged;
}

export type RangeResponse = { status: 200 | 206; start: number; end: number } | { status: 416 };

/**
 * How to answer a (possibly ranged) GET for a file of `size` bytes. Several disjoint ranges are
 * answered with the whole file (200) instead of multipart/byteranges, which RFC 9110 allows
 * (a server may ignore Range); podcast players ask for one range at a time.
 */
export function planRangeResponse(header: string | null | undefined, size: number): RangeResponse {
  const parsed = parseRangeHeader(header, size);
  if (parsed.kind === "unsatisfiable") return { status: 416 };
  if (parsed.kind === "ranges" && parsed.ranges.length === 1) return { status: 206, ...parsed.ranges[0]! };
  return { status: 200, start: 0, end: size - 1 };
}

// ---------------------------------------------------------------------------------------------
// Download threshold and byte coverage

export interface AudioFileFacts {
  /** Bytes before the first audio frame (ID3v2 tag); see server/media/id3.ts. */
  id3HeaderBytes: number;
  bytes: number;
  durationSeconds: number;
}

/**
 * Bytes that must have been delivered (from offset 0) for a download to count: the ID3 header
 * plus one minute of audio at the file's average audio byte rate; the whole file when the
 * episode is shorter than a minute (or its duration is unknown).
 */
export function downloadThresholdBytes({ id3HeaderBytes, bytes, durationSeconds }: AudioFileFacts): number {
  const size = Math.max(0, Math.floor(bytes));
  if (!(durationSeconds >= 60)) return size;
  const header = Math.min(Math.max(0, Math.floor(id3HeaderBytes)), size);
  const audioBytesPerSecond = (size - header) / durationSeconds;
  return Math.min(size, header + Math.ceil(audioBytesPerSecond * 60));
}

/**
 * Byte intervals delivered to one listener for one file, merged. Only the part covered
 * contiguously from offset 0 counts towards the threshold: bytes after a gap are not the start of
 * the episode. Intervals far from the start are dropped first when there are too many, so the
 * structure stays small whatever a client requests.
 */
export class RangeCoverage {
  /** Half-open [start, end) intervals, sorted, disjoint and non-adjacent. */
  private intervals: Array<[number, number]> = [];

  constructor(private readonly maxIntervals = 32) {}

  /** Records delivered bytes [start, endExclusive), e.g. `add(offset, offset + bytesWritten)`. */
  add(start: number, endExclusive: number): void {
    if (!(endExclusive > start) || start < 0) return;
    const next: Array<[number, number]> = [];
    let merged: [number, number] = [start, endExclusive];
    let placed = false;
    for (const interval of this.intervals) {
      if (interval[1] < merged[0]) {
        next.push(interval);
      } else if (interval[0] > merged[1]) {
        if (!placed) next.push(merged);
        placed = true;
        next.push(interval);
      } else {
        merged = [Math.min(interval[0], merged[0]), Math.max(interval[1], merged[1])];
      }
    }
    if (!placed) next.push(merged);
    this.intervals = next.length > this.maxIntervals ? next.slice(0, this.maxIntervals) : next;
  }

  /** Length of the covered prefix: bytes [0, n) have all been delivered. */
  coveredFromStart(): number {
    const first = this.intervals[0];
    return first && first[0] === 0 ? first[1] : 0;
  }

  covers(thresholdBytes: number): boolean {
    return this.coveredFromStart() >= thresholdBytes;
  }

  /** Total distinct bytes delivered. */
  coveredBytes(): number {
    return this.intervals.reduce((sum, [start, end]) => sum + (end - start), 0);
  }
}

// ---------------------------------------------------------------------------------------------
// Days and addresses

const DAY_MS = 86_400_000;
/** The last day asked for, [start, end) in ms: every tracked request asks, nearly always for today. */
let lastDay = { start: 0, end: 0, text: "" };

/** The UTC calendar day of an instant, `YYYY-MM-DD`: downloads are unique per day in UTC. */
export function utcDay(date: Date): string {
  const time = date.getTime();
  if (time >= lastDay.start && time < lastDay.end) return lastDay.text;
  const start = Math.floor(time / DAY_MS) * DAY_MS; // UTC days are exactly DAY_MS long in JavaScript time
  lastDay = { start, end: start + DAY_MS, text: date.toISOString().slice(0, 10) };
  return lastDay.text;
}

/** Parses an IPv6 address (any valid notation, including a dotted IPv4 tail) into 8 groups. */
export function ipv6Groups(address: string): number[] | null {
  if (isIP(address) !== 6) return null;
  let text = address;
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split("::") as [string, string | undefined];
  const parse = (part: string) => (part ? part.split(":").map((group) => parseInt(group, 16)) : []);
  const before = parse(head);
  const after = tail === undefined ? [] : parse(tail);
  const zeros = new Array<number>(8 - before.length - after.length).fill(0);
  return [...before, ...zeros, ...after];
}

/** RFC 5952 text: lowercase, no leading zeros, the longest run of two or more zero groups as "::". */
function formatIpv6(groups: number[]): string {
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((group) => group.toString(16));
  if (bestStart < 0) return hex.join(":");
  return `${hex.slice(0, bestStart).join(":")}::${hex.slice(bestStart + bestLength).join(":")}`;
}

/**
 * The network part analytics may keep about an address: IPv4 as is, IPv4-mapped IPv6 as the
 * IPv4 address, other IPv6 truncated to its /64 (one household or phone connection). Null when
 * the text is not an IP address.
 */
export function truncateIp(address: string): string | null {
  let text = address.trim();
  if (text.startsWith("[") && text.endsWith("]")) text = text.slice(1, -1);
  const zone = text.indexOf("%");
  if (zone >= 0) text = text.slice(0, zone);
  const version = isIP(text);
  if (version === 4) return text;
  if (version !== 6) return null;
  const groups = ipv6Groups(text)!;
  if (groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff) {
    return [groups[6]! >> 8, groups[6]! & 0xff, groups[7]! >> 8, groups[7]! & 0xff].join(".");
  }
  return formatIpv6([...groups.slice(0, 4), 0, 0, 0, 0]);
}
