// Tracked delivery: `/media/…` answering 302 (to a CDN in front of the storage) with recording on —
// counting rules, listener hash, country, user-agent classification, buffer, batched writes to
// SQLite every 2 s — against a bare Express route answering the same 302 without recording.
// Every request comes from another client address (X-Forwarded-For), so each one is a new
// listener and a new download written to the database: the heaviest case for recording.
// The media router is compared on the same bare Express app as the baseline (goal: ratio ≥ 0.7);
// the whole Sada app, with the middleware every route pays, is reported beside it.
// The server code is the compiled one (dist/), as `npm start` runs it.
// Run alone: `npm run bench -- analytics-delivery` (BENCH_MEDIA_SECONDS to change the length).
import { mkdtempSync, rmSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import express from "express";
import { applyMigrations } from "../prisma/migration-engine.ts";
import { mediaPath } from "../server/http/public-urls.ts";
import { seedEpisode, seedShow } from "../test/feeds/seed.ts";
import { compiled } from "./_compiled.ts";
import { measureThroughput, type LoadResult } from "./_load.ts";
import type { BenchResult } from "./types.ts";

const SECONDS = Number(process.env.BENCH_MEDIA_SECONDS ?? 3);
const ROUNDS = Number(process.env.BENCH_MEDIA_ROUNDS ?? 5);
const CONNECTIONS = 10;
const USER_AGENT = "Podcasts/1650.20 CFNetwork/1408.0.4 Darwin/22.5.0";

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

function listen(app: express.Express): Promise<Server> {
  return new Promise((resolve) => {
    const server = app.listen(0, "127.0.0.1", () => resolve(server));
  });
}

const urlOf = (server: Server, pathname: string) => `http://127.0.0.1:${(server.address() as AddressInfo).port}${pathname}`;

type Contender = "bare" | "tracked" | "app";

export async function run(): Promise<BenchResult[]> {
  // The server code as `npm start` runs it (compiled dist/).
  const { createLogger } = await compiled<typeof import("../server/adapters/logger.ts")>("server/adapters/logger.ts");
  const { createApp } = await compiled<typeof import("../server/app.ts")>("server/app.ts");
  const { mediaRoutes } = await compiled<typeof import("../server/analytics/media.routes.ts")>("server/analytics/media.routes.ts");
  const { loadConfig } = await compiled<typeof import("../server/config.ts")>("server/config.ts");
  const { createContext } = await compiled<typeof import("../server/context.ts")>("server/context.ts");
  const { errorHandler } = await compiled<typeof import("../server/http/error-handler.ts")>("server/http/error-handler.ts");
  const dir = mkdtempSync(path.join(os.tmpdir(), "sada-bench-media-"));
  const config = loadConfig({
    NODE_ENV: "production",
    DATA_DIR: dir,
    LOG_LEVEL: "silent",
    PUBLIC_BASE_URL: "https://podcasts.example.org",
    MEDIA_PUBLIC_BASE_URL: "https://cdn.example.org",
    TRUST_PROXY: "true",
    WORKER_ENABLED: "false",
  });
  await applyMigrations(config.database);
  const ctx = await createContext(config, { logger: createLogger("silent") });
  const servers: Server[] = [];
  try {
    const show = await seedShow(ctx, { slug: "bench", locales: ["ar"], artwork: false });
    const { variants } = await seedEpisode(ctx, show, { variants: [{ locale: "ar", bytes: 50_000, durationSeconds: 1800 }] });
    const variant = variants[0]!;
    const main = variant.renditions.find((r) => r.kind === "main")!;
    const location = (await ctx.storage.publicUrl(main.storageKey))!;
    const mediaUrl = mediaPath(variant.id, main);

    const bareApp = express();
    bareApp.set("trust proxy", true);
    bareApp.get("/media/:variantId/:file", (_req, res) => {
      res.setHeader("Cache-Control", "private, max-age=300");
      res.redirect(302, location);
    });
    const trackedApp = express();
    trackedApp.set("trust proxy", true);
    trackedApp.use("/media", mediaRoutes(ctx.tracking, ctx.storage));
    trackedApp.use(errorHandler("1mb"));
    const bare = await listen(bareApp);
    const tracked = await listen(trackedApp);
    const sada = await listen(createApp(ctx));
    servers.push(bare, tracked, sada);
    const urls: Record<Contender, string> = { bare: urlOf(bare, mediaUrl), tracked: urlOf(tracked, mediaUrl), app: urlOf(sada, mediaUrl) };
    const check = await fetch(urls.app, { redirect: "manual", headers: { "user-agent": USER_AGENT } });
    if (check.status !== 302 || check.headers.get("location") !== location) throw new Error(`expected a 302 to ${location}, got ${check.status}`);

    const runs: Record<Contender, (LoadResult & { cpuMicros: number })[]> = { bare: [], tracked: [], app: [] };
    const spec = (url: string, durationSeconds: number) => ({ url, headers: { "user-agent": USER_AGENT }, connections: CONNECTIONS, durationSeconds, distinctClients: true });
    for (const url of Object.values(urls)) await measureThroughput(spec(url, 1)); // warm-up (JIT, caches)
    await ctx.tracking.flush();
    const writtenBefore = ctx.tracking.stats.written;
    let trackedRequests = 0;
    // Rounds of back-to-back runs, the order rotated each round: drift on a shared machine (its
    // speed changed by a third within minutes here) hits all contenders alike, and each round gives
    // one paired ratio. The headline is the median of those ratios.
    const contenders = Object.keys(urls) as Contender[];
    for (let round = 0; round < ROUNDS; round++) {
      for (const which of contenders.map((_, i) => contenders[(i + round) % contenders.length]!)) {
        // The servers live in this process (the load in another): its CPU time is theirs.
        const cpuBefore = process.cpuUsage();
        const load = await measureThroughput(spec(urls[which], SECONDS));
        const cpu = process.cpuUsage(cpuBefore);
        const result = { ...load, cpuMicros: (cpu.user + cpu.system) / Math.max(1, load.totalRequests) };
        const total = Object.values(result.statuses).reduce((a, b) => a + b, 0);
        if (result.errors > 0 || result.statuses["3xx"] !== total) throw new Error(`${which}: expected only 3xx, got ${JSON.stringify(result.statuses)} and ${result.errors} errors`);
        if (which !== "bare") trackedRequests += result.totalRequests;
        runs[which].push(result);
      }
    }
    await ctx.tracking.flush();
    const { written, dropped } = ctx.tracking.stats;
    const counted = written - writtenBefore;
    const pick = (which: Contender) => ({
      rps: median(runs[which].map((r) => r.requestsPerSecond)),
      p99: median(runs[which].map((r) => r.p99Ms)),
      cpu: median(runs[which].map((r) => r.cpuMicros)),
    });
    const b = pick("bare");
    const t = pick("tracked");
    const a = pick("app");
    const ratios = (which: Contender) => runs[which].map((r, round) => r.requestsPerSecond / runs.bare[round]!.requestsPerSecond);
    const spread = (values: number[]) => `per round ${values.map((v) => v.toFixed(2)).join(", ")}`;
    const recording = `${counted} of about ${trackedRequests} tracked requests written as downloads (each from a new address), ${dropped} dropped`;
    return [
      {
        name: "tracked delivery (302 to CDN, recording on): media router vs bare Express 302",
        baseline: b.rps,
        ours: t.rps,
        unit: "req/s",
        ratio: median(ratios("tracked")),
        goal: "≥ 0.7",
        notes: `median of ${ROUNDS} paired rounds (${spread(ratios("tracked"))}; req/s are medians); both on a bare Express app; p99 ${b.p99.toFixed(1)} ms (bare) vs ${t.p99.toFixed(1)} ms (tracked); server CPU per request ${b.cpu.toFixed(0)} vs ${t.cpu.toFixed(0)} µs; ${recording}`,
      },
      {
        name: "tracked delivery (302 to CDN, recording on): whole Sada app vs bare Express 302",
        baseline: b.rps,
        ours: a.rps,
        unit: "req/s",
        ratio: median(ratios("app")),
        notes: `${spread(ratios("app"))}; includes the middleware every Sada route pays (helmet, request id, request log, cookies, language); p99 ${a.p99.toFixed(1)} ms; server CPU per request ${a.cpu.toFixed(0)} µs`,
      },
    ];
  } finally {
    for (const server of servers) server.close();
    await ctx.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
