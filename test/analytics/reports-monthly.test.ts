import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../server/adapters/clock.ts";
import { addDays, GROUP_BY, type ReportQuery } from "../../server/analytics/analytics.schema.ts";
import { ReportsRepository } from "../../server/analytics/reports.repository.ts";
import { ReportsService } from "../../server/analytics/reports.service.ts";
import { createTestEnv, type TestEnv } from "../support/app.ts";
import { insertEvents, seedAnalytics, type SeedEvent } from "./reports.seed.ts";

// Reports by key read whole months of rolled-up days from AudienceMonthly: they must answer
// exactly as if every day were counted from the raw rows — over whole and partial months, with a
// day of a month not rolled up, after a day is rolled up again for late events, and after retention.

let env: TestEnv;
let seeded: Awaited<ReturnType<typeof seedAnalytics>>;
let events: SeedEvent[];
const clock = new ManualClock(new Date("2026-03-10T12:00:00Z"));
const TODAY = "2026-03-10";
const FIRST = "2026-01-20";
/** Not rolled up: a month (February) with an open day in its middle. */
const GAP = "2026-02-10";

/** Every day counted from the raw rows, as before any roll-up: the reference answers. */
class RawOnlyRepository extends ReportsRepository {
  override async rolledDays(): Promise<Set<string>> {
    return new Set();
  }
}

const RANGES: [string, string][] = [
  [FIRST, TODAY], // every month: January partly (from its 20th), February with its open day, March up to today
  ["2026-02-01", "2026-02-28"], // one whole month
  ["2026-01-01", "2026-02-28"], // January's rolled-up days all inside, February whole
  ["2026-01-25", "2026-02-14"], // partial at both ends
  ["2026-02-02", "2026-03-10"], // February without its first day: read per day
  ["2026-02-01", "2026-02-27"], // February without its last day
  ["2026-03-01", "2026-03-12"], // the current month, today open, days after today
];
const FILTERS = ["", "showA", "locale=fr", "episode", "episode&locale=ar", "showA&locale=fr", "campaign", "none&locale=ar"];

beforeAll(async () => {
  env = await createTestEnv({ overrides: { clock } });
  seeded = await seedAnalytics(env.ctx);
  // Earlier weeks: each day a copy of one seeded March day (its listeners' hashes are per day), some downloads left out.
  const march = seeded.events.filter((e) => e.day < TODAY);
  const earlier: SeedEvent[] = [];
  let n = 0;
  for (let day = FIRST; day < "2026-03-01"; day = addDays(day, 1)) {
    const source = `2026-03-0${1 + (Number(day.slice(8)) % 9)}`;
    for (const e of march) if (e.day === source && n++ % 4 !== 0) earlier.push({ ...e, day });
  }
  await insertEvents(env.ctx, earlier);
  events = [...earlier, ...seeded.events];
});
afterAll(() => env?.close());

function queryOf(filter: string, range: [string, string], groupBy: ReportQuery["groupBy"]): ReportQuery {
  const q: ReportQuery = { from: range[0], to: range[1], groupBy, format: "json" };
  for (const part of filter.split("&").filter(Boolean)) {
    if (part === "showA") q.showId = seeded.showA.id;
    else if (part === "episode") q.episodeId = seeded.a1.episode.id;
    else if (part === "campaign") q.campaignId = seeded.campaign.id;
    else if (part === "none") q.campaignId = "none";
    else q.locale = part.slice("locale=".length) as ReportQuery["locale"];
  }
  return q;
}

/** Every range × filter × groupBy of both reports (an error's code when the report refuses). */
async function answers(service: ReportsService): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const range of RANGES) {
    for (const filter of FILTERS) {
      for (const groupBy of GROUP_BY) {
        const query = queryOf(filter, range, groupBy);
        for (const measure of ["downloads", "listeners"] as const) {
          out[`${measure} ${range.join("…")} ${filter} ${groupBy}`] = await service[measure](query).catch((err: { code?: string }) => err.code ?? String(err));
        }
      }
    }
  }
  return out;
}

const raw = () => new ReportsService(new RawOnlyRepository(env.ctx.db), clock);
const repository = () => new ReportsRepository(env.ctx.db);
const monthlyRows = () =>
  env.ctx.db.prisma.audienceMonthly.findMany({ orderBy: [{ month: "asc" }, { showId: "asc" }, { episodeId: "asc" }, { locale: "asc" }, { dimension: "asc" }, { key: "asc" }] });

/** AudienceMonthly as it must be: AudienceDaily summed per month, computed here. */
async function expectedMonthlyRows() {
  const sums = new Map<string, { month: string; showId: string; episodeId: string; locale: string; dimension: string; key: string; downloads: number; listenersSum: number; listenersPeak: number }>();
  for (const r of await env.ctx.db.prisma.audienceDaily.findMany()) {
    const month = r.day.slice(0, 7);
    const id = [month, r.showId, r.episodeId, r.locale, r.dimension, r.key].join("|");
    const sum = sums.get(id) ?? { month, showId: r.showId, episodeId: r.episodeId, locale: r.locale, dimension: r.dimension, key: r.key, downloads: 0, listenersSum: 0, listenersPeak: 0 };
    sum.downloads += r.downloads;
    sum.listenersSum += r.listeners;
    sum.listenersPeak = Math.max(sum.listenersPeak, r.listeners);
    sums.set(id, sum);
  }
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return [...sums.values()].sort((a, b) => cmp(a.month, b.month) || cmp(a.showId, b.showId) || cmp(a.episodeId, b.episodeId) || cmp(a.locale, b.locale) || cmp(a.dimension, b.dimension) || cmp(a.key, b.key));
}

