// Listener de-duplication without keeping IP addresses: a keyed hash of the address's network
// part and the user agent, keyed by a random secret ("salt") that changes every UTC day and is
// deleted 48 hours after it was created. Once a salt is gone, nobody — not even someone holding
// the database and the server — can recompute a hash from an IP address to link it to a listener.
import { createHmac, createSecretKey, randomBytes, type KeyObject } from "node:crypto";
import type { Clock } from "../adapters/clock.ts";
import { truncateIp, utcDay } from "./iab.ts";

/** 128 bits: collisions between distinct listeners of one day are negligible. */
export const LISTENER_HASH_BYTES = 16;
export const SALT_LIFETIME_MS = 48 * 60 * 60 * 1000;

/** A fresh day secret: 256 random bits, base64url. */
export function newSaltSecret(): string {
  return randomBytes(32).toString("base64url");
}

/** The day secret as a key object, decoded once per secret rather than once per request. */
let lastKey: { secret: string; key: KeyObject } | undefined;
function hmacKey(secret: string): KeyObject {
  if (lastKey?.secret !== secret) lastKey = { secret, key: createSecretKey(Buffer.from(secret, "base64url")) };
  return lastKey.key;
}

/**
 * HMAC-SHA256(day secret, network ‖ user agent), truncated to 16 bytes, base64url (22 chars).
 * The address is reduced first (IPv6 to its /64, IPv4-mapped to IPv4), so the same connection
 * always hashes alike within a day, and the full address never enters the computation.
 */
export function listenerHash(secretForDay: string, ip: string, userAgent: string | null | undefined): string {
  const network = truncateIp(ip) ?? ip.trim();
  return createHmac("sha256", hmacKey(secretForDay))
    .update(`${network}\n${userAgent ?? ""}`)
    .digest()
    .subarray(0, LISTENER_HASH_BYTES)
    .toString("base64url");
}

export interface SaltRecord {
  /** UTC calendar day, YYYY-MM-DD. */
  day: string;
  secret: string;
  createdAt: Date;
}

/** Storage of day salts, shared by every process (table AnalyticsSalt). */
export interface SaltRepository {
  /** Stores the salt unless the day already has one; never replaces an existing salt. */
  insertIfAbsent(salt: SaltRecord): Promise<void>;
  findByDay(day: string): Promise<SaltRecord | null>;
  /** Deletes salts created before the cutoff; returns how many. */
  deleteCreatedBefore(cutoff: Date): Promise<number>;
}

/**
 * Today's salt for this process. Every process (web replicas, worker) must hash with the same
 * secret, so the first one to need a day's salt inserts a random one and everybody then reads
 * whatever the database kept: the insert never overwrites, so concurrent first requests agree.
 * Only the current day's secret is held in memory.
 */
export class SaltStore {
  private current: { day: string; secret: string } | undefined;
  private loading: { day: string; promise: Promise<string> } | undefined;

  constructor(
    private readonly repository: SaltRepository,
    private readonly clock: Clock,
  ) {}

  /** Today's secret if already loaded: the synchronous fast path for the media endpoint. */
  peekSecretForToday(): string | undefined {
    const day = utcDay(this.clock.now());
    return this.current?.day === day ? this.current.secret : undefined;
  }

  async secretForToday(): Promise<{ day: string; secret: string }> {
    const now = this.clock.now();
    const day = utcDay(now);
    if (this.current?.day === day) return { ...this.current };
    if (this.loading?.day !== day) this.loading = { day, promise: this.load(day, now) };
    const secret = await this.loading.promise;
    return { day, secret };
  }

  /** Deletes salts older than 48 hours; run periodically (e.g. hourly by the analytics job). */
  purgeExpired(): Promise<number> {
    return this.repository.deleteCreatedBefore(new Date(this.clock.now().getTime() - SALT_LIFETIME_MS));
  }

  private async load(day: string, now: Date): Promise<string> {
    try {
      let salt = await this.repository.findByDay(day);
      if (!salt) {
        await this.repository.insertIfAbsent({ day, secret: newSaltSecret(), createdAt: now });
        salt = await this.repository.findByDay(day);
      }
      if (!salt) throw new Error(`analytics salt for ${day} missing right after insert`);
      // Keep only the newest day: yesterday's secret leaves memory as soon as today's is known.
      if (!this.current || this.current.day < day) this.current = { day, secret: salt.secret };
      return salt.secret;
    } finally {
      if (this.loading?.day === day) this.loading = undefined;
    }
  }
}
