import type { Request, Response } from "express";

/** Bodies up to this size are read and discarded after a refusal, so the client gets to read the answer. */
const DRAIN_MAX_BYTES = 1024 * 1024;
/** A client still sending a small body after this long gets the answer anyway, and the connection closes. */
const DRAIN_MAX_MS = 10_000;

/**
 * Calls `answer` once a refused request's unread body is out of the way. A small body is read and
 * discarded first: answering earlier lets Node end the connection (a request with `Connection:
 * close`) while the client is still sending, and the client fails with EPIPE instead of reading the
 * answer. A large body may be gigabytes, so the answer goes out at once and the connection closes
 * after it: at once when Content-Length says so, else as soon as more than DRAIN_MAX_BYTES came in.
 */
export function answerAfterUnreadBody(req: Request, res: Response, answer: () => void): void {
  if (req.complete || req.readableEnded || req.destroyed || res.headersSent) return answer();
  const declared = req.headers["content-length"] === undefined ? undefined : Number(req.headers["content-length"]);
  if (declared !== undefined && declared > DRAIN_MAX_BYTES) {
    res.setHeader("Connection", "close");
    return answer();
  }
  let answered = false;
  const answerOnce = (closeAfter: boolean) => {
    if (answered) return;
    answered = true;
    clearTimeout(timer);
    if (closeAfter && !res.headersSent) res.setHeader("Connection", "close");
    answer();
  };
  const timer = setTimeout(() => answerOnce(true), DRAIN_MAX_MS);
  let drained = 0;
  req.unpipe();
  req.on("data", (chunk: Buffer) => {
    drained += chunk.length;
    if (drained <= DRAIN_MAX_BYTES) return;
    req.pause();
    answerOnce(true);
  });
  req.once("end", () => answerOnce(false));
  req.once("close", () => answerOnce(false));
  req.resume();
}
