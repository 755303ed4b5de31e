import type { Database, Prisma, PrismaClient } from "../adapters/database.ts";
import type { AudienceDimension } from "./analytics.schema.ts";

// Reports read aggregates with plain SQL through the raw driver (the same text on SQLite and
// PostgreSQL: only the placeholders differ). Closed (rolled-up) days are read from AudienceDaily,
// one scope and one dimension at a time through its covering index — or, for reports by key, whole
// months of them from AudienceMonthly; open days from DownloadDaily (downloads) and the raw
// Download rows (listeners) — with the very aggregates the roll-up stores, so a day gives the same
// numbers before and after its roll-up.

export type Tx = Prisma.TransactionClient;

/** What a report is about. `showId` is always set when `episodeId` is (the episode's show). */
export interface Scope {
  showId?: string;
  episodeId?: string;
  locale?: string;
  /** "" = downloads that came through no campaign. */
  campaignId?: string;
}

/** A column of Download/DownloadDaily a report groups by. */
export type Column = "day" | "episodeId" | "locale" | "app" | "device" | "os" | "country" | "campaignId";

export const DIMENSION_COLUMN: Record<AudienceDimension, Column | null> = {
  total: null,
  app: "app",
  device: "device",
  os: "os",
  country: "country",
  campaign: "campaignId",
};

/** Inclusive runs of consecutive days, `[from, to]` (or of months, `YYYY-MM`, for AudienceMonthly). */
export type DayRuns = readonly (readonly [string, string])[];

/**
 * Which AudienceDaily rows answer a report: one scope (each part "" = the whole, or a value) and one
 * dimension. Grouping by episode or language lists the episodes or languages, so that every
 * lookup is an exact prefix of the covering index (a `<> ''` range there would scan other scopes).
 */
export interface AudienceSelection {
  showId: string;
  episodeId: string | readonly string[];
  locale: string | readonly string[];
  dimension: AudienceDimension;
  /** Only this key of the dimension (a campaign filter). */
  key?: string;
  /** Rows are keyed by this scope column (groupBy=episode|locale) rather than by the dimension's key. */
  groupColumn?: "episodeId" | "locale";
}

export interface DayCount {
  day: string;
  key: string;
  n: number;
}

export interface KeyCount {
  key: string;
  n: number;
}

/** One roll-up scope: which of show, episode and locale it is broken down by ("" columns are "all"). */
interface RollupScope {
  show: boolean;
  episode: boolean;
  locale: boolean;
}

/** Every show together, each language of every show, each show, each show's languages, each episode, each episode's languages. */
const ROLLUP_SCOPES: RollupScope[] = [
  { show: false, episode: false, locale: false },
  { show: false, episode: false, locale: true },
  { show: true, episode: false, locale: false },
  { show: true, episode: false, locale: true },
  { show: true, episode: true, locale: false },
  { show: true, episode: true, locale: true },
];

const q = (column: string) => `"${column}"`;

/** `("day" BETWEEN ? AND ? OR …)` for the runs (callers skip the query when there are none). */
function daysWhere(runs: DayRuns, where: string[], params: unknown[], column: "day" | "month" = "day"): void {
  where.push(`(${runs.map(() => `${q(column)} BETWEEN ? AND ?`).join(" OR ")})`);
  for (const [from, to] of runs) params.push(from, to);
}

/** The month's days as a `"day"` range (day strings compare as text; "-31" closes every month). */
const monthDays = (month: string): [string, string] => [`${month}-01`, `${month}-31`];

const AUDIENCE_KEY = `"showId", "episodeId", "locale", "dimension", "key"`;
const MONTHLY_COLUMNS = `"month", ${AUDIENCE_KEY}, "downloads", "listenersSum", "listenersPeak"`;

export class ReportsRepository {
  private readonly prisma: PrismaClient;

  constructor(private readonly db: Database) {
    this.prisma = db.prisma;
  }

  /** The provider's text of a statement: `?` placeholders become `$n` on PostgreSQL. */
  private readonly sqlFor = (text: string) => (this.db.provider === "postgresql" ? toPg(text) : text);

  /** Runs a read on the raw driver; `?` placeholders become `$n` on PostgreSQL. */
  private async all<T>(sql: string, params: unknown[]): Promise<T[]> {
    const raw = this.db.raw;
    if (raw.provider === "sqlite") return raw.sqlite.prepare(sql).all(...params) as T[];
    const result = await raw.pool.query(toPg(sql), params);
    return result.rows as T[];
  }

