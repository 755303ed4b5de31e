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
  const db = await createDatabase(config.database);
  const storage = overrides.storage ?? createStorage(config.storage);
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
