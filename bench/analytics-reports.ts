// Reports over a year of 10 million counted downloads (SQLite), each groupBy of
// GET /api/v1/analytics/downloads and …/listeners over one year, through the service (median and
// p95) and twice through HTTP. Goal: every groupBy under 100 ms (median).
//
// Seeding, honestly: 10 million download events are simulated in memory (3 shows × 150 episodes ×
// ar/fr/en, episodes decaying after publication, a pool of listeners each with a fixed app (40,
// Zipf), device type, OS and country (200, Zipf), and campaigns on about 10 % of listener-days),
// and what the roll-up would write for them is computed in JS and bulk-inserted: AudienceDaily for
// the 363 closed days and AudienceMonthly (their sums per month, listed in AudienceMonthlyDay),
// and the raw Download rows and DownloadDaily for the last 31 days — 30
// closed days (raw events are kept 90 days by default) and yesterday (left open, as if the roll-up
// had not run yet). Today's events are written through Sada's ingestion (TrackingRepository), as
// the day goes on (see the states below). Running the real roll-up over a whole year would take
// far too long; its correctness is proven by the tests (test/analytics/reports.test.ts,
// rollup.test.ts, reports-monthly.test.ts). Here the real roll-up is timed on the last closed
// day's raw events, and its rows are checked against the synthesised ones (AudienceDaily, and its
// month in AudienceMonthly, recomputed since the day was rolled up already); the roll-up job's
// addition of yesterday to its month against a recomputation; the 30 closed days' reports against
// the naive baseline's.
//
// Only part of AudienceDaily (and AudienceMonthly) is written: every dimension of the all-shows, language, show and
// show × language scopes, and the totals of each episode and episode × language — the rows the
// measured reports read (all shows, one show, by episode). The full roll-up of this year would
// also hold every dimension of every episode and episode × language (about 20 million more rows,
// counted and printed, not written: they would take minutes and gigabytes to seed). Those rows sit
// under other index prefixes than the ones measured, so the reports measured scan the same rows.
//
// Baselines, same run, over the last 30 closed days only — a year of them would need the whole
// history seeded (minutes) and a year costs about 12 times as much, so the ratios understate
// Sada's lead: downloads read from DownloadDaily (what reports read before the roll-up held
// downloads); listeners answered the naive way, the same report with every day counted with
// COUNT(DISTINCT "listenerHash") over the raw Download rows (Sada's own report service, told that
// no day is rolled up).
//
// States measured (see below): yesterday open, from midnight until the roll-up job runs a few
// minutes later; only today open, the rest of the day; and, without a goal, yesterday and today
// open late in the day, which only happens when no roll-up job has run since yesterday.
//
// Run alone: `npm run bench -- analytics-reports` (BENCH_ANALYTICS_EVENTS to change the size).
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import supertest from "supertest";
import { applyMigrations } from "../prisma/migration-engine.ts";
import { ManualClock } from "../server/adapters/clock.ts";
import { createLogger } from "../server/adapters/logger.ts";
import { addDays, AUDIENCE_DIMENSIONS, GROUP_BY, type GroupBy } from "../server/analytics/analytics.schema.ts";
import { ReportsRepository, type Column } from "../server/analytics/reports.repository.ts";
import { ReportsService } from "../server/analytics/reports.service.ts";
import { rollupGraceMs } from "../server/analytics/rollup.ts";
import { TrackingRepository, type DownloadRow } from "../server/analytics/tracking.repository.ts";
import { INSERT_BATCH } from "../server/analytics/tracking.service.ts";
import { createApp } from "../server/app.ts";
import { loadConfig } from "../server/config.ts";
import { createContext } from "../server/context.ts";
import type { BenchResult } from "./types.ts";

