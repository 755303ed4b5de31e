import type { Request, Response } from "express";

/** Bodies up to this size are read and discarded after a refusal, so the client gets to read the answer. */
const DRAIN_MAX_BYTES = 1024 * 1024;

/**
 * A rejected upload that was not read to its end. A small body is read and discarded (a client
 * still writing would otherwise fail before reading the answer); a large one may be gigabytes, so
 * the connection is closed after the answer instead: at once when Content-Length says so, else as
 * soon as more than DRAIN_MAX_BYTES have come in.
 */
export function releaseUnreadBody(req: Request, res: Response): void {
  if (req.complete || req.readableEnded || res.headersSent) return;
  const declared = req.headers["content-length"] === undefined ? undefined : Number(req.headers["content-length"]);
  if (declared !== undefined && declared > DRAIN_MAX_BYTES) {
    res.setHeader("Connection", "close");
    return;
  }
  req.unpipe();
  let drained = 0;
  req.on("data", (chunk: Buffer) => {
    drained += chunk.length;
    if (drained <= DRAIN_MAX_BYTES) return;
    req.pause();
    if (res.writableFinished) req.socket.destroy();
    else res.once("finish", () => req.socket.destroy());
  });
  req.resume();
}
