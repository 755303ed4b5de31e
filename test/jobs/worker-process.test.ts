import { waitFor } from "../support/wait.ts";
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import path from "node:path";
import { fileURLToPath } from "node:url";
import fsp from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Worker } from "../../server/jobs/worker.ts";
import { makeAudio } from "../support/audio-fixtures.ts";
import { createTestEnv, type TestEnv } from "../support/app.ts";
import { npmScriptProcess } from "../support/npm-script.ts";

// `npm run worker` (compiled dist/) as a real process sharing the test database and storage: it finishes its job on
// SIGTERM, and when it is killed outright another worker takes the job over once the lease expires.

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const LEASE_SECONDS = 2;
let env: TestEnv;

beforeAll(async () => {
  env = await createTestEnv();
});
afterAll(async () => {
  await env?.close();
});

function workerEnv(): NodeJS.ProcessEnv {
  const { config } = env;
  const storage: Record<string, string> =
    config.storage.driver === "s3"
      ? {
          STORAGE_DRIVER: "s3",
          S3_ENDPOINT: config.storage.endpoint ?? "",
          S3_BUCKET: config.storage.bucket,
          S3_ACCESS_KEY_ID: config.storage.accessKeyId,
          S3_SECRET_ACCESS_KEY: config.storage.secretAccessKey,
          S3_FORCE_PATH_STYLE: String(config.storage.forcePathStyle),
        }
      : { STORAGE_DRIVER: "local", MEDIA_DIR: config.storage.root };
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: "test",
    LOG_LEVEL: "warn",
    DATA_DIR: config.dataDir,
    DATABASE_URL: config.database.url,
    JOB_LEASE_SECONDS: String(LEASE_SECONDS),
    ...storage,
  };
}

/** Its own process group, so killing the group also kills its ffmpeg children (as a machine dying would). */
function startWorkerProcess(): { child: ChildProcess; exited: Promise<{ code: number | null; signal: string | null }> } {
  const command = npmScriptProcess("worker");
  const child = spawn(process.execPath, command.args, { cwd: ROOT, env: { ...workerEnv(), ...command.env }, detached: true, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr!.on("data", (chunk) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.on("exit", (code, signal) => {
      if (code) console.error(stderr);
      resolve({ code, signal });
    }),
  );
  return { child, exited };
}


async function uploadedVariant(name: string) {
  const prisma = env.ctx.db.prisma;
  const show = await prisma.show.create({
    data: { slug: `s-${randomUUID().slice(0, 8)}`, locales: "ar", defaultLocale: "ar", category: "News", ownerName: "Sada", ownerEmail: "o@example.org", podcastGuid: randomUUID() },
  });
  const episode = await prisma.episode.create({ data: { showId: show.id, slug: "e" } });
  const variant = await prisma.episodeVariant.create({ data: { episodeId: episode.id, locale: "ar", guid: randomUUID(), title: "حلقة" } });
  const dir = await fsp.mkdtemp(path.join(env.config.dataDir, "src-"));
  const accepted = await env.ctx.audio.acceptAudioUpload({ variantId: variant.id, sourcePath: await makeAudio(dir, name, "wav", { seconds: 20 }) });
  return { variantId: variant.id, jobId: accepted.jobId };
}

const variantOf = (id: string) => env.ctx.db.prisma.episodeVariant.findUniqueOrThrow({ where: { id } });

describe("npm run worker", () => {
  it("on SIGTERM finishes the running job, then exits cleanly", async () => {
    const { variantId, jobId } = await uploadedVariant("graceful");
    const { child, exited } = startWorkerProcess();
    try {
      await waitFor(() => variantOf(variantId), (v) => v.audioStatus === "processing", 30_000);
      child.kill("SIGTERM");
      expect(await exited).toEqual({ code: 0, signal: null });
    } finally {
      if (child.exitCode === null) process.kill(-child.pid!, "SIGKILL");
    }
    expect(await variantOf(variantId)).toMatchObject({ audioStatus: "ready" });
    expect(await env.ctx.jobs.get(jobId)).toMatchObject({ status: "succeeded", attempts: 1 });
  });

  it("killed mid-job: the lease expires and another worker completes the job", async () => {
    const { variantId, jobId } = await uploadedVariant("killed");
    const { child, exited } = startWorkerProcess();
    await waitFor(() => variantOf(variantId), (v) => v.audioStatus === "processing", 30_000);
    process.kill(-child.pid!, "SIGKILL");
    await exited;
    expect(await env.ctx.jobs.get(jobId)).toMatchObject({ status: "running", attempts: 1 });

    const worker = new Worker(env.ctx.jobs.repository, env.ctx.jobs, env.ctx.jobHandlers, {
      clock: env.ctx.clock,
      logger: env.ctx.logger,
      concurrency: 1,
      leaseSeconds: LEASE_SECONDS,
      pollMs: 100,
    });
    worker.start();
    try {
      await waitFor(() => variantOf(variantId), (v) => v.audioStatus === "ready", 30_000);
    } finally {
      await worker.stop();
    }
    expect(await env.ctx.jobs.get(jobId)).toMatchObject({ status: "succeeded", attempts: 2 });
  });
});