  private static scopeWhere(scope: Scope, where: string[], params: unknown[]): void {
    if (scope.showId !== undefined) (where.push(`"showId" = ?`), params.push(scope.showId));
    if (scope.episodeId !== undefined) (where.push(`"episodeId" = ?`), params.push(scope.episodeId));
    if (scope.locale !== undefined) (where.push(`"locale" = ?`), params.push(scope.locale));
    if (scope.campaignId !== undefined) (where.push(`"campaignId" = ?`), params.push(scope.campaignId));
  }

  // ── Open days (and campaign-filtered downloads): the daily sums and the raw rows ─────────────

  /** Downloads per value of `column` over the days of `runs`, from DownloadDaily. */
  async downloadsBy(scope: Scope, runs: DayRuns, column: Column): Promise<KeyCount[]> {
    if (runs.length === 0) return [];
    const where: string[] = [];
    const params: unknown[] = [];
    daysWhere(runs, where, params);
    ReportsRepository.scopeWhere(scope, where, params);
    const rows = await this.all<{ key: string; n: number | string }>(
      `SELECT ${q(column)} AS "key", SUM("downloads") AS "n" FROM "DownloadDaily" WHERE ${where.join(" AND ")} GROUP BY ${q(column)}`,
      params,
    );
    return rows.map((r) => ({ key: r.key, n: Number(r.n) }));
  }

  /** Downloads per locale over [from, to] of one episode (first-days comparison). */
  async episodeDownloadsByDayAndLocale(episodeId: string, from: string, to: string): Promise<{ day: string; locale: string; n: number }[]> {
    const rows = await this.all<{ day: string; locale: string; n: number | string }>(
      `SELECT "day", "locale", SUM("downloads") AS "n" FROM "DownloadDaily" WHERE "episodeId" = ? AND "day" >= ? AND "day" <= ? GROUP BY "day", "locale"`,
      [episodeId, from, to],
    );
    return rows.map((r) => ({ day: r.day, locale: r.locale, n: Number(r.n) }));
  }

  /**
   * Listener counts per day (and per `column`) over the days of `runs`, from the raw rows — the
   * very aggregate the roll-up stores.
   */
  async rawListeners(scope: Scope, column: Column | null, runs: DayRuns): Promise<DayCount[]> {
    if (runs.length === 0) return [];
    const where: string[] = [];
    const params: unknown[] = [];
    daysWhere(runs, where, params);
    ReportsRepository.scopeWhere(scope, where, params);
    const key = column ? q(column) : `''`;
    const rows = await this.all<{ day: string; key: string; n: number | string }>(
      `SELECT "day", ${key} AS "key", COUNT(DISTINCT "listenerHash") AS "n" FROM "Download" WHERE ${where.join(" AND ")} GROUP BY "day"${column ? `, ${key}` : ""}`,
      params,
    );
    return rows.map((r) => ({ day: r.day, key: r.key, n: Number(r.n) }));
  }

  // ── Closed days: AudienceDaily ───────────────────────────────────────────────────────────────

  /** Days in [from, to] whose roll-up is done. */
  async rolledDays(from: string, to: string): Promise<Set<string>> {
    const rows = await this.all<{ day: string }>(`SELECT "day" FROM "AnalyticsRollup" WHERE "day" >= ? AND "day" <= ?`, [from, to]);
    return new Set(rows.map((r) => r.day));
  }

  /** Days in [from, to] whose AudienceDaily rows AudienceMonthly holds. */
  async monthlyDays(from: string, to: string): Promise<Set<string>> {
    const rows = await this.all<{ day: string }>(`SELECT "day" FROM "AudienceMonthlyDay" WHERE "day" >= ? AND "day" <= ?`, [from, to]);
    return new Set(rows.map((r) => r.day));
  }

  private static audienceWhere(selection: AudienceSelection, runs: DayRuns, where: string[], params: unknown[], period: "day" | "month" = "day"): void {
    where.push(`"showId" = ?`);
    params.push(selection.showId);
    for (const column of ["episodeId", "locale"] as const) {
      const value = selection[column];
      if (typeof value === "string") (where.push(`${q(column)} = ?`), params.push(value));
      else (where.push(`${q(column)} IN (${value.map(() => "?").join(", ")})`), params.push(...value));
    }
    where.push(`"dimension" = ?`);
    params.push(selection.dimension);
    daysWhere(runs, where, params, period);
    if (selection.key !== undefined) (where.push(`"key" = ?`), params.push(selection.key));
  }

  private static selects(selection: AudienceSelection, runs: DayRuns): boolean {
    return runs.length > 0 && [selection.episodeId, selection.locale].every((v) => typeof v === "string" || v.length > 0);
  }

