// Database migrations without the Prisma CLI's native engine (see DEVELOPERS.md, "Database migrations").
//   npm run db:migrate                          apply pending migrations to the configured database
//   npm run db:migration:create -- <name>       new migration NNNN_<name> for SQLite and PostgreSQL
//   npm run db:migration:create -- init --reset regenerate 0001_init (only while it is the only one)
//   tsx prisma/migrate.ts resolve --rolled-back|--applied <name>   after a failed deploy (P3009)
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { PRISMA_DIR, PROVIDERS, readModels } from "./schema-compose.mjs";
import {
  LOCKFILE_NAME,
  MIGRATIONS_ROOT,
  MIGRATION_FILE,
  MODELS_FILE,
  applyMigrations,
  diffModels,
  isEmptyMigration,
  migrationsDir,
  readMigrationFolder,
  resolveMigration,
  describeDatabase,
  type MigrationProvider,
} from "./migration-engine.ts";
import { loadConfig } from "../server/config.ts";

const INIT = "init";
const MIGRATION_NAME = /^[a-z0-9]+(_[a-z0-9]+)*$/;

/** A mistake by whoever runs the command: printed without a stack trace. */
export class MigrateUsageError extends Error {}

export interface CreateMigrationOptions {
  /** lower_snake_case; the folder becomes NNNN_<name>. */
  name: string;
  /** Only with name "init": delete 0001_init (when it is the only migration) and generate it again. */
  reset?: boolean;
  /** Defaults to prisma/migrations. */
  root?: string;
  /** Defaults to the text of prisma/models.prisma. */
  models?: string;
}

export type CreateMigrationResult =
  | { status: "created"; name: string; directories: string[]; sql: Record<MigrationProvider, string> }
  | { status: "unchanged"; last: string };

function lockfileText(provider: MigrationProvider): string {
  return `# Written by prisma/migrate.ts; the provider of every migration in this folder.\nprovider = "${provider}"\n`;
}

/**
 * Writes the next migration for both providers: the difference between the models text saved with
 * the last migration and the current models. Creates nothing when there is no difference.
 */
