import type { Logger } from "../adapters/logger.ts";
import type { JobFailure } from "./errors.ts";
import type { Tx } from "./jobs.repository.ts";

/** What a handler sees of the job it runs. */
export interface RunningJob<P> {
  id: string;
  queue: string;
  payload: P;
  /** 1 for the first run. */
  attempt: number;
  maxAttempts: number;
  /** Aborted when the lease is lost or the worker stops: stop work, clean up, throw. */
  signal: AbortSignal;
  logger: Logger;
  /** Records progress (0–100) on the job. */
  progress(percent: number): Promise<void>;
  /**
   * Runs `write` in one transaction with marking the job succeeded, and only while this worker
   * still holds the lease — so exactly one run of a job ever commits its result.
   */
  complete<T>(write: (tx: Tx) => Promise<T>): Promise<T>;
}

export interface JobHandler<P = unknown> {
  /** Validates the stored JSON payload (throw a non-retryable JobError when it cannot be run). */
  parse(payload: unknown): P;
  run(job: RunningJob<P>): Promise<void>;
  /** Called when a failed attempt will be retried at `runAt`. */
  onRetry?(payload: P, failure: JobFailure, runAt: Date): Promise<void>;
  /** Called once when the job has failed for good (permanent error, attempts used up, or its worker died on the last attempt). */
  onFailed?(payload: P, failure: JobFailure): Promise<void>;
}

/** Handlers by queue name ("audio.process", …); features register theirs when the context is built. */
export class JobHandlers {
  private readonly handlers = new Map<string, JobHandler<unknown>>();

  register<P>(queue: string, handler: JobHandler<P>): void {
    if (this.handlers.has(queue)) throw new Error(`a handler for job queue "${queue}" is already registered`);
    this.handlers.set(queue, handler as JobHandler<unknown>);
  }

  get(queue: string): JobHandler<unknown> | undefined {
    return this.handlers.get(queue);
  }

  queues(): string[] {
    return [...this.handlers.keys()];
  }
}