  /** Rolled-up downloads over the days of `runs`, summed per day (`byDay`) or per key. */
  async rolledDownloads(selection: AudienceSelection, runs: DayRuns, byDay: boolean): Promise<KeyCount[]> {
    if (!ReportsRepository.selects(selection, runs)) return [];
    const where: string[] = [];
    const params: unknown[] = [];
    ReportsRepository.audienceWhere(selection, runs, where, params);
    const key = byDay ? `"day"` : q(selection.groupColumn ?? "key");
    const rows = await this.all<{ key: string; n: number | string }>(
      `SELECT ${key} AS "key", SUM("downloads") AS "n" FROM "AudienceDaily" WHERE ${where.join(" AND ")} GROUP BY ${key}`,
      params,
    );
    return rows.map((r) => ({ key: r.key, n: Number(r.n) }));
  }

  /** Rolled-up listener counts per day and key (the grouped column, or the dimension's key). */
  async rolledListeners(selection: AudienceSelection, runs: DayRuns): Promise<DayCount[]> {
    if (!ReportsRepository.selects(selection, runs)) return [];
    const where: string[] = [];
    const params: unknown[] = [];
    ReportsRepository.audienceWhere(selection, runs, where, params);
    const rows = await this.all<{ day: string; key: string; n: number | string }>(
      `SELECT "day", ${q(selection.groupColumn ?? "key")} AS "key", "listeners" AS "n" FROM "AudienceDaily" WHERE ${where.join(" AND ")}`,
      params,
    );
    return rows.map((r) => ({ day: r.day, key: r.key, n: Number(r.n) }));
  }

  /** Rolled-up listeners per key over the days of `runs`: the sum of the daily counts and the highest one. */
  async rolledListenersByKey(selection: AudienceSelection, runs: DayRuns): Promise<{ key: string; sum: number; peak: number }[]> {
    if (!ReportsRepository.selects(selection, runs)) return [];
    const where: string[] = [];
    const params: unknown[] = [];
    ReportsRepository.audienceWhere(selection, runs, where, params);
    const key = q(selection.groupColumn ?? "key");
    const rows = await this.all<{ key: string; sum: number | string; peak: number | string }>(
      `SELECT ${key} AS "key", SUM("listeners") AS "sum", MAX("listeners") AS "peak" FROM "AudienceDaily" WHERE ${where.join(" AND ")} GROUP BY ${key}`,
      params,
    );
    return rows.map((r) => ({ key: r.key, sum: Number(r.sum), peak: Number(r.peak) }));
  }

  // ── Closed months: AudienceMonthly (whole months of rolled-up days, for reports by key) ──────

  /** Rolled-up downloads per key over the months of `months` (runs of `YYYY-MM`). */
  async monthlyDownloads(selection: AudienceSelection, months: DayRuns): Promise<KeyCount[]> {
    if (!ReportsRepository.selects(selection, months)) return [];
    const where: string[] = [];
    const params: unknown[] = [];
    ReportsRepository.audienceWhere(selection, months, where, params, "month");
    const key = q(selection.groupColumn ?? "key");
    const rows = await this.all<{ key: string; n: number | string }>(
      `SELECT ${key} AS "key", SUM("downloads") AS "n" FROM "AudienceMonthly" WHERE ${where.join(" AND ")} GROUP BY ${key}`,
      params,
    );
    return rows.map((r) => ({ key: r.key, n: Number(r.n) }));
  }

  /** Rolled-up listeners per key over the months of `months`: the sum of the daily counts and the highest one. */
  async monthlyListenersByKey(selection: AudienceSelection, months: DayRuns): Promise<{ key: string; sum: number; peak: number }[]> {
    if (!ReportsRepository.selects(selection, months)) return [];
    const where: string[] = [];
    const params: unknown[] = [];
    ReportsRepository.audienceWhere(selection, months, where, params, "month");
    const key = q(selection.groupColumn ?? "key");
    const rows = await this.all<{ key: string; sum: number | string; peak: number | string }>(
      `SELECT ${key} AS "key", SUM("listenersSum") AS "sum", MAX("listenersPeak") AS "peak" FROM "AudienceMonthly" WHERE ${where.join(" AND ")} GROUP BY ${key}`,
      params,
    );
    return rows.map((r) => ({ key: r.key, sum: Number(r.sum), peak: Number(r.peak) }));
  }

  // ── Roll-up and retention ────────────────────────────────────────────────────────────────────

  /** The oldest day that still has raw rows (null when there are none). */
  async oldestRawDay(): Promise<string | null> {
    const rows = await this.all<{ day: string | null }>(`SELECT MIN("day") AS "day" FROM "Download"`, []);
    return rows[0]?.day ?? null;
  }

