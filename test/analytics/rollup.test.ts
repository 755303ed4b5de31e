import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../server/adapters/clock.ts";
import { ROLLUP_QUEUE, rollupJobId } from "../../server/analytics/rollup.ts";
import { Worker } from "../../server/jobs/worker.ts";
import { createTestEnv, type TestEnv } from "../support/app.ts";
import { DAYS, seedAnalytics } from "./reports.seed.ts";

let env: TestEnv;
const clock = new ManualClock(new Date("2026-03-10T00:10:00Z"));

beforeAll(async () => {
  env = await createTestEnv({ overrides: { clock }, env: { ANALYTICS_RAW_RETENTION_DAYS: "5" } });
  await seedAnalytics(env.ctx);
});
afterAll(() => env?.close());

const listenerRows = () => env.ctx.db.prisma.listenerDaily.findMany({ orderBy: [{ day: "asc" }, { showId: "asc" }, { episodeId: "asc" }, { locale: "asc" }, { dimension: "asc" }, { key: "asc" }] });
const rawDays = async () => (await env.ctx.db.prisma.download.groupBy({ by: ["day"], orderBy: { day: "asc" } })).map((r) => r.day);

describe("analytics roll-up", () => {
  it("waits for the grace period after midnight before rolling a day up", async () => {
    // 00:10: the last events of 9 March may still be in a buffer.
    const result = await env.ctx.analyticsRollup.run();
    expect(result.rolledDays).toEqual(DAYS.slice(0, 8));
    // Retention 5 days: the raw rows of 1–4 March are gone, their listeners kept in ListenerDaily.
    expect(result.deletedRawRows).toBeGreaterThan(0);
    expect(await rawDays()).toEqual(DAYS.slice(4));
    expect(await env.ctx.analyticsRollup.run()).toEqual({ rolledDays: [], deletedRawRows: 0 });
  });

  it("replaces a day's rows when it runs again (idempotent)", async () => {
    const before = await listenerRows();
    expect(before.length).toBeGreaterThan(0);
    expect(new Set(before.map((r) => r.dimension))).toEqual(new Set(["total", "app", "device", "os", "country", "campaign"]));
    await env.ctx.db.prisma.analyticsRollup.deleteMany({ where: { day: "2026-03-08" } });
    expect((await env.ctx.analyticsRollup.run()).rolledDays).toEqual(["2026-03-08"]);
    expect(await listenerRows()).toEqual(before);
  });

  it("deletes raw rows past retention only for rolled-up days", async () => {
    clock.set("2026-03-12T09:00:00Z"); // retention 5 days: raw rows before 7 March may go
    await env.ctx.db.prisma.analyticsRollup.deleteMany({ where: { day: "2026-03-05" } });
    const repository = (env.ctx.analyticsRollup as unknown as { deps: { repository: import("../../server/analytics/reports.repository.ts").ReportsRepository } }).deps.repository;
    await repository.deleteRawRolledUpBefore("2026-03-07");
    expect(await rawDays()).toEqual(["2026-03-05", "2026-03-07", "2026-03-08", "2026-03-09", "2026-03-10"]);

    const before = await env.request().get("/api/v1/analytics/downloads?from=2026-03-01&to=2026-03-10").set("Authorization", `Bearer ${await env.tokenFor("analyst")}`);
    const result = await env.ctx.analyticsRollup.run();
    expect(result.rolledDays).toEqual(["2026-03-05", "2026-03-09", "2026-03-10", "2026-03-11"]); // 11 March: no downloads, still done
    expect(await rawDays()).toEqual(["2026-03-07", "2026-03-08", "2026-03-09", "2026-03-10"]);
    // Downloads come from the daily sums, which retention does not touch.
    const after = await env.request().get("/api/v1/analytics/downloads?from=2026-03-01&to=2026-03-10").set("Authorization", `Bearer ${await env.tokenFor("analyst")}`);
    expect(after.body).toEqual(before.body);
  });

  it("runs hourly through the job queue, one job per hour whoever schedules it", async () => {
    clock.set("2026-03-12T10:20:00Z");
    expect(await env.ctx.analyticsRollup.schedule()).toBe(true);
    expect(await env.ctx.analyticsRollup.schedule()).toBe(false);
    const worker = new Worker(env.ctx.jobs.repository, env.ctx.jobs, env.ctx.jobHandlers, { clock, logger: env.ctx.logger, concurrency: 1, leaseSeconds: 30 });
    expect(await worker.runOnce()).toBe(true);
    const jobs = await env.ctx.db.prisma.job.findMany({ where: { queue: ROLLUP_QUEUE }, orderBy: { runAt: "asc" } });
    expect(jobs.map((j) => [j.id, j.status, j.runAt.toISOString()])).toEqual([
      [rollupJobId(new Date("2026-03-12T10:20:00Z")), "succeeded", "2026-03-12T10:20:00.000Z"],
      [rollupJobId(new Date("2026-03-12T11:00:00Z")), "queued", "2026-03-12T11:00:00.000Z"],
    ]);
    expect(await worker.runOnce()).toBe(false); // the next one is not due yet
    expect(await env.ctx.analyticsRollup.schedule(new Date("2026-03-12T11:00:00Z"))).toBe(false);
  });
});
