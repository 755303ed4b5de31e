// Memory while receiving a large upload: the real server (what `npm start` runs, in its own process,
// SQLite + local storage, worker off so no processing starts) is sent a 1 GiB WAV as the raw body of
// PUT /api/v1/episodes/:id/variants/:locale/audio, then again through the resumable tus endpoint (one
// PATCH); the bytes are generated while sending (a WAV header + noise), never stored on the client side. Its peak RSS (VmHWM in /proc/<pid>/status) is
// compared with a bare Node http server piping the same upload to a file, measured in the same run.
// Goal: Sada's peak RSS < 200 MB. Run alone: `npm run bench -- upload-memory` (BENCH_UPLOAD_MIB=…).
import { spawn, type ChildProcess } from "node:child_process";
import fsp from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { npmScriptProcess, parseNodeCommand } from "../test/support/npm-script.ts";
import type { BenchResult } from "./types.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const UPLOAD_BYTES = Number(process.env.BENCH_UPLOAD_MIB ?? 1024) * 1024 * 1024;
const GOAL_MB = 200;
const MB = 1024 * 1024;
const ADMIN = { email: "bench@example.org", password: "bench-password-long-enough" };

/** Peak and current resident memory of a process, in bytes (Linux). */
async function memoryOf(pid: number): Promise<{ peak: number; current: number }> {
  const status = await fsp.readFile(`/proc/${pid}/status`, "utf8");
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? 0) * 1024;
  return { peak: kb("VmHWM"), current: kb("VmRSS") };
}

/**
 * Resets the process's VmHWM to its current RSS (Linux ≥ 4.0, `echo 5 > /proc/<pid>/clear_refs`), so the
 * peak read afterwards is the peak while receiving, not a start-up peak. False if not permitted.
 */
async function resetPeak(pid: number): Promise<boolean> {
  return fsp.writeFile(`/proc/${pid}/clear_refs`, "5").then(
    () => true,
    () => false,
  );
}

