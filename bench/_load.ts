// A load generator in its own process, so it does not share the event loop (or core) with the
// server it measures. Used by the benches through measureThroughput(); not a benchmark itself
// (files starting with "_" are skipped by bench/run.ts).
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import autocannon, { type Request as LoadRequest } from "autocannon";

export interface LoadSpec {
  url: string;
  headers?: Record<string, string>;
  method?: "GET" | "HEAD";
  connections?: number;
  pipelining?: number;
  durationSeconds?: number;
  /** Send each request from another client address (X-Forwarded-For, random start per run): many distinct listeners. */
  distinctClients?: boolean;
}

export interface LoadResult {
  requestsPerSecond: number;
  totalRequests: number;
  p99Ms: number;
  /** Responses by status class, e.g. { "2xx": 1000 }. */
  statuses: Record<string, number>;
  errors: number;
  bytesPerSecond: number;
}

const self = fileURLToPath(import.meta.url);

/** Runs autocannon in a child process (with tsx, like the benches themselves) and returns its figures. */
export function measureThroughput(spec: LoadSpec): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = fork(self, [JSON.stringify(spec)], { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
    let result: LoadResult | undefined;
    child.on("message", (message) => (result = message as LoadResult));
    child.on("error", reject);
    child.on("exit", (code) => (result ? resolve(result) : reject(new Error(`load generator exited with ${code}`))));
  });
}

async function runInChild(spec: LoadSpec): Promise<void> {
  const result = await autocannon({
    url: spec.url,
    method: spec.method ?? "GET",
    headers: spec.headers,
    connections: spec.connections ?? 10,
    pipelining: spec.pipelining ?? 1,
    duration: spec.durationSeconds ?? 5,
    ...(spec.distinctClients ? { requests: [{ setupRequest: withNextClientAddress }] } : {}),
  });
  const statuses = { "1xx": result["1xx"], "2xx": result["2xx"], "3xx": result["3xx"], "4xx": result["4xx"], "5xx": result["5xx"] };
  const out: LoadResult = {
    requestsPerSecond: result.requests.average,
    totalRequests: result.requests.total,
    p99Ms: result.latency.p99,
    statuses,
    errors: result.errors + result.timeouts,
    bytesPerSecond: result.throughput.average,
  };
  process.send!(out);
}

// Walks the IPv4 space by a large odd step from a random start: no address repeats within a run.
let clientAddress = Math.floor(Math.random() * 2 ** 32);
function withNextClientAddress(request: LoadRequest): LoadRequest {
  clientAddress = (clientAddress + 2_654_435_761) % 2 ** 32;
  const ip = [clientAddress >>> 24, (clientAddress >>> 16) & 255, (clientAddress >>> 8) & 255, clientAddress & 255].join(".");
  return { ...request, headers: { ...request.headers, "x-forwarded-for": ip } };
}

if (process.argv[1] === self && process.send) {
  await runInChild(JSON.parse(process.argv[2]) as LoadSpec);
  process.exit(0);
}
