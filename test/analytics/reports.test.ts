import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../server/adapters/clock.ts";
import { ReportsRepository } from "../../server/analytics/reports.repository.ts";
import { createTestEnv, type TestEnv } from "../support/app.ts";
import { DAYS, expectedDownloads, expectedListeners, GROUPS, seedAnalytics } from "./reports.seed.ts";

let env: TestEnv;
let seeded: Awaited<ReturnType<typeof seedAnalytics>>;
/** Bearer tokens: a cookie session would expire in the agent's jar, the test clock being months behind. */
let analyst: { get: (path: string) => ReturnType<ReturnType<TestEnv["request"]>["get"]> };
const as = (token: string) => ({ get: (path: string) => env.request().get(path).set("Authorization", `Bearer ${token}`) });
const clock = new ManualClock(new Date("2026-03-10T12:00:00Z"));
const RANGE = "from=2026-03-01&to=2026-03-10";

beforeAll(async () => {
  env = await createTestEnv({ overrides: { clock } });
  seeded = await seedAnalytics(env.ctx);
  analyst = as(await env.tokenFor("analyst"));
});
afterAll(() => env?.close());

const sorted = (m: Map<string, number>) => [...m].map(([key, n]) => ({ key, n })).sort((a, b) => a.key.localeCompare(b.key));