  /**
   * Replaces a day's roll-up (every scope × dimension: downloads summed from DownloadDaily, exact
   * even once raw rows are gone; unique listeners counted from the raw rows), brings its month's
   * AudienceMonthly rows up to date and marks the day rolled up, in one transaction: a re-run
   * gives the same rows, a crash leaves the previous state. The job only rolls up days that still
   * have their raw rows.
   */
  async rollUpDay(day: string, now: Date): Promise<number> {
    const sql = this.sqlFor;
    return this.prisma.$transaction(
      async (tx) => {
        await tx.audienceDaily.deleteMany({ where: { day } });
        // The first statement stores the day's total downloads (all shows, dimension "total"):
        // daysChangedSinceRollup compares it with later writes.
        for (const scope of ROLLUP_SCOPES) {
          for (const [dimension, column] of Object.entries(DIMENSION_COLUMN)) {
            const groups = [`"day"`, scope.show && `"showId"`, scope.episode && `"episodeId"`, scope.locale && `"locale"`, column && q(column)].filter(Boolean).join(", ");
            const select =
              `SELECT "day", ${scope.show ? `"showId"` : `''`}, ${scope.episode ? `"episodeId"` : `''`}, ${scope.locale ? `"locale"` : `''`}, '${dimension}', ` +
              `${column ? q(column) : `''`}`;
            const columns = `"day", "showId", "episodeId", "locale", "dimension", "key"`;
            await tx.$executeRawUnsafe(
              sql(`INSERT INTO "AudienceDaily" (${columns}, "downloads", "listeners") ${select}, SUM("downloads"), 0 FROM "DownloadDaily" WHERE "day" = ? GROUP BY ${groups}`),
              day,
            );
            // Every downloaded key has listeners; the upsert also keeps a key that would only have listeners.
            await tx.$executeRawUnsafe(
              sql(
                `INSERT INTO "AudienceDaily" (${columns}, "downloads", "listeners") ${select}, 0, COUNT(DISTINCT "listenerHash") FROM "Download" WHERE "day" = ? GROUP BY ${groups} ` +
                  `ON CONFLICT (${columns}) DO UPDATE SET "listeners" = excluded."listeners"`,
              ),
              day,
            );
          }
        }
        await tx.analyticsRollup.upsert({ where: { day }, create: { day, rolledAt: now }, update: { rolledAt: now } });
        await this.updateMonth(tx, day);
        return tx.audienceDaily.count({ where: { day } });
      },
      { timeout: 120_000 },
    );
  }

  /**
   * Brings the day's month in AudienceMonthly up to date once the day's AudienceDaily rows are
   * written. A day AudienceMonthly does not hold yet is added to the month's rows; one it holds
   * (a day rolled up again after late events) makes the month be recomputed from AudienceDaily —
   * its old figures cannot be taken out of a highest daily count. AudienceMonthlyDay then lists
   * the days summed: after a recomputation, every day of the month rolled up or with rows.
   */
  private async updateMonth(tx: Tx, day: string): Promise<void> {
    const sql = this.sqlFor;
    const month = day.slice(0, 7);
    if ((await tx.audienceMonthlyDay.count({ where: { day } })) === 0) {
      const greatest = this.db.provider === "postgresql" ? "GREATEST" : "MAX";
      await tx.$executeRawUnsafe(
        sql(
          `INSERT INTO "AudienceMonthly" (${MONTHLY_COLUMNS}) SELECT substr("day", 1, 7), ${AUDIENCE_KEY}, "downloads", "listeners", "listeners" FROM "AudienceDaily" WHERE "day" = ? ` +
            `ON CONFLICT ("month", ${AUDIENCE_KEY}) DO UPDATE SET "downloads" = "AudienceMonthly"."downloads" + excluded."downloads", ` +
            `"listenersSum" = "AudienceMonthly"."listenersSum" + excluded."listenersSum", "listenersPeak" = ${greatest}("AudienceMonthly"."listenersPeak", excluded."listenersPeak")`,
        ),
        day,
      );
      await tx.audienceMonthlyDay.create({ data: { day } });
      return;
    }
    const [first, last] = monthDays(month);
    await tx.audienceMonthly.deleteMany({ where: { month } });
    await tx.$executeRawUnsafe(
      sql(
        `INSERT INTO "AudienceMonthly" (${MONTHLY_COLUMNS}) SELECT substr("day", 1, 7), ${AUDIENCE_KEY}, SUM("downloads"), SUM("listeners"), MAX("listeners") ` +
          `FROM "AudienceDaily" WHERE "day" BETWEEN ? AND ? GROUP BY substr("day", 1, 7), ${AUDIENCE_KEY}`,
      ),
      first,
      last,
    );
    await tx.audienceMonthlyDay.deleteMany({ where: { day: { gte: first, lte: last } } });
    await tx.$executeRawUnsafe(
      sql(
        `INSERT INTO "AudienceMonthlyDay" ("day") SELECT "day" FROM "AnalyticsRollup" WHERE "day" BETWEEN ? AND ? ` +
          `UNION SELECT "day" FROM "AudienceDaily" WHERE "day" BETWEEN ? AND ?`,
      ),
      first,
      last,
      first,
      last,
    );
  }

