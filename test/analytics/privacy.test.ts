import { describe, expect, it } from "vitest";
import { ManualClock } from "../../server/adapters/clock.ts";
import { listenerHash, newSaltSecret, SaltStore, type SaltRecord, type SaltRepository } from "../../server/analytics/privacy.ts";

const UA = "Podcasts/1440.4 CFNetwork/1128.0.1 Darwin/19.6.0";

describe("listenerHash", () => {
  const secret = newSaltSecret();

  it("is a stable 16-byte base64url value for the same secret, network and agent", () => {
    const hash = listenerHash(secret, "203.0.113.7", UA);
    expect(hash).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(Buffer.from(hash, "base64url")).toHaveLength(16);
    expect(listenerHash(secret, "203.0.113.7", UA)).toBe(hash);
  });

  it("changes with the day's secret", () => {
    expect(listenerHash(newSaltSecret(), "203.0.113.7", UA)).not.toBe(listenerHash(secret, "203.0.113.7", UA));
  });

  it("tells apart addresses and agents", () => {
    const hash = listenerHash(secret, "203.0.113.7", UA);
    expect(listenerHash(secret, "203.0.113.8", UA)).not.toBe(hash);
    expect(listenerHash(secret, "203.0.113.7", `${UA} `)).not.toBe(hash);
    // The separator keeps "ip|agent" boundaries unambiguous.
    expect(listenerHash(secret, "203.0.113.7", "1x")).not.toBe(listenerHash(secret, "203.0.113.71", "x"));
  });

  it("hashes the /64 network of IPv6 and the IPv4 of a mapped address", () => {
    expect(listenerHash(secret, "2001:db8:aa:bb::1", UA)).toBe(listenerHash(secret, "2001:db8:aa:bb:9:8:7:6", UA));
    expect(listenerHash(secret, "2001:db8:aa:bc::1", UA)).not.toBe(listenerHash(secret, "2001:db8:aa:bb::1", UA));
    expect(listenerHash(secret, "::ffff:203.0.113.7", UA)).toBe(listenerHash(secret, "203.0.113.7", UA));
  });

  it("does not contain the address", () => {
    const hash = listenerHash(secret, "203.0.113.7", UA);
    expect(hash).not.toContain("203");
    expect(newSaltSecret()).not.toBe(newSaltSecret());
  });
});

/** Same contract as the database table: the day is the primary key, an insert never overwrites. */
class MemorySaltRepository implements SaltRepository {
  readonly rows = new Map<string, SaltRecord>();
  inserts = 0;
  async insertIfAbsent(salt: SaltRecord) {
    await Promise.resolve();
    this.inserts++;
    if (!this.rows.has(salt.day)) this.rows.set(salt.day, { ...salt });
  }
  async findByDay(day: string) {
    await Promise.resolve();
    return this.rows.get(day) ?? null;
  }
  async deleteCreatedBefore(cutoff: Date) {
    let deleted = 0;
    for (const [day, row] of this.rows) if (row.createdAt < cutoff && this.rows.delete(day)) deleted++;
    return deleted;
  }
}

describe("SaltStore", () => {
  it("creates one salt per UTC day and reuses it", async () => {
    const repository = new MemorySaltRepository();
    const clock = new ManualClock(new Date("2026-03-01T08:00:00Z"));
    const store = new SaltStore(repository, clock);
    expect(store.peekSecretForToday()).toBeUndefined();

    const first = await store.secretForToday();
    expect(first.day).toBe("2026-03-01");
    expect(store.peekSecretForToday()).toBe(first.secret);
    clock.set("2026-03-01T23:59:59Z");
    expect(await store.secretForToday()).toEqual(first);
    expect(repository.rows.size).toBe(1);

    clock.set("2026-03-02T00:00:01Z");
    expect(store.peekSecretForToday()).toBeUndefined(); // yesterday's is not served for today
    const second = await store.secretForToday();
    expect(second.day).toBe("2026-03-02");
    expect(second.secret).not.toBe(first.secret);
    expect(listenerHash(second.secret, "203.0.113.7", UA)).not.toBe(listenerHash(first.secret, "203.0.113.7", UA));
  });

  it("gives every process the same secret when they ask at the same moment", async () => {
    const repository = new MemorySaltRepository();
    const clock = new ManualClock(new Date("2026-03-01T00:00:00Z"));
    const processes = [new SaltStore(repository, clock), new SaltStore(repository, clock), new SaltStore(repository, clock)];
    const results = await Promise.all(processes.flatMap((store) => [store.secretForToday(), store.secretForToday()]));
    expect(new Set(results.map((result) => result.secret)).size).toBe(1);
    expect(repository.rows.size).toBe(1);
    // Concurrent calls within one process share a single load.
    expect(repository.inserts).toBeLessThanOrEqual(processes.length);
  });

  it("uses the salt another process stored first", async () => {
    const repository = new MemorySaltRepository();
    const clock = new ManualClock(new Date("2026-03-01T12:00:00Z"));
    await repository.insertIfAbsent({ day: "2026-03-01", secret: "c2FsdA", createdAt: new Date("2026-03-01T00:00:00Z") });
    expect((await new SaltStore(repository, clock).secretForToday()).secret).toBe("c2FsdA");
  });

  it("deletes salts 48 hours after their creation", async () => {
    const repository = new MemorySaltRepository();
    const clock = new ManualClock(new Date("2026-03-01T00:00:10Z"));
    const store = new SaltStore(repository, clock);
    await store.secretForToday();
    clock.set("2026-03-02T00:00:10Z");
    await store.secretForToday();

    clock.set("2026-03-03T00:00:09Z");
    expect(await store.purgeExpired()).toBe(0);
    clock.set("2026-03-03T00:00:11Z");
    expect(await store.purgeExpired()).toBe(1);
    expect([...repository.rows.keys()]).toEqual(["2026-03-02"]);
  });

  it("retries after a failed load instead of caching the failure", async () => {
    const repository = new MemorySaltRepository();
    let failures = 1;
    const flaky: SaltRepository = {
      insertIfAbsent: (salt) => repository.insertIfAbsent(salt),
      deleteCreatedBefore: (cutoff) => repository.deleteCreatedBefore(cutoff),
      findByDay: async (day) => {
        if (failures-- > 0) throw new Error("database unavailable");
        return repository.findByDay(day);
      },
    };
    const store = new SaltStore(flaky, new ManualClock(new Date("2026-03-01T00:00:00Z")));
    await expect(store.secretForToday()).rejects.toThrow("database unavailable");
    expect((await store.secretForToday()).day).toBe("2026-03-01");
  });
});