describe("GET /api/v1/analytics/downloads", () => {
  it.each(GROUPS)("groupBy=%s matches the raw events", async (groupBy) => {
    const res = await analyst.get(`/api/v1/analytics/downloads?${RANGE}&groupBy=${groupBy}`).expect(200);
    expect(res.body.total).toBe(seeded.events.length);
    const got = sorted(new Map(res.body.rows.map((r: { key: string; downloads: number }) => [r.key, r.downloads])));
    expect(got).toEqual(sorted(expectedDownloads(seeded.events, groupBy)));
    if (groupBy !== "day") {
      // Biggest first.
      const values = res.body.rows.map((r: { downloads: number }) => r.downloads);
      expect(values).toEqual([...values].sort((a: number, b: number) => b - a));
    }
  });

  it("filters by show, episode, language and campaign", async () => {
    const { showA, a1, campaign, events } = seeded;
    const cases: [string, (e: (typeof events)[number]) => boolean][] = [
      [`showId=${showA.id}`, (e) => e.showId === showA.id],
      [`episodeId=${a1.episode.id}`, (e) => e.episodeId === a1.episode.id],
      [`showId=${showA.id}&locale=fr`, (e) => e.showId === showA.id && e.locale === "fr"],
      [`campaignId=${campaign.id}`, (e) => e.campaignId === campaign.id],
      [`campaignId=none&locale=ar`, (e) => e.campaignId === "" && e.locale === "ar"],
    ];
    for (const [filter, keep] of cases) {
      const res = await analyst.get(`/api/v1/analytics/downloads?${RANGE}&${filter}&groupBy=country`).expect(200);
      const subset = events.filter(keep);
      expect(subset.length).toBeGreaterThan(0);
      expect(res.body.total, filter).toBe(subset.length);
      expect(sorted(new Map(res.body.rows.map((r: { key: string; downloads: number }) => [r.key, r.downloads])))).toEqual(sorted(expectedDownloads(subset, "country")));
    }
  });

  it("lists every day of the range, and buckets weeks (ISO) and months", async () => {
    const days = await analyst.get(`/api/v1/analytics/downloads?from=2026-02-27&to=2026-03-10&groupBy=day`).expect(200);
    expect(days.body.rows.map((r: { key: string }) => r.key)).toEqual(["2026-02-27", "2026-02-28", ...DAYS]);
    expect(days.body.rows[0].downloads).toBe(0);
    const weeks = await analyst.get(`/api/v1/analytics/downloads?${RANGE}&groupBy=week`).expect(200);
    // 1 March 2026 is a Sunday: the end of ISO week 9.
    expect(weeks.body.rows.map((r: { key: string }) => r.key)).toEqual(["2026-W09", "2026-W10", "2026-W11"]);
    const byDay = expectedDownloads(seeded.events, "day");
    expect(weeks.body.rows[0].downloads).toBe(byDay.get("2026-03-01"));
    expect(weeks.body.rows.reduce((s: number, r: { downloads: number }) => s + r.downloads, 0)).toBe(seeded.events.length);
    const months = await analyst.get(`/api/v1/analytics/downloads?from=2026-02-01&to=2026-03-10&groupBy=month`).expect(200);
    expect(months.body.rows).toEqual([
      { key: "2026-02", downloads: seeded.events.filter((e) => e.day < "2026-03-01").length },
      { key: "2026-03", downloads: seeded.events.filter((e) => e.day >= "2026-03-01").length },
    ]);
  });

  it("defaults to the last 30 days up to today", async () => {
    const res = await analyst.get("/api/v1/analytics/downloads").expect(200);
    expect(res.body).toMatchObject({ from: "2026-02-09", to: "2026-03-10", groupBy: "day" });
    expect(res.body.rows).toHaveLength(30);
    expect(res.body.total).toBe(seeded.events.length);
  });

  it("names campaigns", async () => {
    const res = await analyst.get(`/api/v1/analytics/downloads?${RANGE}&groupBy=campaign`).expect(200);
    expect(res.body.rows.find((r: { key: string }) => r.key === seeded.campaign.id).label).toBe('=WhatsApp, "March"');
    expect(res.body.rows.find((r: { key: string }) => r.key === "").label).toBeUndefined();
  });

  it("exports CSV: header, escaping, file name", async () => {
    const res = await analyst.get(`/api/v1/analytics/downloads?${RANGE}&groupBy=campaign&format=csv`).expect(200);
    expect(res.headers["content-type"]).toBe("text/csv; charset=utf-8");
    expect(res.headers["content-disposition"]).toBe('attachment; filename="sada-downloads-by-campaign-2026-03-01_2026-03-10.csv"');
    const lines = res.text.replace(/^\uFEFF/, "").trimEnd().split("\r\n");
    expect(lines[0]).toBe("campaign,name,downloads");
    const byCampaign = expectedDownloads(seeded.events, "campaign");
    // The quote is doubled, the field quoted for its comma, and the leading "=" defused.
    expect(lines).toContain(`${seeded.campaign.id},"'=WhatsApp, ""March""",${byCampaign.get(seeded.campaign.id)}`);
    expect(lines).toContain(`,,${byCampaign.get("")}`);
    const days = await analyst.get(`/api/v1/analytics/downloads?${RANGE}&format=csv`).expect(200);
    expect(days.text.replace(/^\uFEFF/, "").split("\r\n").slice(0, 2)).toEqual(["day,downloads", `2026-03-01,${expectedDownloads(seeded.events, "day").get("2026-03-01")}`]);
  });

  it.each([
    ["from after to", "from=2026-03-05&to=2026-03-01", "query.from", "range_reversed"],
    ["a range over five years", "from=2020-01-01&to=2025-01-02", "query.to", "range_too_long"],
    ["an unknown groupBy", "groupBy=hour", "query.groupBy", "invalid_value"],
    ["a malformed date", "from=2026-3-1", "query.from", "invalid_format"],
    ["an impossible date", "to=2026-02-30", "query.to", "invalid_date"],
    ["an unknown format", "format=xlsx", "query.format", "invalid_value"],
    ["an unknown language", "locale=de", "query.locale", "invalid_value"],
    ["an unknown parameter", "groupby=day", "query", "unrecognized_keys"],
  ])("answers 422 for %s", async (_label, query, path, code) => {
    const res = await analyst.get(`/api/v1/analytics/downloads?${query}`).set("Accept-Language", "fr").expect(422);
    expect(res.body.error.code).toBe("validation_failed");
    expect(res.body.error.details).toEqual([expect.objectContaining({ path, code })]);
    expect(res.body.error.details[0].message).toBeTruthy();
  });

  it("accepts exactly five years", async () => {
    await analyst.get("/api/v1/analytics/downloads?from=2021-03-11&to=2026-03-10&groupBy=month").expect(200);
  });

  it("answers 404 for an unknown show, episode or campaign, and for an episode of another show", async () => {
    for (const [query, code] of [
      ["showId=nope", "show_not_found"],
      ["episodeId=nope", "episode_not_found"],
      [`showId=${seeded.showB.id}&episodeId=${seeded.a1.episode.id}`, "episode_not_found"],
      ["campaignId=nope", "campaign_not_found"],
    ]) {
      const res = await analyst.get(`/api/v1/analytics/downloads?${query}`).expect(404);
      expect(res.body.error.code).toBe(code);
    }
  });

  it("is readable by every role with a session or token, and by nobody anonymous", async () => {
    await env.request().get("/api/v1/analytics/downloads").expect(401);
    await env.request().get("/api/v1/analytics/listeners").expect(401);
    await env.request().get(`/api/v1/analytics/episodes/${seeded.a1.episode.id}/first-days`).expect(401);
    const token = await env.tokenFor("analyst");
    await env.request().get("/api/v1/analytics/listeners").set("Authorization", `Bearer ${token}`).expect(200);
    await as(await env.tokenFor("producer")).get("/api/v1/analytics/downloads").expect(200);
    await as(await env.tokenFor("admin")).get(`/api/v1/analytics/downloads?${RANGE}&format=csv`).expect(200);
  });

  it("is described in the OpenAPI document", async () => {
    const res = await analyst.get("/api/v1/openapi.json").expect(200);
    expect(Object.keys(res.body.paths)).toEqual(expect.arrayContaining(["/api/v1/analytics/downloads", "/api/v1/analytics/listeners", "/api/v1/analytics/episodes/{episodeId}/first-days"]));
  });
});