export async function createMigration(options: CreateMigrationOptions): Promise<CreateMigrationResult> {
  const { name, reset = false, root = MIGRATIONS_ROOT } = options;
  const models = options.models ?? readModels();
  if (!MIGRATION_NAME.test(name)) {
    throw new MigrateUsageError(`Migration name "${name}" must be lower_snake_case letters and digits, e.g. add_episode_chapters`);
  }
  if (reset && name !== INIT) throw new MigrateUsageError(`--reset only applies to "${INIT}" (it regenerates 0001_${INIT})`);

  let folders = PROVIDERS.map((provider) => readMigrationFolder(provider, root));
  const namesOf = (i: number) => folders[i].migrations.map((m) => m.name);
  if (namesOf(0).join() !== namesOf(1).join()) {
    throw new Error(
      `${folders[0].dir} (${namesOf(0).join(", ") || "none"}) and ${folders[1].dir} (${namesOf(1).join(", ") || "none"}) ` +
        "must hold the same migrations; create them with this command only",
    );
  }
  const existing = namesOf(0);

  if (reset) {
    if (existing.some((n) => n !== `0001_${INIT}`)) {
      throw new MigrateUsageError(
        `Cannot reset: ${existing.join(", ")} exist. 0001_${INIT} may only be regenerated while it is the only migration; ` +
          "once later migrations exist (or anything was released), add a new migration instead",
      );
    }
    for (const folder of folders) rmSync(path.join(folder.dir, `0001_${INIT}`), { recursive: true, force: true });
    folders = PROVIDERS.map((provider) => readMigrationFolder(provider, root));
  } else if (name === INIT && existing.length > 0) {
    throw new MigrateUsageError(`0001_${INIT} already exists; to regenerate it from the current models use: create ${INIT} --reset`);
  }

  const last = folders[0].migrations.at(-1);
  if (last && folders.some((f) => f.migrations.at(-1)!.models === null)) {
    throw new Error(`The last migration ${last.name} has no ${MODELS_FILE} in every provider folder; cannot tell what changed`);
  }
  const fromModels = last ? last.models! : null;
  // Each provider compares against its own saved copy (they are written identically).
  const sql = {} as Record<MigrationProvider, string>;
  for (const folder of folders) {
    sql[folder.provider] = await diffModels(folder.provider, folder.migrations.at(-1)?.models ?? null, models);
  }
  if (fromModels !== null && PROVIDERS.every((p) => isEmptyMigration(sql[p]))) {
    return { status: "unchanged", last: last!.name };
  }

  const dirName = `${String(folders[0].migrations.length + 1).padStart(4, "0")}_${name}`;
  const directories: string[] = [];
  for (const folder of folders) {
    const dir = path.join(folder.dir, dirName);
    mkdirSync(dir, { recursive: true });
    if (!existsSync(path.join(folder.dir, LOCKFILE_NAME))) writeFileSync(path.join(folder.dir, LOCKFILE_NAME), lockfileText(folder.provider));
    writeFileSync(path.join(dir, MIGRATION_FILE), sql[folder.provider]);
    writeFileSync(path.join(dir, MODELS_FILE), models);
    directories.push(dir);
  }
  return { status: "created", name: dirName, directories, sql };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

const USAGE = `Usage:
  tsx prisma/migrate.ts deploy                 apply pending migrations (DATABASE_URL / DATA_DIR)
  tsx prisma/migrate.ts create <name>          create the next migration from prisma/models.prisma
  tsx prisma/migrate.ts create init --reset    regenerate 0001_init (only while it is the only migration)
  tsx prisma/migrate.ts resolve --rolled-back <name>
                                               after a failed deploy, once you have undone its partial
                                               changes: the next deploy runs it again
  tsx prisma/migrate.ts resolve --applied <name>
                                               after a failed deploy, once you have completed it by hand`;

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  const flags = rest.filter((a) => a.startsWith("--"));
  const positional = rest.filter((a) => !a.startsWith("--"));

  if (command === "deploy" && rest.length === 0) {
    const { database } = loadConfig();
    const started = performance.now();
    const applied = await applyMigrations(database);
    const ms = Math.round(performance.now() - started);
    const total = readMigrationFolder(database.provider).migrations.length;
    if (applied.length === 0) console.log(`${describeDatabase(database)} is up to date (${plural(total, "migration")}, ${ms} ms).`);
    else console.log(`Applied ${plural(applied.length, "migration")} to ${describeDatabase(database)} in ${ms} ms:\n${applied.map((n) => `  ${n}`).join("\n")}`);
    return;
  }

  if (command === "create" && positional.length === 1 && flags.every((f) => f === "--reset")) {
    const result = await createMigration({ name: positional[0], reset: flags.includes("--reset") });
    if (result.status === "unchanged") {
      console.log(`No changes: prisma/models.prisma matches the last migration (${result.last}). Nothing created.`);
      return;
    }
    console.log(`Created migration ${result.name}${flags.includes("--reset") ? " (regenerated)" : ""}:`);
    for (const dir of result.directories) console.log(`  ${path.relative(process.cwd(), dir)}/${MIGRATION_FILE}`);
    for (const provider of PROVIDERS) {
      if (/^\s*(DROP|-- RedefineTables|\/\*\s*Warnings)/im.test(result.sql[provider])) {
        console.log(`  Note: the ${provider} script drops or rebuilds tables — read it before committing.`);
      }
    }
    console.log("Review the SQL, then regenerate the clients: running node prisma/generate.mjs …");
    execFileSync(process.execPath, [path.join(PRISMA_DIR, "generate.mjs")], { stdio: "inherit" });
    console.log(`Done. Apply with: npm run db:migrate (folders: ${PROVIDERS.map((p) => path.relative(process.cwd(), migrationsDir(p))).join(", ")})`);
    return;
  }

  if (command === "resolve" && positional.length === 1 && flags.length === 1 && ["--rolled-back", "--applied"].includes(flags[0])) {
    const { database } = loadConfig();
    const as = flags[0] === "--applied" ? "applied" : "rolled-back";
    await resolveMigration(database, positional[0], as);
    console.log(`Marked ${positional[0]} as ${as} in ${describeDatabase(database)}.`);
    return;
  }

  throw new MigrateUsageError(USAGE);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    // Operators need the message; the stack only with DEBUG set.
    console.error(process.env.DEBUG || !(error instanceof Error) ? error : error.message);
    process.exitCode = 1;
  });
}