async function freePort(): Promise<number> {
  const server = http.createServer().listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function waitForHttp(url: string, child: ChildProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    const ok = await fetch(url).then(
      (r) => r.status < 500,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`);
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill("SIGKILL"), 15_000);
    child.once("exit", () => {
      clearTimeout(force);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

/** A 16-bit stereo 44.1 kHz WAV header announcing `dataBytes` of samples. */
function wavHeader(dataBytes: number): Buffer {
  const header = Buffer.alloc(44);
  header.write("RIFF", 0, "ascii");
  header.writeUInt32LE(36 + dataBytes, 4);
  header.write("WAVEfmt ", 8, "ascii");
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(2, 22);
  header.writeUInt32LE(44100, 24);
  header.writeUInt32LE(44100 * 4, 28);
  header.writeUInt16LE(4, 32);
  header.writeUInt16LE(16, 34);
  header.write("data", 36, "ascii");
  header.writeUInt32LE(dataBytes, 40);
  return header;
}

interface UploadOutcome {
  status: number;
  body: string;
  seconds: number;
  /** Highest VmRSS seen by sampling every 25 ms while the upload ran. */
  sampledPeak: number;
}

/** Streams UPLOAD_BYTES (header + low-level noise, made on the fly) to the server, sampling its memory. */
function upload(port: number, urlPath: string, headers: Record<string, string>, serverPid: number, method = "PUT"): Promise<UploadOutcome> {
  return new Promise((resolve, reject) => {
    let sampledPeak = 0;
    const sampler = setInterval(() => {
      memoryOf(serverPid).then(
        (m) => (sampledPeak = Math.max(sampledPeak, m.current)),
        () => undefined,
      );
    }, 25);
    const started = process.hrtime.bigint();
    const req = http.request(
      { host: "127.0.0.1", port, path: urlPath, method, headers: { "Content-Type": "audio/wav", ...headers, "Content-Length": String(UPLOAD_BYTES) } },
      (res) => {
        let body = "";
        res.setEncoding("utf8").on("data", (d: string) => (body += d));
        res.on("end", () => {
          clearInterval(sampler);
          resolve({ status: res.statusCode!, body, seconds: Number(process.hrtime.bigint() - started) / 1e9, sampledPeak });
        });
      },
    );
    req.on("error", (err) => {
      clearInterval(sampler);
      reject(err);
    });
    // 1 MiB of quiet noise, varied per chunk so nothing downstream can deduplicate it.
    const chunk = Buffer.alloc(MB);
    for (let i = 0; i < chunk.length; i += 2) chunk.writeInt16LE(Math.round((Math.random() - 0.5) * 2000), i);
    let sent = 0;
    const pump = () => {
      while (sent < UPLOAD_BYTES) {
        let piece: Buffer;
        if (sent === 0) piece = wavHeader(UPLOAD_BYTES - 44);
        else {
          chunk.writeUInt32LE(sent >>> 0, 0);
          piece = chunk.subarray(0, Math.min(chunk.length, UPLOAD_BYTES - sent));
        }
        sent += piece.length;
        if (!req.write(piece)) return void req.once("drain", pump);
      }
      req.end();
    };
    pump();
  });
}

interface Measured extends UploadOutcome {
  /** VmHWM after the upload: since the reset just before it when `reset`, else since start-up. */
  peak: number;
  /** VmRSS just before the upload. */
  idle: number;
  reset: boolean;
}

/** A bare Node http server writing the request body to a file: the least memory a Node process needs for this. */
const BARE_SERVER = `
const http = require("node:http"), fs = require("node:fs"), { pipeline } = require("node:stream");
const target = process.argv[1];
http.createServer((req, res) => {
  pipeline(req, fs.createWriteStream(target), (err) => { res.statusCode = err ? 500 : 202; res.end(err ? String(err) : "stored"); });
}).listen(Number(process.env.PORT), "127.0.0.1");
`;

async function measureBaseline(dir: string): Promise<Measured> {
  const port = await freePort();
  const child = spawn(process.execPath, ["-e", BARE_SERVER, path.join(dir, "bare-upload.bin")], { env: { ...process.env, PORT: String(port) }, stdio: "inherit" });
  try {
    await waitForHttp(`http://127.0.0.1:${port}/`, child);
    await fsp.rm(path.join(dir, "bare-upload.bin"), { force: true });
    const idle = (await memoryOf(child.pid!)).current;
    const reset = await resetPeak(child.pid!);
    const outcome = await upload(port, "/", {}, child.pid!);
    const { peak } = await memoryOf(child.pid!);
    return { ...outcome, peak, idle, reset };
  } finally {
    await stop(child);
    await fsp.rm(path.join(dir, "bare-upload.bin"), { force: true });
  }
}

async function api(base: string, method: string, urlPath: string, token: string, body?: unknown) {
  const res = await fetch(`${base}${urlPath}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json()) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  if (!res.ok) throw new Error(`${method} ${urlPath}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** Creates a tus upload for the episode's Arabic variant (what the admin page does); its path. */
async function createTusUpload(base: string, token: string, episodeId: string): Promise<string> {
  const meta = (value: string) => Buffer.from(value).toString("base64");
  const res = await fetch(`${base}/api/v1/uploads/tus`, {
    method: "POST",
    headers: {
      Authorization: `Bearer ${token}`,
      "Tus-Resumable": "1.0.0",
      "Upload-Length": String(UPLOAD_BYTES),
      "Upload-Metadata": `episodeId ${meta(episodeId)},locale ${meta("ar")},filename ${meta("bench.wav")},filetype ${meta("audio/wav")}`,
    },
  });
  if (res.status !== 201) throw new Error(`tus create: ${res.status} ${await res.text()}`);
  return new URL(res.headers.get("location")!, base).pathname;
}

async function measureSada(dir: string): Promise<{ raw: Measured; tus: Measured }> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  // What `npm start` runs (BENCH_START_COMMAND, e.g. "node --import tsx server/main.ts", compares another way).
  const start = process.env.BENCH_START_COMMAND ? parseNodeCommand(process.env.BENCH_START_COMMAND) : npmScriptProcess("start");
  const child = spawn(process.execPath, start.args, {
    cwd: ROOT,
    env: {
      ...process.env,
      ...start.env,
      NODE_ENV: "production",
      PORT: String(port),
      HOST: "127.0.0.1",
      DATA_DIR: path.join(dir, "sada"),
      DATABASE_URL: "",
      STORAGE_DRIVER: "local",
      PUBLIC_BASE_URL: base,
      LOG_LEVEL: "warn",
      WORKER_ENABLED: "false",
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
    },
    stdio: ["ignore", "inherit", "inherit"],
  });
  try {
    await waitForHttp(`${base}/healthz`, child);
    // A bearer token for the admin, then a show and an episode to upload to.
    const login = await fetch(`${base}/api/v1/session`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(ADMIN) });
    const cookie = login.headers.get("set-cookie")!.split(";")[0];
    const { csrfToken } = (await login.json()) as { csrfToken: string };
    const tokenRes = await fetch(`${base}/api/v1/tokens`, { method: "POST", headers: { "Content-Type": "application/json", Cookie: cookie, "X-CSRF-Token": csrfToken }, body: JSON.stringify({ name: "bench" }) });
    const { token } = (await tokenRes.json()) as { token: string };
    const show = await api(base, "POST", "/api/v1/shows", token, {
      slug: "bench",
      locales: ["ar"],
      defaultLocale: "ar",
      category: "News",
      ownerName: "Bench",
      ownerEmail: "bench@example.org",
      localizations: { ar: { title: "قياس" } },
    });
    const episode = await api(base, "POST", `/api/v1/shows/${show.id}/episodes`, token, { number: 1, variants: { ar: { title: "حلقة" } } });
    const measure = async (send: () => Promise<UploadOutcome>): Promise<Measured> => {
      const idle = (await memoryOf(child.pid!)).current;
      const reset = await resetPeak(child.pid!);
      const outcome = await send();
      const { peak } = await memoryOf(child.pid!);
      if (outcome.status >= 300) throw new Error(`upload answered ${outcome.status}: ${outcome.body}`);
      return { ...outcome, peak, idle, reset };
    };
    const raw = await measure(() => upload(port, `/api/v1/episodes/${episode.id}/variants/ar/audio`, { Authorization: `Bearer ${token}` }, child.pid!));
    // The same bytes again through the resumable (tus) endpoint, in one PATCH, as a client on a good connection.
    const tusPath = await createTusUpload(base, token, episode.id);
    const tus = await measure(() =>
      upload(port, tusPath, { Authorization: `Bearer ${token}`, "Tus-Resumable": "1.0.0", "Upload-Offset": "0", "Content-Type": "application/offset+octet-stream" }, child.pid!, "PATCH"),
    );
    return { raw, tus };
  } finally {
    await stop(child);
  }
}

export async function run(): Promise<BenchResult[]> {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), "sada-bench-upload-"));
  try {
    const bare = await measureBaseline(dir);
    const { raw: sada, tus } = await measureSada(dir);
    const size = `${(UPLOAD_BYTES / MB).toFixed(0)} MiB`;
    const mb = (bytes: number) => Math.round((bytes / MB) * 10) / 10;
    const peakRow = (how: string, measured: Measured, notes: string): BenchResult => ({
      name: `peak server RSS while receiving a ${size} audio upload (${how})`,
      baseline: mb(bare.peak),
      ours: mb(measured.peak),
      unit: "MB",
      ratio: measured.peak / bare.peak,
      goal: `Sada < ${GOAL_MB} MB`,
      notes:
        `${notes}HTTP ${measured.status} in ${measured.seconds.toFixed(1)} s (${mb(UPLOAD_BYTES / measured.seconds)} MB/s), ` +
        `idle RSS ${mb(measured.idle)} MB, sampled peak ${mb(measured.sampledPeak)} MB. ${measured.peak / MB < GOAL_MB ? "goal met" : "GOAL MISSED"}`,
    });
    return [
      peakRow(
        "raw body",
        sada,
        `${sada.reset ? "peaks since just before the upload (VmHWM reset)" : "VmHWM could not be reset: peaks include start-up"}; ` +
          `bare Node pipe-to-file HTTP ${bare.status} in ${bare.seconds.toFixed(1)} s, idle RSS ${mb(bare.idle)} MB; Sada `,
      ),
      peakRow("resumable tus PATCH", tus, "same server, after the raw upload; "),
      {
        // The part the upload path itself is responsible for, beside what the same bytes cost a bare pipe.
        name: `RSS growth while receiving a ${size} audio upload (peak − idle before the upload)`,
        baseline: mb(bare.peak - bare.idle),
        ours: mb(sada.peak - sada.idle),
        unit: "MB",
        ratio: (sada.peak - sada.idle) / (bare.peak - bare.idle),
        notes: "constant with the upload's size when streaming works (compare BENCH_UPLOAD_MIB=64)",
      },
      {
        name: `time to receive and accept a ${size} audio upload`,
        baseline: Math.round(bare.seconds * 100) / 100,
        ours: Math.round(sada.seconds * 100) / 100,
        unit: "s",
        ratio: sada.seconds / bare.seconds,
        notes: "Sada's time includes inspecting the file (ffprobe) and moving it into storage before answering 202",
      },
    ];
  } finally {
    await fsp.rm(dir, { recursive: true, force: true });
  }
}
