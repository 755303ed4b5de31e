import type { Clock } from "../adapters/clock.ts";
import type { PrismaClient } from "../adapters/database.ts";
import { JobsRepository, type Job, type Tx } from "./jobs.repository.ts";

export interface EnqueueOptions {
  /** Not before this time (default: now). */
  runAt?: Date;
  /** Default: JOB_MAX_ATTEMPTS. */
  maxAttempts?: number;
}

/**
 * Producers' side of the durable job queue: a job is a row, so it survives restarts and any worker
 * sharing the database may run it. Workers in this process are woken at once; others find the job
 * on their next poll.
 */
export class JobQueue {
  private readonly listeners = new Set<() => void>();

  constructor(
    readonly repository: JobsRepository,
    private readonly clock: Clock,
    private readonly defaultMaxAttempts: number,
  ) {}

  async enqueue(queue: string, payload: unknown, options: EnqueueOptions = {}): Promise<Job> {
    const job = await this.enqueueIn(undefined, queue, payload, options);
    this.notify();
    return job;
  }

  /**
   * Inserts the job inside the caller's transaction, so it exists exactly when the caller's other
   * writes do. Call notify() after the commit.
   */
  enqueueIn(tx: Tx | PrismaClient | undefined, queue: string, payload: unknown, options: EnqueueOptions = {}): Promise<Job> {
    return this.repository.create(
      {
        queue,
        payload: JSON.stringify(payload),
        // Set explicitly (not the column default) so runAt and claims share one clock.
        runAt: options.runAt ?? this.clock.now(),
        maxAttempts: options.maxAttempts ?? this.defaultMaxAttempts,
      },
      tx,
    );
  }

  get(id: string): Promise<Job | null> {
    return this.repository.findById(id);
  }

  /** Wakes this process's workers. */
  notify(): void {
    for (const listener of this.listeners) listener();
  }

  onEnqueued(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
