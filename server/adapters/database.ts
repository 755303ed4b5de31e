import { mkdirSync } from "node:fs";
import path from "node:path";
import type BetterSqlite3 from "better-sqlite3";
import pg from "pg";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "../generated/prisma/sqlite/client.ts";
import { PrismaClient as PgPrismaClient } from "../generated/prisma/postgresql/client.ts";
import type { Config, DatabaseProvider } from "../config.ts";
import { openSqliteConnection, SQLITE_BUSY_TIMEOUT_MS } from "./sqlite-connection.ts";

// Both generated clients expose the same API for our portable model; code is typed against the
// SQLite one and the PostgreSQL client is used through that type.
export { PrismaClient };
export type { Prisma } from "../generated/prisma/sqlite/client.ts";

/** The raw driver, for the few hot paths where per-row ORM calls are too slow (analytics ingestion). */
export type RawDriver =
  | { provider: "sqlite"; sqlite: BetterSqlite3.Database }
  | { provider: "postgresql"; pool: pg.Pool };

export interface Database {
  provider: DatabaseProvider;
  prisma: PrismaClient;
  raw: RawDriver;
  /** Cheap liveness probe for /healthz. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export function sqliteFilePath(url: string): string {
  return path.resolve(url.replace(/^file:/, "").replace(/\?.*$/, ""));
}

/** Reports connections that the database server closed while idle (the pool replaces them). */
export type ConnectionErrorListener = (error: Error) => void;

export async function createDatabase(config: Config["database"], onIdleConnectionError?: ConnectionErrorListener): Promise<Database> {
  if (config.provider === "sqlite") {
    const file = sqliteFilePath(config.url);
    mkdirSync(path.dirname(file), { recursive: true });
    // A second connection for raw hot paths; WAL lets it write while Prisma's connection reads.
    const sqlite = openSqliteConnection(file);
    const prisma = new PrismaClient({ adapter: new PrismaBetterSqlite3({ url: file, timeout: SQLITE_BUSY_TIMEOUT_MS }) });
    return {
      provider: "sqlite",
      prisma,
      raw: { provider: "sqlite", sqlite },
      // The raw connection: Prisma's adapter reopens a closed connection on demand, which would
      // hide a database that has gone away (file removed, connection closed at shutdown).
      async ping() {
        sqlite.prepare("SELECT 1").get();
      },
      async close() {
        await prisma.$disconnect();
        sqlite.close();
      },
    };
  }
  const pool = new pg.Pool({ connectionString: config.url, max: 10 });
  // A server restart, a failover or an administrator ends idle connections: the pool reports it
  // here (without a listener Node would stop the process) and opens new ones for the next queries.
  pool.on("error", (error) => onIdleConnectionError?.(error));
  // A connection the pool has already let go of (closing at shutdown) may still receive the server's
  // goodbye message; with nobody listening any more, that too would stop the process.
  pool.on("connect", (client) => client.on("error", () => undefined));
  const prisma = new PgPrismaClient({ adapter: new PrismaPg(pool) }) as unknown as PrismaClient;
  return {
    provider: "postgresql",
    prisma,
    raw: { provider: "postgresql", pool },
    async ping() {
      await pool.query("SELECT 1");
    },
    async close() {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}
