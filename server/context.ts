import type { Config } from "./config.ts";
import { systemClock, type Clock } from "./adapters/clock.ts";
import { createDatabase, type Database } from "./adapters/database.ts";
import { createLogger, type Logger } from "./adapters/logger.ts";
import { argon2Hasher, type PasswordHasher } from "./adapters/passwords.ts";
import { createStorage } from "./adapters/storage/index.ts";
import type { Storage } from "./adapters/storage/storage.ts";
import { AccountsRepository } from "./accounts/accounts.repository.ts";
import { AccountsService } from "./accounts/accounts.service.ts";
import { RouteRegistry } from "./http/api-router.ts";
import { Ffmpeg, resolveFfmpegBinaries } from "./adapters/ffmpeg.ts";
import { JobsRepository } from "./jobs/jobs.repository.ts";
import { JobQueue } from "./jobs/queue.ts";
import { JobHandlers } from "./jobs/registry.ts";
import { AudioRepository } from "./media/audio.repository.ts";
import { AUDIO_QUEUE, AudioService } from "./media/audio.service.ts";
import { FeedsRepository } from "./feeds/feeds.repository.ts";
import { FeedsService } from "./feeds/feeds.service.ts";
import { SiteService } from "./site/site.service.ts";
import { ShowsRepository } from "./shows/shows.repository.ts";
import { ShowsService } from "./shows/shows.service.ts";
import { EpisodesRepository } from "./episodes/episodes.repository.ts";
import { EpisodesService } from "./episodes/episodes.service.ts";
import { SaltStore } from "./analytics/privacy.ts";
import { PrismaSaltRepository } from "./analytics/salt.repository.ts";
import { TrackingRepository } from "./analytics/tracking.repository.ts";
import { TrackingService } from "./analytics/tracking.service.ts";
import { CampaignsRepository } from "./campaigns/campaigns.repository.ts";
import { CampaignsService } from "./campaigns/campaigns.service.ts";
import { ReportsRepository } from "./analytics/reports.repository.ts";
import { ReportsService } from "./analytics/reports.service.ts";
import { AnalyticsRollup, ROLLUP_QUEUE } from "./analytics/rollup.ts";

/**
 * The composition root: every service built once, from config and adapters. Tests build it with
 * their own clock, storage or logger; main.ts and worker.ts build it for real.
 */
export interface AppContext {
  config: Config;
  logger: Logger;
  clock: Clock;
  db: Database;
  storage: Storage;
  registry: RouteRegistry;
  accounts: AccountsService;
  ffmpeg: Ffmpeg;
  /** Durable job queue (enqueue); workers run what is registered in jobHandlers (see jobs/worker.ts startWorker). */
  jobs: JobQueue;
  jobHandlers: JobHandlers;
  audio: AudioService;
  /** Public RSS feeds (built, cached, precompressed). */
  feeds: FeedsService;
  /** Public show/episode pages and public files (artwork, transcripts, chapters). */
  site: SiteService;
  /** Shows (series, languages, artwork) and their episodes (variants, uploads, publication). */
  shows: ShowsService;
  episodes: EpisodesService;
  /** The analytics day salt (one per process, shared by download tracking and campaign visits). */
  salts: SaltStore;
  /** Campaign links (/c/{code}) and their visits. */
  campaigns: CampaignsService;
  /** Tracked audio delivery (/media/…): counts downloads into a buffer; flush() writes it now. */
  tracking: TrackingService;
  /** Analytics reports (downloads, listeners, first days) read from the daily roll-ups. */
  reports: ReportsService;
  /** Hourly job: listener roll-up of closed days and raw-event retention; schedule() at start-up. */
  analyticsRollup: AnalyticsRollup;
  /** Run on shutdown, in reverse order of registration, before the database closes. */
  onClose: (hook: () => Promise<void> | void) => void;
  close: () => Promise<void>;
}

export interface ContextOverrides {
  clock?: Clock;
  logger?: Logger;
  storage?: Storage;
  hasher?: PasswordHasher;
}

export async function createContext(config: Config, overrides: ContextOverrides = {}): Promise<AppContext> {
  const logger = overrides.logger ?? createLogger(config.log.level);
  const clock = overrides.clock ?? systemClock;
  const db = await createDatabase(config.database, (err) => logger.warn({ err }, "database connection lost while idle; it will be replaced"));
  const storage = overrides.storage ?? (await createStorage(config.storage));
  const hooks: (() => Promise<void> | void)[] = [];
  const accounts = new AccountsService(new AccountsRepository(db.prisma), overrides.hasher ?? argon2Hasher, clock, config.accounts, logger);

  const ffmpeg = new Ffmpeg(resolveFfmpegBinaries(config.media));
  const jobs = new JobQueue(new JobsRepository(db), clock, config.worker.maxAttempts);
  const jobHandlers = new JobHandlers();
  const audio = new AudioService({ repository: new AudioRepository(db.prisma), storage, ffmpeg, queue: jobs, logger, config });
  jobHandlers.register(AUDIO_QUEUE, audio.jobHandler());
  const publicRepository = new FeedsRepository(db.prisma);
  const feeds = new FeedsService({ repository: publicRepository, clock, logger, publicBaseUrl: config.http.publicBaseUrl, recheckMs: config.feeds.recheckMs });
  const site = new SiteService({ repository: publicRepository, storage, clock, logger });
  const shows = new ShowsService({ repository: new ShowsRepository(db.prisma), storage, logger, publicBaseUrl: config.http.publicBaseUrl });
  const episodes = new EpisodesService({ repository: new EpisodesRepository(db.prisma), shows, audio, storage, clock, logger });
  const salts = new SaltStore(new PrismaSaltRepository(db.prisma), clock);
  const campaigns = new CampaignsService({ repository: new CampaignsRepository(db.prisma), salts, clock, logger });
  hooks.push(() => campaigns.settled()); // visits recorded in the background are written before the database closes
  const tracking = new TrackingService({
    repository: new TrackingRepository(db),
    salts,
    storage,
    clock,
    logger,
    publicBaseUrl: config.http.publicBaseUrl,
    flushMs: config.analytics.flushMs,
    bufferMax: config.analytics.bufferMax,
    // A presigned URL is handed out again while at least three quarters of its validity remain.
    redirectReuseMs: config.storage.driver === "s3" ? config.storage.presignSeconds * 250 : 60_000,
  });
  hooks.push(() => tracking.close()); // buffered downloads are written before the database closes
  const reportsRepository = new ReportsRepository(db);
  const reports = new ReportsService(reportsRepository, clock);
  const analyticsRollup = new AnalyticsRollup({
    repository: reportsRepository,
    queue: jobs,
    clock,
    logger,
    retentionDays: config.analytics.rawRetentionDays,
    flushMs: config.analytics.flushMs,
    maxAttempts: config.worker.maxAttempts,
  });
  jobHandlers.register(ROLLUP_QUEUE, analyticsRollup.jobHandler());

  const ctx: AppContext = {
    config,
    logger,
    clock,
    db,
    storage,
    registry: new RouteRegistry(),
    accounts,
    ffmpeg,
    jobs,
    jobHandlers,
    audio,
    feeds,
    site,
    shows,
    episodes,
    salts,
    campaigns,
    tracking,
    reports,
    analyticsRollup,
    onClose: (hook) => hooks.push(hook),
    async close() {
      for (const hook of hooks.reverse()) {
        try {
          await hook();
        } catch (err) {
          logger.error({ err }, "shutdown hook failed");
        }
      }
      await db.close();
    },
  };
  return ctx;
}
