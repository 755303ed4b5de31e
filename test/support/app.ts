import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { inject } from "vitest";
import supertest from "supertest";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { loadConfig, type Config } from "../../server/config.ts";
import { createApp } from "../../server/app.ts";
import { createContext, type AppContext, type ContextOverrides } from "../../server/context.ts";
import { createLogger } from "../../server/adapters/logger.ts";
import { applyMigrations, createTestDatabase, dropTestDatabase } from "../../prisma/migration-engine.ts";
import type { Role } from "../../server/http/types.ts";

export const TEST_PASSWORD = "correct horse battery staple";

export interface TestEnv {
  config: Config;
  ctx: AppContext;
  app: ReturnType<typeof createApp>;
  /** A fresh supertest client (no cookies). */
  request: () => ReturnType<typeof supertest>;
  /** Creates a user of that role and returns an agent signed in with a cookie session + CSRF header. */
  loginAs: (role: Role, email?: string) => Promise<{ agent: ReturnType<typeof supertest.agent>; csrfToken: string; userId: string; email: string }>;
  /** Creates a user of that role and returns an API bearer token. */
  tokenFor: (role: Role) => Promise<string>;
  close: () => Promise<void>;
}

/** What this run tests against: SQLite/local by default; TEST_DATABASE_URL and TEST_STORAGE=s3 switch. */
export function testVariant() {
  return {
    database: process.env.TEST_DATABASE_URL ? "postgresql" : "sqlite",
    storage: process.env.TEST_STORAGE === "s3" ? "s3" : "local",
  } as const;
}

async function s3Bucket(): Promise<Record<string, string> | null> {
  const s3 = inject("s3");
  if (!s3) return null;
  const bucket = `sada-test-${randomUUID().slice(0, 8)}`;
  const client = new S3Client({
    endpoint: s3.endpoint,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
  });
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  client.destroy();
  return {
    STORAGE_DRIVER: "s3",
    S3_ENDPOINT: s3.endpoint,
    S3_BUCKET: bucket,
    S3_ACCESS_KEY_ID: s3.accessKeyId,
    S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
    S3_FORCE_PATH_STYLE: "true",
  };
}

/**
 * A Sada app on a fresh database (SQLite temp file, or a new PostgreSQL database when
 * TEST_DATABASE_URL is set) and fresh storage (temp dir, or a new s3rver bucket with TEST_STORAGE=s3),
 * migrated exactly as production is.
 */
export async function createTestEnv(options: { env?: Record<string, string>; overrides?: ContextOverrides } = {}): Promise<TestEnv> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "sada-test-"));
  const pgUrl = process.env.TEST_DATABASE_URL ? await createTestDatabase(process.env.TEST_DATABASE_URL) : undefined;
  const config = loadConfig({
    NODE_ENV: "test",
    DATA_DIR: dataDir,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent",
    PUBLIC_BASE_URL: "http://sada.test",
    WORKER_ENABLED: "false",
    ...(pgUrl ? { DATABASE_URL: pgUrl } : {}),
    ...((await s3Bucket()) ?? {}),
    ...options.env,
  });
  await applyMigrations(config.database);
  const ctx = await createContext(config, { logger: createLogger(config.log.level), ...options.overrides });
  const app = createApp(ctx);
  let counter = 0;

  const createUser = async (role: Role, email?: string) => {
    const address = email ?? `${role}-${++counter}-${randomUUID().slice(0, 6)}@example.org`;
    const user = await ctx.accounts.createUser({ email: address, name: `Test ${role}`, role, password: TEST_PASSWORD });
    return user;
  };

  return {
    config,
    ctx,
    app,
    request: () => supertest(app),
    async loginAs(role, email) {
      const user = await createUser(role, email);
      const agent = supertest.agent(app);
      const res = await agent.post("/api/v1/session").send({ email: user.email, password: TEST_PASSWORD }).expect(200);
      agent.set("X-CSRF-Token", res.body.csrfToken);
      return { agent, csrfToken: res.body.csrfToken as string, userId: user.id, email: user.email };
    },
    async tokenFor(role) {
      const user = await createUser(role);
      const { token } = await ctx.accounts.createToken(user.id, { name: "test" });
      return token;
    },
    async close() {
      // The database and the files go even when closing fails (a test that broke its own connection).
      try {
        await ctx.close();
      } finally {
        if (pgUrl) await dropTestDatabase(pgUrl);
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
  };
}
