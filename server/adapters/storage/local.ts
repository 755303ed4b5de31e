import { createWriteStream } from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { pipeline } from "node:stream/promises";
import { AppError } from "../../errors.ts";
import type { Config } from "../../config.ts";
import { assertSafeKey, cdnUrl, folderPrefix } from "./keys.ts";
import { contentTypeForKey } from "./content-types.ts";
import { assertByteRange, DigestStream, putFromFile, toReadable } from "./streams.ts";
import type { ByteRange, PutOptions, PutResult, Storage, StoredObjectInfo } from "./storage.ts";

/** Uploads in progress live here (same filesystem as the objects, so the final rename is atomic). */
const TMP_DIR = ".tmp";

const isMissing = (err: unknown) => {
  const code = (err as NodeJS.ErrnoException)?.code;
  return code === "ENOENT" || code === "ENOTDIR";
};

const storageNotFound = () => new AppError("storage_not_found", 404);

/**
 * Objects are plain files under root, named by their key. Content type comes from the key's
 * extension (content-types.ts) and cacheControl is ignored: Sada serves these files itself.
 */
export class LocalStorage implements Storage {
  readonly driver = "local" as const;
  private readonly root: string;
  /** root with exactly one trailing separator (root may itself be "/"). */
  private readonly rootPrefix: string;
  private readonly publicBaseUrl?: string;

  constructor(config: Extract<Config["storage"], { driver: "local" }>) {
    this.root = path.resolve(config.root);
    this.rootPrefix = this.root.endsWith(path.sep) ? this.root : this.root + path.sep;
    this.publicBaseUrl = config.publicBaseUrl;
  }

  localPath(key: string): string {
    assertSafeKey(key);
    const file = path.resolve(this.root, key);
    // Belt and braces: the key rule already forbids traversal; this holds even if that rule changes.
    if (!file.startsWith(this.rootPrefix)) throw new AppError("invalid_storage_key", 400);
    return file;
  }

  async put(key: string, body: NodeJS.ReadableStream | Buffer | string, _opts: PutOptions): Promise<PutResult> {
    const target = this.localPath(key);
    const tmpDir = path.join(this.root, TMP_DIR);
    await fsp.mkdir(tmpDir, { recursive: true });
    const tmp = path.join(tmpDir, randomUUID());
    const digest = new DigestStream();
    try {
      // flush: fsync before close, so the rename never publishes a file whose bytes are not on disk.
      await pipeline(toReadable(body), digest, createWriteStream(tmp, { flags: "wx", flush: true }));
      await fsp.mkdir(path.dirname(target), { recursive: true });
      await fsp.rename(tmp, target);
    } catch (err) {
      await fsp.rm(tmp, { force: true });
      throw err;
    }
    await syncDirectory(path.dirname(target));
    return digest.result();
  }

  putFile(key: string, filePath: string, opts: PutOptions): Promise<PutResult> {
    return putFromFile(this, key, filePath, opts);
  }

  async get(key: string, range?: ByteRange): Promise<NodeJS.ReadableStream> {
    if (range) assertByteRange(range);
    const file = this.localPath(key);
    let handle: fsp.FileHandle;
    try {
      handle = await fsp.open(file, "r");
    } catch (err) {
      if (isMissing(err)) throw storageNotFound();
      throw err;
    }
    if (!(await handle.stat()).isFile()) {
      await handle.close();
      throw storageNotFound();
    }
    return handle.createReadStream(range ? { start: range.start, end: range.end } : {});
  }

  async head(key: string): Promise<StoredObjectInfo | null> {
    const file = this.localPath(key);
    try {
      const stat = await fsp.stat(file);
      if (!stat.isFile()) return null;
      return {
        key,
        size: stat.size,
        contentType: contentTypeForKey(key),
        // Same shape nginx uses (size + mtime); quoted so it can go straight into an ETag header.
        etag: `"${stat.size.toString(16)}-${Math.floor(stat.mtimeMs).toString(16)}"`,
        lastModified: stat.mtime,
      };
    } catch (err) {
      if (isMissing(err)) return null;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    const file = this.localPath(key);
    try {
      await fsp.unlink(file);
    } catch (err) {
      if (isMissing(err)) return;
      // A folder is not an object (as on S3, where deleting "shows/abc" leaves "shows/abc/…" alone).
      if ((await fsp.stat(file).catch(() => null))?.isDirectory()) return;
      throw err;
    }
  }

  async deletePrefix(prefix: string): Promise<void> {
    const folder = this.localPath(folderPrefix(prefix).slice(0, -1));
    try {
      // A file at the folder's own name is an object outside the prefix: leave it.
      if (!(await fsp.stat(folder)).isDirectory()) return;
    } catch (err) {
      if (isMissing(err)) return;
      throw err;
    }
    await fsp.rm(folder, { recursive: true, force: true });
  }

  async publicUrl(key: string): Promise<string | null> {
    assertSafeKey(key);
    return this.publicBaseUrl ? cdnUrl(this.publicBaseUrl, key) : null;
  }

  async check(): Promise<void> {
    const tmpDir = path.join(this.root, TMP_DIR);
    await fsp.mkdir(tmpDir, { recursive: true });
    // A real write, not access(W_OK): that can pass on read-only bind mounts and under some ACLs.
    const probe = path.join(tmpDir, `check-${randomUUID()}`);
    try {
      await fsp.writeFile(probe, "ok", { flag: "wx" });
    } finally {
      await fsp.rm(probe, { force: true });
    }
  }
}

/** Makes a completed rename durable across power loss (the directory entry is on disk too). */
async function syncDirectory(dir: string): Promise<void> {
  const handle = await fsp.open(dir, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
