import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import { applyMigrations, type MigrationDatabase } from "./migration-engine.ts";

// The schema engine is a large WebAssembly module; WebAssembly memory never shrinks, so a server
// that migrated in its main thread would carry it (~30 MB) for its whole life. Migrating in a
// short-lived thread hands that memory back when the thread ends.

interface ThreadRequest {
  sadaMigrations: MigrationDatabase;
}
type ThreadAnswer = { applied: string[] } | { error: string };

/**
 * The thread's first code: loads this module. Run from TypeScript sources (tsx), the thread must
 * register tsx's loader itself — loader hooks registered by `--import tsx` do not reach workers.
 */
function threadEntry(): string {
  const self = JSON.stringify(import.meta.url);
  if (!import.meta.url.endsWith(".ts")) return `import(${self});`;
  const tsx = JSON.stringify(import.meta.resolve("tsx/esm/api"));
  return `import(${tsx}).then(({ register }) => { register(); return import(${self}); });`;
}

/** `applyMigrations` in a worker thread: same result, same errors (as messages), memory returned after. */
export function applyMigrationsInThread(database: MigrationDatabase): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const thread = new Worker(threadEntry(), { eval: true, workerData: { sadaMigrations: database } satisfies ThreadRequest });
    let answered = false;
    thread.once("message", (answer: ThreadAnswer) => {
      answered = true;
      if ("applied" in answer) resolve(answer.applied);
      else reject(new Error(answer.error));
    });
    thread.once("error", reject);
    thread.once("exit", (code) => {
      if (!answered) reject(new Error(`the migration thread stopped with exit code ${code} before answering`));
    });
  });
}

const request = isMainThread ? undefined : (workerData as Partial<ThreadRequest> | undefined)?.sadaMigrations;
if (request && parentPort) {
  const port = parentPort;
  applyMigrations(request).then(
    (applied) => port.postMessage({ applied } satisfies ThreadAnswer),
    (error: unknown) => port.postMessage({ error: error instanceof Error ? error.message : String(error) } satisfies ThreadAnswer),
  );
}
