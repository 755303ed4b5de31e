import type { PrismaClient } from "../adapters/database.ts";

/** All database access for accounts: users, sessions, API tokens, login throttling. */
export class AccountsRepository {
  constructor(private readonly prisma: PrismaClient) {}

  countUsers() {
    return this.prisma.user.count();
  }
  countActiveAdmins(exceptUserId?: string) {
    return this.prisma.user.count({ where: { role: "admin", active: true, ...(exceptUserId ? { id: { not: exceptUserId } } : {}) } });
  }
  findUserByEmail(email: string) {
    return this.prisma.user.findUnique({ where: { email } });
  }
  findUserById(id: string) {
    return this.prisma.user.findUnique({ where: { id } });
  }
  listUsers() {
    return this.prisma.user.findMany({ orderBy: { createdAt: "asc" } });
  }
  createUser(data: { email: string; name: string; role: string; passwordHash: string; locale?: string | null }) {
    return this.prisma.user.create({ data });
  }
  updateUser(id: string, data: { name?: string; role?: string; active?: boolean; passwordHash?: string; locale?: string | null; lastLoginAt?: Date }) {
    return this.prisma.user.update({ where: { id }, data });
  }
  deleteUser(id: string) {
    return this.prisma.user.delete({ where: { id } });
  }
  /** Revokes every way a user is signed in (deactivation, password change). */
  async revokeCredentials(userId: string, keepSessionId?: string) {
    await this.prisma.$transaction([
      this.prisma.session.deleteMany({ where: { userId, ...(keepSessionId ? { id: { not: keepSessionId } } : {}) } }),
      this.prisma.apiToken.deleteMany({ where: { userId } }),
    ]);
  }

  createSession(data: { id: string; userId: string; csrfToken: string; expiresAt: Date }) {
    return this.prisma.session.create({ data });
  }
  findSession(id: string) {
    return this.prisma.session.findUnique({ where: { id }, include: { user: true } });
  }
  touchSession(id: string, lastSeenAt: Date, expiresAt: Date) {
    return this.prisma.session.update({ where: { id }, data: { lastSeenAt, expiresAt } });
  }
  deleteSession(id: string) {
    return this.prisma.session.deleteMany({ where: { id } });
  }
  deleteExpiredSessions(now: Date) {
    return this.prisma.session.deleteMany({ where: { expiresAt: { lt: now } } });
  }

  createToken(data: { userId: string; name: string; tokenHash: string; prefix: string; expiresAt: Date | null }) {
    return this.prisma.apiToken.create({ data });
  }
  findTokenByHash(tokenHash: string) {
    return this.prisma.apiToken.findUnique({ where: { tokenHash }, include: { user: true } });
  }
  listTokens(userId: string) {
    return this.prisma.apiToken.findMany({ where: { userId }, orderBy: { createdAt: "desc" } });
  }
  deleteToken(userId: string, id: string) {
    return this.prisma.apiToken.deleteMany({ where: { id, userId } });
  }
  touchToken(id: string, lastUsedAt: Date) {
    return this.prisma.apiToken.update({ where: { id }, data: { lastUsedAt } });
  }

  getBucket(key: string) {
    return this.prisma.rateLimitBucket.findUnique({ where: { key } });
  }
  /** Adds one hit, starting a new window when the old one has passed. */
  async hitBucket(key: string, now: Date, windowMs: number) {
    return this.prisma.$transaction(async (tx) => {
      const bucket = await tx.rateLimitBucket.findUnique({ where: { key } });
      if (!bucket || now.getTime() - bucket.windowStart.getTime() >= windowMs) {
        return tx.rateLimitBucket.upsert({
          where: { key },
          create: { key, count: 1, windowStart: now },
          update: { count: 1, windowStart: now },
        });
      }
      return tx.rateLimitBucket.update({ where: { key }, data: { count: { increment: 1 } } });
    });
  }
  clearBucket(key: string) {
    return this.prisma.rateLimitBucket.deleteMany({ where: { key } });
  }
  deleteStaleBuckets(before: Date) {
    return this.prisma.rateLimitBucket.deleteMany({ where: { windowStart: { lt: before } } });
  }
}
