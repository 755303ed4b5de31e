// Reports over a year of 10 million counted downloads (SQLite): each groupBy of
// GET /api/v1/analytics/downloads over one year through the service (and groupBy=day through HTTP),
// against the same question asked of the raw Download table (what reports would cost without
// roll-ups). Listeners are measured over the rolled-up days only (the real roll-up takes about a
// second per day of this size, so rolling a whole year up would make the run too long).
// Seeding: 3 shows × 150 episodes × 3 languages, 40 apps, 8 device types, 200 countries, 30
// campaigns, Zipf-distributed, episodes decaying after publication; raw rows written with
// better-sqlite3 (indexes built afterwards), DownloadDaily by one GROUP BY, ListenerDaily by the
// real roll-up. Run alone: `npx tsx bench/analytics-reports.ts` (BENCH_ANALYTICS_EVENTS, BENCH_ANALYTICS_ROLLUP_DAYS).
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import supertest from "supertest";
import { applyMigrations } from "../prisma/migration-engine.ts";
import { ManualClock } from "../server/adapters/clock.ts";
import { createLogger } from "../server/adapters/logger.ts";
import { addDays } from "../server/analytics/analytics.schema.ts";
import { ReportsRepository } from "../server/analytics/reports.repository.ts";
import { createApp } from "../server/app.ts";
import { loadConfig } from "../server/config.ts";
import { createContext } from "../server/context.ts";
import type { BenchResult } from "./types.ts";

const EVENTS = Number(process.env.BENCH_ANALYTICS_EVENTS ?? 10_000_000);
const ROLLUP_DAYS = Number(process.env.BENCH_ANALYTICS_ROLLUP_DAYS ?? 14);
const RUNS = 5;
const DAYS = 365;
const FIRST_DAY = "2025-12-01";
const LAST_DAY = addDays(FIRST_DAY, DAYS - 1);
const GROUPS = ["day", "week", "month", "episode", "locale", "app", "device", "os", "country", "campaign"] as const;
const RAW_COLUMN: Record<string, string> = { day: "day", week: "day", month: "day", episode: "episodeId", locale: "locale", app: "app", device: "device", os: "os", country: "country", campaign: "campaignId" };

const quantile = (values: number[], q: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * q))];

