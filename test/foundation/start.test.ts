import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createTestDatabase, dropTestDatabase } from "../../prisma/migration-engine.ts";
import { npmScriptProcess } from "../support/npm-script.ts";

const root = path.resolve(import.meta.dirname, "../..");
const dirs: string[] = [];

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Runs `npm start`'s command (compiled dist/) as a child process; resolves when it prints that it listens. */
function start(env: Record<string, string>) {
  const command = npmScriptProcess("start");
  const child = spawn(process.execPath, command.args, { cwd: root, env: { ...process.env, ...command.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const listening = new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      if (stdout.includes("Sada is listening")) {
        clearInterval(timer);
        resolve();
      }
    }, 50);
    void exited.then(() => {
      clearInterval(timer);
      reject(new Error(`exited early:\n${stdout}\n${stderr}`));
    });
  });
  listening.catch(() => undefined); // a run expected to fail never awaits it; awaiting still throws
  return { child, exited, listening, output: () => stdout + stderr };
}

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe("starting Sada", () => {
  it("refuses an invalid environment with a readable message and a non-zero exit code", async () => {
    const run = start({ PORT: "not-a-port", STORAGE_DRIVER: "ftp" });
    const code = await run.exited;
    expect(code).not.toBe(0);
    expect(run.output()).toContain('PORT="not-a-port"');
    expect(run.output()).toContain("STORAGE_DRIVER");
  });

  it("starts on the embedded default, creates the first admin once, restarts safely and stops cleanly", async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), "sada-start-"));
    dirs.push(dataDir);
    const pgUrl = process.env.TEST_DATABASE_URL ? await createTestDatabase(process.env.TEST_DATABASE_URL) : undefined;
    try {
      const port = await freePort();
      const env = { DATA_DIR: dataDir, PORT: String(port), HOST: "127.0.0.1", LOG_LEVEL: "info", WORKER_ENABLED: "false", ...(pgUrl ? { DATABASE_URL: pgUrl } : {}) };
      const first = start(env);
      await first.listening;
      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: "ok" });
      const password = /password: (\S+)/.exec(first.output())?.[1];
      expect(password).toBeTruthy();
      const login = await fetch(`http://127.0.0.1:${port}/api/v1/session`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: "admin@sada.local", password }),
      });
      expect(login.status).toBe(200);
      // JSON logs, one object per line, with request ids and no client address.
      const requestLine = first.output().split("\n").find((l) => l.includes('"msg":"request"'));
      expect(requestLine && JSON.parse(requestLine)).toMatchObject({ requestId: expect.any(String), path: "/healthz", status: 200 });
      expect(requestLine).not.toMatch(/127\.0\.0\.1|remoteAddress/);
      // Files outside the compiled code are found from dist/: translations, web assets.
      const denied = await fetch(`http://127.0.0.1:${port}/api/v1/shows`, { headers: { "accept-language": "fr" } });
      expect(denied.status).toBe(401);
      expect(await denied.json()).toMatchObject({ error: { code: "unauthorized", message: "Vous devez vous connecter." } });
      const css = await fetch(`http://127.0.0.1:${port}/admin/assets/admin.css`);
      expect(css.status).toBe(200);
      expect(await css.text()).toContain("{");

      first.child.kill("SIGTERM");
      expect(await first.exited).toBe(0);
      expect(first.output()).toContain("stopped");

      const second = start(env);
      await second.listening;
      expect(second.output()).not.toContain("password:");
      second.child.kill("SIGINT");
      expect(await second.exited).toBe(0);
    } finally {
      if (pgUrl) await dropTestDatabase(pgUrl);
    }
  });
});