const EVENTS = Number(process.env.BENCH_ANALYTICS_EVENTS ?? 10_000_000);
const RUNS = 11;
const DAYS = 365;
const FIRST_DAY = "2025-12-01";
const LAST_DAY = addDays(FIRST_DAY, DAYS - 1); // today in the bench
const OPEN_DAYS = 2; // yesterday and today: not rolled up
const BASELINE_DAYS = 30;
const RECENT_DAYS = BASELINE_DAYS + OPEN_DAYS; // raw rows and DownloadDaily for the last 30 closed days and the open days
const RAW_CLOSED_DAY = DAYS - OPEN_DAYS - 1; // the last closed day: its real roll-up is timed
const LOCALES = ["ar", "fr", "en"] as const;
const SHOWS = 3;
const EPISODES_PER_SHOW = 150;
const APPS = 40;
const COUNTRIES = 200;
const CAMPAIGNS = 30;
const POOL = 60_000;
const DEVICES = ["phone", "tablet", "computer", "smart_speaker", "watch", "tv", "car", "other"];
const OSES = ["iOS", "Android", "Windows", "macOS", "Linux", "watchOS", "tvOS", "other"];
const COLUMN: Record<GroupBy, Column> = { day: "day", week: "day", month: "day", episode: "episodeId", locale: "locale", app: "app", device: "device", os: "os", country: "country", campaign: "campaignId" };

/** Reports the naive way: no day is rolled up, so every day is counted from the raw rows. */
class UnrolledReportsRepository extends ReportsRepository {
  override async rolledDays(): Promise<Set<string>> {
    return new Set();
  }
}

const quantile = (values: number[], q: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.ceil(values.length * q) - 1)];

async function timed(runs: number, fn: () => Promise<unknown>): Promise<number[]> {
  await fn(); // warm-up (statement cache, pages)
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await fn();
    times.push(performance.now() - started);
  }
  return times;
}

function generator() {
  let s = 12345;
  const rnd = () => ((s = (s * 48271) % 2147483647) / 2147483647);
  const zipf = (n: number, a: number) => {
    const w = Array.from({ length: n }, (_, i) => 1 / (i + 1) ** a);
    const total = w.reduce((x, y) => x + y);
    let c = 0;
    const cdf = w.map((x) => (c += x / total));
    return (r = rnd()) => {
      let lo = 0;
      let hi = n - 1;
      while (lo < hi) {
        const m = (lo + hi) >> 1;
        if (cdf[m] < r) lo = m + 1;
        else hi = m;
      }
      return lo;
    };
  };
  return { rnd, zipf };
}

