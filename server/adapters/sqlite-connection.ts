import BetterSqlite3 from "better-sqlite3";

/** How long a connection waits for another connection's write lock before SQLITE_BUSY. */
export const SQLITE_BUSY_TIMEOUT_MS = 10_000;

/**
 * A raw better-sqlite3 connection with Sada's settings: WAL (readers and one writer at a time, on
 * any connection of any process), NORMAL sync (durable at checkpoints; WAL keeps it consistent),
 * foreign keys enforced. Used by the database adapter and by the analytics writer thread.
 */
export function openSqliteConnection(file: string): BetterSqlite3.Database {
  const sqlite = new BetterSqlite3(file, { timeout: SQLITE_BUSY_TIMEOUT_MS });
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = NORMAL");
  sqlite.pragma("foreign_keys = ON");
  return sqlite;
}
