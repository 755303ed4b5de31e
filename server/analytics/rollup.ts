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
 * A download counts on the day its request began, when the listener has received enough bytes:
 * a slow connection may need minutes after midnight to get there.
 */
const IN_FLIGHT_MS = 5 * 60_000;

/**
 * How long after midnight a day is rolled up: requests still in flight at midnight, then the
 * buffer that holds their events until its next flush (ANALYTICS_FLUSH_MS). Later events (a
 * database unreachable at midnight) are caught by the next hourly run, which rolls the day up again.
 */
export const rollupGraceMs = (flushMs: number) => IN_FLIGHT_MS + flushMs;

export interface RollupDeps {
  repository: ReportsRepository;
  queue: JobQueue;
  clock: Clock;
  logger: Logger;
  /** Raw events of rolled-up days older than this many days are deleted (ANALYTICS_RAW_RETENTION_DAYS). */
  retentionDays: number;
  /** How often buffered events are written (ANALYTICS_FLUSH_MS): part of the grace period after midnight. */
  flushMs: number;
  maxAttempts: number;
}

export interface RollupResult {
  rolledDays: string[];
  deletedRawRows: number;
}

/** The job's id for the hour containing `at`: one roll-up job per hour, whichever process schedules it. */
export const rollupJobId = (at: Date) => `${ROLLUP_QUEUE}:${at.toISOString().slice(0, 13)}`;

/**
 * The daily roll-up and raw-event retention, run every hour through the job queue — and a few
 * minutes after midnight, so that yesterday is read from the roll-up for all but those minutes.
 * Each closed UTC day is summed once per scope and dimension into AudienceDaily: downloads from
 * DownloadDaily (kept exact as events are written) and unique listeners from the raw rows
 * (distinct counts do not add up, so every scope gets its own), so long-range reports read a few
 * rows per day — and, by key, a few rows per month from AudienceMonthly, kept up to date in the
 * same transaction (ReportsRepository.rollUpDay).
 */
export class AnalyticsRollup {
  private readonly graceMs: number;

  constructor(private readonly deps: RollupDeps) {
    this.graceMs = rollupGraceMs(deps.flushMs);
  }

  /** The last day that is over (plus the grace period) at `now`. */
  lastClosedDay(now: Date): string {
    return addDays(dayOf(new Date(now.getTime() - this.graceMs)), -1);
  }

  /**
   * When the job of the hour containing `at` runs: at `at`, but not before the hour begins — and
   * in the hour after midnight not before the grace period is over, so that this run rolls up
   * the day that has just ended.
   */
  runAtFor(at: Date): Date {
    const hour = Math.floor(at.getTime() / HOUR_MS) * HOUR_MS;
    const earliest = at.getUTCHours() === 0 ? hour + this.graceMs : hour;
    return new Date(Math.max(at.getTime(), earliest));
  }

  /**
   * Rolls up every closed day that has raw rows and is not rolled up yet, and again every rolled-up
   * day that received downloads since (events written late); then applies retention.
   */
  async run(signal?: AbortSignal): Promise<RollupResult> {
    const { repository, clock, logger, retentionDays } = this.deps;
    const now = clock.now();
    const last = this.lastClosedDay(now);
    // Raw rows of days before this one may be deleted (below): those days are never rolled up again.
    const retained = addDays(dayOf(now), -retentionDays);
    const rolledDays: string[] = [];
    const oldest = await repository.oldestRawDay();
    if (oldest && oldest <= last) {
      const done = await repository.rolledDays(oldest, last);
      for (const day of await repository.daysChangedSinceRollup(retained > oldest ? retained : oldest, last)) {
        logger.info({ day }, "analytics events written after the day's roll-up: rolling it up again");
        done.delete(day);
      }
      for (let day = oldest; day <= last; day = addDays(day, 1)) {
        signal?.throwIfAborted();
        if (done.has(day)) continue;
        const rows = await repository.rollUpDay(day, clock.now());
        rolledDays.push(day);
        logger.info({ day, rows }, "analytics roll-up done");
      }
    }
    // Only rolled-up days lose their raw rows: their listeners are kept in AudienceDaily.
    const deletedRawRows = await repository.deleteRawRolledUpBefore(retained);
    if (deletedRawRows > 0) logger.info({ deletedRawRows, retentionDays }, "raw analytics events past retention deleted");
    return { rolledDays, deletedRawRows };
  }

  /**
   * Makes sure the roll-up job of the hour containing `at` exists. Every process may call it (at
   * start-up, and each run schedules the next hour's): the job id is the hour, so there is never
   * more than one.
   */
  async schedule(at: Date = this.deps.clock.now()): Promise<boolean> {
    const created = await this.deps.repository.scheduleJob(rollupJobId(at), ROLLUP_QUEUE, this.runAtFor(at), this.deps.maxAttempts);
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
        // The next run first, so a failing run does not end the hourly chain (the one of the
        // hour after midnight runs once the grace period is over: runAtFor).
        const nextHour = new Date(Math.floor(now.getTime() / HOUR_MS) * HOUR_MS + HOUR_MS);
        await this.schedule(nextHour);
        await this.run(job.signal);
        await this.deps.repository.deleteFinishedJobs(ROLLUP_QUEUE, new Date(now.getTime() - 24 * HOUR_MS));
      },
    };
  }
}
