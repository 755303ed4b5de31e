import { readlinkSync } from "node:fs";
import os from "node:os";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";

// Work that must not hold the event loop (e.g. SQLite writes of analytics batches: better-sqlite3
// is synchronous) runs in a worker thread, reached through a small request/answer channel.
// The thread is started on first use, kept while there is work and stopped after it has been idle
// for a while, so an instance that is not serving that work pays no memory for it.

interface ThreadInput {
  /** URL of the module the thread runs. */
  entry: string;
  data: unknown;
}

type Message<Request> = { id: number; request: Request } | { close: true };
type Answer<Result> = { id: number; result: Result } | { id: number; error: { message: string; code?: string } };

/** Running from the TypeScript sources (not dist/): thread entries are .ts modules then. */
const FROM_SOURCES = import.meta.url.endsWith(".ts");

/** The thread's module as this build has it: `x.ts` beside its caller in the sources, `x.js` in dist/. */
function entryUrl(entry: URL): URL {
  return FROM_SOURCES ? entry : new URL(entry.href.replace(/\.ts$/, ".js"));
}

/**
 * Starts a worker thread on `entry` (a `.ts` module, named as in the sources), passing `data`
 * (read it in the thread with threadData()). From sources, the thread goes through a bootstrap
 * that registers tsx in it: threads do not get the parent's loader (vitest, the tsx CLI).
 */
export function startWorkerThread(entry: URL, data: unknown): Worker {
  const input: ThreadInput = { entry: entryUrl(entry).href, data };
  const start = FROM_SOURCES ? new URL("./worker-thread-bootstrap.mjs", import.meta.url) : new URL(input.entry);
  return new Worker(start, { workerData: input });
}

/** In a thread started by startWorkerThread: the data it was given. */
export function threadData<T>(): T {
  return (workerData as ThreadInput).data as T;
}

export interface ThreadClientOptions {
  /** The thread's module (`.ts`, as in the sources); it calls answerThreadRequests(). */
  entry: URL;
  data: unknown;
  /** The thread is stopped after this long without requests. */
  idleMs: number;
}

/** Sends requests to a thread started on demand; each call resolves with the thread's answer or rejects with its error. */
export class ThreadClient<Request, Result> {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, { worker: Worker; resolve: (result: Result) => void; reject: (error: Error) => void }>();
  private idleTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly options: ThreadClientOptions) {}

  /** Whether the thread is running now (started and not yet stopped). */
  get running(): boolean {
    return this.worker !== undefined;
  }

  call(request: Request): Promise<Result> {
    if (this.closed) return Promise.reject(new Error("thread client closed"));
    const worker = (this.worker ??= this.start());
    clearTimeout(this.idleTimer);
    const id = this.nextId++;
    return new Promise<Result>((resolve, reject) => {
      this.pending.set(id, { worker, resolve, reject });
      // Referenced only while an answer is awaited: an idle thread never keeps the process alive.
      if (this.pending.size === 1) worker.ref();
      worker.postMessage({ id, request } satisfies Message<Request>);
    });
  }

  /** Stops the thread once it has answered every request sent so far. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.idleTimer);
    await this.stop();
  }

  private start(): Worker {
    const worker = startWorkerThread(this.options.entry, this.options.data);
    worker.on("message", (answer: Answer<Result>) => this.settle(worker, answer));
    worker.on("error", (error) => this.fail(worker, error));
    worker.on("exit", (code) => this.fail(worker, new Error(`worker thread exited (code ${code}) before answering`)));
    worker.unref();
    return worker;
  }

  private settle(worker: Worker, answer: Answer<Result>): void {
    const waiting = this.pending.get(answer.id);
    if (!waiting) return;
    this.pending.delete(answer.id);
    if ("error" in answer) waiting.reject(Object.assign(new Error(answer.error.message), answer.error.code ? { code: answer.error.code } : {}));
    else waiting.resolve(answer.result);
    if (this.pending.size === 0) {
      worker.unref();
      this.idleTimer = setTimeout(() => void this.stop(), this.options.idleMs);
      this.idleTimer.unref();
    }
  }

  /** The thread failed or stopped: whatever it had not answered fails; the next call starts a new one. */
  private fail(worker: Worker, error: Error): void {
    if (this.worker === worker) this.worker = undefined;
    for (const [id, waiting] of this.pending) {
      if (waiting.worker !== worker) continue;
      this.pending.delete(id);
      waiting.reject(error);
    }
  }

  /** Asks the thread to finish (it answers what it has first, its messages being in order) and waits for its exit. */
  private async stop(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    if (this.pending.size > 0 && !this.closed) return; // busy again since the idle timer was set
    this.worker = undefined;
    const exited = new Promise<void>((resolve) => worker.once("exit", () => resolve()));
    worker.ref();
    worker.postMessage({ close: true } satisfies Message<Request>);
    await exited;
  }
}

/**
 * In a thread started by a ThreadClient: answers each request with `handle`'s result (or its
 * error), in order; on the client's close message calls `cleanup` and lets the thread end.
 */
export function answerThreadRequests<Request, Result>(handle: (request: Request) => Result | Promise<Result>, cleanup: () => void): void {
  if (isMainThread || !parentPort) throw new Error("answerThreadRequests() runs in a worker thread");
  const port = parentPort;
  const answer = async (message: Message<Request>) => {
    if ("close" in message) {
      cleanup();
      port.close();
      return;
    }
    try {
      port.postMessage({ id: message.id, result: await handle(message.request) } satisfies Answer<Result>);
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      const code = (error as Error & { code?: unknown }).code;
      port.postMessage({ id: message.id, error: { message: error.message, code: typeof code === "string" ? code : undefined } } satisfies Answer<Result>);
    }
  };
  // One request at a time, in arrival order (the close message last).
  let previous = Promise.resolve();
  port.on("message", (message: Message<Request>) => {
    previous = previous.then(() => answer(message));
  });
}

/** Nice value of background threads: they get a small share of a busy CPU, all of an idle one. */
const BACKGROUND_NICE = 10;

/**
 * Lowers the calling thread's scheduling priority (Linux, where the nice value is per thread), so
 * that background work (writing analytics) yields the CPU to threads answering requests when the
 * machine is busy, and still runs at full speed when it is not. Elsewhere it does nothing.
 * Returns whether the priority was lowered.
 */
export function lowerThreadPriority(): boolean {
  if (process.platform !== "linux") return false;
  try {
    // "/proc/thread-self" → "<pid>/task/<tid>": the kernel id of this very thread.
    const tid = Number(readlinkSync("/proc/thread-self").split("/").pop());
    if (!Number.isInteger(tid) || tid <= 0) return false;
    os.setPriority(tid, Math.max(os.getPriority(tid), BACKGROUND_NICE));
    return true;
  } catch {
    return false; // not permitted or no /proc: run at normal priority
  }
}
