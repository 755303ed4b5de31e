import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { readMigrationFolder } from "../../prisma/migration-engine.ts";
import { applyMigrationsInChildProcess } from "../../prisma/migration-process.ts";

// npm start migrates in a short-lived child process (so the schema engine's memory leaves with it):
// same answers and same errors as migrating in-process.

const dir = mkdtempSync(path.join(os.tmpdir(), "sada-migrate-child-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("migrating in a child process", () => {
  it("applies every migration once and reports which, then nothing", async () => {
    const file = path.join(dir, "sada.db");
    const expected = readMigrationFolder("sqlite").migrations.map((m) => m.name);
    expect(await applyMigrationsInChildProcess({ provider: "sqlite", url: `file:${file}` })).toEqual(expected);
    expect(await applyMigrationsInChildProcess({ provider: "sqlite", url: `file:${file}` })).toEqual([]);
    const db = new BetterSqlite3(file, { readonly: true });
    const finished = db.prepare("SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL ORDER BY migration_name").pluck().all();
    db.close();
    expect(finished).toEqual(expected);
  });

  it("passes the engine's error back as a rejection", async () => {
    await expect(applyMigrationsInChildProcess({ provider: "postgresql", url: "postgres://nobody@127.0.0.1:1/none" })).rejects.toThrow(/127\.0\.0\.1|connect|ECONNREFUSED/i);
  });
});