describe("GET /api/v1/analytics/listeners", () => {
  const groups = ["day", "week", "month", "episode", "locale", "app", "device", "os", "country", "campaign"];
  const filters = ["", "&showId=SHOW", "&locale=fr", "&episodeId=EP", "&episodeId=EP&locale=ar", "&showId=SHOW&locale=fr", "&campaignId=CAMPAIGN", "&campaignId=none&locale=ar"];
  const fill = (f: string) => f.replace("SHOW", seeded.showA.id).replace("EP", seeded.a1.episode.id).replace("CAMPAIGN", seeded.campaign.id);
  // Days before the first event and after today, and today (open until tomorrow) in the range.
  const WIDE = "from=2026-02-26&to=2026-03-12";

  async function snapshot() {
    const out: Record<string, unknown> = {};
    for (const measure of ["downloads", "listeners"]) {
      for (const filter of filters) {
        for (const groupBy of groups) {
          const res = await analyst.get(`/api/v1/analytics/${measure}?${WIDE}${fill(filter)}&groupBy=${groupBy}`);
          out[`${measure}${filter} ${groupBy}`] = res.status === 200 ? res.body : res.status;
        }
      }
    }
    return out;
  }

  it("gives the same numbers for every groupBy and filter from raw rows, from the roll-up, and after retention", async () => {
    const before = await snapshot();
    const result = await env.ctx.analyticsRollup.run();
    expect(result.rolledDays).toEqual(DAYS.slice(0, -1)); // today is not over
    expect(await env.ctx.db.prisma.audienceDaily.count()).toBeGreaterThan(0);
    expect(await snapshot()).toEqual(before);
    // Retention: the raw rows of the rolled-up days go; their listeners stay in AudienceDaily.
    expect(await new ReportsRepository(env.ctx.db).deleteRawRolledUpBefore("2026-03-10")).toBeGreaterThan(0);
    expect(await env.ctx.db.prisma.download.count({ where: { day: { lt: "2026-03-10" } } })).toBe(0);
    expect(await snapshot()).toEqual(before);
    // Not trivially equal: there are numbers, and the campaign filter refuses finer listener breakdowns.
    expect((before["downloads day"] as { total: number }).total).toBe(seeded.events.length);
    expect((before["listeners day"] as { total: number }).total).toBeGreaterThan(0);
    expect((before["downloads&campaignId=CAMPAIGN country"] as { total: number }).total).toBeGreaterThan(0);
    expect(before["listeners&campaignId=CAMPAIGN country"]).toBe(422);
  });

  it("counts each day's unique listeners, across episodes and languages", async () => {
    const res = await analyst.get(`/api/v1/analytics/listeners?${RANGE}&groupBy=day`).expect(200);
    const expected = expectedListeners(seeded.events, "total");
    for (const row of res.body.rows) expect(row.listeners, row.key).toBe(expected.get(row.key)?.get("") ?? 0);
    const downloadsOnFirstDay = seeded.events.filter((e) => e.day === "2026-03-01").length;
    expect(res.body.rows[0].listeners).toBeLessThan(downloadsOnFirstDay + 1);
    // total = average of the daily counts over the range's 10 days, with the peak day.
    const daily = DAYS.map((d) => expected.get(d)?.get("") ?? 0);
    expect(res.body).toMatchObject({ measure: "daily_unique", days: 10, total: Math.round((daily.reduce((a, b) => a + b) / 10) * 10) / 10 });
    expect(res.body.peak.listeners).toBe(Math.max(...daily));
  });

  it("averages daily uniques per key over the range", async () => {
    const res = await analyst.get(`/api/v1/analytics/listeners?${RANGE}&showId=${seeded.showA.id}&groupBy=country`).expect(200);
    const expected = expectedListeners(seeded.events.filter((e) => e.showId === seeded.showA.id), "country");
    const tn = DAYS.map((d) => expected.get(d)?.get("TN") ?? 0);
    expect(res.body.rows.find((r: { key: string }) => r.key === "TN")).toEqual({ key: "TN", listeners: Math.round((tn.reduce((a, b) => a + b) / 10) * 10) / 10, peak: Math.max(...tn) });
  });

  it("only averages days up to today", async () => {
    const res = await analyst.get(`/api/v1/analytics/listeners?from=2026-03-09&to=2026-03-20`).expect(200);
    expect(res.body.days).toBe(2);
    expect(res.body.rows.map((r: { key: string }) => r.key)).toEqual(["2026-03-09", "2026-03-10"]);
  });

  it("exports CSV with labelled columns", async () => {
    const res = await analyst.get(`/api/v1/analytics/listeners?${RANGE}&groupBy=week&format=csv`).expect(200);
    expect(res.headers["content-disposition"]).toContain("sada-listeners-by-week-2026-03-01_2026-03-10.csv");
    expect(res.text.replace(/^\uFEFF/, "").split("\r\n")[0]).toBe("week,average_daily_listeners,peak_daily_listeners");
  });
});

