import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../server/adapters/clock.ts";
import { ROLLUP_QUEUE, rollupJobId } from "../../server/analytics/rollup.ts";
import { Worker } from "../../server/jobs/worker.ts";
import { createTestEnv, type TestEnv } from "../support/app.ts";
import { DAYS, hashOf, seedAnalytics, type SeedEvent } from "./reports.seed.ts";

let env: TestEnv;
let events: SeedEvent[];
const clock = new ManualClock(new Date("2026-03-10T00:04:00Z"));

beforeAll(async () => {
  env = await createTestEnv({ overrides: { clock }, env: { ANALYTICS_RAW_RETENTION_DAYS: "5" } });
  ({ events } = await seedAnalytics(env.ctx));
});
afterAll(() => env?.close());

const audienceRows = () => env.ctx.db.prisma.audienceDaily.findMany({ orderBy: [{ day: "asc" }, { showId: "asc" }, { episodeId: "asc" }, { locale: "asc" }, { dimension: "asc" }, { key: "asc" }] });
const rawDays = async () => (await env.ctx.db.prisma.download.groupBy({ by: ["day"], orderBy: { day: "asc" } })).map((r) => r.day);

describe("analytics roll-up", () => {
  it("waits for the grace period after midnight before rolling a day up", async () => {
    // 00:04: downloads begun on 9 March may still be counting, or in a buffer.
    const result = await env.ctx.analyticsRollup.run();
    expect(result.rolledDays).toEqual(DAYS.slice(0, 8));
    // Retention 5 days: the raw rows of 1–4 March are gone, their listeners kept in AudienceDaily.
    expect(result.deletedRawRows).toBeGreaterThan(0);
    expect(await rawDays()).toEqual(DAYS.slice(4));
    expect(await env.ctx.analyticsRollup.run()).toEqual({ rolledDays: [], deletedRawRows: 0 });
  });

  it("stores downloads and unique listeners of every scope × dimension", async () => {
    // Computed independently from the seeded events, for a day whose raw rows are gone by now.
    const expected = new Map<string, { downloads: number; listeners: Set<string> }>();
    for (const e of events.filter((e) => e.day === "2026-03-02")) {
      for (const [showId, episodeId] of [["", ""], [e.showId, ""], [e.showId, e.episodeId]]) {
        for (const locale of ["", e.locale]) {
          const keys = { total: "", app: e.app, device: e.device, os: e.os, country: e.country, campaign: e.campaignId };
          for (const [dimension, key] of Object.entries(keys)) {
            const id = [showId, episodeId, locale, dimension, key].join("|");
            const entry = expected.get(id) ?? { downloads: 0, listeners: new Set<string>() };
            entry.downloads += 1;
            entry.listeners.add(hashOf(e));
            expected.set(id, entry);
          }
        }
      }
    }
    const rows = await env.ctx.db.prisma.audienceDaily.findMany({ where: { day: "2026-03-02" } });
    const got = new Map(rows.map((r) => [[r.showId, r.episodeId, r.locale, r.dimension, r.key].join("|"), { downloads: r.downloads, listeners: r.listeners }]));
    expect(got).toEqual(new Map([...expected].map(([id, e]) => [id, { downloads: e.downloads, listeners: e.listeners.size }])));
    expect(rows.some((r) => r.listeners < r.downloads)).toBe(true); // distinct counts, not sums
  });

  it("replaces a day's rows when it runs again (idempotent)", async () => {
    const before = await audienceRows();
    expect(before.length).toBeGreaterThan(0);
    expect(new Set(before.map((r) => r.dimension))).toEqual(new Set(["total", "app", "device", "os", "country", "campaign"]));
    await env.ctx.db.prisma.analyticsRollup.deleteMany({ where: { day: "2026-03-08" } });
    expect((await env.ctx.analyticsRollup.run()).rolledDays).toEqual(["2026-03-08"]);
    expect(await audienceRows()).toEqual(before);
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

  it("reads rolled-up days from AudienceDaily, and only campaign-filtered downloads from DownloadDaily", async () => {
    const get = async (query: string) =>
      (await env.request().get(`/api/v1/analytics/downloads?from=2026-03-01&to=2026-03-11&${query}`).set("Authorization", `Bearer ${await env.tokenFor("analyst")}`).expect(200)).body;
    const campaignId = (await env.ctx.db.prisma.campaign.findFirstOrThrow()).id;
    const queries = ["groupBy=day", "groupBy=episode", "groupBy=locale&showId=" + events[0].showId, "groupBy=country", `groupBy=day&campaignId=${campaignId}`];
    const before = await Promise.all(queries.map(get));
    expect(before.every((r) => r.total > 0)).toBe(true);
    // Not a state production reaches: it shows which table answers.
    await env.ctx.db.prisma.downloadDaily.deleteMany({ where: { day: { lte: "2026-03-11" } } });
    const after = await Promise.all(queries.map(get));
    expect(after.slice(0, -1)).toEqual(before.slice(0, -1));
    expect(after.at(-1).total).toBe(0);
  });
});
