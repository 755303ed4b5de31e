import type { PrismaClient } from "../adapters/database.ts";
import type { SaltRecord, SaltRepository } from "./privacy.ts";

/** Day salts in the AnalyticsSalt table, shared by every Sada process (see privacy.ts SaltStore). */
export class PrismaSaltRepository implements SaltRepository {
  constructor(private readonly prisma: PrismaClient) {}

  async insertIfAbsent(salt: SaltRecord): Promise<void> {
    try {
      await this.prisma.analyticsSalt.create({ data: { day: salt.day, secret: salt.secret, createdAt: salt.createdAt } });
    } catch (err) {
      // Another process created the day's salt first: theirs stands, never overwritten.
      if ((err as { code?: string }).code !== "P2002") throw err;
    }
  }

  findByDay(day: string): Promise<SaltRecord | null> {
    return this.prisma.analyticsSalt.findUnique({ where: { day }, select: { day: true, secret: true, createdAt: true } });
  }

  async deleteCreatedBefore(cutoff: Date): Promise<number> {
    const { count } = await this.prisma.analyticsSalt.deleteMany({ where: { createdAt: { lt: cutoff } } });
    return count;
  }
}
