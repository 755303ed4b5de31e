import { randomUUID } from "node:crypto";
import { createWriteStream } from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";
import { Transform, type Readable, type TransformCallback } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { Request } from "express";
import busboy from "busboy";
import { AppError, badRequest, payloadTooLarge, unsupportedMedia } from "../errors.ts";

// Request bodies that are files (audio, artwork, transcripts, chapters) are streamed to a temporary
// file and never held in memory: raw bodies (`Content-Type: audio/mpeg`…) and multipart forms (the
// field `file`). The size limit is checked against Content-Length before anything is read and again
// while streaming (chunked bodies, lying headers); whatever goes wrong, the temporary file is gone.

export interface ReceivedUpload {
  /** Temporary file holding the body; the caller owns it (delete it, or hand it on). */
  path: string;
  bytes: number;
  /** From the multipart part (raw bodies have none). */
  filename?: string;
  /** Declared by the client: proves nothing about the bytes. */
  contentType?: string;
}

export interface ReceiveOptions {
  /** Folder for the temporary file (created if missing). */
  tmpDir: string;
  maxBytes: number;
  /** Raw-body media types accepted (exact, or a `type/*` wildcard); multipart/form-data is always accepted. */
  accept: readonly string[];
  /** Multipart field holding the file. Default `file`. */
  field?: string;
}

/** Room for the multipart envelope (boundaries, part headers) on top of the file itself. */
const MULTIPART_OVERHEAD_BYTES = 64 * 1024;

export function formatBytes(bytes: number): string {
  const units = ["bytes", "KiB", "MiB", "GiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} bytes` : `${Number.isInteger(value) ? value : value.toFixed(1)} ${units[unit]}`;
}

const tooLarge = (maxBytes: number) => payloadTooLarge({ limit: formatBytes(maxBytes) });

function mediaType(req: Request): string | undefined {
  return req.headers["content-type"]?.split(";")[0].trim().toLowerCase() || undefined;
}

function accepts(accept: readonly string[], type: string): boolean {
  return accept.some((a) => a === type || (a.endsWith("/*") && type.startsWith(a.slice(0, -1))));
}

/** Counts bytes through, failing with 413 as soon as the limit is passed. */
class ByteLimit extends Transform {
  bytes = 0;
  constructor(private readonly maxBytes: number) {
    super();
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
    this.bytes += chunk.length;
    if (this.bytes > this.maxBytes) callback(tooLarge(this.maxBytes));
    else callback(null, chunk);
  }
}

/** True when a body parser (the API's express.json) has consumed the request body already. */
export function bodyWasParsed(req: Request): boolean {
  return req.readableEnded && req.body !== undefined;
}

function aborted(): AppError {
  return new AppError("upload_aborted", 400);
}

/**
 * The request is piped rather than put in the pipeline: on a refusal the pipeline would destroy it,
 * and with it the socket the error answer has to go out on.
 */
async function streamToFile(req: Request, target: string, maxBytes: number): Promise<number> {
  const limit = new ByteLimit(maxBytes);
  // highWaterMark stays at the default (16 KiB): memory per upload is constant whatever its size.
  const written = pipeline(limit, createWriteStream(target, { flags: "wx" }));
  const onClose = () => {
    if (!req.readableEnded) limit.destroy(aborted());
  };
  req.on("close", onClose);
  req.pipe(limit);
  try {
    await written;
    return limit.bytes;
  } finally {
    req.off("close", onClose);
    req.unpipe(limit);
  }
}

function receiveMultipart(req: Request, target: string, maxBytes: number, field: string): Promise<Omit<ReceivedUpload, "path">> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers, limits: { files: 1, fileSize: maxBytes, fields: 20, fieldSize: 64 * 1024, parts: 25 } });
    } catch {
      reject(badRequest("upload_multipart_invalid"));
      return;
    }
    let result: Omit<ReceivedUpload, "path"> | undefined;
    let fileStream: Readable | undefined;
    let writing: Promise<void> | undefined;
    let failed = false;
    const fail = (err: unknown) => {
      if (failed) return;
      failed = true;
      req.unpipe(parser);
      // Settle only once the file is closed, so the caller's clean-up cannot run before it exists.
      fileStream?.destroy();
      void (writing ?? Promise.resolve()).catch(() => undefined).then(() => reject(err));
    };
    parser.on("file", (name, stream, info) => {
      if (name !== field || writing) {
        stream.resume(); // not ours: drained, not stored
        return;
      }
      fileStream = stream;
      let truncated = false;
      stream.on("limit", () => {
        truncated = true;
      });
      const limit = new ByteLimit(maxBytes);
      writing = pipeline(stream, limit, createWriteStream(target, { flags: "wx" })).then(() => {
        if (truncated) throw tooLarge(maxBytes);
        result = { bytes: limit.bytes, filename: info.filename || undefined, contentType: info.mimeType || undefined };
      });
      writing.catch(fail);
    });
    parser.on("error", () => fail(badRequest("upload_multipart_invalid")));
    parser.on("close", () => {
      if (failed) return;
      if (!writing) return fail(badRequest("upload_missing_file", { field }));
      writing.then(() => {
        if (!failed && result) resolve(result);
      }, fail);
    });
    req.on("close", () => {
      if (!req.complete) fail(aborted());
    });
    req.on("error", () => fail(aborted()));
    req.pipe(parser);
  });
}

