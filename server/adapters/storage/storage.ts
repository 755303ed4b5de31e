// Where Sada keeps media bytes (audio renditions, artwork, transcripts): the local filesystem or an
// S3-compatible bucket, behind one interface so services never know which. Every key is validated by
// assertSafeKey (keys.ts) before a driver touches it.

export interface StoredObjectInfo {
  key: string;
  size: number;
  contentType: string;
  etag?: string;
  lastModified?: Date;
}

/** Inclusive byte range; the caller validates it against the object's size (e.g. from head()). */
export interface ByteRange {
  start: number;
  end: number;
}

export interface PutOptions {
  /**
   * Stored by S3 and sent back on GET. The local driver cannot store it and reports the type derived
   * from the key's extension instead (content-types.ts), so pass the type matching the extension
   * (contentTypeForKey gives it).
   */
  contentType: string;
  /** S3 only (sent by the bucket/CDN); for local files Sada's HTTP layer sets caching headers itself. */
  cacheControl?: string;
}

export interface PutResult {
  size: number;
  /** Lowercase hex SHA-256 of the bytes written, computed while streaming. */
  sha256: string;
}

export interface Storage {
  readonly driver: "local" | "s3";
  /** Streams body to key; never buffers the whole file; atomic (readers never see a partial object); returns size and sha256 hex computed while streaming. */
  put(key: string, body: NodeJS.ReadableStream | Buffer | string, opts: PutOptions): Promise<PutResult>;
  putFile(key: string, filePath: string, opts: PutOptions): Promise<PutResult>;
  /** Throws AppError 404 "storage_not_found" if the key does not exist. */
  get(key: string, range?: ByteRange): Promise<NodeJS.ReadableStream>;
  head(key: string): Promise<StoredObjectInfo | null>;
  /** Idempotent: deleting a missing key succeeds. */
  delete(key: string): Promise<void>;
  /**
   * Removes every object under a folder-like prefix: "shows/abc/" and "shows/abc" both mean
   * everything below shows/abc/ (never "shows/abcdef/..."). An empty prefix is refused.
   */
  deletePrefix(prefix: string): Promise<void>;
  /** URL a listener's app can fetch directly: CDN (publicBaseUrl + key) if configured, else for S3 a presigned GET (expiry presignSeconds), else null for local (Sada streams it itself). */
  publicUrl(key: string): Promise<string | null>;
  /** Local driver only: absolute path (for sendfile-style streaming and ffmpeg input). */
  localPath?(key: string): string;
  /** Health check: throws if unusable (local: root writable; s3: bucket reachable). */
  check(): Promise<void>;
}