  /**
   * Rolled-up days in [from, to] that received downloads after their roll-up read them: their raw
   * rows (one per download, all of them while the day is within retention) no longer number the
   * total stored. That total is the roll-up's first statement, so a write missed by any of its
   * statements (PostgreSQL reads each statement's own snapshot) is a write it did not count.
   */
  async daysChangedSinceRollup(from: string, to: string): Promise<string[]> {
    if (from > to) return [];
    const rows = await this.all<{ day: string }>(
      `SELECT d."day" FROM (SELECT "day", COUNT(*) AS "n" FROM "Download" WHERE "day" >= ? AND "day" <= ? GROUP BY "day") AS d ` +
        `JOIN "AnalyticsRollup" AS r ON r."day" = d."day" ` +
        `LEFT JOIN "AudienceDaily" AS a ON a."day" = d."day" AND a."showId" = '' AND a."episodeId" = '' AND a."locale" = '' AND a."dimension" = 'total' AND a."key" = '' ` +
        `WHERE COALESCE(a."downloads", 0) <> d."n" ORDER BY d."day"`,
      [from, to],
    );
    return rows.map((r) => r.day);
  }

  async isRolledUp(day: string): Promise<boolean> {
    return (await this.prisma.analyticsRollup.count({ where: { day } })) > 0;
  }

  /** Deletes raw rows of rolled-up days before `beforeDay`, a day at a time; returns the rows deleted. */
  async deleteRawRolledUpBefore(beforeDay: string): Promise<number> {
    const days = await this.prisma.analyticsRollup.findMany({ where: { day: { lt: beforeDay } }, select: { day: true }, orderBy: { day: "asc" } });
    let deleted = 0;
    for (const { day } of days) {
      deleted += (await this.prisma.download.deleteMany({ where: { day } })).count;
    }
    return deleted;
  }

  // ── Things reports name ──────────────────────────────────────────────────────────────────────

  async showExists(id: string): Promise<boolean> {
    return (await this.prisma.show.count({ where: { id } })) > 0;
  }

  findEpisode(id: string) {
    return this.prisma.episode.findUnique({
      where: { id },
      select: { id: true, showId: true, variants: { select: { locale: true, status: true, publishAt: true, publishedAt: true } } },
    });
  }

  /** The episodes of one show (or of every show), by show: groupBy=episode looks each one up. */
  async episodeIdsByShow(showId?: string): Promise<Map<string, string[]>> {
    const rows = await this.prisma.episode.findMany({ where: showId === undefined ? {} : { showId }, select: { id: true, showId: true } });
    const byShow = new Map<string, string[]>();
    for (const row of rows) byShow.set(row.showId, [...(byShow.get(row.showId) ?? []), row.id]);
    return byShow;
  }

  async campaignExists(id: string): Promise<boolean> {
    return (await this.prisma.campaign.count({ where: { id } })) > 0;
  }

  async campaignNames(ids: string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows = await this.prisma.campaign.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } });
    return new Map(rows.map((r) => [r.id, r.name]));
  }

  // ── The recurring roll-up job (one row per hour slot: its id makes scheduling idempotent) ───

  /** Inserts the job unless a job with this id exists; true when this call created it. */
  async scheduleJob(id: string, queue: string, runAt: Date, maxAttempts: number): Promise<boolean> {
    try {
      await this.prisma.job.create({ data: { id, queue, payload: "{}", runAt, maxAttempts } });
      return true;
    } catch (err) {
      if ((err as { code?: string }).code === "P2002") return false;
      throw err;
    }
  }

  /** Finished roll-up jobs older than `before` (one per hour would otherwise pile up). */
  async deleteFinishedJobs(queue: string, before: Date): Promise<number> {
    const { count } = await this.prisma.job.deleteMany({ where: { queue, status: { in: ["succeeded", "failed"] }, updatedAt: { lt: before } } });
    return count;
  }
}

/** `?` placeholders → PostgreSQL's `$1…` (the SQL above has no `?` inside literals). */
function toPg(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}
