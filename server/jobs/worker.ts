import os from "node:os";
import { randomUUID } from "node:crypto";
import type { Clock } from "../adapters/clock.ts";
import type { AppContext } from "../context.ts";
import type { Logger } from "../adapters/logger.ts";
import { JobError, LeaseLostError, toJobFailure } from "./errors.ts";
import type { Job, JobsRepository } from "./jobs.repository.ts";
import type { JobQueue } from "./queue.ts";
import type { JobHandler, JobHandlers, RunningJob } from "./registry.ts";

export interface WorkerOptions {
  clock: Clock;
  logger: Logger;
  /** Jobs run at the same time by this worker. */
  concurrency: number;
  /** How long a claim lasts without a heartbeat; a dead worker's job is runnable again after it. */
  leaseSeconds: number;
  /** Idle poll interval (jobs enqueued in this process wake the worker at once). Default 1 s. */
  pollMs?: number;
  /** Retry n waits backoffBaseMs × 2^(n−1), at most backoffMaxMs. Defaults 10 s and 10 min. */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** After stop() aborts a job, how long its handler gets to clean up. Default 10 s. */
  abortGraceMs?: number;
  /** Unique name of this worker in leases. Default host:pid:random. */
  owner?: string;
}

interface Running {
  job: Job;
  controller: AbortController;
  lostLease: boolean;
  /** Set by stop(): the run is being interrupted, give the job back instead of failing it. */
  releasing: boolean;
  released: boolean;
  done: Promise<void>;
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/**
 * Runs jobs from the database queue: claims one atomically, holds it with a lease renewed by a
 * heartbeat, and records the outcome — success, a retry later (exponential backoff), or failure
 * once the error is permanent or attempts are used up. Any number of workers, in any number of
 * processes and machines, may share one database.
 */
export class Worker {
  readonly owner: string;
  private readonly running = new Map<string, Running>();
  private stopping = false;
  private loop: Promise<void> | null = null;
  private wakeUp: (() => void) | null = null;
  private unsubscribe: (() => void) | null = null;
  private lastReap = 0;
  private readonly pollMs: number;
  private readonly leaseMs: number;

