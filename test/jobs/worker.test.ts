import { waitFor } from "../support/wait.ts";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ManualClock, systemClock, type Clock } from "../../server/adapters/clock.ts";
import { createDatabase, type Database } from "../../server/adapters/database.ts";
import { createLogger } from "../../server/adapters/logger.ts";
import { AppError } from "../../server/errors.ts";
import { JobError, type JobFailure } from "../../server/jobs/errors.ts";
import { JobsRepository } from "../../server/jobs/jobs.repository.ts";
import { JobQueue } from "../../server/jobs/queue.ts";
import { JobHandlers, type JobHandler } from "../../server/jobs/registry.ts";
import { Worker } from "../../server/jobs/worker.ts";
import { createTestEnv, type TestEnv } from "../support/app.ts";

const logger = createLogger("silent");
let env: TestEnv;

beforeAll(async () => {
  env = await createTestEnv();
});
afterAll(async () => {
  await env?.close();
});
beforeEach(async () => {
  await env.ctx.db.prisma.job.deleteMany();
});

function setup(options: { db?: Database; clock?: Clock; handlers?: JobHandlers; leaseSeconds?: number; backoffBaseMs?: number; owner?: string } = {}) {
  const clock = options.clock ?? systemClock;
  const repository = new JobsRepository(options.db ?? env.ctx.db);
  const queue = new JobQueue(repository, clock, 3);
  const handlers = options.handlers ?? new JobHandlers();
  const worker = new Worker(repository, queue, handlers, {
    clock,
    logger,
    concurrency: 1,
    leaseSeconds: options.leaseSeconds ?? 30,
    pollMs: 20,
    backoffBaseMs: options.backoffBaseMs ?? 1000,
    owner: options.owner,
  });
  return { clock, repository, queue, handlers, worker };
}

const payloadOf = (p: unknown) => p as { n: number };


