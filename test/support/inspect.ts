import fsp from "node:fs/promises";
import path from "node:path";
import { expect } from "vitest";
import type { S3Storage } from "../../server/adapters/storage/s3.ts";
import { AppError } from "../../server/errors.ts";
import type { TestEnv } from "./app.ts";

// What a test looks at after the fact: what storage holds, what temporary files are left, what was thrown.

/** Every key in storage (local: files under the root; S3: the bucket's listing). */
export async function storedKeys(env: TestEnv): Promise<string[]> {
  const config = env.config.storage;
  if (config.driver === "s3") {
    const { ListObjectsV2Command } = await import("@aws-sdk/client-s3");
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await (env.ctx.storage as S3Storage).client.send(new ListObjectsV2Command({ Bucket: config.bucket, ContinuationToken: token }));
      keys.push(...(page.Contents ?? []).map((o) => o.Key!));
      token = page.NextContinuationToken;
    } while (token);
    return keys.sort();
  }
  const files = await fsp.readdir(config.root, { recursive: true, withFileTypes: true }).catch(() => []);
  return files
    .filter((f) => f.isFile())
    .map((f) => path.relative(config.root, path.join(f.parentPath, f.name)))
    .filter((key) => !key.startsWith(".tmp"))
    .sort();
}

/** Files left in DATA_DIR/tmp and DATA_DIR/uploads (uploads being received, resumable uploads); none once a request is over. */
export async function tempFiles(env: TestEnv): Promise<string[]> {
  const found: string[] = [];
  for (const dir of ["tmp", "uploads"]) {
    const root = path.join(env.config.dataDir, dir);
    const files = await fsp.readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
    found.push(...files.filter((f) => f.isFile()).map((f) => path.join(dir, path.relative(root, path.join(f.parentPath, f.name)))));
  }
  return found.sort();
}

export async function readStored(env: TestEnv, key: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of (await env.ctx.storage.get(key)) as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** The AppError a promise rejects with (fails the test if it resolves or throws something else). */
export async function rejection(promise: Promise<unknown>): Promise<AppError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}
