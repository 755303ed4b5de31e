import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../server/adapters/clock.ts";
import { ROLLUP_QUEUE, rollupGraceMs, rollupJobId } from "../../server/analytics/rollup.ts";
import { TrackingRepository } from "../../server/analytics/tracking.repository.ts";
import { Worker } from "../../server/jobs/worker.ts";
import { createTestEnv, type TestEnv } from "../support/app.ts";
import { hashOf, seedAnalytics, type SeedEvent } from "./reports.seed.ts";

// When days are rolled up: a few minutes after midnight rather than at the next hour, and again
// when downloads of a rolled-up day are written after its roll-up.

let env: TestEnv;
let events: SeedEvent[];
const FLUSH_MS = 3_000;
const GRACE_MS = rollupGraceMs(FLUSH_MS);
// 10 March is the last seeded day: "today" until midnight.
const clock = new ManualClock(new Date("2026-03-10T23:20:00Z"));

beforeAll(async () => {
  env = await createTestEnv({ overrides: { clock }, env: { ANALYTICS_RAW_RETENTION_DAYS: "5", ANALYTICS_FLUSH_MS: String(FLUSH_MS) } });
  ({ events } = await seedAnalytics(env.ctx));
});
afterAll(() => env?.close());

const worker = () => new Worker(env.ctx.jobs.repository, env.ctx.jobs, env.ctx.jobHandlers, { clock, logger: env.ctx.logger, concurrency: 1, leaseSeconds: 30 });
const queued = async () =>
  (await env.ctx.db.prisma.job.findMany({ where: { queue: ROLLUP_QUEUE, status: "queued" }, orderBy: { runAt: "asc" } })).map((j) => [j.id, j.runAt.toISOString()]);
const rolled = async () => (await env.ctx.db.prisma.analyticsRollup.findMany({ orderBy: { day: "asc" } })).map((r) => r.day);
const dayTotal = (day: string) =>
  env.ctx.db.prisma.audienceDaily.findUnique({ where: { day_showId_episodeId_locale_dimension_key: { day, showId: "", episodeId: "", locale: "", dimension: "total", key: "" } } });

describe("analytics roll-up timing", () => {
  it("waits a few minutes after midnight (requests in flight, then one buffer flush), not an hour", () => {
    expect(GRACE_MS).toBe(5 * 60_000 + FLUSH_MS);
    expect(env.ctx.analyticsRollup.lastClosedDay(new Date(new Date("2026-03-11T00:00:00Z").getTime() + GRACE_MS - 1))).toBe("2026-03-09");
    expect(env.ctx.analyticsRollup.lastClosedDay(new Date(new Date("2026-03-11T00:00:00Z").getTime() + GRACE_MS))).toBe("2026-03-10");
  });

  it("runs the job of the hour after midnight once the day just ended may be rolled up", async () => {
    expect(await env.ctx.analyticsRollup.schedule()).toBe(true);
    expect(await worker().runOnce()).toBe(true); // 23:20: up to 9 March
    expect(await rolled()).not.toContain("2026-03-10");
    const afterGrace = new Date(new Date("2026-03-11T00:00:00Z").getTime() + GRACE_MS);
    expect(await queued()).toEqual([[rollupJobId(new Date("2026-03-11T00:00:00Z")), afterGrace.toISOString()]]);

    clock.set(new Date(afterGrace.getTime() - 1));
    expect(await worker().runOnce()).toBe(false);
    clock.set(afterGrace);
    expect(await worker().runOnce()).toBe(true);
    expect(await rolled()).toContain("2026-03-10");
    expect((await dayTotal("2026-03-10"))?.downloads).toBe(events.filter((e) => e.day === "2026-03-10").length);
    // Then on the hour again.
    expect(await queued()).toEqual([[rollupJobId(new Date("2026-03-11T01:00:00Z")), "2026-03-11T01:00:00.000Z"]]);
  });

  it("schedules a process's first job after the grace period when it starts just after midnight", async () => {
    const justAfterMidnight = new Date("2026-03-12T00:01:00Z");
    expect(await env.ctx.analyticsRollup.schedule(justAfterMidnight)).toBe(true);
    expect(await env.ctx.analyticsRollup.schedule(new Date("2026-03-12T00:03:00Z"))).toBe(false); // the same hour's job
    const job = await env.ctx.db.prisma.job.findUniqueOrThrow({ where: { id: rollupJobId(justAfterMidnight) } });
    expect(job.runAt.getTime()).toBe(new Date("2026-03-12T00:00:00Z").getTime() + GRACE_MS);
    // Any other hour: when asked.
    expect(env.ctx.analyticsRollup.runAtFor(new Date("2026-03-12T07:01:00Z")).toISOString()).toBe("2026-03-12T07:01:00.000Z");
    await env.ctx.db.prisma.job.delete({ where: { id: job.id } });
  });

  it("rolls a day up again when downloads of it are written after its roll-up, while its raw events are kept", async () => {
    clock.set("2026-03-11T02:00:00Z"); // retention 5 days: raw events from 6 March on are kept
    expect(await env.ctx.analyticsRollup.run()).toEqual({ rolledDays: [], deletedRawRows: 0 });
    const before = { recent: await dayTotal("2026-03-10"), old: await dayTotal("2026-03-02") };
    expect(before.recent!.listeners).toBeGreaterThan(0);

    // A buffer that could not reach the database at midnight writes two new listeners of 10 March,
    // and one of 2 March (whose raw events are gone: its listeners cannot be counted again).
    const late = (day: string, listener: number) => {
      const e = events.find((x) => x.day === day)!;
      return { ...e, listenerHash: hashOf({ day, listener }), at: new Date(`${day}T23:59:00Z`), referrer: "" };
    };
    const repository = new TrackingRepository(env.ctx.db);
    const written = await repository.insertDownloads([late("2026-03-10", 101), late("2026-03-10", 102), late("2026-03-02", 103)]);
    await repository.close();
    expect(written).toBe(3);

    expect((await env.ctx.analyticsRollup.run()).rolledDays).toEqual(["2026-03-10"]);
    const after = { recent: await dayTotal("2026-03-10"), old: await dayTotal("2026-03-02") };
    expect(after.recent).toMatchObject({ downloads: before.recent!.downloads + 2, listeners: before.recent!.listeners + 2 });
    expect(after.old).toEqual(before.old);
    expect((await env.ctx.analyticsRollup.run()).rolledDays).toEqual([]); // once
  });
});
