import type { Server } from "node:http";
import { applyMigrationsInChildProcess } from "../prisma/migration-process.ts";
import { loadConfigOrExit } from "./config.ts";
import { createApp } from "./app.ts";
import { createContext } from "./context.ts";
import { createLogger } from "./adapters/logger.ts";
import { startWorker } from "./jobs/worker.ts";

/** Starts Sada: config → migrations → services → first admin → HTTP listener (+ in-process worker). */
async function main() {
  const config = loadConfigOrExit();
  const logger = createLogger(config.log.level);
  const applied = await applyMigrationsInChildProcess(config.database);
  logger.info({ provider: config.database.provider, applied }, "database migrations checked");

  const ctx = await createContext(config, { logger });
  await ctx.accounts.bootstrapAdmin();
  // The hourly analytics roll-up: this hour's job, unless another process scheduled it already.
  // Before listening, so that a stop signal after "listening" always finds the shutdown handler.
  await ctx.analyticsRollup.schedule();
  const app = createApp(ctx);
  const server: Server = app.listen(config.http.port, config.http.host);
  await new Promise<void>((resolve, reject) => {
    server.once("listening", resolve);
    server.once("error", reject);
  });
  logger.info({ url: config.http.publicBaseUrl, port: config.http.port, storage: config.storage.driver }, "Sada is listening");

  // Jobs (audio processing…) run in this process unless WORKER_ENABLED=false (then run `npm run worker`).
  // ctx.close() stops it gracefully on shutdown.
  if (config.worker.enabled) startWorker(ctx);

  const purge = setInterval(() => void ctx.accounts.purgeExpired().catch((err) => logger.error({ err }, "purge failed")), 3_600_000);
  purge.unref();

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down: no new connections, finishing requests");
    clearInterval(purge);
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    // Requests still running after 20 s are cut so the process always ends.
    const force = setTimeout(() => server.closeAllConnections(), 20_000);
    force.unref();
    await closed;
    await ctx.close();
    logger.info("stopped");
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}

main().catch((err) => {
  createLogger("error").fatal({ err }, "start-up failed");
  process.exit(1);
});
