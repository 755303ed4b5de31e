import type { Database, PrismaClient } from "../adapters/database.ts";
import { ThreadClient } from "../adapters/worker-thread.ts";
import { liveVariantWhere } from "../feeds/feeds.repository.ts";
import { DAILY_COLUMNS, DAILY_KEY, DAILY_UPSERT, DOWNLOAD_COLUMNS, quoted, type DownloadRow } from "./download-sql.ts";
import type { DownloadWriterThreadData } from "./download-writer.thread.ts";

export type { DownloadRow };

// Database access of tracked delivery: which audio a media URL may deliver, campaign codes, and
// the ingestion hot path — counted downloads written in batches with raw SQL (one transaction per
// batch: the Download rows, de-duplicated by their unique key, and the DownloadDaily sums of the
// rows actually inserted, so the sums stay exact whatever number of processes write). On SQLite
// the batches are written by a worker thread with its own connection (better-sqlite3 blocks the
// thread it runs on); PostgreSQL does the work in its own server.

/** The SQLite writer thread stops after this long without batches (it is restarted on the next). */
const WRITER_IDLE_MS = 5 * 60_000;

const mediaSelect = {
  id: true,
  episodeId: true,
  locale: true,
  episode: { select: { showId: true } },
  renditions: { select: { kind: true, storageKey: true, mimeType: true, bytes: true, durationSeconds: true, id3HeaderBytes: true } },
} as const;

export type LiveMediaRecord = NonNullable<Awaited<ReturnType<TrackingRepository["findLiveMedia"]>>>;

export class TrackingRepository {
  private readonly prisma: PrismaClient;
  private readonly sqliteWriter: ThreadClient<DownloadRow[], number> | undefined;
  private readonly writeBatch: (rows: DownloadRow[]) => Promise<number>;

  constructor(db: Database) {
    this.prisma = db.prisma;
    const raw = db.raw;
    if (raw.provider === "sqlite") {
      const data: DownloadWriterThreadData = { file: raw.sqlite.name };
      const writer = new ThreadClient<DownloadRow[], number>({ entry: new URL("./download-writer.thread.ts", import.meta.url), data, idleMs: WRITER_IDLE_MS });
      this.sqliteWriter = writer;
      this.writeBatch = (rows) => writer.call(rows);
    } else {
      this.writeBatch = (rows) => this.insertPostgres(raw.pool, rows);
    }
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
    return this.writeBatch(rows);
  }

  /** Stops the SQLite writer thread (after the batches sent to it are written). */
  close(): Promise<void> {
    return this.sqliteWriter?.close() ?? Promise.resolve();
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
