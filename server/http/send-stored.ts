import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { Request, Response } from "express";
import type { RangeResponse } from "../analytics/iab.ts";
import { notFound } from "../errors.ts";
import type { Storage, StoredObjectInfo } from "../adapters/storage/storage.ts";

// Delivering a stored object over HTTP, the way podcast apps and browsers expect: HEAD, byte ranges
// (206, 416), If-Range, ETag/Last-Modified revalidation (304), exact Content-Length — streamed from
// storage, never buffered. Or, for drivers that can hand out a URL (CDN, presigned S3), a redirect.
// Used for artwork, transcripts and chapters here, and meant for the tracked audio delivery too.

export interface SendStoredOptions {
  /** Overrides the stored content type (e.g. add `; charset=utf-8`). */
  contentType?: string;
  cacheControl?: string;
  /** Let any web page read the response (transcripts, chapters: web players fetch them cross-origin). */
  cors?: boolean;
  /**
   * Answer `302` to storage.publicUrl(key) when the driver has one (CDN or presigned S3), instead of
   * streaming. The redirect itself is marked uncacheable when it is presigned (it expires).
   */
  redirect?: boolean;
  /** Where the redirect points (default storage.publicUrl(key)); tracked audio reuses presigned URLs for a while. */
  publicUrl?: (key: string) => Promise<string | null>;
  /** `Content-Disposition` file name (ASCII), e.g. for "download" links. */
  downloadName?: string;
  /**
   * How to read the Range header (default: Express's req.range, as express.static does). Tracked
   * audio passes analytics' planRangeResponse, the reading documented in the counting method.
   */
  planRange?: (header: string, size: number) => RangeResponse;
  /** Told as body bytes go out, by their [start, endExclusive) offsets in the object (analytics counts delivered bytes). */
  onDelivered?: (start: number, endExclusive: number) => void;
}

/** What was sent, for callers that account for it (e.g. analytics counting delivered bytes). */
export type SendStoredResult =
  | { kind: "redirect"; location: string }
  | { kind: "not-modified"; info: StoredObjectInfo }
  | { kind: "unsatisfiable"; info: StoredObjectInfo }
  | { kind: "head"; info: StoredObjectInfo; range?: { start: number; end: number } }
  | { kind: "body"; info: StoredObjectInfo; range?: { start: number; end: number }; completed: boolean };

const CORS_EXPOSED = "Accept-Ranges, Content-Length, Content-Range, Content-Type, ETag, Last-Modified";

export function setCorsHeaders(res: Response): void {
  res.setHeader("Access-Control-Allow-Origin", "*");
  res.setHeader("Access-Control-Expose-Headers", CORS_EXPOSED);
}

/** Answers a CORS preflight for the public files (GET/HEAD with a Range header). */
export function sendCorsPreflight(res: Response): void {
  setCorsHeaders(res);
  res.setHeader("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS");
  res.setHeader("Access-Control-Allow-Headers", "Range, If-None-Match, If-Modified-Since, If-Range");
  res.setHeader("Access-Control-Max-Age", "86400");
  res.status(204).end();
}

/** A stable strong validator even when the driver gives none. */
function entityTag(info: StoredObjectInfo): string {
  if (info.etag) return info.etag.startsWith('"') || info.etag.startsWith("W/") ? info.etag : `"${info.etag}"`;
  return `"${info.size.toString(16)}-${(info.lastModified?.getTime() ?? 0).toString(16)}"`;
}

/**
 * RFC 9110 §13.1.5: a Range applies only if If-Range still describes the current representation —
 * an entity tag must match strongly (weak tags never do), a date must equal Last-Modified exactly.
 */
function ifRangeHolds(header: string | undefined, etag: string, lastModified: Date | undefined): boolean {
  if (header === undefined) return true;
  const value = header.trim();
  if (value.startsWith('"') || value.startsWith("W/")) return !value.startsWith("W/") && !etag.startsWith("W/") && value === etag;
  const date = Date.parse(value);
  if (Number.isNaN(date) || !lastModified) return false;
  return Math.floor(lastModified.getTime() / 1000) === Math.floor(date / 1000);
}

