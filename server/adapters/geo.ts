// Country of an IP address from an offline database shipped in an npm package: DB-IP's
// "IP to Country Lite" (CC BY 4.0), packaged as @ip-location-db/dbip-country. No network access
// at install or run time. The licence requires attribution, with a link, wherever results are
// shown: GEO_ATTRIBUTION is what the README and the analytics dashboard display.
import { closeSync, openSync, readSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { ipv6Groups, truncateIp } from "../analytics/iab.ts";

/** ISO 3166 "unknown or unspecified country" code, used for private, reserved and unlisted addresses. */
export const UNKNOWN_COUNTRY = "ZZ";

export const GEO_ATTRIBUTION = {
  text: "IP Geolocation by DB-IP",
  url: "https://db-ip.com",
  licence: "CC BY 4.0",
  licenceUrl: "https://creativecommons.org/licenses/by/4.0/",
} as const;

const DATA_PACKAGE = "@ip-location-db/dbip-country";

function dataFiles() {
  const dir = path.dirname(createRequire(import.meta.url).resolve(`${DATA_PACKAGE}/package.json`));
  // IPv4 as integers (fast to parse); IPv6 as text (the integer file needs 128-bit numbers).
  return { ipv4: path.join(dir, "dbip-country-ipv4-num.csv"), ipv6: path.join(dir, "dbip-country-ipv6.csv") };
}

/**
 * Sorted, non-overlapping address ranges with a two-letter country packed in 16 bits. IPv6 ranges
 * are kept at /64 precision (the upper 64 bits, as two 32-bit halves): analytics only ever looks
 * up /64 networks, and ranges are allocated far more coarsely.
 */
export class CountryDatabase {
  private constructor(
    private readonly v4Start: Uint32Array,
    private readonly v4End: Uint32Array,
    private readonly v4Country: Uint16Array,
    private readonly v6Start: Uint32Array, // pairs: [high 32 bits, next 32 bits]
    private readonly v6End: Uint32Array,
    private readonly v6Country: Uint16Array,
  ) {}

  /** From the two CSV files (paths, read piece by piece) or their contents. */
  static fromCsv(ipv4NumCsv: Buffer | string, ipv6Csv: Buffer | string): CountryDatabase {
    const v4 = parseIpv4NumCsv(ipv4NumCsv);
    const v6 = parseIpv6Csv(ipv6Csv);
    return new CountryDatabase(v4.start, v4.end, v4.country, v6.start, v6.end, v6.country);
  }

  /** Bytes held by the tables. */
  get sizeBytes(): number {
    return [this.v4Start, this.v4End, this.v4Country, this.v6Start, this.v6End, this.v6Country].reduce((sum, a) => sum + a.byteLength, 0);
  }

  get rangeCount(): number {
    return this.v4Start.length + this.v6Country.length;
  }

  /** ISO 3166-1 alpha-2 code, or "ZZ" when unknown (also for anything that is not an IP address). */
  countryOf(ip: string): string {
    const network = truncateIp(ip);
    if (network === null) return UNKNOWN_COUNTRY;
    if (!network.includes(":")) return this.lookupV4(ipv4Number(network));
    const groups = ipv6Groups(network)!;
    return this.lookupV6(((groups[0]! << 16) | groups[1]!) >>> 0, ((groups[2]! << 16) | groups[3]!) >>> 0);
  }

  private lookupV4(ip: number): string {
    let low = 0;
    let high = this.v4Start.length - 1;
    let found = -1;
    while (low <= high) {
      const mid = (low + high) >>> 1;
      if (this.v4Start[mid]! <= ip) {
        found = mid;
        low = mid + 1;
      } else high = mid - 1;
    }
    return found >= 0 && ip <= this.v4End[found]! ? countryCode(this.v4Country[found]!) : UNKNOWN_COUNTRY;
  }

  private lookupV6(hi: number, lo: number): string {
    const before = (table: Uint32Array, i: number) => table[2 * i]! < hi || (table[2 * i] === hi && table[2 * i + 1]! <= lo);
    let low = 0;
    let high = this.v6Country.length - 1;
    let found = -1;
    while (low <= high) {
      const mid = (low + high) >>> 1;
      if (before(this.v6Start, mid)) {
        found = mid;
        low = mid + 1;
      } else high = mid - 1;
    }
    if (found < 0) return UNKNOWN_COUNTRY;
    const endHi = this.v6End[2 * found]!;
    const inside = hi < endHi || (hi === endHi && lo <= this.v6End[2 * found + 1]!);
    return inside ? countryCode(this.v6Country[found]!) : UNKNOWN_COUNTRY;
  }
}

/** A dotted IPv4 address (already validated) as a number; by hand, as it runs on every download. */
function ipv4Number(ip: string): number {
  let number = 0;
  let octet = 0;
  for (let i = 0; i < ip.length; i++) {
    const c = ip.charCodeAt(i);
    if (c === 46 /* . */) {
      number = number * 256 + octet;
      octet = 0;
    } else octet = octet * 10 + (c - 48);
  }
  return number * 256 + octet;
}

/** Packed code → its string, made once (a few hundred countries, looked up on every download). */
const countryCodes = new Map<number, string>();
function countryCode(packed: number): string {
  let code = countryCodes.get(packed);
  if (code === undefined) countryCodes.set(packed, (code = String.fromCharCode(packed >> 8, packed & 0xff)));
  return code;
}

const COMMA = 44;
const NEWLINE = 10;
/** The data files are read in pieces this large, so loading never holds their ~30 MB at once. */
const READ_CHUNK_BYTES = 1024 * 1024;

function corrupt(kind: string, line: number): Error {
  return new Error(`${DATA_PACKAGE}: ${kind} data out of order or malformed at line ${line}`);
}

/**
 * Calls `onLines(buffer, length)` for successive pieces of a CSV source, each holding whole lines
 * only (the last may lack its newline). A file is read through one reused buffer: the whole file
 * would be garbage of its size until the next full garbage collection, which a quiet server may not
 * run for a long time.
 */
function forEachLines(source: Buffer | string, onLines: (csv: Buffer, length: number) => void): void {
  if (typeof source !== "string") return source.length > 0 ? onLines(source, source.length) : undefined;
  const fd = openSync(source, "r");
  try {
    const buffer = Buffer.allocUnsafe(READ_CHUNK_BYTES);
    let filled = 0;
    for (;;) {
      const read = readSync(fd, buffer, filled, buffer.length - filled, null);
      filled += read;
      if (read === 0) {
        if (filled > 0) onLines(buffer, filled);
        return;
      }
      const lastNewline = buffer.lastIndexOf(NEWLINE, filled - 1);
      if (lastNewline < 0) {
        if (filled === buffer.length) throw new Error(`${DATA_PACKAGE}: a line longer than ${READ_CHUNK_BYTES} bytes in ${source}`);
        continue;
      }
      onLines(buffer, lastNewline + 1);
      buffer.copy(buffer, 0, lastNewline + 1, filled);
      filled -= lastNewline + 1;
    }
  } finally {
    closeSync(fd);
  }
}

/** Lines in the source: a first pass, so the tables are allocated once at their exact size. */
function lineCount(source: Buffer | string): number {
  let lines = 0;
  forEachLines(source, (csv, length) => {
    for (let i = 0; i < length; i++) if (csv[i] === NEWLINE) lines++;
    if (csv[length - 1] !== NEWLINE) lines++;
  });
  return lines;
}

/** Lines `start,end,CC` with decimal addresses; a byte scanner, ~10x faster than split/parseInt. */
function parseIpv4NumCsv(source: Buffer | string) {
  const capacity = lineCount(source);
  const start = new Uint32Array(capacity);
  const end = new Uint32Array(capacity);
  const country = new Uint16Array(capacity);
  let n = 0;
  forEachLines(source, (csv, length) => {
    let i = 0;
    const number = () => {
      let value = 0;
      while (i < length && csv[i] !== COMMA) value = value * 10 + (csv[i++]! - 48);
      i++;
      return value;
    };
    while (i < length) {
      const first = number();
      const last = number();
      const code = (csv[i]! << 8) | csv[i + 1]!;
      while (i < length && csv[i] !== NEWLINE) i++;
      i++;
      if (n > 0 && first <= end[n - 1]!) throw corrupt("IPv4", n + 1);
      start[n] = first;
      end[n] = last;
      country[n++] = code;
    }
  });
  return { start: start.subarray(0, n), end: end.subarray(0, n), country: country.subarray(0, n) };
}

/** Lines `start,end,CC` with IPv6 text addresses; keeps the upper 64 bits of each. */
function parseIpv6Csv(source: Buffer | string) {
  const capacity = lineCount(source);
  const start = new Uint32Array(capacity * 2);
  const end = new Uint32Array(capacity * 2);
  const country = new Uint16Array(capacity);
  const groups = new Uint16Array(8);
  let n = 0;
  forEachLines(source, (csv, length) => {
    let i = 0;
    // Reads one address up to the next comma into `target[2n], target[2n+1]`.
    const address = (target: Uint32Array) => {
      groups.fill(0);
      let count = 0;
      let gapAt = -1; // number of groups before "::"
      let value = 0;
      let digits = 0;
      for (; csv[i] !== COMMA && i < length; i++) {
        const c = csv[i]!;
        if (c === 58 /* : */) {
          if (digits > 0) groups[count++] = value;
          value = 0;
          digits = 0;
          if (csv[i + 1] === 58) {
            gapAt = count;
            i++;
          }
        } else {
          value = (value << 4) | (c <= 57 ? c - 48 : (c | 32) - 87);
          digits++;
        }
      }
      if (digits > 0) groups[count++] = value;
      i++;
      if (gapAt >= 0) {
        // Move the groups after "::" to the end, zeros in between.
        const after = count - gapAt;
        for (let k = after - 1; k >= 0; k--) groups[8 - after + k] = groups[gapAt + k]!;
        groups.fill(0, gapAt, 8 - after);
      }
      target[2 * n] = ((groups[0]! << 16) | groups[1]!) >>> 0;
      target[2 * n + 1] = ((groups[2]! << 16) | groups[3]!) >>> 0;
    };
    while (i < length) {
      address(start);
      address(end);
      const code = (csv[i]! << 8) | csv[i + 1]!;
      while (i < length && csv[i] !== NEWLINE) i++;
      i++;
      // (At /64 precision a range may start in the /64 where the previous one ends.)
      if (n > 0 && (start[2 * n]! < end[2 * n - 2]! || (start[2 * n] === end[2 * n - 2] && start[2 * n + 1]! < end[2 * n - 1]!))) {
        throw corrupt("IPv6", n + 1);
      }
      country[n++] = code;
    }
  });
  return { start: start.subarray(0, 2 * n), end: end.subarray(0, 2 * n), country: country.subarray(0, n) };
}

let database: CountryDatabase | undefined;
let loading: Promise<CountryDatabase> | undefined;

/** Loads the database in the background (call at start-up so no request pays for it). */
export function loadCountryDatabase(): Promise<CountryDatabase> {
  if (database) return Promise.resolve(database);
  loading ??= (async () => {
    await new Promise((resolve) => setImmediate(resolve)); // after the current start-up work
    const files = dataFiles();
    database ??= CountryDatabase.fromCsv(files.ipv4, files.ipv6);
    return database;
  })();
  return loading;
}

/** Country of an IP address ("ZZ" if unknown). Loads the database on first use if needed. */
export function countryOf(ip: string): string {
  if (!database) {
    const files = dataFiles();
    database = CountryDatabase.fromCsv(files.ipv4, files.ipv6);
  }
  return database.countryOf(ip);
}