  constructor(
    private readonly repository: JobsRepository,
    private readonly queue: JobQueue,
    private readonly handlers: JobHandlers,
    private readonly options: WorkerOptions,
  ) {
    this.owner = options.owner ?? `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.pollMs = options.pollMs ?? 1000;
    this.leaseMs = options.leaseSeconds * 1000;
  }

  get activeJobs(): number {
    return this.running.size;
  }

  start(): void {
    if (this.loop) return;
    this.stopping = false;
    this.unsubscribe = this.queue.onEnqueued(() => this.wake());
    this.loop = this.runLoop();
    this.options.logger.info({ owner: this.owner, queues: this.handlers.queues(), concurrency: this.options.concurrency }, "job worker started");
  }

  /**
   * Stops claiming, lets running jobs finish for up to `timeoutMs`, then interrupts the rest and
   * gives them back to the queue (their attempt does not count) for another worker or the next start.
   */
  async stop(timeoutMs = 30_000): Promise<void> {
    this.stopping = true;
    this.unsubscribe?.();
    this.wake();
    await this.loop;
    this.loop = null;
    const finished = () => Promise.allSettled([...this.running.values()].map((r) => r.done));
    await Promise.race([finished(), delay(timeoutMs)]);
    if (this.running.size > 0) {
      for (const run of this.running.values()) {
        run.releasing = true;
        run.controller.abort(new Error("worker stopping"));
      }
      await Promise.race([finished(), delay(this.options.abortGraceMs ?? 10_000)]);
      // A handler that ignores its abort signal still cannot commit once its lease is given back.
      for (const run of this.running.values()) await this.release(run);
    }
    this.options.logger.info({ owner: this.owner }, "job worker stopped");
  }

  /** Claims one due job and runs it to the end; false when none was due. For tests and scripts. */
  async runOnce(): Promise<boolean> {
    const job = await this.claim();
    if (!job) return false;
    await this.launch(job).done;
    return true;
  }

  private wake(): void {
    const wake = this.wakeUp;
    this.wakeUp = null;
    wake?.();
  }

  private async runLoop(): Promise<void> {
    while (!this.stopping) {
      try {
        await this.reapAbandoned();
        while (!this.stopping && this.running.size < this.options.concurrency) {
          const job = await this.claim();
          if (!job) break;
          this.launch(job);
        }
      } catch (err) {
        this.options.logger.error({ err }, "job worker: claiming failed");
      }
      if (this.stopping) break;
      await new Promise<void>((resolve) => {
        this.wakeUp = resolve;
        setTimeout(() => this.wake(), this.pollMs).unref();
      });
    }
  }

  private claim(): Promise<Job | null> {
    const now = this.options.clock.now();
    return this.repository.claimNext(this.handlers.queues(), this.owner, now, new Date(now.getTime() + this.leaseMs));
  }

  private launch(job: Job): Running {
    const run: Running = { job, controller: new AbortController(), lostLease: false, releasing: false, released: false, done: Promise.resolve() };
    this.running.set(job.id, run);
    let renewing = false;
    const heartbeat = setInterval(() => {
      if (renewing) return;
      renewing = true;
      const leaseUntil = new Date(this.options.clock.now().getTime() + this.leaseMs);
      this.repository
        .renewLease(job.id, this.owner, leaseUntil)
        .then((held) => {
          if (!held && !run.released) {
            run.lostLease = true;
            run.controller.abort(new LeaseLostError(job.id));
          }
        })
        .catch((err) => this.options.logger.warn({ err, jobId: job.id }, "job lease renewal failed"))
        .finally(() => (renewing = false));
    }, Math.max(50, Math.floor(this.leaseMs / 3)));
    heartbeat.unref();
    run.done = this.execute(run).finally(() => {
      clearInterval(heartbeat);
      this.running.delete(job.id);
      this.wake();
    });
    return run;
  }

  private async execute(run: Running): Promise<void> {
    const { job } = run;
    const logger = this.options.logger.child({ jobId: job.id, queue: job.queue, attempt: job.attempts });
    const handler = this.handlers.get(job.queue);
    const started = Date.now();
    let payload: unknown;
    let parsed = false;
    try {
      if (!handler) throw new JobError("job_handler_missing", `no handler for queue ${job.queue}`, false);
      try {
        payload = handler.parse(JSON.parse(job.payload));
        parsed = true;
      } catch (err) {
        throw err instanceof JobError ? err : new JobError("job_payload_invalid", (err as Error).message, false);
      }
      logger.info("job started");
      await handler.run(this.runningJob(run, payload, logger));
      if (!(await this.repository.markSucceeded(job.id, this.owner)) && (await this.repository.findById(job.id))?.status !== "succeeded") {
        throw new LeaseLostError(job.id);
      }
      logger.info({ ms: Date.now() - started }, "job succeeded");
    } catch (err) {
      if (run.releasing) {
        await this.release(run);
        logger.info("job interrupted by shutdown and given back to the queue");
        return;
      }
      if (run.lostLease || err instanceof LeaseLostError) {
        logger.warn("job lease lost: another worker owns the job now; this run's result is discarded");
        return;
      }
      await this.recordFailure(run, handler, parsed ? payload : undefined, parsed, err, logger);
    }
  }

  private async recordFailure(run: Running, handler: JobHandler<unknown> | undefined, payload: unknown, parsed: boolean, err: unknown, logger: Logger) {
    const { job } = run;
    const failure = toJobFailure(err);
    try {
      if (failure.retryable && job.attempts < job.maxAttempts) {
        const wait = Math.min(this.options.backoffMaxMs ?? 600_000, (this.options.backoffBaseMs ?? 10_000) * 2 ** (job.attempts - 1));
        const runAt = new Date(this.options.clock.now().getTime() + wait);
        if (await this.repository.scheduleRetry(job.id, this.owner, runAt, failure.code, failure.message)) {
          logger.warn({ err, code: failure.code, retryInMs: wait }, "job failed; will retry");
          if (parsed) await handler?.onRetry?.(payload, failure, runAt);
        }
        return;
      }
      if (await this.repository.markFailed(job.id, this.owner, failure.code, failure.message)) {
        logger.error({ err, code: failure.code }, "job failed");
        if (parsed) await handler?.onFailed?.(payload, failure);
      }
    } catch (recordErr) {
      // The lease then expires and the job is retried (or reaped): never lost.
      logger.error({ err: recordErr }, "could not record the job's failure");
    }
  }

  private runningJob<P>(run: Running, payload: P, logger: Logger): RunningJob<P> {
    const { job } = run;
    return {
      id: job.id,
      queue: job.queue,
      payload,
      attempt: job.attempts,
      maxAttempts: job.maxAttempts,
      signal: run.controller.signal,
      logger,
      progress: async (percent) => {
        await this.repository.setProgress(job.id, this.owner, Math.max(0, Math.min(100, Math.round(percent))));
      },
      complete: (write) =>
        this.repository.transaction(async (tx) => {
          if (!(await this.repository.markSucceeded(job.id, this.owner, tx))) throw new LeaseLostError(job.id);
          return write(tx);
        }),
    };
  }

  private async release(run: Running): Promise<void> {
    if (run.released) return;
    run.released = true;
    try {
      await this.repository.release(run.job.id, this.owner, this.options.clock.now());
    } catch (err) {
      // Not fatal: the lease expires and the job runs again anyway.
      this.options.logger.warn({ err, jobId: run.job.id }, "could not release job lease");
    }
  }

  /** Fails jobs whose worker died during their last allowed attempt (checked every half lease). */
  private async reapAbandoned(): Promise<void> {
    const now = this.options.clock.now();
    if (now.getTime() - this.lastReap < this.leaseMs / 2 && this.lastReap !== 0) return;
    this.lastReap = now.getTime();
    for (const job of await this.repository.findAbandoned(this.handlers.queues(), now)) {
      const failure = { code: "job_lease_expired", message: `the worker running attempt ${job.attempts} of ${job.maxAttempts} stopped responding`, retryable: false };
      if (!(await this.repository.failAbandoned(job, failure.code, failure.message))) continue;
      this.options.logger.error({ jobId: job.id, queue: job.queue }, "job abandoned by its worker on the last attempt: failed");
      const handler = this.handlers.get(job.queue);
      try {
        if (handler?.onFailed) await handler.onFailed(handler.parse(JSON.parse(job.payload)), failure);
      } catch (err) {
        this.options.logger.error({ err, jobId: job.id }, "job failure hook failed");
      }
    }
  }
}

/** Starts a worker for every registered queue on the context's database; the context's close() stops it gracefully. */
export function startWorker(ctx: AppContext, overrides: Partial<WorkerOptions> = {}): Worker {
  const worker = new Worker(ctx.jobs.repository, ctx.jobs, ctx.jobHandlers, {
    clock: ctx.clock,
    logger: ctx.logger,
    concurrency: ctx.config.worker.concurrency,
    leaseSeconds: ctx.config.worker.leaseSeconds,
    ...overrides,
  });
  worker.start();
  ctx.onClose(() => worker.stop());
  return worker;
}
