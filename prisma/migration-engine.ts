// Prisma's schema engine as WebAssembly (@prisma/schema-engine-wasm) talking to the database through
// the same driver adapters the app uses. This gives `prisma migrate deploy` and `prisma migrate diff`
// without the native engine, which the Prisma CLI downloads on first use (impossible offline and on
// air-gapped servers). See DEVELOPERS.md, "Database migrations".
import { existsSync, mkdirSync, readFileSync, readdirSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import BetterSqlite3 from "better-sqlite3";
import pg from "pg";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import {
  bindMigrationAwareSqlAdapterFactory,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
} from "@prisma/driver-adapter-utils";
import type { DiffTarget, MigrationList, SchemaEngine } from "@prisma/schema-engine-wasm";
import { PRISMA_DIR, composeSchema } from "./schema-compose.mjs";
import { sqliteFilePath } from "../server/adapters/database.ts";

export type MigrationProvider = "sqlite" | "postgresql";
export interface MigrationDatabase {
  provider: MigrationProvider;
  /** `file:/abs/path.db` (SQLite) or `postgres://…` (PostgreSQL). */
  url: string;
}

/** prisma/migrations/<provider>/NNNN_name/{migration.sql,models.prisma} + migration_lock.toml */
export const MIGRATIONS_ROOT = path.join(PRISMA_DIR, "migrations");
export const LOCKFILE_NAME = "migration_lock.toml";
export const MIGRATION_FILE = "migration.sql";
/** The models text a migration was generated from, so the next one can be diffed without a database. */
export const MODELS_FILE = "models.prisma";

export interface MigrationFolder {
  provider: MigrationProvider;
  dir: string;
  lockfile: string | null;
  migrations: { name: string; sql: string; models: string | null }[];
}

const NO_FILTERS = { externalTables: [], externalEnums: [] };
/** How long a migrator waits for another process that is migrating the same database. */
const LOCK_WAIT_MS = 120_000;
/** SQLite busy timeout for the engine's connection (app processes may be writing meanwhile). */
const SQLITE_BUSY_TIMEOUT_MS = 10_000;
/** Session-level advisory lock key held around a PostgreSQL deploy ("sada" + 1). Prisma's own engine
 * lock (72707369) is taken inside the engine's connection pool; a different key avoids waiting on ourselves. */
const PG_MIGRATION_LOCK_KEY = 0x5ada_0001;

export function migrationsDir(provider: MigrationProvider, root = MIGRATIONS_ROOT): string {
  return path.join(root, provider);
}

/** Reads a provider's migrations folder (missing folder = no migrations), ordered by name. */
export function readMigrationFolder(provider: MigrationProvider, root = MIGRATIONS_ROOT): MigrationFolder {
  const dir = migrationsDir(provider, root);
  if (!existsSync(dir)) return { provider, dir, lockfile: null, migrations: [] };
  const lockPath = path.join(dir, LOCKFILE_NAME);
  const names = readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  const migrations = names.map((name) => {
    const sqlPath = path.join(dir, name, MIGRATION_FILE);
    if (!existsSync(sqlPath)) throw new Error(`Migration ${path.relative(process.cwd(), path.join(dir, name))} has no ${MIGRATION_FILE}`);
    const modelsPath = path.join(dir, name, MODELS_FILE);
    return {
      name,
      sql: readFileSync(sqlPath, "utf8"),
      models: existsSync(modelsPath) ? readFileSync(modelsPath, "utf8") : null,
    };
  });
  return { provider, dir, lockfile: existsSync(lockPath) ? readFileSync(lockPath, "utf8") : null, migrations };
}

function toMigrationList(folder: MigrationFolder): MigrationList {
  return {
    baseDir: folder.dir,
    lockfile: { path: LOCKFILE_NAME, content: folder.lockfile },
    shadowDbInitScript: "",
    migrationDirectories: folder.migrations.map((m) => ({
      path: m.name,
      migrationFile: { path: MIGRATION_FILE, content: { tag: "ok", value: m.sql } },
    })),
  };
}

// ---------------------------------------------------------------------------------------------
// Loading the WebAssembly engine. The package's main entry imports the .wasm file as an ES module,
// which Node 20 cannot do; so the JS glue is imported and the module compiled and wired by hand
// (what that entry does). The glue holds the instance in module state: load once per process.

type EngineGlue = typeof import("@prisma/schema-engine-wasm/schema_engine_bg");
let engineGlue: Promise<EngineGlue> | undefined;

function loadEngine(): Promise<EngineGlue> {
  engineGlue ??= (async () => {
    const gluePath = createRequire(import.meta.url).resolve("@prisma/schema-engine-wasm/schema_engine_bg");
    const glue: EngineGlue = await import("@prisma/schema-engine-wasm/schema_engine_bg");
    const wasmModule = await WebAssembly.compile(await readFile(path.join(path.dirname(gluePath), "schema_engine_bg.wasm")));
    const instance = await WebAssembly.instantiate(wasmModule, { "./schema_engine_bg.js": glue as unknown as WebAssembly.ModuleImports });
    glue.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    return glue;
  })().catch((error: unknown) => {
    engineGlue = undefined;
    throw error;
  });
  return engineGlue;
}

export type EngineLog = (level: string, message: string) => void;

/** Default: the engine's warnings and errors go to stderr; its info/debug chatter is dropped. */
const defaultLog: EngineLog = (level, message) => {
  if (level === "WARN" || level === "ERROR") process.stderr.write(`[schema-engine] ${level}: ${message}\n`);
};

/**
 * Runs `work` with a fresh engine over `factory`, then frees the engine and closes every connection
 * it opened (the engine does not close them itself; each is closed exactly once).
 */
async function withEngine<T>(
  provider: MigrationProvider,
  factory: SqlMigrationAwareDriverAdapterFactory,
  log: EngineLog,
  work: (engine: SchemaEngine) => Promise<T>,
): Promise<T> {
  const { SchemaEngine } = await loadEngine();
  const opened: SqlDriverAdapter[] = [];
  const track = (adapter: SqlDriverAdapter) => {
    const dispose = adapter.dispose.bind(adapter);
    let disposing: Promise<void> | undefined;
    adapter.dispose = () => (disposing ??= dispose());
    opened.push(adapter);
    return adapter;
  };
  const tracked: SqlMigrationAwareDriverAdapterFactory = {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => track(await factory.connect()),
    // deploy and model-to-model diff never need one; refusing makes a stray use loud instead of
    // leaving a prisma_migrate_shadow_db_* database behind (adapter-pg cannot drop its own).
    connectToShadowDb: () => Promise.reject(new Error("Sada's migration commands do not use a shadow database")),
  };
  const closeAll = () => Promise.allSettled(opened.map((adapter) => adapter.dispose()));
  const onLog = (line: string) => {
    try {
      const entry = JSON.parse(line) as { level?: string; fields?: { message?: string } };
      log(entry.level ?? "INFO", entry.fields?.message ?? line.trim());
    } catch {
      log("INFO", line.trim());
    }
  };
  let engine: SchemaEngine;
  try {
    // The engine wants a schema naming the provider; the models themselves are passed per command.
    engine = await SchemaEngine.new(
      { datamodels: [["schema.prisma", composeSchema(provider, "")]] },
      onLog,
      bindMigrationAwareSqlAdapterFactory(tracked),
    );
  } catch (error) {
    await closeAll();
    throw error;
  }
  try {
    return await work(engine);
  } finally {
    engine.free();
    await closeAll();
  }
}

// ---------------------------------------------------------------------------------------------
// Cross-process locks around a deploy. Two processes (web + worker, or two replicas) may start at
// once; without a lock both see 0001_init pending, one fails on "table already exists" and its
// migration is recorded as failed.

async function waitFor(what: string, tryAcquire: () => Promise<boolean> | boolean): Promise<void> {
  const deadline = Date.now() + LOCK_WAIT_MS;
  while (!(await tryAcquire())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${LOCK_WAIT_MS / 1000}s waiting for ${what}`);
    await sleep(25);
  }
}

/**
 * SQLite has no advisory locks: an exclusive transaction on a small side file (`<db>-migrate-lock`)
 * serves as one. The operating system releases it if the process dies, so it never goes stale.
 */
async function withSqliteMigrationLock<T>(file: string, work: () => Promise<T>): Promise<T> {
  const lock = new BetterSqlite3(`${file}-migrate-lock`, { timeout: 0 });
  try {
    await waitFor(`another process migrating ${file}`, () => {
      try {
        lock.exec("BEGIN EXCLUSIVE");
        return true;
      } catch (error) {
        if ((error as { code?: string }).code === "SQLITE_BUSY") return false;
        throw error;
      }
    });
    try {
      return await work();
    } finally {
      lock.exec("ROLLBACK");
    }
  } finally {
    lock.close();
  }
}

async function withPostgresMigrationLock<T>(url: string, work: () => Promise<T>): Promise<T> {
  const client = await connectPostgres(url);
  try {
    await waitFor("another process migrating this PostgreSQL database", async () => {
      const { rows } = await client.query<{ locked: boolean }>("SELECT pg_try_advisory_lock($1) AS locked", [PG_MIGRATION_LOCK_KEY]);
      return rows[0].locked;
    });
    try {
      return await work();
    } finally {
      await client.query("SELECT pg_advisory_unlock($1)", [PG_MIGRATION_LOCK_KEY]);
    }
  } finally {
    await client.end();
  }
}

/** postgres://user:secret@host/db → postgres://user:***@host/db, for messages. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@/]*@/, "//$1:***@");
}

async function connectPostgres(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => {});
    throw new Error(`Cannot connect to PostgreSQL at ${redactUrl(url)}: ${(error as Error).message}`, { cause: error });
  }
  return client;
}

// ---------------------------------------------------------------------------------------------

/** "SQLite database /abs/sada.db" / "PostgreSQL database postgres://user:***@host/db", for messages. */
export function describeDatabase(database: MigrationDatabase): string {
  return database.provider === "sqlite" ? `SQLite database ${sqliteFilePath(database.url)}` : `PostgreSQL database ${redactUrl(database.url)}`;
}

/**
 * Runs `work` with an engine connected to `database`, holding the cross-process migration lock
 * (SQLite: also creates the parent directory and switches the file to WAL).
 */
async function withDatabaseEngine<T>(database: MigrationDatabase, log: EngineLog, work: (engine: SchemaEngine) => Promise<T>): Promise<T> {
  if (database.provider === "sqlite") {
    const file = sqliteFilePath(database.url);
    mkdirSync(path.dirname(file), { recursive: true });
    return withSqliteMigrationLock(file, async () => {
      // WAL is a property of the file: set once here, every later connection uses it.
      const db = new BetterSqlite3(file, { timeout: SQLITE_BUSY_TIMEOUT_MS });
      try {
        db.pragma("journal_mode = WAL");
      } finally {
        db.close();
      }
      return withEngine("sqlite", new PrismaBetterSqlite3({ url: file, timeout: SQLITE_BUSY_TIMEOUT_MS }), log, work);
    });
  }
  return withPostgresMigrationLock(database.url, () =>
    withEngine("postgresql", new PrismaPg({ connectionString: database.url, max: 2 }), log, work),
  );
}

/** Engine errors name neither the database nor the folder; add both, keep Prisma's code (P3009 …). */
function inContext(what: string, error: unknown): Error {
  const original = error as Error & { code?: string };
  const wrapped = new Error(`${what} failed${original.code ? ` (${original.code})` : ""}: ${original.message}`, { cause: error });
  return original.code ? Object.assign(wrapped, { code: original.code }) : wrapped;
}

export interface ApplyOptions {
  /** Defaults to prisma/migrations. */
  migrationsRoot?: string;
  log?: EngineLog;
}

/**
 * Applies pending migrations from prisma/migrations/<provider>/ as `prisma migrate deploy` does
 * (history in `_prisma_migrations`) and returns the names applied (empty when up to date).
 * Safe to run concurrently from several processes.
 */
export async function applyMigrations(database: MigrationDatabase, options: ApplyOptions = {}): Promise<string[]> {
  const folder = readMigrationFolder(database.provider, options.migrationsRoot);
  if (folder.migrations.length === 0) throw new Error(`No migrations in ${folder.dir}`);
  const input = { migrationsList: toMigrationList(folder), filters: NO_FILTERS };
  try {
    const output = await withDatabaseEngine(database, options.log ?? defaultLog, (engine) => engine.applyMigrations(input));
    return output.appliedMigrationNames;
  } catch (error) {
    throw inContext(`Applying ${path.relative(process.cwd(), folder.dir) || folder.dir} to ${describeDatabase(database)}`, error);
  }
}

/**
 * `prisma migrate resolve`: after a failed deploy (P3009), record the failed migration as rolled back
 * (you reverted its partial effects; the next deploy runs it again) or as applied (you finished it by hand).
 */
export async function resolveMigration(
  database: MigrationDatabase,
  name: string,
  as: "rolled-back" | "applied",
  options: ApplyOptions = {},
): Promise<void> {
  const folder = readMigrationFolder(database.provider, options.migrationsRoot);
  if (!folder.migrations.some((m) => m.name === name)) throw new Error(`There is no migration ${name} in ${folder.dir}`);
  try {
    await withDatabaseEngine(database, options.log ?? defaultLog, (engine) =>
      as === "applied"
        ? engine.markMigrationApplied({ migrationName: name, migrationsList: toMigrationList(folder) })
        : engine.markMigrationRolledBack({ migrationName: name }),
    );
  } catch (error) {
    throw inContext(`Marking ${name} as ${as} in ${describeDatabase(database)}`, error);
  }
}

/**
 * The SQL script that turns a database built from `fromModels` (null = empty database) into one
 * built from `toModels` (texts in the form of prisma/models.prisma). Needs no database.
 */
export async function diffModels(provider: MigrationProvider, fromModels: string | null, toModels: string): Promise<string> {
  const datamodel = (models: string): DiffTarget => ({
    tag: "schemaDatamodel",
    files: [{ path: "schema.prisma", content: composeSchema(provider, models) }],
  });
  // The engine insists on a connection even for a model-to-model diff, but does not use it: the SQL
  // dialect comes from the schema's datasource. An in-memory SQLite connection serves both providers,
  // so creating a PostgreSQL migration does not need a PostgreSQL server. (Checked against a real
  // PostgreSQL connection in test/db/migrations.test.ts.)
  const placeholder = new PrismaBetterSqlite3({ url: ":memory:" });
  const result = await withEngine(provider, placeholder, defaultLog, (engine) =>
    engine.diff({
      from: fromModels === null ? { tag: "empty" } : datamodel(fromModels),
      to: datamodel(toModels),
      script: true,
      exitCode: null,
      filters: NO_FILTERS,
    }),
  );
  return result.stdout ?? "";
}

/** True when a migration script has no statements (the engine writes "-- This is an empty migration."). */
export function isEmptyMigration(sql: string): boolean {
  return (
    sql
      .replace(/\/\*[\s\S]*?\*\//g, "")
      .replace(/--.*$/gm, "")
      .trim() === ""
  );
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL test databases: one fresh database per test file.

const testDatabaseBases = new Map<string, string>();
const TEST_DATABASE_NAME = /^sada_test_[0-9a-f]{12}$/;

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function onServer<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = await connectPostgres(url);
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Creates an empty database `sada_test_<random>` on the server of `baseUrl` and returns its URL. */
export async function createTestDatabase(baseUrl: string): Promise<string> {
  const name = `sada_test_${randomBytes(6).toString("hex")}`;
  await onServer(baseUrl, (client) => client.query(`CREATE DATABASE "${name}"`));
  const url = withDatabase(baseUrl, name);
  testDatabaseBases.set(url, baseUrl);
  return url;
}

/** Drops a database made by createTestDatabase (refuses any other name), closing its leftover sessions. */
export async function dropTestDatabase(url: string): Promise<void> {
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  if (!TEST_DATABASE_NAME.test(name)) throw new Error(`Refusing to drop "${name}": not a database made by createTestDatabase`);
  const base = testDatabaseBases.get(url) ?? withDatabase(url, "postgres");
  await onServer(base, (client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
  testDatabaseBases.delete(url);
}
