import type BetterSqlite3 from "better-sqlite3";
import type { Database, PrismaClient } from "../adapters/database.ts";
import { liveVariantWhere } from "../feeds/feeds.repository.ts";

// Database access of tracked delivery: which audio a media URL may deliver, campaign codes, and
// the ingestion hot path — counted downloads written in batches with raw SQL (one transaction per
// batch: the Download rows, de-duplicated by their unique key, and the DownloadDaily sums of the
// rows actually inserted, so the sums stay exact whatever number of processes write).

/** One counted download, as stored. Dimension columns use "" for "none". */
export interface DownloadRow {
  day: string;
  variantId: string;
  episodeId: string;
  showId: string;
  locale: string;
  listenerHash: string;
  at: Date;
  country: string;
  app: string;
  device: string;
  os: string;
  campaignId: string;
  referrer: string;
}

const DOWNLOAD_COLUMNS = ["day", "variantId", "episodeId", "showId", "locale", "listenerHash", "at", "country", "app", "device", "os", "campaignId", "referrer"] as const;
const DAILY_KEY = ["day", "variantId", "app", "device", "os", "country", "campaignId"] as const;
const DAILY_COLUMNS = ["day", "variantId", "episodeId", "showId", "locale", "app", "device", "os", "country", "campaignId"] as const;
const quoted = (columns: readonly string[]) => columns.map((c) => `"${c}"`).join(", ");

const DAILY_UPSERT = `ON CONFLICT (${quoted(DAILY_KEY)}) DO UPDATE SET "downloads" = "DownloadDaily"."downloads" + excluded."downloads"`;

/** Prisma writes SQLite DateTime as ISO text with an explicit offset; raw writes use the same form. */
const sqliteDateTime = (date: Date) => date.toISOString().replace("Z", "+00:00");

const mediaSelect = {
  id: true,
  episodeId: true,
  locale: true,
  episode: { select: { showId: true } },
  renditions: { select: { kind: true, storageKey: true, mimeType: true, bytes: true, durationSeconds: true, id3HeaderBytes: true } },
} as const;

export type LiveMediaRecord = NonNullable<Awaited<ReturnType<TrackingRepository["findLiveMedia"]>>>;

type DailyRow = Pick<DownloadRow, (typeof DAILY_COLUMNS)[number]>;

export class TrackingRepository {
  private readonly prisma: PrismaClient;
  private sqliteWrite: ((rows: DownloadRow[]) => number) | undefined;

  constructor(private readonly db: Database) {
    this.prisma = db.prisma;
  }

  /** The variant with its renditions if listeners may get it at `now` (the feeds' rule), else null. */
  findLiveMedia(variantId: string, now: Date) {
    return this.prisma.episodeVariant.findFirst({ where: { id: variantId, ...liveVariantWhere(now) }, select: mediaSelect });
  }

  /** Campaign ids of the given codes (unknown codes are absent). */
  async campaignIdsByCode(codes: string[]): Promise<Map<string, string>> {
    const rows = await this.prisma.campaign.findMany({ where: { code: { in: codes } }, select: { id: true, code: true } });
    return new Map(rows.map((row) => [row.code, row.id]));
  }

  /**
   * Stores downloads not yet counted (same variant, day and listener hash = the same download) and
   * adds the newly stored ones to DownloadDaily, in one transaction. Returns how many were new.
   */
  async insertDownloads(rows: DownloadRow[]): Promise<number> {
    if (rows.length === 0) return 0;
    return this.db.raw.provider === "sqlite" ? this.insertSqlite(this.db.raw.sqlite, rows) : this.insertPostgres(this.db.raw.pool, rows);
  }

  private insertSqlite(sqlite: BetterSqlite3.Database, rows: DownloadRow[]): number {
    this.sqliteWrite ??= this.sqliteWriter(sqlite);
    return this.sqliteWrite(rows);
  }

  /**
   * One transaction: each row inserted by a prepared statement that ignores a conflict on the
   * unique key (better-sqlite3 runs it in-process, faster than multi-row VALUES with RETURNING),
   * the inserted ones summed in memory, then the sums upserted into DownloadDaily.
   */
  private sqliteWriter(sqlite: BetterSqlite3.Database): (rows: DownloadRow[]) => number {
    const insert = sqlite.prepare(
      `INSERT INTO "Download" (${quoted(DOWNLOAD_COLUMNS)}) VALUES (${DOWNLOAD_COLUMNS.map(() => "?").join(",")}) ON CONFLICT ("variantId", "day", "listenerHash") DO NOTHING`,
    );
    const upsert = sqlite.prepare(`INSERT INTO "DownloadDaily" (${quoted(DAILY_COLUMNS)}, "downloads") VALUES (${DAILY_COLUMNS.map(() => "?").join(",")}, ?) ${DAILY_UPSERT}`);
    return sqlite.transaction((batch: DownloadRow[]) => {
      const daily = new Map<string, DailyRow & { downloads: number }>();
      let inserted = 0;
      for (const row of batch) {
        const { changes } = insert.run(row.day, row.variantId, row.episodeId, row.showId, row.locale, row.listenerHash, sqliteDateTime(row.at), row.country, row.app, row.device, row.os, row.campaignId, row.referrer);
        if (changes === 0) continue; // already counted: same variant, day and listener
        inserted++;
        const key = `${row.day}\u0000${row.variantId}\u0000${row.app}\u0000${row.device}\u0000${row.os}\u0000${row.country}\u0000${row.campaignId}`;
        const sum = daily.get(key);
        if (sum) sum.downloads++;
        else daily.set(key, { day: row.day, variantId: row.variantId, episodeId: row.episodeId, showId: row.showId, locale: row.locale, app: row.app, device: row.device, os: row.os, country: row.country, campaignId: row.campaignId, downloads: 1 });
      }
      for (const s of daily.values()) upsert.run(s.day, s.variantId, s.episodeId, s.showId, s.locale, s.app, s.device, s.os, s.country, s.campaignId, s.downloads);
      return inserted;
    });
  }

  /**
   * PostgreSQL: one statement (atomic by itself) — rows passed as one array per column, inserted
   * with the conflict ignored, and the inserted ones summed into DownloadDaily.
   */
  private async insertPostgres(pool: import("pg").Pool, rows: DownloadRow[]): Promise<number> {
    const arrays = DOWNLOAD_COLUMNS.map((column) => rows.map((row) => (column === "at" ? row.at.toISOString() : row[column])));
    const types = DOWNLOAD_COLUMNS.map((column) => (column === "at" ? "timestamp(3)[]" : "text[]"));
    const sql = `
      WITH inserted AS (
        INSERT INTO "Download" (${quoted(DOWNLOAD_COLUMNS)})
        SELECT * FROM unnest(${types.map((type, i) => `$${i + 1}::${type}`).join(", ")})
        ON CONFLICT ("variantId", "day", "listenerHash") DO NOTHING
        RETURNING ${quoted(DAILY_COLUMNS)}
      ), summed AS (
        INSERT INTO "DownloadDaily" (${quoted(DAILY_COLUMNS)}, "downloads")
        SELECT "day", "variantId", min("episodeId"), min("showId"), min("locale"), "app", "device", "os", "country", "campaignId", count(*)::int
        FROM inserted GROUP BY ${quoted(DAILY_KEY)}
        ${DAILY_UPSERT}
      )
      SELECT count(*)::int AS inserted FROM inserted`;
    const result = await pool.query<{ inserted: number }>(sql, arrays);
    return result.rows[0]?.inserted ?? 0;
  }
}
