import type { Database, Prisma, PrismaClient } from "../adapters/database.ts";
import type { Job } from "../generated/prisma/sqlite/client.ts";

export type { Job };
export type Tx = Prisma.TransactionClient;

/** A running job's row is only ever changed by the worker holding its lease: every write below is conditional on it. */
const held = (id: string, owner: string) => ({ id, leaseOwner: owner, status: "running" });

/**
 * All database access for the job queue. Claiming is the one place where providers differ:
 * PostgreSQL locks the chosen row (FOR UPDATE SKIP LOCKED, so concurrent workers pass over each
 * other's picks instead of waiting); SQLite has a single writer, so a compare-and-set UPDATE on the
 * row's state is atomic there.
 */
export class JobsRepository {
  private readonly prisma: PrismaClient;

  constructor(private readonly db: Database) {
    this.prisma = db.prisma;
  }

  create(data: { queue: string; payload: string; runAt: Date; maxAttempts: number }, tx: Tx | PrismaClient = this.prisma) {
    return tx.job.create({ data });
  }

  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.prisma.$transaction(fn);
  }

  findById(id: string) {
    return this.prisma.job.findUnique({ where: { id } });
  }

  /** Runnable: queued and due, or running with an expired lease (its worker died) and attempts left. */
  private claimable(queues: string[], now: Date): Prisma.JobWhereInput {
    return {
      queue: { in: queues },
      OR: [
        { status: "queued", runAt: { lte: now } },
        { status: "running", leaseExpiresAt: { lt: now }, attempts: { lt: this.prisma.job.fields.maxAttempts } },
      ],
    };
  }

  /** Takes one runnable job for `owner` until `leaseUntil`, counting an attempt; null when none is due. */
  async claimNext(queues: string[], owner: string, now: Date, leaseUntil: Date): Promise<Job | null> {
    if (queues.length === 0) return null;
    if (this.db.provider === "postgresql") {
      // Timestamps are passed as ISO text and cast: the columns are UTC "timestamp without time zone".
      const rows = await this.prisma.$queryRawUnsafe<{ id: string }[]>(
        `UPDATE "Job" SET "status" = 'running', "leaseOwner" = $1, "leaseExpiresAt" = CAST($2 AS timestamp(3)),
           "attempts" = "attempts" + 1, "updatedAt" = CAST($3 AS timestamp(3))
         WHERE "id" = (
           SELECT "id" FROM "Job"
           WHERE "queue" = ANY(CAST($4 AS text[])) AND (
             ("status" = 'queued' AND "runAt" <= CAST($3 AS timestamp(3)))
             OR ("status" = 'running' AND "leaseExpiresAt" < CAST($3 AS timestamp(3)) AND "attempts" < "maxAttempts"))
           ORDER BY "runAt", "createdAt"
           LIMIT 1
           FOR UPDATE SKIP LOCKED)
         RETURNING "id"`,
        owner,
        leaseUntil.toISOString(),
        now.toISOString(),
        queues,
      );
      return rows[0] ? this.findById(rows[0].id) : null;
    }
    // SQLite: pick a candidate, then take it only if it is still runnable; a lost race retries.
    for (let round = 0; round < 10; round++) {
      const where = this.claimable(queues, now);
      const candidate = await this.prisma.job.findFirst({ where, orderBy: [{ runAt: "asc" }, { createdAt: "asc" }], select: { id: true } });
      if (!candidate) return null;
      const { count } = await this.prisma.job.updateMany({
        where: { ...where, id: candidate.id },
        data: { status: "running", leaseOwner: owner, leaseExpiresAt: leaseUntil, attempts: { increment: 1 }, updatedAt: now },
      });
      if (count === 1) return this.findById(candidate.id);
    }
    return null;
  }

  /** Extends the lease; false when it was lost (expired and taken by another worker). */
  async renewLease(id: string, owner: string, leaseUntil: Date): Promise<boolean> {
    const { count } = await this.prisma.job.updateMany({ where: held(id, owner), data: { leaseExpiresAt: leaseUntil } });
    return count === 1;
  }

  async setProgress(id: string, owner: string, progress: number): Promise<boolean> {
    const { count } = await this.prisma.job.updateMany({ where: held(id, owner), data: { progress } });
    return count === 1;
  }

  async markSucceeded(id: string, owner: string, tx: Tx | PrismaClient = this.prisma): Promise<boolean> {
    const { count } = await tx.job.updateMany({
      where: held(id, owner),
      data: { status: "succeeded", progress: 100, leaseOwner: null, leaseExpiresAt: null, lastErrorCode: null, lastError: null },
    });
    return count === 1;
  }

  async scheduleRetry(id: string, owner: string, runAt: Date, code: string, message: string): Promise<boolean> {
    const { count } = await this.prisma.job.updateMany({
      where: held(id, owner),
      data: { status: "queued", runAt, progress: 0, leaseOwner: null, leaseExpiresAt: null, lastErrorCode: code, lastError: message },
    });
    return count === 1;
  }

  async markFailed(id: string, owner: string, code: string, message: string): Promise<boolean> {
    const { count } = await this.prisma.job.updateMany({
      where: held(id, owner),
      data: { status: "failed", leaseOwner: null, leaseExpiresAt: null, lastErrorCode: code, lastError: message },
    });
    return count === 1;
  }

  /** Gives an interrupted job back (graceful shutdown): runnable now, and the cut-short attempt does not count. */
  async release(id: string, owner: string, now: Date): Promise<boolean> {
    const { count } = await this.prisma.job.updateMany({
      where: held(id, owner),
      data: { status: "queued", runAt: now, progress: 0, leaseOwner: null, leaseExpiresAt: null, attempts: { decrement: 1 } },
    });
    return count === 1;
  }

  /** Jobs whose worker died on their last allowed attempt: nobody may claim them again. */
  findAbandoned(queues: string[], now: Date) {
    return this.prisma.job.findMany({
      where: { queue: { in: queues }, status: "running", leaseExpiresAt: { lt: now }, attempts: { gte: this.prisma.job.fields.maxAttempts } },
      take: 50,
    });
  }

  /** Fails an abandoned job, unless something else changed it meanwhile (compare-and-set on its lease). */
  async failAbandoned(job: Job, code: string, message: string): Promise<boolean> {
    const { count } = await this.prisma.job.updateMany({
      where: { id: job.id, status: "running", leaseOwner: job.leaseOwner, leaseExpiresAt: job.leaseExpiresAt },
      data: { status: "failed", leaseOwner: null, leaseExpiresAt: null, lastErrorCode: code, lastError: message },
    });
    return count === 1;
  }
}