/**
 * Streams the request body to a new file under `tmpDir`. Errors: 413 payload_too_large, 415
 * unsupported_media (a raw body of a type not in `accept`), 400 upload_empty, upload_missing_file,
 * upload_multipart_invalid, upload_aborted. On error the file is deleted; the central error handler
 * releases an unread rest of the body (http/unread-body.ts).
 */
export async function receiveUpload(req: Request, options: ReceiveOptions): Promise<ReceivedUpload> {
  const { maxBytes, field = "file" } = options;
  // express.json() already read an application/json body: there is nothing left to stream.
  if (bodyWasParsed(req)) throw unsupportedMedia({ detected: mediaType(req) });
  const type = mediaType(req) ?? "application/octet-stream";
  const multipart = type === "multipart/form-data";
  if (!multipart && !accepts(options.accept, type)) throw unsupportedMedia({ detected: type });
  const declared = req.headers["content-length"] === undefined ? undefined : Number(req.headers["content-length"]);
  if (declared !== undefined && declared > maxBytes + (multipart ? MULTIPART_OVERHEAD_BYTES : 0)) throw tooLarge(maxBytes);
  if (declared === 0 && !multipart) throw badRequest("upload_empty");

  await fsp.mkdir(options.tmpDir, { recursive: true });
  const target = path.join(options.tmpDir, `upload-${randomUUID()}`);
  try {
    if (multipart) {
      const received = await receiveMultipart(req, target, maxBytes, field);
      if (received.bytes === 0) throw badRequest("upload_empty");
      return { path: target, ...received };
    }
    const bytes = await streamToFile(req, target, maxBytes);
    if (bytes === 0) throw badRequest("upload_empty");
    return { path: target, bytes, contentType: type };
  } catch (err) {
    await fsp.rm(target, { force: true });
    throw err;
  }
}

/** Runs `use` on a received upload and deletes the temporary file afterwards, whatever happens. */
export async function withUpload<T>(req: Request, options: ReceiveOptions, use: (upload: ReceivedUpload) => Promise<T>): Promise<T> {
  const upload = await receiveUpload(req, options);
  try {
    return await use(upload);
  } finally {
    await fsp.rm(upload.path, { force: true });
  }
}

/** Reads a small text upload (transcript, chapters) fully: the size limit keeps it small. */
export async function readUploadText(req: Request, options: ReceiveOptions): Promise<Buffer> {
  return withUpload(req, options, (upload) => fsp.readFile(upload.path));
}
