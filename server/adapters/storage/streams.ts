import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { Readable, Transform, type TransformCallback } from "node:stream";
import { assertSafeKey } from "./keys.ts";
import type { ByteRange, PutOptions, PutResult, Storage } from "./storage.ts";

/** Any accepted put() body as a Node Readable, without copying Buffers or strings. */
export function toReadable(body: NodeJS.ReadableStream | Buffer | string): Readable {
  if (typeof body === "string" || Buffer.isBuffer(body)) return Readable.from([Buffer.from(body)]);
  return body instanceof Readable ? body : new Readable().wrap(body);
}

/**
 * Pass-through that counts bytes and hashes them (SHA-256) on their way to storage.
 * State lives in #private fields on purpose: lib-storage's Upload reads `Body.size` as the total
 * length of a stream body, and a public or TypeScript-private `size` field would fool it.
 */
export class DigestStream extends Transform {
  readonly #hash = createHash("sha256");
  #bytes = 0;
  #sha256: string | null = null;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#hash.update(chunk);
    this.#bytes += chunk.length;
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    this.#sha256 = this.#hash.digest("hex");
    callback();
  }

  /** Only valid once the whole body has passed through. */
  result(): PutResult {
    if (this.#sha256 === null) throw new Error("DigestStream: body not fully read");
    return { size: this.#bytes, sha256: this.#sha256 };
  }
}

/** Ranges are validated against the object's size by the caller; this only rejects nonsense. */
export function assertByteRange(range: ByteRange): void {
  const { start, end } = range;
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start) {
    throw new RangeError(`invalid byte range ${start}-${end}`);
  }
}

/** putFile for every driver: put() fed from a file stream that is closed whatever happens. */
export async function putFromFile(storage: Pick<Storage, "put">, key: string, filePath: string, opts: PutOptions): Promise<PutResult> {
  assertSafeKey(key); // before opening the file, so a bad key leaks no descriptor
  const stream = createReadStream(filePath);
  try {
    return await storage.put(key, stream, opts);
  } finally {
    stream.destroy();
  }
}
