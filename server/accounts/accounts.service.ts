import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { Clock } from "../adapters/clock.ts";
import type { Logger } from "../adapters/logger.ts";
import type { PasswordHasher } from "../adapters/passwords.ts";
import type { Config } from "../config.ts";
import { conflict, notFound, tooManyRequests, unauthorized } from "../errors.ts";
import { isLocale } from "../i18n.ts";
import type { AuthContext, AuthUser, Role } from "../http/types.ts";
import type { AccountsRepository } from "./accounts.repository.ts";
import type { CreateTokenBody, CreateUserBody, UpdateUserBody } from "./accounts.schema.ts";

const sha256 = (value: string) => createHash("sha256").update(value).digest("hex");
const randomToken = (bytes: number) => randomBytes(bytes).toString("base64url");
const TOKEN_PREFIX = "sada_";
/** Sliding sessions are extended at most this often, so reads do not each write. */
const SESSION_TOUCH_MS = 5 * 60 * 1000;

type UserRecord = NonNullable<Awaited<ReturnType<AccountsRepository["findUserById"]>>>;

export function toAuthUser(user: UserRecord): AuthUser {
  return { id: user.id, email: user.email, name: user.name, role: user.role as Role, locale: isLocale(user.locale) ? user.locale : null };
}

function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: string })?.code === "P2002";
}

export class AccountsService {
  /** Verified against when the email is unknown, so both failures cost the same time. */
  private dummyHash: Promise<string>;

  constructor(
    private readonly repo: AccountsRepository,
    private readonly hasher: PasswordHasher,
    private readonly clock: Clock,
    private readonly config: Config["accounts"],
    private readonly logger: Logger,
  ) {
    this.dummyHash = hasher.hash(randomToken(16));
  }

  /**
   * First run: create the first admin from ADMIN_EMAIL/ADMIN_PASSWORD, or generate a strong
   * password and print it once. Never a default password. Safe to run on every start.
   */
  async bootstrapAdmin(print: (text: string) => void = (text) => process.stdout.write(text)): Promise<void> {
    if ((await this.repo.countUsers()) > 0) return;
    const email = (this.config.adminEmail ?? "admin@sada.local").toLowerCase();
    const generated = !this.config.adminPassword;
    const password = this.config.adminPassword ?? randomToken(18);
    try {
      await this.repo.createUser({ email, name: "Administrator", role: "admin", passwordHash: await this.hasher.hash(password) });
    } catch (err) {
      if (isUniqueViolation(err)) return; // another process created it first
      throw err;
    }
    this.logger.info({ email, generatedPassword: generated }, "first admin account created");
    if (generated) {
      print(
        `\n  Sada: first admin account created.\n    email:    ${email}\n    password: ${password}\n` +
          `  This password is shown only once. Sign in and change it, or set ADMIN_EMAIL/ADMIN_PASSWORD.\n\n`,
      );
    }
  }

  private async checkThrottle(keys: { key: string; max: number }[]) {
    const windowMs = this.config.loginWindowMinutes * 60_000;
    const now = this.clock.now().getTime();
    for (const { key, max } of keys) {
      const bucket = await this.repo.getBucket(key);
      if (bucket && now - bucket.windowStart.getTime() < windowMs && bucket.count >= max) {
        const retryAfterSeconds = Math.ceil((bucket.windowStart.getTime() + windowMs - now) / 1000);
        throw tooManyRequests("login_rate_limited", { minutes: Math.ceil(retryAfterSeconds / 60), retryAfterSeconds });
      }
    }
  }

  /**
   * Email + password → new session. Throttled per account and per client address (the address is
   * only kept as a hash, in a row that expires with its window). Unknown email and wrong password
   * answer identically.
   */
  async login(email: string, password: string, clientAddress: string) {
    const accountKey = `login:account:${sha256(email)}`;
    const addressKey = `login:address:${sha256(clientAddress)}`;
    const throttles = [
      { key: accountKey, max: this.config.loginMaxAttempts },
      { key: addressKey, max: this.config.loginMaxAttempts * 3 },
    ];
    await this.checkThrottle(throttles);
    const user = await this.repo.findUserByEmail(email);
    const ok = user
      ? await this.hasher.verify(user.passwordHash, password)
      : (await this.hasher.verify(await this.dummyHash, password), false);
    if (!user || !ok || !user.active) {
      const windowMs = this.config.loginWindowMinutes * 60_000;
      for (const { key } of throttles) await this.repo.hitBucket(key, this.clock.now(), windowMs);
      throw unauthorized("invalid_credentials");
    }
    await this.repo.clearBucket(accountKey);
    const now = this.clock.now();
    await this.repo.updateUser(user.id, { lastLoginAt: now });
    const token = randomToken(32);
    const session = await this.repo.createSession({
      id: sha256(token),
      userId: user.id,
      csrfToken: randomToken(24),
      expiresAt: new Date(now.getTime() + this.config.sessionTtlHours * 3_600_000),
    });
    return { token, session, user: { ...user, lastLoginAt: now } };
  }

