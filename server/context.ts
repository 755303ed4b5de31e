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

  const ctx: AppContext = {
    config,
    logger,
    clock,
    db,
    storage,
    registry: new RouteRegistry(),
    accounts,
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
