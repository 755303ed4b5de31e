// Ingestion: sustained downloads/s written to SQLite through Sada's path — the bounded in-memory
// buffer, flushed in transactions of 5,000 (INSERT … ON CONFLICT DO NOTHING into Download, the
// inserted rows summed and upserted into DownloadDaily) — against raw better-sqlite3
// prepared single-row inserts in one transaction into the same Download table (no dedupe check
// of the result, no daily sums): the least any writer must do. Both write to a fresh database.
// Run alone: `npm run bench -- analytics-ingest` (BENCH_INGEST_EVENTS to change the volume).
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { applyMigrations } from "../prisma/migration-engine.ts";
import { createDatabase, type Database } from "../server/adapters/database.ts";
import { createLogger } from "../server/adapters/logger.ts";
import { EventBuffer } from "../server/analytics/event-buffer.ts";
import { TrackingRepository, type DownloadRow } from "../server/analytics/tracking.repository.ts";
import { INSERT_BATCH } from "../server/analytics/tracking.service.ts";
import { loadConfig } from "../server/config.ts";
import type { BenchResult } from "./types.ts";

const EVENTS = Number(process.env.BENCH_INGEST_EVENTS ?? 300_000);
/** Events arrive in slices, each followed by a flush, as the 2-second timer would do under load. */
const SLICE = 25_000;
const APPS = ["Apple Podcasts", "Spotify", "Overcast", "Pocket Casts", "Castbox", "Podcast Addict", "AntennaPod", "Sada web player"];
const COUNTRIES = ["TN", "MA", "DZ", "FR", "EG", "LB", "US", "ZZ"];
const DEVICES = ["phone", "computer", "smart_speaker", "tablet"];

function events(count: number): DownloadRow[] {
  const variants = Array.from({ length: 40 }, () => randomBytes(16).toString("hex"));
  const at = new Date("2026-05-01T12:00:00Z");
  return Array.from({ length: count }, (_, i) => ({
    day: "2026-05-01",
    variantId: variants[i % variants.length]!,
    episodeId: `episode-${i % 20}`,
    showId: "show-1",
    locale: ["ar", "fr"][i % 2]!,
    listenerHash: randomBytes(16).toString("base64url"),
    at,
    country: COUNTRIES[i % 7]!,
    app: APPS[i % APPS.length]!,
    device: DEVICES[i % 3]!,
    os: "iOS",
    campaignId: i % 10 === 0 ? "campaign-1" : "",
    referrer: "",
  }));
}

async function freshDatabase(dir: string, name: string): Promise<Database> {
  const config = loadConfig({ DATA_DIR: path.join(dir, name), LOG_LEVEL: "silent" });
  await applyMigrations(config.database);
  return createDatabase(config.database);
}

export async function run(): Promise<BenchResult[]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "sada-bench-ingest-"));
  const rows = events(EVENTS);
  const baselineDb = await freshDatabase(dir, "baseline");
  const oursDb = await freshDatabase(dir, "ours");
  try {
    // Baseline: one prepared single-row INSERT, one transaction for everything.
    if (baselineDb.raw.provider !== "sqlite") throw new Error("SQLite expected");
    const sqlite = baselineDb.raw.sqlite;
    const insert = sqlite.prepare(
      `INSERT INTO "Download" ("day","variantId","episodeId","showId","locale","listenerHash","at","country","app","device","os","campaignId","referrer") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)`,
    );
    const insertAll = sqlite.transaction((batch: DownloadRow[]) => {
      for (const r of batch) insert.run(r.day, r.variantId, r.episodeId, r.showId, r.locale, r.listenerHash, r.at.toISOString(), r.country, r.app, r.device, r.os, r.campaignId, r.referrer);
    });
    let started = performance.now();
    insertAll(rows);
    const baselineSeconds = (performance.now() - started) / 1000;

    // Sada: push into the buffer, flush every slice.
    const repository = new TrackingRepository(oursDb);
    const buffer = new EventBuffer<DownloadRow>({
      name: "bench",
      write: async (batch) => void (await repository.insertDownloads(batch)),
      maxEvents: SLICE * 2,
      flushMs: 3_600_000,
      batchSize: INSERT_BATCH,
      logger: createLogger("silent"),
    });
    started = performance.now();
    for (let i = 0; i < rows.length; i += SLICE) {
      for (const row of rows.slice(i, i + SLICE)) buffer.push(row);
      await buffer.flush();
    }
    await buffer.close();
    await repository.close();
    const oursSeconds = (performance.now() - started) / 1000;

    const stored = await oursDb.prisma.download.count();
    const summed = (await oursDb.prisma.downloadDaily.aggregate({ _sum: { downloads: true } }))._sum.downloads;
    if (stored !== EVENTS || summed !== EVENTS || buffer.dropped > 0) throw new Error(`expected ${EVENTS} stored and summed, got ${stored} / ${summed}, ${buffer.dropped} dropped`);

    const baseline = EVENTS / baselineSeconds;
    const ours = EVENTS / oursSeconds;
    return [
      {
        name: `download ingestion into SQLite, ${EVENTS.toLocaleString("en")} events: buffer + batched dedupe + daily sums vs raw prepared inserts`,
        baseline,
        ours,
        unit: "events/s",
        ratio: ours / baseline,
        goal: "≥ 0.25 (aim ≥ 100,000 events/s)",
        notes: `baseline: better-sqlite3 single-row prepared INSERT in one transaction, same table and indexes; Sada: ${SLICE.toLocaleString("en")}-event slices, transactions of ${INSERT_BATCH.toLocaleString("en")}, checked: ${stored} rows, DownloadDaily sums ${summed}`,
      },
    ];
  } finally {
    await baselineDb.close();
    await oursDb.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
