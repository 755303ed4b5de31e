import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import supertest from "supertest";
import { createLogger } from "../../server/adapters/logger.ts";
import { createApp } from "../../server/app.ts";
import { createContext } from "../../server/context.ts";
import { EventBuffer } from "../../server/analytics/event-buffer.ts";
import { TrackingRepository, type DownloadRow } from "../../server/analytics/tracking.repository.ts";
import { PrismaSaltRepository } from "../../server/analytics/salt.repository.ts";
import { APPLE_PODCASTS, createMediaEnv, type MediaEnv } from "./media-fixture.ts";

// Ingestion: the bounded buffer between requests and the database, the batched writes (unique key
// as the dedupe, DownloadDaily summing only what was new), and a clean stop that loses nothing.

const silent = createLogger("silent");

describe("event buffer", () => {
  it("writes in batches, one flush at a time, and waits for the running one", async () => {
    const batches: number[][] = [];
    let release!: () => void;
    let gate = new Promise<void>((resolve) => (release = resolve));
    const buffer = new EventBuffer<number>({
      name: "test",
      maxEvents: 1000,
      flushMs: 60_000,
      batchSize: 3,
      logger: silent,
      write: async (batch) => {
        await gate;
        batches.push(batch);
      },
    });
    for (let i = 0; i < 7; i++) buffer.push(i);
    const first = buffer.flush();
    buffer.push(7);
    const second = buffer.flush(); // must not overtake the first
    release();
    await Promise.all([first, second]);
    expect(batches).toEqual([[0, 1, 2], [3, 4, 5], [6], [7]]);
    expect(buffer.written).toBe(8);
    gate = Promise.resolve();
    await buffer.close();
  });

  it("is bounded: new events past twice maxEvents are dropped and counted, with a warning", async () => {
    const warnings: unknown[] = [];
    const logger = Object.assign(Object.create(silent), { warn: (...args: unknown[]) => warnings.push(args) }) as typeof silent;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let fail = true;
    const written: number[] = [];
    const buffer = new EventBuffer<number>({
      name: "test",
      maxEvents: 10,
      flushMs: 60_000,
      batchSize: 100,
      logger,
      write: async (batch) => {
        await gate;
        if (fail) throw new Error("database down");
        written.push(...batch);
      },
    });
    // The 10th event starts a flush, which hangs (database slow); 20 more wait, 5 are refused.
    const accepted = Array.from({ length: 35 }, (_, i) => buffer.push(i));
    expect(accepted.filter((ok) => !ok)).toHaveLength(5);
    expect(buffer.size).toBe(20);
    expect(buffer.dropped).toBe(5);
    expect(warnings).toHaveLength(1); // one warning per burst, not per event
    // The hung write fails: its events would go back in front, but the buffer is full — they are lost, counted.
    release();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(buffer.dropped).toBe(15);
    fail = false;
    await buffer.close();
    expect(written).toEqual(Array.from({ length: 20 }, (_, i) => i + 10));
    expect(buffer.push(99)).toBe(false); // closed
  });
});

