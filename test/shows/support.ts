import { randomUUID } from "node:crypto";
import fsp from "node:fs/promises";
import path from "node:path";
import type { S3Storage } from "../../server/adapters/storage/s3.ts";
import type { TestEnv } from "../support/app.ts";

// Helpers shared by the shows and episodes tests: a show made through the API, what storage holds.

export const TITLES = { ar: "أصوات الحرية", fr: "Voix de la liberté", en: "Voices of Freedom" } as const;

export function showBody(overrides: Record<string, unknown> = {}) {
  return {
    slug: `voices-${randomUUID().slice(0, 8)}`,
    locales: ["ar", "fr", "en"],
    defaultLocale: "ar",
    category: "Society & Culture",
    subcategory: "Documentary",
    explicit: false,
    ownerName: "Sada Team",
    ownerEmail: "podcast@example.org",
    copyright: "© 2026 Sada",
    type: "episodic",
    localizations: {
      ar: { title: TITLES.ar, description: "برنامج عن حقوق الإنسان.", author: "فريق صدى" },
      fr: { title: TITLES.fr, description: "Une émission sur les droits humains.", author: "Équipe Sada" },
      en: { title: TITLES.en, description: "A show about human rights.", author: "Sada Team" },
    },
    ...overrides,
  };
}

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

/** Files left in DATA_DIR/tmp (uploads being received, resumable uploads); none once a request is over. */
export async function tempFiles(env: TestEnv): Promise<string[]> {
  const root = path.join(env.config.dataDir, "tmp");
  const files = await fsp.readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
  return files.filter((f) => f.isFile()).map((f) => path.relative(root, path.join(f.parentPath, f.name)));
}

export async function readStored(env: TestEnv, key: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of (await env.ctx.storage.get(key)) as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}
