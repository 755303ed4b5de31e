import { readlinkSync } from "node:fs";
import os from "node:os";
import { threadId } from "node:worker_threads";
import { answerThreadRequests, lowerThreadPriority, threadData } from "../../server/adapters/worker-thread.ts";

// A worker-thread entry for test/foundation/worker-thread.test.ts: echoes, fails, waits, exits or lowers its priority on request.

export type EchoRequest = { op: "echo"; value: string } | { op: "fail" } | { op: "exit" } | { op: "wait"; ms: number } | { op: "thread" } | { op: "lower-priority" };

const { prefix } = threadData<{ prefix: string }>();

answerThreadRequests<EchoRequest, string>(
  async (request) => {
    switch (request.op) {
      case "echo":
        return prefix + request.value;
      case "fail":
        throw Object.assign(new Error("refused on purpose"), { code: "test_refused" });
      case "exit":
        return process.exit(3); // ends this thread only
      case "wait":
        await new Promise((resolve) => setTimeout(resolve, request.ms));
        return "waited";
      case "thread":
        return String(threadId);
      case "lower-priority": {
        const lowered = lowerThreadPriority();
        const tid = Number(readlinkSync("/proc/thread-self").split("/").pop());
        return JSON.stringify({ lowered, thread: os.getPriority(tid) });
      }
    }
  },
  () => undefined,
);