export async function run(): Promise<BenchResult[]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "sada-bench-reports-"));
  const config = loadConfig({ NODE_ENV: "production", DATA_DIR: dir, LOG_LEVEL: "silent", PUBLIC_BASE_URL: "https://podcasts.example.org", WORKER_ENABLED: "false" });
  await applyMigrations(config.database);
  const clock = new ManualClock(new Date(`${LAST_DAY}T23:00:00Z`));
  const ctx = await createContext(config, { logger: createLogger("silent"), clock });
  try {
    if (ctx.db.raw.provider !== "sqlite") throw new Error("SQLite only");
    const sqlite = ctx.db.raw.sqlite;
    const { rnd, zipf } = generator();
    const seedStarted = performance.now();

    // ── Catalogue: shows, episodes (one a week or more often for bigger shows), ar/fr/en versions ──
    type Variant = { id: string; episode: number; show: number; locale: number; published: number; weight: number };
    const showIds = Array.from({ length: SHOWS }, () => randomUUID());
    const episodeIds: string[] = [];
    const variants: Variant[] = [];
    await ctx.db.prisma.show.createMany({
      data: showIds.map((id, s) => ({ id, slug: `show-${s}`, locales: "ar,fr,en", defaultLocale: "ar", category: "News", ownerName: "Sada", ownerEmail: "p@example.org", podcastGuid: `bench-guid-${s}` })),
    });
    const episodeRows = [];
    const variantRows = [];
    for (let s = 0; s < SHOWS; s++) {
      for (let e = 0; e < EPISODES_PER_SHOW; e++) {
        const id = randomUUID();
        const published = Math.round(DAYS - ((EPISODES_PER_SHOW - e) * 7 * 1.2) / (s + 1));
        episodeRows.push({ id, showId: showIds[s], slug: `e-${e}` });
        for (let l = 0; l < LOCALES.length; l++) {
          const variantId = randomUUID();
          variantRows.push({ id: variantId, episodeId: id, locale: LOCALES[l], guid: variantId, title: `E${e}`, status: "published", publishedAt: new Date(`${addDays(FIRST_DAY, published)}T06:00:00Z`) });
          variants.push({ id: variantId, episode: episodeIds.length, show: s, locale: l, published, weight: [0.5, 0.3, 0.2][s] * [0.5, 0.3, 0.2][l] });
        }
        episodeIds.push(id);
      }
    }
    await ctx.db.prisma.episode.createMany({ data: episodeRows });
    await ctx.db.prisma.episodeVariant.createMany({ data: variantRows });
    const campaignIds = Array.from({ length: CAMPAIGNS }, () => randomUUID());
    await ctx.db.prisma.campaign.createMany({ data: campaignIds.map((id, c) => ({ id, code: `c${c}`, name: `Campaign ${c}`, target: "feed", showId: showIds[c % SHOWS], locale: "ar" })) });

    // ── Listeners: fixed app/device/OS/country; a campaign on ~10 % of their days ──
    const apps = zipf(APPS, 1.2);
    const countries = zipf(COUNTRIES, 1.3);
    const campaignPick = zipf(CAMPAIGNS, 1);
    const campaignTable = Int8Array.from({ length: 1024 }, () => 1 + campaignPick());
    const countryCodes = Array.from({ length: COUNTRIES }, (_, i) => String.fromCharCode(65 + Math.floor(i / 26), 65 + (i % 26)));
    const appNames = Array.from({ length: APPS }, (_, i) => `App ${i}`);
    const profileApp = new Int16Array(POOL);
    const profileDevice = new Int8Array(POOL);
    const profileOs = new Int8Array(POOL);
    const profileCountry = new Int16Array(POOL);
    for (let id = 0; id < POOL; id++) {
      const r = rnd();
      const device = r < 0.8 ? 0 : r < 0.9 ? 1 : r < 0.95 ? 2 : 3 + Math.floor(rnd() * 5);
      profileApp[id] = apps();
      profileDevice[id] = device;
      profileOs[id] = device === 0 ? (rnd() < 0.6 ? 0 : 1) : Math.floor(rnd() * OSES.length);
      profileCountry[id] = countries();
    }
    const campaignOf = (day: number, id: number) => {
      const h = Math.imul(day + 1, 0x9e3779b1) ^ Math.imul(id + 1, 0x85ebca6b);
      const mixed = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) >>> 0;
      return mixed % 100 < 10 ? campaignTable[(mixed >>> 10) & 1023] : 0; // 0 = no campaign
    };

    // ── Roll-up layout: scopes (all, each language, each show, show × language, episode, episode × language) × dimension keys ──
    const scopeOf: [string, string, string][] = [["", "", ""], ...LOCALES.map((l): [string, string, string] => ["", "", l])];
    for (let s = 0; s < SHOWS; s++) scopeOf.push([showIds[s], "", ""]);
    for (let s = 0; s < SHOWS; s++) for (const l of LOCALES) scopeOf.push([showIds[s], "", l]);
    const EPISODE_SCOPE = scopeOf.length;
    for (let e = 0; e < episodeIds.length; e++) scopeOf.push([showIds[Math.floor(e / EPISODES_PER_SHOW)], episodeIds[e], ""]);
    const VARIANT_SCOPE = scopeOf.length;
    for (const v of variants) scopeOf.push([showIds[v.show], episodeIds[v.episode], LOCALES[v.locale]]);
    const keyOf: [string, string][] = [["total", ""]];
    const APP_KEY = keyOf.length;
    for (const a of appNames) keyOf.push(["app", a]);
    const DEVICE_KEY = keyOf.length;
    for (const d of DEVICES) keyOf.push(["device", d]);
    const OS_KEY = keyOf.length;
    for (const o of OSES) keyOf.push(["os", o]);
    const COUNTRY_KEY = keyOf.length;
    for (const c of countryCodes) keyOf.push(["country", c]);
    const CAMPAIGN_KEY = keyOf.length;
    for (const c of ["", ...campaignIds]) keyOf.push(["campaign", c]);
    const KEYS = keyOf.length;
    if (new Set(keyOf.map(([d]) => d)).size !== AUDIENCE_DIMENSIONS.length) throw new Error("dimensions out of step with AudienceDaily");
    const downloads = new Int32Array(scopeOf.length * KEYS);
    const listeners = new Int32Array(scopeOf.length * KEYS);
    // Listener dedupe for the scopes a listener can reach through several variants in a day
    // (an episode × language scope sees each listener once per day by construction).
    const seen = new Int16Array(VARIANT_SCOPE * POOL);
    // The month so far, per scope and key, as AudienceMonthly holds it: downloads, the sum and the highest of the daily listeners.
    const monthDownloads = new Int32Array(scopeOf.length * KEYS);
    const monthListeners = new Int32Array(scopeOf.length * KEYS);
    const monthPeak = new Int32Array(scopeOf.length * KEYS);

    const insertAudience = sqlite.prepare(`INSERT INTO "AudienceDaily" ("day", "showId", "episodeId", "locale", "dimension", "key", "downloads", "listeners") VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
    const insertRollup = sqlite.prepare(`INSERT INTO "AnalyticsRollup" ("day", "rolledAt") VALUES (?, ?)`);
    const insertMonthly = sqlite.prepare(
      `INSERT INTO "AudienceMonthly" ("month", "showId", "episodeId", "locale", "dimension", "key", "downloads", "listenersSum", "listenersPeak") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const insertMonthlyDay = sqlite.prepare(`INSERT INTO "AudienceMonthlyDay" ("day") VALUES (?)`);
    const insertRaw = sqlite.prepare(
      `INSERT INTO "Download" ("day", "variantId", "episodeId", "showId", "locale", "listenerHash", "at", "country", "app", "device", "os", "campaignId", "referrer") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '')`,
    );
    const insertDaily = sqlite.prepare(
      `INSERT INTO "DownloadDaily" ("day", "variantId", "episodeId", "showId", "locale", "app", "device", "os", "country", "campaignId", "downloads") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    // The covering index is built once at the end (sorting is much faster than growing it row by row).
    const coveringIndex = (sqlite.prepare(`SELECT "name", "sql" FROM sqlite_master WHERE "type" = 'index' AND "tbl_name" = 'AudienceDaily' AND "sql" IS NOT NULL`).all() as { name: string; sql: string }[])[0];
    sqlite.exec(`DROP INDEX "${coveringIndex.name}"`);

    const decay = (t: number) => (t < 0 ? 0 : 1 / (1 + t) ** 1.1 + 0.01);
    let totalWeight = 0;
    for (let d = 0; d < DAYS; d++) for (const v of variants) totalWeight += v.weight * decay(d - v.published);
    const scale = EVENTS / totalWeight;
    let events = 0;
    let audienceRows = 0;
    let monthlyRows = 0;
    let fullRollupRows = 0;
    let rawRows = 0;
    let dailyRows = 0;
    const scopes = new Int32Array(6);
    const todayEvents: DownloadRow[] = [];
    const keys = new Int32Array(6);

    for (let d = 0; d < DAYS; d++) {
      const day = addDays(FIRST_DAY, d);
      const closed = d < DAYS - OPEN_DAYS;
      const recent = d >= DAYS - RECENT_DAYS;
      const daily = new Map<string, number>();
      const dayStart = Date.parse(`${day}T00:00:00Z`);
      sqlite.transaction(() => {
        for (let vi = 0; vi < variants.length; vi++) {
          const v = variants[vi];
          const k = Math.min(POOL, Math.floor(v.weight * decay(d - v.published) * scale + rnd()));
          if (k === 0) continue;
          scopes[0] = 0;
          scopes[1] = 1 + v.locale;
          scopes[2] = 1 + LOCALES.length + v.show;
          scopes[3] = 1 + LOCALES.length + SHOWS + v.show * LOCALES.length + v.locale;
          scopes[4] = EPISODE_SCOPE + v.episode;
          scopes[5] = VARIANT_SCOPE + vi;
          let id = Math.floor(rnd() * POOL);
          for (let j = 0; j < k; j++) {
            id = (id + 7919) % POOL; // a stride prime to the pool: k distinct listeners of this variant today
            const campaign = campaignOf(d, id);
            events++;
            if (closed) {
              keys[0] = 0;
              keys[1] = APP_KEY + profileApp[id];
              keys[2] = DEVICE_KEY + profileDevice[id];
              keys[3] = OS_KEY + profileOs[id];
              keys[4] = COUNTRY_KEY + profileCountry[id];
              keys[5] = CAMPAIGN_KEY + campaign;
              for (let s = 0; s < 6; s++) {
                const base = scopes[s] * KEYS;
                const newListener = s === 5 || seen[scopes[s] * POOL + id] !== d + 1;
                if (s < 5) seen[scopes[s] * POOL + id] = d + 1;
                for (let x = 0; x < 6; x++) {
                  downloads[base + keys[x]]++;
                  if (newListener) listeners[base + keys[x]]++;
                }
              }
            }
            if (!recent) continue;
            const app = appNames[profileApp[id]];
            const device = DEVICES[profileDevice[id]];
            const osName = OSES[profileOs[id]];
            const country = countryCodes[profileCountry[id]];
            const campaignId = campaign === 0 ? "" : campaignIds[campaign - 1];
            const listenerHash = `${d}-${id}`.padStart(22, "A");
            const at = dayStart + Math.floor(rnd() * 86_400_000);
            if (d === DAYS - 1) {
              // Today's events go through Sada's ingestion, in two parts (see the states below).
              todayEvents.push({ day, variantId: v.id, episodeId: episodeIds[v.episode], showId: showIds[v.show], locale: LOCALES[v.locale], listenerHash, at: new Date(at), country, app, device, os: osName, campaignId, referrer: "" });
              continue;
            }
            insertRaw.run(day, v.id, episodeIds[v.episode], showIds[v.show], LOCALES[v.locale], listenerHash, at, country, app, device, osName, campaignId);
            rawRows++;
            const dailyKey = `${vi}\t${app}\t${device}\t${osName}\t${country}\t${campaignId}`;
            daily.set(dailyKey, (daily.get(dailyKey) ?? 0) + 1);
          }
        }
        for (const [dailyKey, n] of daily) {
          const [vi, app, device, osName, country, campaignId] = dailyKey.split("\t");
          const v = variants[Number(vi)];
          insertDaily.run(day, v.id, episodeIds[v.episode], showIds[v.show], LOCALES[v.locale], app, device, osName, country, campaignId, n);
          dailyRows++;
        }
        if (!closed) return;
        for (let scope = 0; scope < scopeOf.length; scope++) {
          const [showId, episodeId, locale] = scopeOf[scope];
          for (let key = 0; key < KEYS; key++) {
            const n = downloads[scope * KEYS + key];
            if (n === 0) continue;
            fullRollupRows++;
            if (scope >= EPISODE_SCOPE && key !== 0) continue; // an episode's breakdowns: counted, not written (see above)
            const i = scope * KEYS + key;
            insertAudience.run(day, showId, episodeId, locale, keyOf[key][0], keyOf[key][1], n, listeners[i]);
            audienceRows++;
            monthDownloads[i] += n;
            monthListeners[i] += listeners[i];
            monthPeak[i] = Math.max(monthPeak[i], listeners[i]);
          }
        }
        insertRollup.run(day, new Date(dayStart + 86_400_000 + 3_600_000).toISOString());
        insertMonthlyDay.run(day);
        if (d === DAYS - OPEN_DAYS - 1 || addDays(day, 1).slice(0, 7) !== day.slice(0, 7)) {
          // The month's last closed day: its AudienceMonthly rows.
          for (let i = 0; i < monthDownloads.length; i++) {
            if (monthDownloads[i] === 0) continue;
            const [showId, episodeId, locale] = scopeOf[Math.floor(i / KEYS)];
            const [dimension, key] = keyOf[i % KEYS];
            insertMonthly.run(day.slice(0, 7), showId, episodeId, locale, dimension, key, monthDownloads[i], monthListeners[i], monthPeak[i]);
            monthlyRows++;
          }
          monthDownloads.fill(0);
          monthListeners.fill(0);
          monthPeak.fill(0);
        }
      })();
      downloads.fill(0);
      listeners.fill(0);
    }
    const indexStarted = performance.now();
    sqlite.exec(coveringIndex.sql);
    sqlite.exec("ANALYZE");
    const indexSeconds = (performance.now() - indexStarted) / 1000;
    const seedSeconds = (performance.now() - seedStarted) / 1000;

    // ── The real roll-up on the last closed day's raw events, checked against the synthesised rows ──
    const repository = new ReportsRepository(ctx.db);
    const rawDay = addDays(FIRST_DAY, RAW_CLOSED_DAY);
    const audienceOf = (day: string) =>
      sqlite
        .prepare(`SELECT "showId", "episodeId", "locale", "dimension", "key", "downloads", "listeners" FROM "AudienceDaily" WHERE "day" = ? AND ("episodeId" = '' OR "dimension" = 'total') ORDER BY 1, 2, 3, 4, 5`)
        .all(day);
    const monthlyOf = (month: string, onlyWritten = true) =>
      sqlite
        .prepare(
          `SELECT "showId", "episodeId", "locale", "dimension", "key", "downloads", "listenersSum", "listenersPeak" FROM "AudienceMonthly" WHERE "month" = ?` +
            `${onlyWritten ? ` AND ("episodeId" = '' OR "dimension" = 'total')` : ""} ORDER BY 1, 2, 3, 4, 5`,
        )
        .all(month);
    const synthesised = JSON.stringify(audienceOf(rawDay));
    const synthesisedMonth = JSON.stringify(monthlyOf(rawDay.slice(0, 7)));
    const rollupStarted = performance.now();
    // Rolled up again (it is in the synthesised roll-up): its month is recomputed from AudienceDaily.
    const rolledRows = await repository.rollUpDay(rawDay, clock.now());
    const rollupMs = performance.now() - rollupStarted;
    if (JSON.stringify(audienceOf(rawDay)) !== synthesised) throw new Error(`the synthesised AudienceDaily rows of ${rawDay} differ from the real roll-up's`);
    if (JSON.stringify(monthlyOf(rawDay.slice(0, 7))) !== synthesisedMonth) throw new Error(`the synthesised AudienceMonthly rows of ${rawDay.slice(0, 7)} differ from the real roll-up's`);
    process.stdout.write(
      `  seeded in ${seedSeconds.toFixed(0)} s (covering index ${indexSeconds.toFixed(0)} s): ${events} simulated downloads → ${audienceRows} AudienceDaily rows written for ${DAYS - OPEN_DAYS} closed days ` +
        `(the full roll-up: ${fullRollupRows}), ${monthlyRows} AudienceMonthly rows, ` +
        `${rawRows} raw and ${dailyRows} DownloadDaily rows; real roll-up of ${rawDay} again (its month recomputed): ${rollupMs.toFixed(0)} ms, ${rolledRows} rows, ` +
        `identical to the synthesised ones (AudienceDaily and AudienceMonthly)\n`,
    );

    // ── Reports over the year in three states: (A) at 00:03, yesterday not rolled up yet and
    // today's first minutes ingested; (B) at 23:00, yesterday rolled up by the real job a few
    // minutes after midnight and today's events all ingested, through Sada's ingestion; (C) no
    // goal: the same data with yesterday not rolled up (no job has run since yesterday, e.g. no
    // worker). The days up to yesterday must answer the same in every state, the year the same in
    // B and C. The baselines (30 days, see above) are measured once. ──
    const results: BenchResult[] = [];
    const yesterday = addDays(LAST_DAY, -1);
    const year = { from: FIRST_DAY, to: LAST_DAY, format: "json" as const };
    const baselineRange = { from: addDays(FIRST_DAY, DAYS - OPEN_DAYS - BASELINE_DAYS), to: addDays(FIRST_DAY, DAYS - OPEN_DAYS - 1) };
    const naive = new ReportsService(new UnrolledReportsRepository(ctx.db), clock);
    const baselines = new Map<string, number>();
    const baselineOf = async (kind: "downloads" | "listeners", groupBy: GroupBy) => {
      const id = `${kind} ${groupBy}`;
      if (!baselines.has(id)) {
        if (kind === "downloads") {
          baselines.set(id, quantile(await timed(2, () => repository.downloadsBy({}, [[baselineRange.from, baselineRange.to]], COLUMN[groupBy])), 0.5));
        } else {
          const query = { ...baselineRange, format: "json" as const, groupBy };
          // The naive answer must be the roll-up's (its 30 days are synthesised from the same events).
          if (JSON.stringify(await naive.listeners(query)) !== JSON.stringify(await ctx.reports.listeners(query))) {
            throw new Error(`listeners groupBy=${groupBy}: the roll-up and the raw rows disagree over ${baselineRange.from}…${baselineRange.to}`);
          }
          baselines.set(id, quantile(await timed(2, () => naive.listeners(query)), 0.5));
        }
      }
      return baselines.get(id)!;
    };
    const answers = new Map<string, string>();
    const same = (id: string, answer: string, what: string) => {
      if ((answers.get(id) ?? answer) !== answer) throw new Error(`${id}: ${what}`);
      answers.set(id, answer);
    };
    const measure = async (state: string, options: { goal: boolean; sameYearAs?: string }) => {
      for (const kind of ["downloads", "listeners"] as const) {
        for (const groupBy of GROUP_BY) {
          const reportOf = (range: { from: string; to: string }) => () =>
            kind === "downloads" ? ctx.reports.downloads({ ...year, ...range, groupBy }) : ctx.reports.listeners({ ...year, ...range, groupBy });
          const report = reportOf(year);
          same(`${kind} ${groupBy} up to yesterday`, JSON.stringify(await reportOf({ from: FIRST_DAY, to: yesterday })()), `changed in state ${state}`);
          const answer = JSON.stringify(await report());
          if (options.sameYearAs) same(`${kind} ${groupBy} ${options.sameYearAs}`, answer, `state ${state} differs from ${options.sameYearAs}`);
          else answers.set(`${kind} ${groupBy} ${state}`, answer);
          const times = await timed(RUNS, report);
          const median = quantile(times, 0.5);
          const baseline = await baselineOf(kind, groupBy);
          results.push({
            name: `${kind} groupBy=${groupBy}, 1 year, all shows, ${state} (median ms)`,
            baseline,
            ours: median,
            unit: "ms",
            ratio: baseline / median,
            ...(options.goal ? { goal: "median < 100 ms" } : {}),
            notes:
              `p95 ${quantile(times, 0.95).toFixed(1)} ms; baseline over 30 days only: ` +
              (kind === "downloads" ? "DownloadDaily" : `COUNT(DISTINCT "listenerHash") over the raw Download rows`),
          });
        }
      }
    };
    const tracking = new TrackingRepository(ctx.db);
    ctx.onClose(() => tracking.close());
    const ingest = async (rows: DownloadRow[]) => {
      for (let i = 0; i < rows.length; i += INSERT_BATCH) await tracking.insertDownloads(rows.slice(i, i + INSERT_BATCH));
    };
    const midnight = Date.parse(`${LAST_DAY}T00:00:00Z`);
    const firstMinutes = midnight + 3 * 60_000;
    todayEvents.sort((a, b) => a.at.getTime() - b.at.getTime());
    const early = todayEvents.filter((e) => e.at.getTime() < firstMinutes);

    const stateA = "yesterday open (00:03, before its roll-up)";
    clock.set(new Date(firstMinutes));
    await ingest(early);
    await measure(stateA, { goal: true });

    // The real job, when it runs after midnight: it rolls up yesterday (and finds no rolled-up day
    // whose downloads changed since).
    clock.set(new Date(midnight + rollupGraceMs(config.analytics.flushMs)));
    const yesterdayRollupStarted = performance.now();
    const { rolledDays } = await ctx.analyticsRollup.run();
    if (rolledDays.join() !== yesterday) throw new Error(`the roll-up job rolled up ${rolledDays.join(", ") || "nothing"}, not yesterday alone`);
    process.stdout.write(`  real roll-up job at ${clock.now().toISOString().slice(11, 19)} rolling up yesterday (added to its month): ${(performance.now() - yesterdayRollupStarted).toFixed(0)} ms\n`);
    // Adding yesterday to its month must give what recomputing the month gives.
    const addedMonth = JSON.stringify(monthlyOf(yesterday.slice(0, 7), false));
    const rerollStarted = performance.now();
    await repository.rollUpDay(yesterday, clock.now());
    const rerollMs = performance.now() - rerollStarted;
    if (JSON.stringify(monthlyOf(yesterday.slice(0, 7), false)) !== addedMonth) throw new Error(`AudienceMonthly ${yesterday.slice(0, 7)}: adding ${yesterday} differs from recomputing the month`);
    process.stdout.write(`  yesterday rolled up again (its month recomputed, identical to the addition): ${rerollMs.toFixed(0)} ms\n`);

    const stateB = "only today open (23:00)";
    await ingest(todayEvents.slice(early.length));
    process.stdout.write(`  today: ${early.length} downloads ingested by 00:03, ${todayEvents.length} by 23:00\n`);
    clock.set(new Date(`${LAST_DAY}T23:00:00Z`));
    await measure(stateB, { goal: true });

    await ctx.db.prisma.analyticsRollup.delete({ where: { day: yesterday } });
    await measure("yesterday and today open (23:00, no roll-up job since yesterday)", { goal: false, sameYearAs: stateB });
    await ctx.db.prisma.analyticsRollup.create({ data: { day: yesterday, rolledAt: clock.now() } });

    const showYear = await timed(RUNS, () => ctx.reports.downloads({ ...year, showId: showIds[0], groupBy: "episode" }));
    results.push({ name: "downloads groupBy=episode, 1 year, one show (median ms)", baseline: quantile(showYear, 0.5), ours: quantile(showYear, 0.5), unit: "ms", ratio: 1, goal: "median < 100 ms", notes: `p95 ${quantile(showYear, 0.95).toFixed(1)} ms` });

    const http = supertest(createApp(ctx));
    const user = await ctx.accounts.createUser({ email: "analyst@example.org", name: "A", role: "analyst", password: "correct horse battery staple" });
    const { token } = await ctx.accounts.createToken(user.id, { name: "bench" });
    for (const groupBy of ["day", "country"] as const) {
      const viaHttp = await timed(RUNS, () => http.get(`/api/v1/analytics/downloads?from=${year.from}&to=${year.to}&groupBy=${groupBy}`).set("Authorization", `Bearer ${token}`).expect(200));
      const median = quantile(viaHttp, 0.5);
      results.push({ name: `downloads groupBy=${groupBy}, 1 year, through HTTP (median ms)`, baseline: median, ours: median, unit: "ms", ratio: 1, goal: "median < 100 ms", notes: `p95 ${quantile(viaHttp, 0.95).toFixed(1)} ms` });
    }
    return results;
  } finally {
    await ctx.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