async function timed(runs: number, fn: () => Promise<unknown>): Promise<number[]> {
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
    return () => {
      const r = rnd();
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
  const clock = new ManualClock(new Date(`${addDays(LAST_DAY, 1)}T12:00:00Z`));
  const ctx = await createContext(config, { logger: createLogger("silent"), clock });
  try {
    if (ctx.db.raw.provider !== "sqlite") throw new Error("SQLite only");
    const sqlite = ctx.db.raw.sqlite;
    const { rnd, zipf } = generator();
    const seedStarted = performance.now();

    // Catalogue: 3 shows × 150 episodes × ar/fr/en, one episode a week (more often for bigger shows).
    const locales = ["ar", "fr", "en"] as const;
    type V = { id: string; ep: string; show: string; locale: string; pub: number; w: number };
    const variants: V[] = [];
    const shows = [];
    for (let sh = 0; sh < 3; sh++) {
      const show = await ctx.db.prisma.show.create({ data: { slug: `show-${sh}`, locales: "ar,fr,en", defaultLocale: "ar", category: "News", ownerName: "Sada", ownerEmail: "p@example.org", podcastGuid: `bench-guid-${sh}` } });
      shows.push(show);
      for (let e = 0; e < 150; e++) {
        const pub = Math.round(DAYS - ((150 - e) * 7 * 1.2) / (sh + 1));
        const episode = await ctx.db.prisma.episode.create({ data: { showId: show.id, slug: `e-${e}` } });
        for (let l = 0; l < 3; l++) {
          const variant = await ctx.db.prisma.episodeVariant.create({
            data: { episodeId: episode.id, locale: locales[l], guid: `${show.id}-${e}-${l}`, title: `E${e}`, status: "published", publishedAt: new Date(Date.parse(`${addDays(FIRST_DAY, pub)}T06:00:00Z`)) },
          });
          variants.push({ id: variant.id, ep: episode.id, show: show.id, locale: locales[l], pub, w: [0.5, 0.3, 0.2][sh] * [0.5, 0.3, 0.2][l] });
        }
      }
    }
    const campaigns: string[] = [];
    for (let c = 0; c < 30; c++) campaigns.push((await ctx.db.prisma.campaign.create({ data: { code: `c${c}`, name: `Campaign ${c}`, target: "feed", showId: shows[c % 3].id, locale: "ar" } })).id);

    // Raw downloads: a listener pool with fixed app/device/OS/country/campaign; each variant's daily
    // downloads decay after publication; distinct listeners per variant and day (the unique key).
    const decay = (t: number) => (t < 0 ? 0 : 1 / (1 + t) ** 1.1 + 0.01);
    let totalWeight = 0;
    for (let d = 0; d < DAYS; d++) for (const v of variants) totalWeight += v.w * decay(d - v.pub);
    const scale = EVENTS / totalWeight;
    const POOL = 40_000;
    const apps = zipf(40, 1.2);
    const countries = zipf(200, 1.3);
    const campaignOf = zipf(30, 1);
    const devices = ["phone", "tablet", "computer", "smart_speaker", "watch", "tv", "car", "other"];
    const oses = ["iOS", "Android", "Windows", "macOS", "Linux", "watchOS", "tvOS", "other"];
    const countryCodes = Array.from({ length: 200 }, (_, i) => String.fromCharCode(65 + Math.floor(i / 26), 65 + (i % 26)));
    const pool = Array.from({ length: POOL }, () => {
      const r = rnd();
      const device = r < 0.8 ? 0 : r < 0.9 ? 1 : r < 0.95 ? 2 : 3 + Math.floor(rnd() * 5);
      return { app: `App ${apps()}`, device: devices[device], os: oses[device === 0 ? (rnd() < 0.6 ? 0 : 1) : Math.floor(rnd() * 8)], country: countryCodes[countries()], campaign: rnd() < 0.1 ? campaigns[campaignOf()] : "" };
    });
    sqlite.exec(`DROP INDEX "Download_day_idx"; DROP INDEX "Download_showId_day_idx"; DROP INDEX "Download_variantId_day_listenerHash_key";`);
    const insert = sqlite.prepare(
      `INSERT INTO "Download" ("day", "variantId", "episodeId", "showId", "locale", "listenerHash", "at", "country", "app", "device", "os", "campaignId", "referrer") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,'')`,
    );
    let events = 0;
    for (let d = 0; d < DAYS; d++) {
      const day = addDays(FIRST_DAY, d);
      const dayStart = Date.parse(`${day}T00:00:00Z`);
      sqlite.transaction(() => {
        for (const v of variants) {
          const k = Math.min(POOL, Math.floor(v.w * decay(d - v.pub) * scale + rnd()));
          let id = Math.floor(rnd() * POOL);
          for (let j = 0; j < k; j++) {
            id = (id + 7919) % POOL; // a stride prime to the pool: k distinct listeners
            const p = pool[id];
            insert.run(day, v.id, v.ep, v.show, v.locale, `${d}-${id}`.padStart(22, "A"), dayStart + Math.floor(rnd() * 86_400_000), p.country, p.app, p.device, p.os, p.campaign);
            events++;
          }
        }
      })();
    }
    sqlite.exec(
      `CREATE UNIQUE INDEX "Download_variantId_day_listenerHash_key" ON "Download"("variantId", "day", "listenerHash");
       CREATE INDEX "Download_day_idx" ON "Download"("day"); CREATE INDEX "Download_showId_day_idx" ON "Download"("showId", "day");
       INSERT INTO "DownloadDaily" ("day", "variantId", "episodeId", "showId", "locale", "app", "device", "os", "country", "campaignId", "downloads")
         SELECT "day", "variantId", "episodeId", "showId", "locale", "app", "device", "os", "country", "campaignId", COUNT(*) FROM "Download"
         GROUP BY "day", "variantId", "app", "device", "os", "country", "campaignId";`,
    );
    const seedSeconds = (performance.now() - seedStarted) / 1000;
    const dailyRows = (sqlite.prepare(`SELECT COUNT(*) AS n FROM "DownloadDaily"`).get() as { n: number }).n;

    // The real roll-up for the last ROLLUP_DAYS days (listeners), timed per day.
    const repository = new ReportsRepository(ctx.db);
    const rollupStarted = performance.now();
    for (let d = DAYS - ROLLUP_DAYS; d < DAYS; d++) await repository.rollUpDay(addDays(FIRST_DAY, d), clock.now());
    const rollupPerDayMs = (performance.now() - rollupStarted) / ROLLUP_DAYS;
    const listenerRows = (sqlite.prepare(`SELECT COUNT(*) AS n FROM "ListenerDaily"`).get() as { n: number }).n;
    sqlite.exec("ANALYZE");

    const results: BenchResult[] = [];
    const year = { from: FIRST_DAY, to: LAST_DAY };
    const showId = shows[0].id;
    process.stdout.write(`  seeded ${events} downloads in ${seedSeconds.toFixed(0)} s: ${dailyRows} DownloadDaily rows; roll-up ${rollupPerDayMs.toFixed(0)} ms/day, ${listenerRows} ListenerDaily rows for ${ROLLUP_DAYS} days\n`);
    for (const groupBy of GROUPS) {
      const ours = await timed(RUNS, () => ctx.reports.downloads({ ...year, showId, groupBy, format: "json" }));
      const baseline = await timed(1, () => repository.rawDownloadsBy({ showId }, year.from, year.to, RAW_COLUMN[groupBy] as never));
      const median = quantile(ours, 0.5);
      results.push({
        name: `downloads groupBy=${groupBy}, 1 year, one show (median ms)`,
        baseline: baseline[0],
        ours: median,
        unit: "ms",
        ratio: baseline[0] / median,
        goal: "median < 100 ms",
        notes: `p95 ${quantile(ours, 0.95).toFixed(0)} ms; baseline = COUNT(*) over raw Download`,
      });
    }
    const http = supertest(createApp(ctx));
    const user = await ctx.accounts.createUser({ email: "analyst@example.org", name: "A", role: "analyst", password: "correct horse battery staple" });
    const { token } = await ctx.accounts.createToken(user.id, { name: "bench" });
    const viaHttp = await timed(RUNS, () => http.get(`/api/v1/analytics/downloads?from=${year.from}&to=${year.to}&showId=${showId}&groupBy=day`).set("Authorization", `Bearer ${token}`).expect(200));
    results.push({ name: "downloads groupBy=day, 1 year, through HTTP (median ms)", baseline: quantile(viaHttp, 0.5), ours: quantile(viaHttp, 0.5), unit: "ms", ratio: 1, goal: "median < 100 ms", notes: `p95 ${quantile(viaHttp, 0.95).toFixed(0)} ms` });
    const rolled = { from: addDays(LAST_DAY, -(ROLLUP_DAYS - 1)), to: LAST_DAY };
    for (const groupBy of ["day", "episode", "country"] as const) {
      const ours = await timed(RUNS, () => ctx.reports.listeners({ ...rolled, showId, groupBy, format: "json" }));
      const baseline = await timed(1, () => repository.rawListeners({ showId }, groupBy === "day" ? null : RAW_COLUMN[groupBy] as never, rolled.from, addDays(rolled.from, -1)).then(() => sqlite.prepare(`SELECT "day", COUNT(DISTINCT "listenerHash") FROM "Download" WHERE "showId" = ? AND "day" BETWEEN ? AND ? GROUP BY "day"${groupBy === "day" ? "" : `, "${RAW_COLUMN[groupBy]}"`}`).all(showId, rolled.from, rolled.to)));
      results.push({ name: `listeners groupBy=${groupBy}, ${ROLLUP_DAYS} rolled-up days (median ms)`, baseline: baseline[0], ours: quantile(ours, 0.5), unit: "ms", ratio: baseline[0] / quantile(ours, 0.5), notes: `p95 ${quantile(ours, 0.95).toFixed(0)} ms; baseline = COUNT(DISTINCT) over raw Download` });
    }
    return results;
  } finally {
    await ctx.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const r of await run()) console.log(`${r.name}: baseline ${r.baseline.toFixed(1)}, Sada ${r.ours.toFixed(1)} ${r.unit}${r.notes ? ` — ${r.notes}` : ""}`);
  process.exit(0);
}