describe("reports from monthly roll-ups", () => {
  let reference: Record<string, unknown>;

  it("answer as the raw rows do, for whole and partial months and a month with a day not rolled up", async () => {
    reference = await answers(raw());
    for (let day = FIRST; day < TODAY; day = addDays(day, 1)) if (day !== GAP) await repository().rollUpDay(day, clock.now());
    // Each day was added to its month as it was rolled up: the sums of AudienceDaily.
    expect(await monthlyRows()).toEqual(await expectedMonthlyRows());
    expect(new Set((await monthlyRows()).map((r) => r.month))).toEqual(new Set(["2026-01", "2026-02", "2026-03"]));
    expect((await env.ctx.db.prisma.audienceMonthlyDay.findMany({ orderBy: { day: "asc" } })).map((r) => r.day)).toEqual(
      (await env.ctx.db.prisma.analyticsRollup.findMany({ orderBy: { day: "asc" } })).map((r) => r.day),
    );
    expect(await answers(env.ctx.reports)).toEqual(reference);
    // Not trivially equal: there are numbers, and refusals.
    expect((reference[`downloads ${FIRST}…${TODAY}  country`] as { total: number }).total).toBe(events.length);
    expect((reference[`listeners 2026-02-01…2026-02-28  country`] as { total: number }).total).toBeGreaterThan(0);
    expect(reference[`listeners ${FIRST}…${TODAY} campaign country`]).toBe("validation_failed");
  });

  it("are read from AudienceMonthly for whole months (and only then)", async () => {
    // Not a state production reaches: AudienceDaily's February rows gone shows which table answers.
    const saved = await env.ctx.db.prisma.audienceDaily.findMany({ where: { day: { gte: "2026-02-01", lte: "2026-02-28" } } });
    await env.ctx.db.prisma.audienceDaily.deleteMany({ where: { day: { gte: "2026-02-01", lte: "2026-02-28" } } });
    try {
      const whole = queryOf("", ["2026-02-01", "2026-02-28"], "country");
      // (The listeners' total and peak are per-day figures: from AudienceDaily, not checked here.)
      expect((await env.ctx.reports.listeners(whole)).rows).toEqual((reference[`listeners 2026-02-01…2026-02-28  country`] as { rows: unknown }).rows);
      expect(await env.ctx.reports.downloads(whole)).toEqual(reference[`downloads 2026-02-01…2026-02-28  country`]);
      // The per-day series and partial months read AudienceDaily: only the open day is left.
      const byDay = await env.ctx.reports.downloads({ ...whole, groupBy: "day" });
      expect(byDay.total).toBe(events.filter((e) => e.day === GAP).length);
      const partial = await env.ctx.reports.downloads({ ...whole, to: "2026-02-27" });
      expect(partial.total).toBe(events.filter((e) => e.day === GAP).length);
    } finally {
      await env.ctx.db.prisma.audienceDaily.createMany({ data: saved });
    }
  });

  it("stay exact when a day is rolled up again for late events, and when a month's roll-ups and its days disagree", async () => {
    // Late downloads of a rolled-up day: a new listener, and more for listeners already counted.
    const late = events.filter((e) => e.day === "2026-02-12").slice(0, 3).map((e) => ({ ...e, variantId: seeded.b1.variants[0].id, episodeId: seeded.b1.episode.id, showId: seeded.showB.id, locale: "ar" }));
    const fresh = events.filter((e) => e.day === "2026-02-12" && e.showId === seeded.showB.id).map((e) => e.listener);
    const lateEvents = [...late.filter((e) => !fresh.includes(e.listener)), { ...late[0], listener: 99, country: "SN", app: "Castbox", device: "tablet", os: "Android", campaignId: "" }];
    await insertEvents(env.ctx, lateEvents);
    events.push(...lateEvents);
    expect(await new ReportsRepository(env.ctx.db).daysChangedSinceRollup(FIRST, addDays(TODAY, -1))).toEqual(["2026-02-12"]);
    const before = await monthlyRows();
    const result = await env.ctx.analyticsRollup.run();
    // The job also rolls up the day left open above; 12 February again.
    expect(result.rolledDays).toEqual([GAP, "2026-02-12"]);
    const after = await monthlyRows();
    expect(after).not.toEqual(before);
    expect(after).toEqual(await expectedMonthlyRows());
    reference = await answers(raw());
    expect(await answers(env.ctx.reports)).toEqual(reference);
    expect((reference[`downloads ${FIRST}…${TODAY}  country`] as { total: number }).total).toBe(events.length);

    // A rolled-up day whose roll-up record is gone (as if never rolled up) while AudienceMonthly
    // still holds it: its month is read per day, the day from the raw rows.
    await env.ctx.db.prisma.analyticsRollup.delete({ where: { day: "2026-02-20" } });
    expect(await answers(env.ctx.reports)).toEqual(reference);
    await env.ctx.db.prisma.analyticsRollup.create({ data: { day: "2026-02-20" } });
  });

  it("do not change with raw-event retention", async () => {
    expect(await repository().deleteRawRolledUpBefore(TODAY)).toBeGreaterThan(0);
    expect(await env.ctx.db.prisma.download.count({ where: { day: { lt: TODAY } } })).toBe(0);
    expect(await answers(env.ctx.reports)).toEqual(reference);
  });
});
