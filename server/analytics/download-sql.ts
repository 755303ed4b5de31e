import type BetterSqlite3 from "better-sqlite3";

// The stored form of a counted download and the SQL that ingests batches of them: shared by the
// repository (PostgreSQL) and the SQLite writer thread, which must not load Prisma to do its work.

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

export const DOWNLOAD_COLUMNS = ["day", "variantId", "episodeId", "showId", "locale", "listenerHash", "at", "country", "app", "device", "os", "campaignId", "referrer"] as const;
export const DAILY_KEY = ["day", "variantId", "app", "device", "os", "country", "campaignId"] as const;
export const DAILY_COLUMNS = ["day", "variantId", "episodeId", "showId", "locale", "app", "device", "os", "country", "campaignId"] as const;
export const quoted = (columns: readonly string[]) => columns.map((c) => `"${c}"`).join(", ");

export const DAILY_UPSERT = `ON CONFLICT (${quoted(DAILY_KEY)}) DO UPDATE SET "downloads" = "DownloadDaily"."downloads" + excluded."downloads"`;

/** Prisma writes SQLite DateTime as ISO text with an explicit offset; raw writes use the same form. */
const sqliteDateTime = (date: Date) => date.toISOString().replace("Z", "+00:00");

type DailyRow = Pick<DownloadRow, (typeof DAILY_COLUMNS)[number]>;

/**
 * SQLite: stores the downloads not yet counted (same variant, day and listener hash = the same
 * download) and adds the newly stored ones to DownloadDaily, in one transaction; returns how many
 * were new. Each row goes through a prepared statement that ignores a conflict on the unique key
 * (better-sqlite3 runs it in-process, faster than multi-row VALUES with RETURNING); the inserted
 * ones are summed in memory, then the sums upserted. The transaction takes the write lock at
 * BEGIN (IMMEDIATE): with other connections writing too, a deferred one could fail on upgrade.
 */
export function sqliteDownloadWriter(sqlite: BetterSqlite3.Database): (rows: DownloadRow[]) => number {
  const insert = sqlite.prepare(
    `INSERT INTO "Download" (${quoted(DOWNLOAD_COLUMNS)}) VALUES (${DOWNLOAD_COLUMNS.map(() => "?").join(",")}) ON CONFLICT ("variantId", "day", "listenerHash") DO NOTHING`,
  );
  const upsert = sqlite.prepare(`INSERT INTO "DownloadDaily" (${quoted(DAILY_COLUMNS)}, "downloads") VALUES (${DAILY_COLUMNS.map(() => "?").join(",")}, ?) ${DAILY_UPSERT}`);
  const transaction = sqlite.transaction((batch: DownloadRow[]) => {
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
  return (rows) => transaction.immediate(rows);
}