describe("job queue and worker", () => {
  it("runs an enqueued job at once, records progress and success", async () => {
    const { queue, handlers, worker } = setup();
    const seen: number[] = [];
    handlers.register("test.echo", {
      parse: payloadOf,
      async run(job) {
        await job.progress(40);
        seen.push(job.payload.n);
      },
    } satisfies JobHandler<{ n: number }>);
    worker.start();
    try {
      const job = await queue.enqueue("test.echo", { n: 7 });
      const done = await waitFor(() => queue.get(job.id), (j) => j?.status === "succeeded");
      expect(seen).toEqual([7]);
      expect(done).toMatchObject({ attempts: 1, progress: 100, leaseOwner: null, lastErrorCode: null });
    } finally {
      await worker.stop();
    }
  });

  it("never runs a job twice when several workers on separate connections race for 20 jobs", async () => {
    const runs = new Map<number, string[]>();
    const handlers = new JobHandlers();
    handlers.register("test.race", {
      parse: payloadOf,
      async run(job) {
        runs.set(job.payload.n, [...(runs.get(job.payload.n) ?? []), job.id]);
        await new Promise((r) => setTimeout(r, 5 + Math.random() * 20));
      },
    } satisfies JobHandler<{ n: number }>);
    const dbs = await Promise.all([0, 1, 2].map(() => createDatabase(env.config.database)));
    const workers = dbs.map((db, i) => setup({ db, handlers, owner: `worker-${i}` }).worker);
    const producer = setup();
    try {
      const jobs = await Promise.all(Array.from({ length: 20 }, (_, n) => producer.queue.enqueue("test.race", { n })));
      for (const w of workers) w.start();
      await waitFor(
        () => env.ctx.db.prisma.job.count({ where: { queue: "test.race", status: "succeeded" } }),
        (count) => count === 20,
      );
      expect([...runs.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, n) => n));
      for (const [, ids] of runs) expect(ids).toHaveLength(1);
      const rows = await env.ctx.db.prisma.job.findMany({ where: { id: { in: jobs.map((j) => j.id) } } });
      expect(rows.every((r) => r.attempts === 1)).toBe(true);
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
      await Promise.all(dbs.map((db) => db.close()));
    }
  });

  it("retries a job whose worker died once its lease expires", async () => {
    const clock = new ManualClock(new Date("2030-01-01T00:00:00Z"));
    const { queue, repository, handlers, worker } = setup({ clock, leaseSeconds: 60 });
    const attempts: number[] = [];
    handlers.register("test.lease", { parse: payloadOf, run: async (job) => void attempts.push(job.attempt) });
    const job = await queue.enqueue("test.lease", { n: 1 });
    // A worker claims it and dies (never renews, never finishes).
    const claimed = await repository.claimNext(["test.lease"], "dead-worker", clock.now(), new Date(clock.now().getTime() + 60_000));
    expect(claimed?.id).toBe(job.id);
    expect(await worker.runOnce()).toBe(false); // lease still valid: nobody else may run it
    clock.advance(61_000);
    expect(await worker.runOnce()).toBe(true);
    expect(attempts).toEqual([2]);
    expect(await queue.get(job.id)).toMatchObject({ status: "succeeded", attempts: 2 });
  });

  it("backs off exponentially on retryable errors, then fails with the code and calls onFailed once", async () => {
    const clock = new ManualClock(new Date("2030-01-01T00:00:00Z"));
    const { queue, handlers, worker } = setup({ clock, backoffBaseMs: 1000 });
    const failures: JobFailure[] = [];
    handlers.register("test.flaky", {
      parse: payloadOf,
      run: async () => {
        throw new Error("storage unreachable");
      },
      onFailed: async (_payload, failure) => void failures.push(failure),
    });
    const job = await queue.enqueue("test.flaky", { n: 1 }, { maxAttempts: 3 });
    expect(await worker.runOnce()).toBe(true);
    let row = await queue.get(job.id);
    expect(row).toMatchObject({ status: "queued", attempts: 1, lastErrorCode: "job_failed", lastError: "storage unreachable" });
    expect(row!.runAt.getTime() - clock.now().getTime()).toBe(1000);
    expect(await worker.runOnce()).toBe(false); // not due yet
    clock.advance(1000);
    expect(await worker.runOnce()).toBe(true);
    row = await queue.get(job.id);
    expect(row!.runAt.getTime() - clock.now().getTime()).toBe(2000);
    clock.advance(2000);
    expect(await worker.runOnce()).toBe(true);
    row = await queue.get(job.id);
    expect(row).toMatchObject({ status: "failed", attempts: 3, lastErrorCode: "job_failed" });
    expect(failures).toEqual([{ code: "job_failed", message: "storage unreachable", retryable: true }]);
    clock.advance(3_600_000);
    expect(await worker.runOnce()).toBe(false);
  });

  it("fails at once on a permanent error (bad input)", async () => {
    const { queue, handlers, worker } = setup();
    const failures: JobFailure[] = [];
    handlers.register("test.bad", {
      parse: payloadOf,
      run: async () => {
        throw new AppError("audio_corrupt", 422, { detail: "invalid residual" });
      },
      onFailed: async (_p, f) => void failures.push(f),
    });
    handlers.register("test.explicit", {
      parse: payloadOf,
      run: async () => {
        throw new JobError("custom_code", "explained", false);
      },
    });
    const bad = await queue.enqueue("test.bad", { n: 1 });
    const explicit = await queue.enqueue("test.explicit", { n: 1 });
    await worker.runOnce();
    await worker.runOnce();
    expect(await queue.get(bad.id)).toMatchObject({ status: "failed", attempts: 1, lastErrorCode: "audio_corrupt" });
    expect(failures[0]!.message).toContain("invalid residual");
    expect(await queue.get(explicit.id)).toMatchObject({ status: "failed", lastErrorCode: "custom_code", lastError: "explained" });
  });

  it("fails a job whose worker died on its last attempt, and tells its handler", async () => {
    const clock = new ManualClock(new Date("2030-01-01T00:00:00Z"));
    const { queue, repository, handlers, worker } = setup({ clock, leaseSeconds: 60 });
    const failures: JobFailure[] = [];
    handlers.register("test.dies", { parse: payloadOf, run: async () => {}, onFailed: async (_p, f) => void failures.push(f) });
    const job = await queue.enqueue("test.dies", { n: 1 }, { maxAttempts: 1 });
    await repository.claimNext(["test.dies"], "dead-worker", clock.now(), new Date(clock.now().getTime() + 60_000));
    clock.advance(61_000);
    worker.start();
    try {
      await waitFor(() => queue.get(job.id), (j) => j?.status === "failed");
    } finally {
      await worker.stop();
    }
    expect(await queue.get(job.id)).toMatchObject({ attempts: 1, lastErrorCode: "job_lease_expired" });
    expect(failures.map((f) => f.code)).toEqual(["job_lease_expired"]);
  });

  it("on stop, lets a running job finish", async () => {
    const { queue, handlers, worker } = setup();
    let started!: () => void;
    const running = new Promise<void>((r) => (started = r));
    handlers.register("test.short", {
      parse: payloadOf,
      async run() {
        started();
        await new Promise((r) => setTimeout(r, 200));
      },
    });
    worker.start();
    const job = await queue.enqueue("test.short", { n: 1 });
    await running;
    await worker.stop(5000);
    expect(await queue.get(job.id)).toMatchObject({ status: "succeeded" });
  });

  it("on stop past the timeout, interrupts the job and gives it back without counting the attempt", async () => {
    const { queue, handlers, worker } = setup();
    let started!: () => void;
    const running = new Promise<void>((r) => (started = r));
    let cleanedUp = false;
    handlers.register("test.long", {
      parse: payloadOf,
      run: (job) =>
        new Promise<void>((_resolve, reject) => {
          started();
          job.signal.addEventListener("abort", () => {
            cleanedUp = true;
            reject(job.signal.reason);
          });
        }),
    });
    worker.start();
    const job = await queue.enqueue("test.long", { n: 1 });
    await running;
    await worker.stop(100);
    expect(cleanedUp).toBe(true);
    expect(await queue.get(job.id)).toMatchObject({ status: "queued", attempts: 0, leaseOwner: null });
  });

  it("aborts a run whose lease was taken over, and that run can no longer commit", async () => {
    const { queue, handlers, worker, repository } = setup({ leaseSeconds: 0.3 });
    let outcome = "";
    handlers.register("test.stalled", {
      parse: payloadOf,
      run: async (job) => {
        // Simulate a stall long enough for another worker to take the job over.
        await env.ctx.db.prisma.job.update({ where: { id: job.id }, data: { leaseOwner: "other-worker" } });
        await new Promise<void>((resolve) => job.signal.addEventListener("abort", () => resolve()));
        outcome = await job.complete(async () => "committed").catch((err: Error) => err.name);
        throw job.signal.reason;
      },
    });
    const job = await queue.enqueue("test.stalled", { n: 1 });
    await worker.runOnce();
    expect(outcome).toBe("LeaseLostError");
    // Untouched by the stalled run: still the other worker's.
    expect(await repository.findById(job.id)).toMatchObject({ status: "running", leaseOwner: "other-worker" });
  });
});
