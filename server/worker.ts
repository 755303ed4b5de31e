import { loadConfigOrExit } from "./config.ts";
import { createContext } from "./context.ts";
import { createLogger } from "./adapters/logger.ts";
import { startWorker } from "./jobs/worker.ts";

/**
 * `npm run worker`: a job worker without the HTTP server, for running processing on other
 * machines (or beside `npm start` with WORKER_ENABLED=false). It expects a migrated database —
 * `npm start` or `npm run db:migrate` migrate it. On SIGTERM/SIGINT it stops claiming, lets the
 * running job finish, and past the grace period gives it back to the queue for another worker.
 */
async function main() {
  const config = loadConfigOrExit();
  const logger = createLogger(config.log.level);
  const ctx = await createContext(config, { logger });
  await ctx.db.ping();
  const worker = startWorker(ctx);
  await ctx.analyticsRollup.schedule(); // the hourly analytics roll-up (one job per hour, whoever schedules it)
  logger.info({ owner: worker.owner, provider: config.database.provider, storage: config.storage.driver }, "Sada worker running");

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, activeJobs: worker.activeJobs }, "worker shutting down: finishing or releasing the current job");
    await ctx.close();
    logger.info("worker stopped");
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}

main().catch((err) => {
  createLogger("error").fatal({ err }, "worker start-up failed");
  process.exit(1);
});
