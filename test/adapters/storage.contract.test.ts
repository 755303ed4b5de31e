import { createHash, randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { PassThrough, Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { CreateBucketCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { AppError } from "../../server/errors.ts";
import { assertSafeKey, MAX_KEY_LENGTH } from "../../server/adapters/storage/keys.ts";
import { contentTypeForKey } from "../../server/adapters/storage/content-types.ts";
import { LocalStorage } from "../../server/adapters/storage/local.ts";
import { S3Storage } from "../../server/adapters/storage/s3.ts";
import type { Storage } from "../../server/adapters/storage/storage.ts";
import { s3StorageConfig, startS3rver, type RunningS3rver } from "../support/s3rver.ts";

// One contract, two drivers: every behaviour Sada relies on is checked against the local
// filesystem and against S3 (s3rver here, or the server of TEST_STORAGE=s3/TEST_S3_ENDPOINT).

const MiB = 1024 * 1024;
const S3_PART_SIZE = 5 * MiB; // S3's minimum part size: keeps multipart tests small
const CDN = "https://cdn.example.org/media";

const sha256 = (data: Buffer | string) => createHash("sha256").update(data).digest("hex");

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** Deterministic, incompressible-looking bytes: byte i of the stream is a function of i. */
function patternBytes(offset: number, length: number): Buffer {
  const buf = Buffer.allocUnsafe(length);
  for (let i = 0; i < length; i++) {
    const n = offset + i;
    buf[i] = (n * 31 + (n >>> 8) * 7 + (n >>> 16)) & 0xff;
  }
  return buf;
}

/** A lazily generated stream of `total` pattern bytes: never more than one 64 KiB chunk in memory. */
function patternStream(total: number): Readable {
  return Readable.from(
    (function* () {
      for (let offset = 0; offset < total; offset += 64 * 1024) yield patternBytes(offset, Math.min(64 * 1024, total - offset));
    })(),
  );
}

async function expectAppError(promise: Promise<unknown>, code: string, status: number) {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  expect(err).toMatchObject({ code, status });
}

// ---------- drivers under test ----------

let s3: Pick<RunningS3rver, "endpoint" | "bucket" | "accessKeyId" | "secretAccessKey">;
let ownS3rver: RunningS3rver | null = null;
const tempDirs: string[] = [];
const created: Storage[] = [];

beforeAll(async () => {
  const shared = inject("s3");
  if (shared) {
    // The run already has an S3 server (TEST_STORAGE=s3): use it with a bucket of our own.
    const bucket = `sada-contract-${randomUUID().slice(0, 8)}`;
    const client = new S3Client({
      endpoint: shared.endpoint,
      region: "us-east-1",
      forcePathStyle: true,
      credentials: { accessKeyId: shared.accessKeyId, secretAccessKey: shared.secretAccessKey },
    });
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
    client.destroy();
    s3 = { ...shared, bucket };
  } else {
    ownS3rver = await startS3rver();
    s3 = ownS3rver;
  }
});

afterAll(async () => {
  for (const storage of created) if (storage instanceof S3Storage) storage.destroy();
  await ownS3rver?.stop();
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "sada-storage-"));
  tempDirs.push(dir);
  return dir;
}

interface DriverUnderTest {
  name: "local" | "s3";
  create(options?: { publicBaseUrl?: string }): Storage;
  /** A storage of this driver whose backing store is unusable. */
  createBroken(): Storage;
  /**
   * Resolves once bytes of an unfinished put() have reached the backing store: the temp file for
   * local, an UploadPart request for S3. Proves put() streams rather than collecting the body first.
   */
  watchWrites(storage: Storage): { written: () => Promise<void>; stop: () => void };
  /** Whatever a failed put() could have left behind (temp files), beyond what head() can see. */
  leftovers(storage: Storage): string[];
}

const localRoots = new WeakMap<Storage, string>();

const drivers: DriverUnderTest[] = [
  {
    name: "local",
    create(options = {}) {
      const root = tempDir();
      const storage = new LocalStorage({ driver: "local", root, publicBaseUrl: options.publicBaseUrl });
      localRoots.set(storage, root);
      return storage;
    },
    createBroken() {
      const file = path.join(tempDir(), "not-a-directory");
      writeFileSync(file, "");
      return new LocalStorage({ driver: "local", root: path.join(file, "media") });
    },
    watchWrites(storage) {
      const tmp = path.join(localRoots.get(storage)!, ".tmp");
      return {
        written: () =>
          vi.waitFor(
            () => {
              const sizes = existsSync(tmp) ? readdirSync(tmp).map((f) => statSync(path.join(tmp, f)).size) : [];
              if (!sizes.some((size) => size > 0)) throw new Error("no temp file with data yet");
            },
            { timeout: 20_000, interval: 20 },
          ),
        stop: () => {},
      };
    },
    leftovers(storage) {
      const tmp = path.join(localRoots.get(storage)!, ".tmp");
      return existsSync(tmp) ? readdirSync(tmp) : [];
    },
  },
  {
    name: "s3",
    create(options = {}) {
      const storage = new S3Storage(s3StorageConfig(s3, options), { partSize: S3_PART_SIZE });
      created.push(storage);
      return storage;
    },
    createBroken() {
      const storage = new S3Storage(s3StorageConfig({ ...s3, bucket: `missing-${randomUUID().slice(0, 8)}` }));
      created.push(storage);
      return storage;
    },
    watchWrites(storage) {
      const client = (storage as S3Storage).client;
      const name = `watch-${randomUUID()}`;
      let partsSent = 0;
      client.middlewareStack.add(
        (next, context) => async (args) => {
          if (context.commandName === "UploadPartCommand") partsSent++;
          return next(args);
        },
        { step: "initialize", name },
      );
      return {
        written: () =>
          vi.waitFor(
            () => {
              if (partsSent === 0) throw new Error("no part uploaded yet");
            },
            { timeout: 20_000, interval: 20 },
          ),
        stop: () => client.middlewareStack.remove(name),
      };
    },
    // Incomplete S3 uploads are invisible to readers by design; head()/list checks cover them.
    leftovers: () => [],
  },
];

// ---------- the contract ----------

describe.each(drivers)("$name storage", (driver) => {
  let storage: Storage;
  let base: string; // a fresh folder per test, so tests never see each other's objects

  beforeAll(() => {
    storage = driver.create();
  });

  const key = (name: string) => `${base}/${name}`;
  const freshBase = () => {
    base = `t-${randomUUID().slice(0, 12)}`;
  };

  it("reports its driver and passes its health check", async () => {
    expect(storage.driver).toBe(driver.name);
    await expect(storage.check()).resolves.toBeUndefined();
  });

  it("fails its health check when the backing store is unusable", async () => {
    await expect(driver.createBroken().check()).rejects.toThrow();
  });

  it("puts a Buffer, a string and a stream, returning size and sha256, and reads them back", async () => {
    freshBase();
    const buffer = patternBytes(0, 10_000);
    const text = "WEBVTT\n\n00:00.000 --> 00:01.000\nصدى — écho\n";
    const streamed = [Buffer.from("ID3"), patternBytes(3, 50_000), Buffer.from("end")];

    const cases = [
      { name: "art.png", body: buffer as Buffer | string | Readable, bytes: buffer, type: "image/png" },
      { name: "subs/ar.vtt", body: text, bytes: Buffer.from(text, "utf8"), type: "text/vtt" },
      { name: "audio/episode.mp3", body: Readable.from(streamed), bytes: Buffer.concat(streamed), type: "audio/mpeg" },
    ];
    for (const c of cases) {
      const result = await storage.put(key(c.name), c.body, { contentType: c.type, cacheControl: "public, max-age=31536000, immutable" });
      expect(result).toEqual({ size: c.bytes.length, sha256: sha256(c.bytes) });
      expect(await readAll(await storage.get(key(c.name)))).toEqual(c.bytes);
      const info = await storage.head(key(c.name));
      expect(info).toMatchObject({ key: key(c.name), size: c.bytes.length, contentType: c.type });
      expect(typeof info!.etag).toBe("string");
      expect(info!.lastModified).toBeInstanceOf(Date);
    }
  });

  it("overwrites an existing key", async () => {
    freshBase();
    await storage.put(key("feed.json"), '{"v":1}', { contentType: "application/json" });
    const second = await storage.put(key("feed.json"), '{"v":22}', { contentType: "application/json" });
    expect(second).toEqual({ size: 8, sha256: sha256('{"v":22}') });
    expect((await readAll(await storage.get(key("feed.json")))).toString()).toBe('{"v":22}');
    expect((await storage.head(key("feed.json")))?.size).toBe(8);
  });

  it("stores an empty object", async () => {
    freshBase();
    expect(await storage.put(key("empty.json"), "", { contentType: "application/json" })).toEqual({ size: 0, sha256: sha256("") });
    expect((await storage.head(key("empty.json")))?.size).toBe(0);
    expect((await readAll(await storage.get(key("empty.json")))).length).toBe(0);
  });

  it("puts a file from disk with putFile", async () => {
    freshBase();
    const file = path.join(tempDir(), "rendition.m4a");
    const bytes = patternBytes(7, 123_457);
    writeFileSync(file, bytes);
    const result = await storage.putFile(key("episode-64k.m4a"), file, { contentType: "audio/mp4" });
    expect(result).toEqual({ size: bytes.length, sha256: sha256(bytes) });
    expect(await readAll(await storage.get(key("episode-64k.m4a")))).toEqual(bytes);
    expect(await storage.head(key("episode-64k.m4a"))).toMatchObject({ size: bytes.length, contentType: "audio/mp4" });
    expect(existsSync(file)).toBe(true); // putFile copies; the source stays for the caller to remove
  });

  it("reads byte ranges: first bytes, first byte only, middle, last byte", async () => {
    freshBase();
    const bytes = patternBytes(0, 100_000);
    await storage.put(key("ep.mp3"), bytes, { contentType: "audio/mpeg" });
    const ranges = [
      { start: 0, end: 9 },
      { start: 0, end: 1 },
      { start: 0, end: 0 },
      { start: 4_096, end: 70_000 },
      { start: 99_999, end: 99_999 },
      { start: 0, end: 99_999 },
    ];
    for (const range of ranges) {
      const got = await readAll(await storage.get(key("ep.mp3"), range));
      expect(got, `bytes ${range.start}-${range.end}`).toEqual(bytes.subarray(range.start, range.end + 1));
    }
  });

  it("answers a missing key with null from head and a 404 AppError from get", async () => {
    freshBase();
    expect(await storage.head(key("missing.mp3"))).toBeNull();
    await expectAppError(storage.get(key("missing.mp3")), "storage_not_found", 404);
    await expectAppError(storage.get(key("missing.mp3"), { start: 0, end: 1 }), "storage_not_found", 404);
    // A "folder" is not an object either.
    await storage.put(key("show/cover.jpg"), "jpg", { contentType: "image/jpeg" });
    expect(await storage.head(key("show"))).toBeNull();
    await expectAppError(storage.get(key("show")), "storage_not_found", 404);
    // Nor is a path below an object.
    expect(await storage.head(key("show/cover.jpg/x"))).toBeNull();
    await expectAppError(storage.get(key("show/cover.jpg/x")), "storage_not_found", 404);
  });

  it("deletes idempotently", async () => {
    freshBase();
    await storage.put(key("a.opus"), "opus", { contentType: "audio/ogg" });
    await storage.delete(key("a.opus"));
    expect(await storage.head(key("a.opus"))).toBeNull();
    await expect(storage.delete(key("a.opus"))).resolves.toBeUndefined();
    await expect(storage.delete(key("never/existed.opus"))).resolves.toBeUndefined();
    // Deleting a "folder" key deletes no object, and leaves the objects below it alone.
    await storage.put(key("show/ep.opus"), "opus", { contentType: "audio/ogg" });
    await expect(storage.delete(key("show"))).resolves.toBeUndefined();
    expect(await storage.head(key("show/ep.opus"))).not.toBeNull();
  });

  it("deletes everything under a prefix and nothing beside it", async () => {
    freshBase();
    const inside = ["shows/abc/cover.jpg", "shows/abc/ep1/audio.mp3", "shows/abc/ep1/ar.vtt", "shows/abc/ep2/deep/x.json", "shows/abc/z.flac"];
    const beside = ["shows/abcdef/cover.jpg", "shows/abc.json", "shows/ab/c.mp3", "other/abc/cover.jpg"];
    for (const name of [...inside, ...beside]) await storage.put(key(name), name, { contentType: contentTypeForKey(name) });

    await storage.deletePrefix(key("shows/abc/"));
    for (const name of inside) expect(await storage.head(key(name)), name).toBeNull();
    for (const name of beside) expect(await storage.head(key(name)), name).not.toBeNull();

    // Without the trailing slash it means the same folder; missing folders are fine.
    await storage.deletePrefix(key("shows/abcdef"));
    expect(await storage.head(key("shows/abcdef/cover.jpg"))).toBeNull();
    expect(await storage.head(key("shows/abc.json"))).not.toBeNull();
    await expect(storage.deletePrefix(key("nothing/here/"))).resolves.toBeUndefined();

    for (const bad of ["", "/", "../", `${base}/../`, "shows//", "*"]) {
      await expectAppError(storage.deletePrefix(bad), "invalid_storage_key", 400);
    }
  });

  it("gives no public URL for local without a CDN, and a working presigned URL for S3", async () => {
    freshBase();
    const bytes = patternBytes(0, 4_321);
    await storage.put(key("ep.mp3"), bytes, { contentType: "audio/mpeg" });
    const url = await storage.publicUrl(key("ep.mp3"));
    if (driver.name === "local") {
      expect(url).toBeNull();
      return;
    }
    const parsed = new URL(url!);
    expect(parsed.searchParams.get("X-Amz-Signature")).toMatch(/^[0-9a-f]{64}$/);
    expect(parsed.searchParams.get("X-Amz-Expires")).toBe("3600");
    expect(parsed.pathname).toBe(`/${s3.bucket}/${key("ep.mp3")}`);
    const res = await fetch(url!);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("audio/mpeg");
    expect(Buffer.from(await res.arrayBuffer())).toEqual(bytes);
  });

  it("gives the CDN URL when a public base URL is configured", async () => {
    freshBase();
    const withCdn = driver.create({ publicBaseUrl: CDN });
    expect(await withCdn.publicUrl(key("shows/abc/ep.mp3"))).toBe(`${CDN}/${key("shows/abc/ep.mp3")}`);
    const withSlash = driver.create({ publicBaseUrl: `${CDN}/` });
    expect(await withSlash.publicUrl("a.mp3")).toBe(`${CDN}/a.mp3`);
  });

  it("streams a 20 MB body through put and back", async () => {
    freshBase();
    const total = 20 * MiB + 12_345;
    const expected = createHash("sha256");
    for (let offset = 0; offset < total; offset += 64 * 1024) expected.update(patternBytes(offset, Math.min(64 * 1024, total - offset)));
    const digest = expected.digest("hex");

    const result = await storage.put(key("long.wav"), patternStream(total), { contentType: "audio/wav" });
    expect(result).toEqual({ size: total, sha256: digest });
    expect(await storage.head(key("long.wav"))).toMatchObject({ size: total, contentType: "audio/wav" });

    const readBack = createHash("sha256");
    for await (const chunk of (await storage.get(key("long.wav"))) as AsyncIterable<Buffer>) readBack.update(chunk);
    expect(readBack.digest("hex")).toBe(digest);
    const tail = await readAll(await storage.get(key("long.wav"), { start: total - 1000, end: total - 1 }));
    expect(tail).toEqual(patternBytes(total - 1000, 1000));
  });

  it("writes while the body is still arriving, and shows nothing until it is complete", async () => {
    freshBase();
    const body = new PassThrough();
    const watch = driver.watchWrites(storage);
    const firstPart = S3_PART_SIZE + 64 * 1024; // past one S3 part, so a streaming uploader must send it
    const upload = storage.put(key("live.mp3"), body, { contentType: "audio/mpeg" });
    try {
      body.write(patternBytes(0, firstPart));
      await watch.written(); // would time out if put() waited for the end of the body
      expect(await storage.head(key("live.mp3"))).toBeNull(); // atomic: no partial object visible
      body.end(patternBytes(firstPart, 1000));
      expect(await upload).toMatchObject({ size: firstPart + 1000 });
    } finally {
      watch.stop();
      body.destroy();
    }
    expect(await readAll(await storage.get(key("live.mp3"), { start: firstPart - 10, end: firstPart + 999 }))).toEqual(
      patternBytes(firstPart - 10, 1010),
    );
  });

  it.each([
    { label: "a small body that errors", size: 100_000, how: "error" },
    { label: "a multipart-sized body that errors", size: S3_PART_SIZE + 500_000, how: "error" },
    { label: "a body destroyed mid-way (client went away)", size: 300_000, how: "destroy" },
  ] as const)("leaves nothing behind after $label", async ({ size, how }) => {
    freshBase();
    const failure = new Error("listener upload interrupted");
    const body = new PassThrough();
    const upload = storage.put(key("broken.mp3"), body, { contentType: "audio/mpeg" });
    const outcome = upload.then(
      () => null,
      (e: unknown) => e,
    );
    for (let offset = 0; offset < size; offset += 64 * 1024) {
      if (!body.write(patternBytes(offset, Math.min(64 * 1024, size - offset)))) await new Promise((r) => body.once("drain", r));
    }
    if (how === "error") body.destroy(failure);
    else body.destroy();
    const err = await outcome;
    expect(err).toBeInstanceOf(Error);
    if (how === "error") expect(err).toBe(failure);
    expect(await storage.head(key("broken.mp3"))).toBeNull();
    await expectAppError(storage.get(key("broken.mp3")), "storage_not_found", 404);
    expect(driver.leftovers(storage)).toEqual([]);
  });

  it("refuses unsafe keys in every operation", async () => {
    const badKeys = [
      "../x",
      "a/../../etc/passwd",
      "/etc/passwd",
      "a\\..\\b",
      "%2e%2e/x",
      "a/%2e%2e/b",
      "a\0b.mp3",
      "épisode.mp3",
      "صدى/حلقة.mp3",
      "a/./b",
      ".tmp/x",
    ];
    for (const bad of badKeys) {
      const opts = { contentType: "audio/mpeg" };
      await expectAppError(storage.put(bad, "x", opts), "invalid_storage_key", 400);
      await expectAppError(storage.putFile(bad, "/etc/hostname", opts), "invalid_storage_key", 400);
      await expectAppError(storage.get(bad), "invalid_storage_key", 400);
      await expectAppError(storage.head(bad), "invalid_storage_key", 400);
      await expectAppError(storage.delete(bad), "invalid_storage_key", 400);
      await expectAppError(storage.publicUrl(bad), "invalid_storage_key", 400);
      if (storage.localPath) expect(() => storage.localPath!(bad)).toThrow(AppError);
    }
    if (driver.name === "local") {
      const root = localRoots.get(storage)!;
      expect(existsSync(path.join(path.dirname(root), "x"))).toBe(false);
    }
  });
});

describe("s3 deletePrefix across several list pages", () => {
  it("deletes more objects than one ListObjectsV2 page holds", async (ctx) => {
    const storage = new S3Storage(s3StorageConfig(s3), { deleteBatchSize: 2 });
    created.push(storage);
    const base = `t-${randomUUID().slice(0, 12)}`;
    const inside = ["a.mp3", "b.mp3", "c/d.mp3", "c/e.json", "f.png"].map((n) => `${base}/show/${n}`);
    for (const k of [...inside, `${base}/show.mp3`]) await storage.put(k, k, { contentType: contentTypeForKey(k) });

    // s3rver builds ListObjectsV2 continuation tokens with DES, which OpenSSL 3 (Node >= 17) no longer
    // offers: any truncated page is a 500 there. Real S3, MinIO and R2 paginate; run this against
    // them (TEST_S3_ENDPOINT) — skip only on a server that cannot paginate at all.
    const paginates = await storage.client
      .send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: `${base}/show/`, MaxKeys: 2 }))
      .then(
        () => true,
        (err: { name?: string }) => (err.name === "InternalError" ? false : Promise.reject(err)),
      );
    if (!paginates) ctx.skip();

    await storage.deletePrefix(`${base}/show`);
    for (const k of inside) expect(await storage.head(k), k).toBeNull();
    expect(await storage.head(`${base}/show.mp3`)).not.toBeNull();
  });
});

