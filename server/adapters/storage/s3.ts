import { Readable, pipeline } from "node:stream";
import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
  type S3ClientConfig,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { AppError } from "../../errors.ts";
import type { Config } from "../../config.ts";
import { assertSafeKey, cdnUrl, folderPrefix } from "./keys.ts";
import { contentTypeForKey } from "./content-types.ts";
import { assertByteRange, DigestStream, putFromFile, toReadable } from "./streams.ts";
import type { ByteRange, PutOptions, PutResult, Storage, StoredObjectInfo } from "./storage.ts";

export type S3StorageConfig = Extract<Config["storage"], { driver: "s3" }>;

export interface S3StorageOptions {
  /**
   * Multipart part size. An upload holds at most queueSize × partSize bytes in memory
   * (default 2 × 8 MiB), whatever the file's size; 8 MiB parts reach 80 GB within S3's 10 000-part cap.
   */
  partSize?: number;
  queueSize?: number;
  /** Keys per ListObjectsV2 page / DeleteObjects batch in deletePrefix (S3's maximum is 1000). */
  deleteBatchSize?: number;
  /**
   * SDK v3 (since 3.729) by default adds CRC32 checksums to every upload, sending streamed bodies
   * "aws-chunked" with a trailing checksum. Several S3-compatible stores (Backblaze B2, some MinIO,
   * R2 and OSS/COS versions) reject those headers, and s3rver stores the chunk framing as the object's
   * bytes. "WHEN_REQUIRED" sends checksums only where the API demands one (DeleteObjects), which they
   * all accept; integrity in transit is TLS's job, and put() hashes the bytes itself.
   */
  checksums?: "WHEN_REQUIRED" | "WHEN_SUPPORTED";
}

const MiB = 1024 * 1024;

const isNotFound = (err: unknown) => {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  // A missing bucket is a configuration problem, not a missing object: let it surface as a 500.
  if (e?.name === "NoSuchBucket") return false;
  return e?.name === "NoSuchKey" || e?.name === "NotFound" || e?.$metadata?.httpStatusCode === 404;
};

export class S3Storage implements Storage {
  readonly driver = "s3" as const;
  /** Exposed for tests that watch which commands are sent (to prove put() streams). */
  readonly client: S3Client;
  private readonly bucket: string;
  private readonly partSize: number;
  private readonly queueSize: number;
  private readonly deleteBatchSize: number;

  constructor(
    private readonly config: S3StorageConfig,
    options: S3StorageOptions = {},
  ) {
    const checksums = options.checksums ?? "WHEN_REQUIRED";
    const clientConfig: S3ClientConfig = {
      region: config.region,
      endpoint: config.endpoint,
      forcePathStyle: config.forcePathStyle,
      credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
      requestChecksumCalculation: checksums,
      responseChecksumValidation: checksums,
    };
    this.client = new S3Client(clientConfig);
    this.bucket = config.bucket;
    this.partSize = options.partSize ?? 8 * MiB;
    this.queueSize = options.queueSize ?? 2;
    this.deleteBatchSize = options.deleteBatchSize ?? 1000;
  }

  async put(key: string, body: NodeJS.ReadableStream | Buffer | string, opts: PutOptions): Promise<PutResult> {
    assertSafeKey(key);
    const digest = new DigestStream();
    let sourceError: Error | null = null;
    // pipeline (not pipe) so a failing source destroys the digest stream and thereby fails the upload.
    pipeline(toReadable(body), digest, (err) => {
      if (err) sourceError ??= err;
    });
    // Upload reads the stream part by part (multipart above partSize, one PutObject below it); S3
    // only shows the object once the upload completes, and an aborted one is removed (AbortMultipartUpload).
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: key, Body: digest, ContentType: opts.contentType, CacheControl: opts.cacheControl },
      partSize: this.partSize,
      queueSize: this.queueSize,
      leavePartsOnError: false,
    });
    try {
      await upload.done();
    } catch (err) {
      digest.destroy();
      // The source's own failure explains more than whatever the aborted upload reported after it.
      throw sourceError ?? err;
    }
    return digest.result();
  }

  putFile(key: string, filePath: string, opts: PutOptions): Promise<PutResult> {
    return putFromFile(this, key, filePath, opts);
  }

  async get(key: string, range?: ByteRange): Promise<NodeJS.ReadableStream> {
    assertSafeKey(key);
    if (range) assertByteRange(range);
    let output;
    try {
      output = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: key, Range: range ? `bytes=${range.start}-${range.end}` : undefined }),
      );
    } catch (err) {
      if (isNotFound(err)) throw new AppError("storage_not_found", 404);
      throw err;
    }
    const body = output.Body as Readable;
    if (!range) return body;
    // Not every S3-compatible server honours a range exactly (s3rver answers "bytes=0-0" with the
    // whole object). Callers promise their listeners exactly the bytes they asked for, so enforce it.
    const served = /^bytes (\d+)-(\d+)\//.exec(output.ContentRange ?? "");
    if (!served || Number(served[1]) !== range.start || Number(served[2]) < range.end) {
      body.destroy();
      throw new Error(`S3 answered bytes=${range.start}-${range.end} with Content-Range "${output.ContentRange ?? ""}"`);
    }
    const wanted = range.end - range.start + 1;
    return Number(served[2]) === range.end ? body : Readable.from(firstBytes(body, wanted));
  }

  async head(key: string): Promise<StoredObjectInfo | null> {
    assertSafeKey(key);
    try {
      const output = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return {
        key,
        size: output.ContentLength ?? 0,
        contentType: output.ContentType ?? contentTypeForKey(key),
        etag: output.ETag,
        lastModified: output.LastModified,
      };
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    assertSafeKey(key);
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  async deletePrefix(prefix: string): Promise<void> {
    const folder = folderPrefix(prefix);
    let continuationToken: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: folder,
          MaxKeys: this.deleteBatchSize,
          ContinuationToken: continuationToken,
        }),
      );
      const objects = (page.Contents ?? []).flatMap((o) => (o.Key ? [{ Key: o.Key }] : []));
      if (objects.length > 0) {
        const result = await this.client.send(
          new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: objects, Quiet: true } }),
        );
        if (result.Errors?.length) {
          const first = result.Errors[0];
          throw new Error(`S3 could not delete ${result.Errors.length} object(s) under ${folder}: ${first.Key}: ${first.Code} ${first.Message}`);
        }
      }
      continuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (continuationToken);
  }

  async publicUrl(key: string): Promise<string | null> {
    assertSafeKey(key);
    if (this.config.publicBaseUrl) return cdnUrl(this.config.publicBaseUrl, key);
    return getSignedUrl(this.client, new GetObjectCommand({ Bucket: this.bucket, Key: key }), {
      expiresIn: this.config.presignSeconds,
    });
  }

  async check(): Promise<void> {
    await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
  }

  /** Closes pooled sockets (tests, shutdown). */
  destroy(): void {
    this.client.destroy();
  }
}

/** The first `length` bytes of a stream; stops (and destroys) the source once they are read. */
async function* firstBytes(source: Readable, length: number): AsyncGenerator<Buffer> {
  let remaining = length;
  for await (const chunk of source as AsyncIterable<Buffer>) {
    const part = chunk.length > remaining ? chunk.subarray(0, remaining) : chunk;
    remaining -= part.length;
    yield part;
    if (remaining === 0) return;
  }
}