describe("download ingestion", () => {
  let m: MediaEnv;
  beforeAll(async () => {
    m = await createMediaEnv();
  });
  afterAll(() => m?.env.close());

  const row = (listener: string, o: Partial<DownloadRow> = {}): DownloadRow => ({
    day: "2026-04-01",
    variantId: m.live.id,
    episodeId: m.live.episodeId,
    showId: m.show.id,
    locale: "ar",
    listenerHash: listener,
    at: new Date("2026-04-01T12:00:00.123Z"),
    country: "TN",
    app: "Apple Podcasts",
    device: "phone",
    os: "iOS",
    campaignId: "",
    referrer: "",
    ...o,
  });

  /** Removes a day's downloads written by a test, so that later tests count only their own. */
  const forgetDay = async (day: string) => {
    await m.env.ctx.db.prisma.download.deleteMany({ where: { day } });
    await m.env.ctx.db.prisma.downloadDaily.deleteMany({ where: { day } });
  };

  it("stores new downloads only and sums exactly those into DownloadDaily, in large batches too", async () => {
    const repository = new TrackingRepository(m.env.ctx.db);
    onTestFinished(() => repository.close());
    const apps = ["Apple Podcasts", "Spotify", "Overcast"];
    // 2,600 listeners (more than a statement's rows), each twice in the batch, three apps.
    const batch = Array.from({ length: 5200 }, (_, i) => row(`hash-${i % 2600}`, { app: apps[(i % 2600) % 3]! }));
    expect(await repository.insertDownloads(batch)).toBe(2600);
    // Again, with 100 new listeners among known ones: only the new ones count.
    const again = Array.from({ length: 2700 }, (_, i) => row(`hash-${i}`, { app: apps[i % 3]! }));
    expect(await repository.insertDownloads(again)).toBe(100);

    const daily = await m.env.ctx.db.prisma.downloadDaily.findMany({ where: { day: "2026-04-01" }, orderBy: { app: "asc" } });
    expect(daily.map((d) => [d.app, d.downloads])).toEqual([
      ["Apple Podcasts", 900],
      ["Overcast", 900],
      ["Spotify", 900],
    ]);
    expect(await m.env.ctx.db.prisma.download.count({ where: { day: "2026-04-01" } })).toBe(2700);
    const stored = await m.env.ctx.db.prisma.download.findFirst({ where: { listenerHash: "hash-1" } });
    expect(stored!.at.toISOString()).toBe("2026-04-01T12:00:00.123Z");
  });

  it("SQLite: writes batches in a worker thread, so the event loop keeps running meanwhile, beside other writers", async ({ skip }) => {
    if (m.env.ctx.db.provider !== "sqlite") skip();
    const repository = new TrackingRepository(m.env.ctx.db);
    try {
      const batch = Array.from({ length: 20_000 }, (_, i) => row(`thread-${i}`, { day: "2026-04-02" }));
      let turns = 0;
      let writing = true;
      const spin = () => {
        turns++;
        if (writing) setImmediate(spin);
      };
      setImmediate(spin);
      // Other connections write at the same time (Prisma's, as the admin API does): they take turns.
      const written = repository.insertDownloads(batch).finally(() => (writing = false));
      const salts = new PrismaSaltRepository(m.env.ctx.db.prisma);
      for (let i = 0; i < 20; i++) await salts.insertIfAbsent({ day: `2019-01-${String(i + 1).padStart(2, "0")}`, secret: `s${i}`, createdAt: new Date("2019-01-01T00:00:00Z") });
      expect(await written).toBe(20_000);
      // Written on the event loop, the whole batch would run before any other turn of it.
      expect(turns).toBeGreaterThan(1);
      expect(await m.env.ctx.db.prisma.download.count({ where: { day: "2026-04-02" } })).toBe(20_000);
      expect(await salts.deleteCreatedBefore(new Date("2019-01-02T00:00:00Z"))).toBe(20);
    } finally {
      await repository.close();
      await forgetDay("2026-04-02");
    }
  });

  it("SQLite: the compiled build (npm start runs dist/) writes through its writer thread too", async ({ skip }) => {
    const raw = m.env.ctx.db.raw;
    if (raw.provider !== "sqlite") return skip();
    const dist = path.resolve(import.meta.dirname, "../../dist/server");
    const script = path.join(mkdtempSync(path.join(os.tmpdir(), "sada-compiled-")), "write.mjs");
    writeFileSync(
      script,
      `const { createDatabase } = await import(${JSON.stringify(pathToFileURL(path.join(dist, "adapters/database.js")).href)});
      const { TrackingRepository } = await import(${JSON.stringify(pathToFileURL(path.join(dist, "analytics/tracking.repository.js")).href)});
      const db = await createDatabase({ provider: "sqlite", url: process.argv[2] });
      const repository = new TrackingRepository(db);
      const rows = JSON.parse(process.argv[3]).map((row) => ({ ...row, at: new Date(row.at) }));
      console.log(await repository.insertDownloads(rows));
      await repository.close();
      await db.close();`,
    );
    try {
      const rows = [row("compiled-1", { day: "2026-04-03" }), row("compiled-2", { day: "2026-04-03" }), row("compiled-1", { day: "2026-04-03" })];
      const output = execFileSync(process.execPath, [script, `file:${raw.sqlite.name}`, JSON.stringify(rows)], { encoding: "utf8", timeout: 30_000 });
      expect(output.trim()).toBe("2");
      expect(await m.env.ctx.db.prisma.download.count({ where: { day: "2026-04-03" } })).toBe(2);
    } finally {
      rmSync(path.dirname(script), { recursive: true, force: true });
      await forgetDay("2026-04-03");
    }
  });

  it("keeps the first day salt stored (never overwritten) and deletes salts by age", async () => {
    const salts = new PrismaSaltRepository(m.env.ctx.db.prisma);
    await salts.insertIfAbsent({ day: "2020-02-02", secret: "first", createdAt: new Date("2020-02-02T00:00:00Z") });
    await salts.insertIfAbsent({ day: "2020-02-02", secret: "second", createdAt: new Date("2020-02-02T00:00:01Z") });
    expect((await salts.findByDay("2020-02-02"))?.secret).toBe("first");
    expect(await salts.deleteCreatedBefore(new Date("2020-02-03T00:00:00Z"))).toBe(1);
    expect(await salts.findByDay("2020-02-02")).toBeNull();
  });

  it("writes what is buffered when the app stops cleanly", async () => {
    const other = await createContext({ ...m.env.config, analytics: { ...m.env.config.analytics, flushMs: 3_600_000 } }, { logger: silent });
    const app = supertest(createApp(other));
    const ips = Array.from({ length: 20 }, (_, i) => `192.0.2.${i + 1}`);
    for (const ip of ips) {
      const res = await app.get(m.url).set("X-Forwarded-For", ip).set("User-Agent", APPLE_PODCASTS).buffer(true);
      expect([200, 302]).toContain(res.status);
    }
    expect(other.tracking.stats.buffered).toBe(20);
    expect(await m.env.ctx.db.prisma.download.count({ where: { day: { not: "2026-04-01" } } })).toBe(0);
    await other.close(); // no flush() called: the shutdown hook writes them
    expect(await m.env.ctx.db.prisma.download.count({ where: { day: { not: "2026-04-01" } } })).toBe(20);
  });

  it("flushes on its own within the configured interval", async () => {
    const other = await createContext({ ...m.env.config, analytics: { ...m.env.config.analytics, flushMs: 50 } }, { logger: silent });
    try {
      await supertest(createApp(other)).get(m.url).set("X-Forwarded-For", "192.0.2.200").set("User-Agent", `${APPLE_PODCASTS} ${randomUUID()}`).buffer(true);
      const deadline = Date.now() + 5000;
      while (other.tracking.stats.written < 1 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(other.tracking.stats.written).toBe(1);
    } finally {
      await other.close();
    }
  });
});