// ---------- key rule and local path containment ----------

describe("assertSafeKey", () => {
  const rejected = [
    "",
    ".",
    "..",
    "../x",
    "a/..",
    "a/../../etc/passwd",
    "/etc/passwd",
    "a/",
    "a//b",
    "a\\..\\b",
    "a\\b",
    "C:\\Windows\\x",
    "%2e%2e/x",
    "%2e%2e%2fetc",
    "a b.mp3",
    "a\0b",
    "a\nb",
    "épisode.mp3",
    "e\u0301.mp3",
    "صدى.mp3",
    "a/\u2024\u2024/b", // one-dot leaders that look like ".."
    ".hidden",
    "a/.tmp/x",
    "x".repeat(MAX_KEY_LENGTH + 1),
    "a?b",
    "a#b",
    "a:b",
  ];
  const accepted = ["a", "shows/abc/ep-1/audio_64k.mp3", "A.B-C_d/e.f.g", "x".repeat(MAX_KEY_LENGTH), "a..b/c...d", "-x/_y"];

  it.each(rejected.map((k) => [JSON.stringify(k), k]))("rejects %s", (_label, bad) => {
    expect(() => assertSafeKey(bad)).toThrow(expect.objectContaining({ code: "invalid_storage_key", status: 400 }));
  });

  it.each(accepted.map((k) => [k.slice(0, 40), k]))("accepts %s", (_label, good) => {
    expect(() => assertSafeKey(good)).not.toThrow();
  });

  it("keeps every accepted key inside the local root", () => {
    const root = tempDir();
    const local = new LocalStorage({ driver: "local", root });
    for (const good of accepted) {
      const resolved = local.localPath(good);
      expect(resolved.startsWith(root + path.sep)).toBe(true);
      expect(path.relative(root, resolved).split(path.sep)).not.toContain("..");
    }
  });
});

describe("contentTypeForKey", () => {
  it.each([
    ["a/b.mp3", "audio/mpeg"],
    ["b.M4A", "audio/mp4"],
    ["b.aac", "audio/mp4"],
    ["b.opus", "audio/ogg"],
    ["b.ogg", "audio/ogg"],
    ["b.wav", "audio/wav"],
    ["b.webm", "audio/webm"],
    ["b.flac", "audio/flac"],
    ["b.jpg", "image/jpeg"],
    ["b.jpeg", "image/jpeg"],
    ["b.png", "image/png"],
    ["b.vtt", "text/vtt"],
    ["b.srt", "application/x-subrip"],
    ["b.json", "application/json"],
    ["b.bin", "application/octet-stream"],
    ["mp3", "application/octet-stream"],
    ["dir.mp3/file", "application/octet-stream"],
  ])("%s → %s", (k, type) => {
    expect(contentTypeForKey(k)).toBe(type);
  });
});