/**
 * Streams `key` from storage to the response with full HTTP semantics. A missing object is a 404
 * AppError (`file_not_found`) thrown before anything is written. Malformed or multi-part ranges are
 * ignored (the whole object is sent, as RFC 9110 allows); an unsatisfiable one answers 416.
 */
export async function sendStored(req: Request, res: Response, storage: Storage, key: string, options: SendStoredOptions = {}): Promise<SendStoredResult> {
  if (options.cors) setCorsHeaders(res);
  if (options.redirect) {
    const location = await (options.publicUrl ?? storage.publicUrl.bind(storage))(key);
    if (location) {
      const presigned = storage.driver === "s3" && /[?&]X-Amz-Signature=/i.test(location);
      res.setHeader("Cache-Control", presigned ? "private, no-store" : (options.cacheControl ?? "public, max-age=300"));
      res.redirect(302, location);
      return { kind: "redirect", location };
    }
  }

  const info = await storage.head(key);
  if (!info) throw notFound("file_not_found");
  const etag = entityTag(info);
  res.setHeader("Accept-Ranges", "bytes");
  res.setHeader("Content-Type", options.contentType ?? info.contentType);
  res.setHeader("ETag", etag);
  if (info.lastModified) res.setHeader("Last-Modified", info.lastModified.toUTCString());
  if (options.cacheControl) res.setHeader("Cache-Control", options.cacheControl);
  if (options.downloadName) res.setHeader("Content-Disposition", `attachment; filename="${options.downloadName.replace(/[^\x20-\x7e]|"/g, "_")}"`);

  // req.fresh compares If-None-Match / If-Modified-Since with the ETag and Last-Modified just set.
  if (req.fresh) {
    res.status(304).end();
    return { kind: "not-modified", info };
  }

  let range: { start: number; end: number } | undefined;
  const rangeHeader = req.headers.range;
  if (rangeHeader && info.size > 0 && ifRangeHolds(req.get("if-range"), etag, info.lastModified)) {
    let unsatisfiable = false;
    if (options.planRange) {
      const plan = options.planRange(rangeHeader, info.size);
      unsatisfiable = plan.status === 416;
      if (plan.status === 206) range = { start: plan.start, end: plan.end };
    } else {
      const parsed = req.range(info.size, { combine: true });
      unsatisfiable = parsed === -1;
      // -2 (malformed), another unit than bytes, or several disjoint ranges: the whole object.
      if (Array.isArray(parsed) && parsed.type === "bytes" && parsed.length === 1) range = { start: parsed[0].start, end: parsed[0].end };
    }
    if (unsatisfiable) {
      res.status(416).setHeader("Content-Range", `bytes */${info.size}`);
      res.end();
      return { kind: "unsatisfiable", info };
    }
  }

  if (range) {
    res.status(206).setHeader("Content-Range", `bytes ${range.start}-${range.end}/${info.size}`);
    res.setHeader("Content-Length", String(range.end - range.start + 1));
  } else {
    res.status(200).setHeader("Content-Length", String(info.size));
  }
  if (req.method === "HEAD") {
    res.end();
    return { kind: "head", info, range };
  }

  let body: NodeJS.ReadableStream;
  try {
    body = await storage.get(key, range);
  } catch (err) {
    // Deleted between head() and get(): the error answer must not carry this object's headers.
    for (const name of ["Accept-Ranges", "Content-Range", "Content-Length", "ETag", "Last-Modified", "Cache-Control", "Content-Disposition"]) res.removeHeader(name);
    res.status(200);
    throw err;
  }
  let completed = false;
  try {
    if (options.onDelivered) await pipeline(body, deliveryCounter(range?.start ?? 0, options.onDelivered), res);
    else await pipeline(body, res);
    completed = true;
  } catch (err) {
    // The listener went away (seeking, closing the app): normal for media, nothing to report.
    if (!res.destroyed && !res.writableEnded) throw err;
  }
  return { kind: "body", info, range, completed };
}

/** Passes the body through unchanged, reporting each chunk's offsets as it is handed to the response. */
function deliveryCounter(offset: number, onDelivered: (start: number, endExclusive: number) => void): Transform {
  let position = offset;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      const start = position;
      position += chunk.length;
      done(null, chunk);
      onDelivered(start, position);
    },
  });
}