  async logout(sessionId: string) {
    await this.repo.deleteSession(sessionId);
  }

  /** Cookie value → auth context, or undefined when missing, expired or the user is inactive. */
  async authenticateSession(cookieValue: string): Promise<AuthContext | undefined> {
    const session = await this.repo.findSession(sha256(cookieValue));
    const now = this.clock.now();
    if (!session || session.expiresAt <= now || !session.user.active) return undefined;
    if (now.getTime() - session.lastSeenAt.getTime() > SESSION_TOUCH_MS) {
      await this.repo.touchSession(session.id, now, new Date(now.getTime() + this.config.sessionTtlHours * 3_600_000));
    }
    return { user: toAuthUser(session.user), via: "session", sessionId: session.id, csrfToken: session.csrfToken };
  }

  async authenticateToken(bearer: string): Promise<AuthContext | undefined> {
    if (!bearer.startsWith(TOKEN_PREFIX)) return undefined;
    const token = await this.repo.findTokenByHash(sha256(bearer));
    const now = this.clock.now();
    if (!token || (token.expiresAt && token.expiresAt <= now) || !token.user.active) return undefined;
    if (!token.lastUsedAt || now.getTime() - token.lastUsedAt.getTime() > SESSION_TOUCH_MS) await this.repo.touchToken(token.id, now);
    return { user: toAuthUser(token.user), via: "token" };
  }

  /** Constant-time comparison of the CSRF token a request sent with its session's. */
  static csrfMatches(expected: string | undefined, sent: unknown): boolean {
    if (!expected || typeof sent !== "string") return false;
    const a = Buffer.from(expected);
    const b = Buffer.from(sent);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  async getUser(id: string) {
    const user = await this.repo.findUserById(id);
    if (!user) throw notFound("user_not_found");
    return user;
  }

  listUsers() {
    return this.repo.listUsers();
  }

  async createUser(input: CreateUserBody) {
    try {
      return await this.repo.createUser({
        email: input.email,
        name: input.name,
        role: input.role,
        locale: input.locale ?? null,
        passwordHash: await this.hasher.hash(input.password),
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict("email_taken");
      throw err;
    }
  }

  async updateUser(id: string, input: UpdateUserBody, actingSessionId?: string) {
    const user = await this.getUser(id);
    const losesAdmin = user.role === "admin" && user.active && ((input.role && input.role !== "admin") || input.active === false);
    if (losesAdmin && (await this.repo.countActiveAdmins(id)) === 0) throw conflict("last_admin");
    const updated = await this.repo.updateUser(id, {
      name: input.name,
      role: input.role,
      active: input.active,
      locale: input.locale,
      passwordHash: input.password ? await this.hasher.hash(input.password) : undefined,
    });
    if (input.active === false) await this.repo.revokeCredentials(id);
    else if (input.password) await this.repo.revokeCredentials(id, actingSessionId);
    return updated;
  }

  async updateProfile(id: string, input: { name?: string; locale?: string | null }) {
    return this.repo.updateUser(id, input);
  }

  async deleteUser(id: string) {
    const user = await this.getUser(id);
    if (user.role === "admin" && user.active && (await this.repo.countActiveAdmins(id)) === 0) throw conflict("last_admin");
    await this.repo.deleteUser(id);
  }

  async createToken(userId: string, input: CreateTokenBody) {
    const token = TOKEN_PREFIX + randomToken(32);
    const expiresAt = input.expiresInDays ? new Date(this.clock.now().getTime() + input.expiresInDays * 86_400_000) : null;
    const record = await this.repo.createToken({ userId, name: input.name, tokenHash: sha256(token), prefix: token.slice(0, 12), expiresAt });
    return { record, token };
  }

  listTokens(userId: string) {
    return this.repo.listTokens(userId);
  }

  async deleteToken(userId: string, id: string) {
    const { count } = await this.repo.deleteToken(userId, id);
    if (count === 0) throw notFound("token_not_found");
  }

  /** Periodic clean-up of expired sessions and stale throttling windows. */
  async purgeExpired() {
    const now = this.clock.now();
    await this.repo.deleteExpiredSessions(now);
    await this.repo.deleteStaleBuckets(new Date(now.getTime() - this.config.loginWindowMinutes * 60_000));
  }
}

