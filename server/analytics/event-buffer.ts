import type { Logger } from "../adapters/logger.ts";

// Listener events wait here between the request that produced them and the database, so that
// recording never delays a response: pushing is O(1), writing happens in batches on a timer, when
// the buffer fills, and on shutdown. Memory is bounded: past the bound new events are dropped and
// counted (a warning says how many) rather than letting a flood or a stalled database exhaust memory.

export interface EventBufferOptions<T> {
  /** Writes one batch; must be idempotent (a failed batch is retried with the next flush). */
  write: (batch: T[]) => Promise<void>;
  /** A flush starts when this many events wait; twice this many are held at most. */
  maxEvents: number;
  /** How often waiting events are written. */
  flushMs: number;
  /** Events per write call (each call is one transaction). */
  batchSize: number;
  logger: Logger;
  name: string;
}

export class EventBuffer<T> {
  private pending: T[] = [];
  private flushing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private droppedSinceWarning = 0;
  private closed = false;
  /** Events dropped because the buffer was full, since start. */
  dropped = 0;
  /** Events written, since start. */
  written = 0;

  constructor(private readonly options: EventBufferOptions<T>) {
    this.timer = setInterval(() => void this.flush().catch(() => undefined), options.flushMs);
    this.timer.unref();
  }

  get size(): number {
    return this.pending.length;
  }

  /** Queues an event; false when it was dropped (buffer full). */
  push(event: T): boolean {
    if (this.pending.length >= this.options.maxEvents * 2 || this.closed) {
      this.dropped++;
      if (this.droppedSinceWarning++ === 0) {
        // One warning per burst, not one per event; the next flush logs how many were lost.
        this.options.logger.warn({ buffer: this.options.name, maxEvents: this.options.maxEvents * 2 }, "analytics buffer full: dropping events");
      }
      return false;
    }
    this.pending.push(event);
    if (this.pending.length === this.options.maxEvents) void this.flush().catch(() => undefined);
    return true;
  }

  /**
   * Writes everything queued so far (waiting for a flush already running first). Rejects if a
   * batch could not be written; its events stay queued for the next attempt.
   */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing.catch(() => undefined);
    if (this.pending.length === 0) return;
    this.flushing = this.drain();
    try {
      await this.flushing;
    } finally {
      this.flushing = undefined;
    }
  }

  /** Stops the timer and writes what is left: a clean stop loses nothing. */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    do await this.flush();
    while (this.pending.length > 0);
    this.closed = true;
  }

  private async drain(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    if (this.droppedSinceWarning > 0) {
      this.options.logger.warn({ buffer: this.options.name, dropped: this.droppedSinceWarning }, "analytics events dropped while the buffer was full");
      this.droppedSinceWarning = 0;
    }
    for (let i = 0; i < batch.length; i += this.options.batchSize) {
      const chunk = batch.slice(i, i + this.options.batchSize);
      try {
        await this.options.write(chunk);
        this.written += chunk.length;
      } catch (err) {
        // Put the unwritten events back in front (within the bound) for the next flush.
        const unwritten = batch.slice(i);
        const room = Math.max(0, this.options.maxEvents * 2 - this.pending.length);
        this.dropped += Math.max(0, unwritten.length - room);
        this.pending = unwritten.slice(0, room).concat(this.pending);
        this.options.logger.error({ err, buffer: this.options.name, events: unwritten.length }, "analytics events could not be written; will retry");
        throw err;
      }
    }
  }
}
