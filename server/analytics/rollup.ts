import { z } from "zod";
import type { Clock } from "../adapters/clock.ts";
import type { Logger } from "../adapters/logger.ts";
import { JobError } from "../jobs/errors.ts";
import type { JobQueue } from "../jobs/queue.ts";
import type { JobHandler, RunningJob } from "../jobs/registry.ts";
import { addDays, dayOf } from "./analytics.schema.ts";
import type { ReportsRepository } from "./reports.repository.ts";

export const ROLLUP_QUEUE = "analytics.rollup";
const HOUR_MS = 3_600_000;
/**
 * A day is rolled up only once it has been over for this long: events are buffered for a few
 * seconds before they are written, so the last ones of a day land just after midnight.
 */
export const ROLLUP_GRACE_MS = 15 * 60_000;

export interface RollupDeps {
  repository: ReportsRepository;
  queue: JobQueue;
  clock: Clock;
  logger: Logger;
  /** Raw events of rolled-up days older than this many days are deleted (ANALYTICS_RAW_RETENTION_DAYS). */
  retentionDays: number;
  maxAttempts: number;
}

export interface RollupResult {
  rolledDays: string[];
  deletedRawRows: number;
}

/** The job's id for the hour containing `at`: one roll-up job per hour, whichever process schedules it. */
export const rollupJobId = (at: Date) => `${ROLLUP_QUEUE}:${at.toISOString().slice(0, 13)}`;

/**
 * The daily roll-up and raw-event retention, run every hour through the job queue. Each closed
 * UTC day is summed once per scope and dimension into AudienceDaily: downloads from DownloadDaily
 * (kept exact as events are written) and unique listeners from the raw rows (distinct counts do
 * not add up, so every scope gets its own), so long-range reports read a few rows per day.
 */
export class AnalyticsRollup {
  constructor(private readonly deps: RollupDeps) {}

  /** The last day that is over (plus the grace period) at `now`. */
  lastClosedDay(now: Date): string {
    return addDays(dayOf(new Date(now.getTime() - ROLLUP_GRACE_MS)), -1);
  }

  /** Rolls up every closed day that has raw rows and is not rolled up yet, then applies retention. */
  async run(signal?: AbortSignal): Promise<RollupResult> {
    const { repository, clock, logger, retentionDays } = this.deps;
    const now = clock.now();
    const last = this.lastClosedDay(now);
    const rolledDays: string[] = [];
    const oldest = await repository.oldestRawDay();
    if (oldest && oldest <= last) {
      const done = await repository.rolledDays(oldest, last);
      for (let day = oldest; day <= last; day = addDays(day, 1)) {
        signal?.throwIfAborted();
        if (done.has(day)) continue;
        const rows = await repository.rollUpDay(day, clock.now());
        rolledDays.push(day);
        logger.info({ day, rows }, "analytics roll-up done");
      }
    }
    // Only rolled-up days lose their raw rows: their listeners are kept in AudienceDaily.
    const deletedRawRows = await repository.deleteRawRolledUpBefore(addDays(dayOf(now), -retentionDays));
    if (deletedRawRows > 0) logger.info({ deletedRawRows, retentionDays }, "raw analytics events past retention deleted");
    return { rolledDays, deletedRawRows };
  }

  /**
   * Makes sure this hour's roll-up job exists. Every process may call it (at start-up, and each
   * run schedules the next hour): the job id is the hour, so there is never more than one.
   */
  async schedule(at: Date = this.deps.clock.now()): Promise<boolean> {
    const created = await this.deps.repository.scheduleJob(rollupJobId(at), ROLLUP_QUEUE, at, this.deps.maxAttempts);
    if (created) this.deps.queue.notify();
    return created;
  }

  jobHandler(): JobHandler<Record<string, never>> {
    return {
      parse: (payload) => {
        const parsed = z.object({}).strict().safeParse(payload);
        if (!parsed.success) throw new JobError("job_payload_invalid", parsed.error.message, false);
        return parsed.data as Record<string, never>;
      },
      run: async (job: RunningJob<Record<string, never>>) => {
        const now = this.deps.clock.now();
        // The next run first, so a failing run does not end the hourly chain.
        const nextHour = new Date(Math.floor(now.getTime() / HOUR_MS) * HOUR_MS + HOUR_MS);
        await this.schedule(nextHour);
        await this.run(job.signal);
        await this.deps.repository.deleteFinishedJobs(ROLLUP_QUEUE, new Date(now.getTime() - 24 * HOUR_MS));
      },
    };
  }
}
