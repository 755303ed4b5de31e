import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { applyMigrations, type MigrationDatabase } from "./migration-engine.ts";

// The schema engine is a large WebAssembly module. A server that migrated in its own process would
// keep that memory for its whole life: WebAssembly memory never shrinks, and even a worker thread
// leaves ~55 MB behind (measured: the allocator keeps the thread's arenas). A short-lived child
// process hands every byte back when it exits, for ~0.3 s more at start-up.

type ChildAnswer = { applied: string[] } | { error: string };

/** Marks the child, so that importing this module elsewhere never starts a migration by accident. */
const CHILD_FLAG = "SADA_MIGRATION_CHILD";

/**
 * Node options for the child: this process's own (`--import tsx` when run from sources by npm start),
 * plus tsx's loader when this module is TypeScript and the parent got its loader some other way
 * (vitest, `tsx` CLI).
 */
function childExecArgv(): string[] {
  const own = process.execArgv.filter((arg) => !arg.startsWith("--inspect"));
  if (!import.meta.url.endsWith(".ts") || own.some((arg) => arg.includes("tsx"))) return own;
  return [...own, "--import", import.meta.resolve("tsx")];
}

/** `applyMigrations` in a child process: same result, same errors (as messages), all memory returned after. */
export function applyMigrationsInChildProcess(database: MigrationDatabase): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), [], {
      execArgv: childExecArgv(),
      env: { ...process.env, [CHILD_FLAG]: "1" },
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    let answer: ChildAnswer | undefined;
    child.once("message", (message: ChildAnswer) => (answer = message));
    child.once("error", reject);
    child.once("exit", (code, signal) => {
      if (!answer) reject(new Error(`the migration process stopped (${signal ?? `exit code ${code}`}) before answering`));
      else if ("applied" in answer) resolve(answer.applied);
      else reject(new Error(answer.error));
    });
    child.send(database);
  });
}

if (process.env[CHILD_FLAG] === "1" && process.send) {
  process.once("message", (database: MigrationDatabase) => {
    const answer = (message: ChildAnswer) => process.send!(message, () => process.disconnect());
    applyMigrations(database).then(
      (applied) => answer({ applied }),
      (error: unknown) => answer({ error: error instanceof Error ? error.message : String(error) }),
    );
  });
}
