import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import BetterSqlite3 from "better-sqlite3";
import pg from "pg";
import { PROVIDERS, readModels } from "../../prisma/schema-compose.mjs";
import {
  MIGRATIONS_ROOT,
  applyMigrations,
  createTestDatabase,
  diffModels,
  dropTestDatabase,
  isEmptyMigration,
  readMigrationFolder,
  resolveMigration,
  type MigrationDatabase,
  type MigrationProvider,
} from "../../prisma/migration-engine.ts";
import { MigrateUsageError, createMigration } from "../../prisma/migrate.ts";

// The migrations folders must build exactly prisma/models.prisma on both providers, and deploys
// must be repeatable and safe to run concurrently.

const DEFAULT_PG = "postgres://root@127.0.0.1:5432/postgres";

async function reachable(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

// TEST_DATABASE_URL set: PostgreSQL must work (createTestDatabase fails loudly otherwise).
// Unset: use the local server if there is one, else skip with the reason in the suite name.
const pgBase = process.env.TEST_DATABASE_URL ?? ((await reachable(DEFAULT_PG)) ? DEFAULT_PG : null);
if (!pgBase) console.warn(`PostgreSQL migration tests SKIPPED: nothing at ${DEFAULT_PG} and TEST_DATABASE_URL unset`);
const models = readModels();
const modelNames = [...models.matchAll(/^model\s+(\w+)\s*\{/gm)].map((m) => m[1]).sort();

const tmpRoot = mkdtempSync(path.join(os.tmpdir(), "sada-migrations-test-"));
const createdPg: string[] = [];
afterAll(async () => {
  for (const url of createdPg) await dropTestDatabase(url);
  rmSync(tmpRoot, { recursive: true, force: true });
});

let sqliteCounter = 0;
async function freshDatabase(provider: MigrationProvider): Promise<MigrationDatabase> {
  if (provider === "sqlite") {
    const dir = path.join(tmpRoot, `db-${++sqliteCounter}`);
    mkdirSync(dir);
    return { provider, url: `file:${path.join(dir, "sada.db")}` };
  }
  const url = await createTestDatabase(pgBase!);
  createdPg.push(url);
  return { provider, url };
}

async function query<T = Record<string, unknown>>(database: MigrationDatabase, sql: string): Promise<T[]> {
  if (database.provider === "sqlite") {
    const db = new BetterSqlite3(database.url.replace(/^file:/, ""));
    try {
      return db.prepare(sql).all() as T[];
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

async function executeScript(database: MigrationDatabase, script: string): Promise<void> {
  if (database.provider === "sqlite") {
    const db = new BetterSqlite3(database.url.replace(/^file:/, ""));
    db.exec(script);
    db.close();
    return;
  }
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  await client.query(script);
  await client.end();
}

/**
 * Tables, columns (sorted by name: Prisma ignores column order, and ADD COLUMN appends), indexes and
 * constraints, as the database itself reports them — without the migration history table.
 */
async function catalog(database: MigrationDatabase): Promise<Record<string, unknown>> {
  if (database.provider === "sqlite") {
    const db = new BetterSqlite3(database.url.replace(/^file:/, ""), { readonly: true });
    try {
      const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '_prisma_migrations' ORDER BY name").all() as { name: string }[]).map((t) => t.name);
      return Object.fromEntries(
        tables.map((table) => {
          const quoted = `"${table}"`;
          const columns = (db.prepare(`PRAGMA table_info(${quoted})`).all() as { name: string }[]).sort((a, b) => a.name.localeCompare(b.name)).map(({ cid: _cid, ...rest }: Record<string, unknown>) => rest);
          const indexes = (db.prepare(`PRAGMA index_list(${quoted})`).all() as { name: string }[])
            .sort((a, b) => a.name.localeCompare(b.name))
            .map(({ seq: _seq, ...index }: Record<string, unknown>) => ({ ...index, columns: db.prepare(`PRAGMA index_info("${index.name as string}")`).all().map((c) => (c as { name: string }).name) }));
          const foreignKeys = (db.prepare(`PRAGMA foreign_key_list(${quoted})`).all() as Record<string, unknown>[]).map(({ id: _id, seq: _seq, ...fk }) => fk);
          return [table, { columns, indexes, foreignKeys }];
        }),
      );
    } finally {
      db.close();
    }
  }
  const notHistory = "<> '_prisma_migrations'";
  return {
    columns: await query(
      database,
      `SELECT table_name, column_name, data_type, udt_name, is_nullable, column_default, character_maximum_length, numeric_precision, datetime_precision
       FROM information_schema.columns WHERE table_schema = 'public' AND table_name ${notHistory} ORDER BY table_name, column_name`,
    ),
    indexes: await query(database, `SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename ${notHistory} ORDER BY 1, 2`),
    constraints: await query(
      database,
      `SELECT c.relname AS table, k.conname, pg_get_constraintdef(k.oid) AS definition
       FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = 'public' AND c.relname ${notHistory} ORDER BY 1, 2`,
    ),
  };
}

async function tableNames(database: MigrationDatabase): Promise<string[]> {
  const sql =
    database.provider === "sqlite"
      ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '_prisma_migrations'"
      : "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'";
  return (await query<{ name: string }>(database, sql)).map((r) => r.name).sort();
}

function migrationHistory(database: MigrationDatabase) {
  return query<{ migration_name: string; finished_at: unknown; rolled_back_at: unknown }>(
    database,
    "SELECT migration_name, finished_at, rolled_back_at FROM _prisma_migrations ORDER BY migration_name",
  );
}

describe("migrations folders", () => {
  it("hold the same migrations for both providers, each with the models text it was generated from", () => {
    const [sqlite, postgresql] = PROVIDERS.map((provider) => readMigrationFolder(provider));
    expect(sqlite.migrations.length).toBeGreaterThan(0);
    expect(sqlite.migrations.map((m) => m.name)).toEqual(postgresql.migrations.map((m) => m.name));
    expect(sqlite.migrations[0].name).toBe("0001_init");
    for (const folder of [sqlite, postgresql]) {
      expect(folder.lockfile).toContain(`provider = "${folder.provider}"`);
      for (const migration of folder.migrations) {
        expect(migration.name).toMatch(/^\d{4}_[a-z0-9_]+$/);
        expect(migration.models, `${folder.provider}/${migration.name}/models.prisma`).not.toBeNull();
      }
    }
    expect(sqlite.migrations.map((m) => m.models)).toEqual(postgresql.migrations.map((m) => m.models));
  });
});

for (const provider of PROVIDERS) {
  const skipReason = provider === "postgresql" && !pgBase ? ` (SKIPPED: no PostgreSQL at ${DEFAULT_PG} and TEST_DATABASE_URL unset)` : "";
  describe.skipIf(skipReason !== "")(`${provider} migrations${skipReason}`, () => {
    const folder = readMigrationFolder(provider);
    const names = folder.migrations.map((m) => m.name);
    let migrated: MigrationDatabase;
    let firstRun: string[];

    beforeAll(async () => {
      migrated = await freshDatabase(provider);
      firstRun = await applyMigrations(migrated);
    });

    it("the last migration was generated from the current prisma/models.prisma", async () => {
      const script = await diffModels(provider, folder.migrations.at(-1)!.models, models);
      expect(isEmptyMigration(script), `models.prisma changed since the last migration; run npm run db:migration:create -- <name>:\n${script}`).toBe(true);
    });

    it("diffModels reports a change to the models (so the check above can fail)", async () => {
      const changed = models.replace(/^model (\w+) \{\n/m, "model $1 {\n  migrationProbe String?\n");
      const script = await diffModels(provider, models, changed);
      expect(isEmptyMigration(script)).toBe(false);
      expect(script).toMatch(/migrationProbe/);
    });

    it("applying the migrations to a fresh database builds exactly the schema of the models", async () => {
      expect(firstRun).toEqual(names);
      expect(await tableNames(migrated)).toEqual(modelNames);
      // Reference: the model's schema created directly from an empty database.
      const reference = await freshDatabase(provider);
      await executeScript(reference, await diffModels(provider, null, models));
      expect(await catalog(migrated)).toEqual(await catalog(reference));
    });

    it("applying again applies nothing, and the history records every migration as finished", async () => {
      expect(await applyMigrations(migrated)).toEqual([]);
      const history = await migrationHistory(migrated);
      expect(history.map((h) => h.migration_name)).toEqual(names);
      for (const row of history) {
        expect(row.finished_at).not.toBeNull();
        expect(row.rolled_back_at).toBeNull();
      }
    });

    it("concurrent deploys to one database apply each migration exactly once", async () => {
      const database = await freshDatabase(provider);
      const runs = await Promise.all([1, 2, 3].map(() => applyMigrations(database, { log: () => {} })));
      expect(runs.flat().sort()).toEqual(names);
      expect((await migrationHistory(database)).map((h) => h.migration_name)).toEqual(names);
    });
  });
}

describe("createMigration (npm run db:migration:create)", () => {
  const root = path.join(tmpRoot, "migrations");
  const withProbe = models.replace(/^model (\w+) \{\n/m, "model $1 {\n  migrationProbe String?\n");

  it("creates 0001_init for both providers, then nothing while the models are unchanged", async () => {
    const init = await createMigration({ name: "init", root, models });
    expect(init.status).toBe("created");
    for (const provider of PROVIDERS) {
      const folder = readMigrationFolder(provider, root);
      expect(folder.migrations.map((m) => m.name)).toEqual(["0001_init"]);
      expect(folder.migrations[0].models).toBe(models);
      expect(folder.lockfile).toContain(`provider = "${provider}"`);
    }
    expect(await createMigration({ name: "nothing", root, models })).toMatchObject({ status: "unchanged", last: "0001_init" });
    await expect(createMigration({ name: "init", root, models })).rejects.toThrow(/--reset/);
  });

  it("regenerates 0001_init with --reset while it is the only migration", async () => {
    const result = await createMigration({ name: "init", reset: true, root, models: withProbe });
    expect(result.status).toBe("created");
    const sqlite = readMigrationFolder("sqlite", root);
    expect(sqlite.migrations.map((m) => m.name)).toEqual(["0001_init"]);
    expect(sqlite.migrations[0].sql).toMatch(/migrationProbe/);
    await createMigration({ name: "init", reset: true, root, models });
    expect(readMigrationFolder("postgresql", root).migrations[0].sql).not.toMatch(/migrationProbe/);
  });

  it("creates the next migration from the difference, which deploys on top of the first", async () => {
    const result = await createMigration({ name: "add_probe", root, models: withProbe });
    expect(result).toMatchObject({ status: "created", name: "0002_add_probe" });
    for (const provider of PROVIDERS) {
      const folder = readMigrationFolder(provider, root);
      expect(folder.migrations.map((m) => m.name)).toEqual(["0001_init", "0002_add_probe"]);
      expect(folder.migrations[1].sql).toMatch(/ALTER TABLE .*migrationProbe/);
      expect(folder.migrations[1].models).toBe(withProbe);
    }
    const database = await freshDatabase("sqlite");
    expect(await applyMigrations(database, { migrationsRoot: root })).toEqual(["0001_init", "0002_add_probe"]);
    expect(await createMigration({ name: "again", root, models: withProbe })).toMatchObject({ status: "unchanged" });
  });

  it("refuses --reset once later migrations exist, and names that are not lower_snake_case", async () => {
    await expect(createMigration({ name: "init", reset: true, root, models })).rejects.toThrow(/0002_add_probe/);
    await expect(createMigration({ name: "Add-Field", root, models })).rejects.toBeInstanceOf(MigrateUsageError);
    await expect(createMigration({ name: "other", reset: true, root, models })).rejects.toBeInstanceOf(MigrateUsageError);
    expect(readFileSync(path.join(root, "sqlite", "0001_init", "models.prisma"), "utf8")).toBe(models);
  });
});

describe("a failed deploy (as prisma migrate deploy / resolve)", () => {
  it("blocks later deploys with P3009 until the migration is resolved as rolled back, then reruns it", async () => {
    const root = path.join(tmpRoot, "failing");
    cpSync(path.join(MIGRATIONS_ROOT, "sqlite"), path.join(root, "sqlite"), { recursive: true });
    const broken = path.join(root, "sqlite", "9999_broken");
    mkdirSync(broken);
    writeFileSync(path.join(broken, "migration.sql"), 'ALTER TABLE "NoSuchTable" ADD COLUMN "x" TEXT;\n');
    const database = await freshDatabase("sqlite");
    const quiet = { migrationsRoot: root, log: () => {} };

    await expect(applyMigrations(database, quiet)).rejects.toThrow(/NoSuchTable/);
    await expect(applyMigrations(database, quiet)).rejects.toMatchObject({ code: "P3009", message: expect.stringMatching(/9999_broken/) });

    writeFileSync(path.join(broken, "migration.sql"), 'CREATE TABLE "FixedByHand" ("id" TEXT NOT NULL PRIMARY KEY);\n');
    await resolveMigration(database, "9999_broken", "rolled-back", quiet);
    expect(await applyMigrations(database, quiet)).toEqual(["9999_broken"]);
    expect(await tableNames(database)).toContain("FixedByHand");
    await expect(resolveMigration(database, "0000_missing", "applied", quiet)).rejects.toThrow(/no migration 0000_missing/);
  });
});