describe("GET /api/v1/analytics/episodes/:episodeId/first-days", () => {
  it("sums each language's first 1, 7 and 30 days from its publication, and the episode's from its first", async () => {
    const { a1, events } = seeded;
    const res = await analyst.get(`/api/v1/analytics/episodes/${a1.episode.id}/first-days`).expect(200);
    const sum = (from: string, to: string, locale?: string) => events.filter((e) => e.episodeId === a1.episode.id && e.day >= from && e.day <= to && (!locale || e.locale === locale)).length;
    expect(res.body).toEqual({
      episodeId: a1.episode.id,
      rows: [
        { locale: "", publishedDay: "2026-03-01", downloads: { "1": sum("2026-03-01", "2026-03-01"), "7": sum("2026-03-01", "2026-03-07"), "30": null } },
        { locale: "ar", publishedDay: "2026-03-01", downloads: { "1": sum("2026-03-01", "2026-03-01", "ar"), "7": sum("2026-03-01", "2026-03-07", "ar"), "30": null } },
        { locale: "fr", publishedDay: "2026-03-03", downloads: { "1": sum("2026-03-03", "2026-03-03", "fr"), "7": sum("2026-03-03", "2026-03-09", "fr"), "30": null } },
      ],
    });
    expect(res.body.rows[0].downloads["7"]).toBeGreaterThan(res.body.rows[1].downloads["7"]);
    const fr = await analyst.get(`/api/v1/analytics/episodes/${a1.episode.id}/first-days?locale=fr`).expect(200);
    expect(fr.body.rows).toEqual([res.body.rows[2]]);
  });

  it("has no rows for an unpublished episode and 404 for an unknown one", async () => {
    expect((await analyst.get(`/api/v1/analytics/episodes/${seeded.draft.episode.id}/first-days`).expect(200)).body.rows).toEqual([]);
    expect((await analyst.get("/api/v1/analytics/episodes/nope/first-days").expect(404)).body.error.code).toBe("episode_not_found");
  });
});
