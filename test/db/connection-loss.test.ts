import { afterAll, describe, expect, it } from "vitest";
import pg from "pg";
import { createDatabase } from "../../server/adapters/database.ts";
import { createTestDatabase, dropTestDatabase } from "../../prisma/migration-engine.ts";
import { waitFor } from "../support/wait.ts";

// PostgreSQL ends connections on its own (restart, failover, an administrator, a dropped database).
// Idle ones are in the pool: that must be reported and survived, never crash the process.

const base = process.env.TEST_DATABASE_URL;
const created: string[] = [];
afterAll(async () => {
  for (const url of created) await dropTestDatabase(url);
});

describe.runIf(base)("PostgreSQL connection loss", () => {
  it("reports idle connections the server ended, and answers the next query on a new one", async () => {
    const url = await createTestDatabase(base!);
    created.push(url);
    const lost: Error[] = [];
    const db = await createDatabase({ provider: "postgresql", url }, (error) => lost.push(error));
    try {
      await Promise.all([db.ping(), db.ping(), db.ping()]); // a few connections, idle in the pool afterwards
      const admin = new pg.Client({ connectionString: base });
      await admin.connect();
      try {
        const name = decodeURIComponent(new URL(url).pathname.slice(1));
        const ended = await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", [name]);
        expect(ended.rowCount).toBeGreaterThan(0);
      } finally {
        await admin.end();
      }
      await waitFor(async () => lost.length, (n) => n > 0, 5000);
      expect(lost[0]!.message).toMatch(/terminat/i);
      await db.ping();
    } finally {
      await db.close();
    }
  });

  it("closes cleanly even when the database is dropped at once (connections still saying goodbye)", async () => {
    const url = await createTestDatabase(base!);
    const db = await createDatabase({ provider: "postgresql", url });
    await Promise.all([db.ping(), db.ping(), db.ping()]);
    await db.close();
    await dropTestDatabase(url);
    await new Promise((resolve) => setTimeout(resolve, 200)); // a late error event would fail the run here
  });
});
