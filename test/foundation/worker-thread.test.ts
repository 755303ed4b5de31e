import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ThreadClient } from "../../server/adapters/worker-thread.ts";
import type { EchoRequest } from "../support/echo.thread.ts";
import { waitFor } from "../support/wait.ts";

// The worker-thread adapter that keeps synchronous work (SQLite ingestion) off the event loop.

const entry = new URL("../support/echo.thread.ts", import.meta.url);
const clients: ThreadClient<EchoRequest, string>[] = [];
function client(idleMs = 60_000) {
  const created = new ThreadClient<EchoRequest, string>({ entry, data: { prefix: "echo: " }, idleMs });
  clients.push(created);
  return created;
}
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

describe("ThreadClient", () => {
  it("starts the thread on first use and answers each request, passing the thread its data", async () => {
    const echo = client();
    expect(echo.running).toBe(false);
    const answers = await Promise.all(["a", "b", "c"].map((value) => echo.call({ op: "echo", value })));
    expect(answers).toEqual(["echo: a", "echo: b", "echo: c"]);
    expect(echo.running).toBe(true);
  });

  it("rejects with the thread's error message and code, and keeps serving", async () => {
    const echo = client();
    await expect(echo.call({ op: "fail" })).rejects.toMatchObject({ message: "refused on purpose", code: "test_refused" });
    expect(await echo.call({ op: "echo", value: "still here" })).toBe("echo: still here");
  });

  it("fails what a thread that stops had not answered, and starts a new thread for the next request", async () => {
    const echo = client();
    const first = await echo.call({ op: "thread" });
    await expect(echo.call({ op: "exit" })).rejects.toThrow(/exited \(code 3\)/);
    const second = await echo.call({ op: "thread" });
    expect(second).not.toBe(first);
  });

  it("stops an idle thread and restarts it on demand", async () => {
    const echo = client(50);
    const first = await echo.call({ op: "thread" });
    await waitFor(async () => echo.running, (running) => !running, 5000);
    expect(await echo.call({ op: "thread" })).not.toBe(first);
  });

  it("answers what was sent before close(), then refuses new requests", async () => {
    const echo = client();
    const slow = echo.call({ op: "wait", ms: 200 });
    await echo.close();
    expect(await slow).toBe("waited");
    expect(echo.running).toBe(false);
    await expect(echo.call({ op: "echo", value: "late" })).rejects.toThrow(/closed/);
  });

  it.runIf(process.platform === "linux")("lowers a background thread's priority, not the process's", async () => {
    const echo = client();
    const before = os.getPriority();
    expect(JSON.parse(await echo.call({ op: "lower-priority" }))).toEqual({ lowered: true, thread: Math.max(before, 10) });
    expect(os.getPriority()).toBe(before);
  });

  it("never keeps the process alive while idle (a process that forgets close() still exits)", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "sada-thread-"));
    const script = path.join(dir, "forgets-close.mts");
    writeFileSync(script, [
      `const { ThreadClient } = await import(${JSON.stringify(path.resolve(import.meta.dirname, "../../server/adapters/worker-thread.ts"))});`,
      `const echo = new ThreadClient({ entry: new URL(${JSON.stringify(entry.href)}), data: { prefix: "" }, idleMs: 600000 });`,
      `console.log(await echo.call({ op: "echo", value: "done" }));`,
    ].join("\n"));
    try {
      const output = execFileSync(process.execPath, ["--import", "tsx", script], { encoding: "utf8", timeout: 20_000 });
      expect(output.trim()).toBe("done");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
