import { Writable } from "node:stream";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { pino } from "pino";
import { ManualClock } from "../../server/adapters/clock.ts";
import { createApp } from "../../server/app.ts";
import { createContext } from "../../server/context.ts";
import { listenerHash } from "../../server/analytics/privacy.ts";
import supertest from "supertest";
import { APPLE_PODCASTS, createMediaEnv, dailyTotal, downloads, FIREFOX, isLocal, listen, OVERCAST, type MediaEnv } from "./media-fixture.ts";

// Which requests count as downloads (IAB v2.2 as README "Listener analytics" describes it), and
// what is stored about them: never the IP address, in the database or in the logs.

// Before every test's day: time only moves forward, as a process's salt store expects.
const clock = new ManualClock(new Date("2026-03-01T09:00:00Z"));
const logLines: string[] = [];
const logger = pino(
  { level: "trace" },
  new Writable({
    write(chunk, _encoding, done) {
      logLines.push(String(chunk));
      done();
    },
  }),
);

describe("download counting", () => {
  let m: MediaEnv;

  beforeAll(async () => {
    m = await createMediaEnv({ overrides: { clock, logger } });
  });
  afterAll(() => m?.env.close());
  // Each test on its own UTC day: a process remembers whom it already counted that day.
  let dayOfMonth = 1;
  let today = "";
  beforeEach(async () => {
    dayOfMonth += 3;
    const start = new Date(Date.UTC(2026, 2, dayOfMonth, 9));
    clock.set(start);
    today = start.toISOString().slice(0, 10);
    await m.env.ctx.tracking.flush();
    await m.env.ctx.db.prisma.downloadDaily.deleteMany();
    await m.env.ctx.db.prisma.download.deleteMany();
  });

  it("counts one download per listener, variant and day, with app, device, OS and country", async () => {
    await listen(m, { ip: "41.226.10.10" });
    const [download, ...rest] = await downloads(m);
    expect(rest).toHaveLength(0);
    expect(download).toMatchObject({
      day: today,
      variantId: m.live.id,
      episodeId: m.live.episodeId,
      showId: m.show.id,
      locale: "ar",
      country: "TN",
      app: "Apple Podcasts",
      device: "phone",
      os: "iOS",
      campaignId: "",
      referrer: "",
    });
    expect(download!.at.toISOString()).toBe(`${today}T09:00:00.000Z`);
    expect(download!.listenerHash).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const daily = await m.env.ctx.db.prisma.downloadDaily.findMany();
    expect(daily).toEqual([
      { day: today, variantId: m.live.id, episodeId: m.live.episodeId, showId: m.show.id, locale: "ar", app: "Apple Podcasts", device: "phone", os: "iOS", country: "TN", campaignId: "", downloads: 1 },
    ]);
  });

  it("records a redirected request right after the response, not inside it; flush() includes it", async () => {
    const { tracking } = m.env.ctx;
    const target = await tracking.resolve(m.live.id, m.url.split("/").pop()!);
    const facts = (ip: string) => ({ method: "GET", userAgent: APPLE_PODCASTS, sadaPlayer: false, ip });
    await m.env.ctx.salts.secretForToday(); // the day's salt in memory, as after the day's first request
    tracking.recordRedirect(target, facts("41.226.10.11"));
    tracking.recordRedirect(target, facts("41.226.10.12"));
    tracking.recordRedirect(target, facts("41.226.10.11")); // the same listener again
    expect(tracking.stats.buffered).toBe(0); // nothing done yet: the response goes out first
    await new Promise((resolve) => setImmediate(resolve));
    expect(tracking.stats.buffered).toBe(2);
    tracking.recordRedirect(target, facts("41.226.10.13"));
    await tracking.flush(); // without waiting for the event loop's next turn
    expect((await downloads(m)).map((d) => d.day)).toEqual([today, today, today]);
  });

  it("excludes HEAD, two-byte probes, missing user agents, bots and Apple Watch duplicates", async () => {
    await listen(m, { method: "HEAD" });
    await listen(m, { range: "bytes=0-1" });
    await listen(m, { range: "bytes=0-0" });
    await listen(m, { userAgent: null });
    await listen(m, { userAgent: "   " });
    await listen(m, { userAgent: "Googlebot/2.1 (+http://www.google.com/bot.html)" });
    await listen(m, { userAgent: "curl/8.5.0" });
    await listen(m, { userAgent: "atc/1.0 watchOS/10.0 model/Watch6,1" });
    await listen(m, { userAgent: "AppleCoreMedia/1.0.0.21R355 (Apple Watch; U; CPU OS 10_0 like Mac OS X; en_us) (null)/(null) watchOS/10.0" });
    expect(await downloads(m)).toHaveLength(0);
    // The same listener's real GET counts.
    await listen(m);
    expect(await downloads(m)).toHaveLength(1);
  });

  it("counts a flood from one address and user agent once per day, across both renditions", async () => {
    for (let i = 0; i < 25; i++) await listen(m, { ip: "198.51.100.23", userAgent: OVERCAST, url: i % 2 ? m.lowDataUrl : m.url });
    expect(await downloads(m)).toHaveLength(1);
    expect(await dailyTotal(m)).toBe(1);
  });

  it("tells listeners apart by address and by user agent; an IPv6 /64 is one listener", async () => {
    await listen(m, { ip: "2a01:e0a:1:2::3" });
    await listen(m, { ip: "2a01:e0a:1:2:ffff:eeee:dddd:cccc" }); // same /64
    await listen(m, { ip: "::ffff:203.0.113.7" }); // IPv4-mapped = the IPv4 listener below
    await listen(m, { ip: "203.0.113.7" });
    await listen(m, { ip: "2a01:e0a:1:3::3" }); // another /64
    await listen(m, { ip: "203.0.113.7", userAgent: OVERCAST }); // another app on the same connection
    const counted = await downloads(m);
    expect(counted).toHaveLength(4);
    expect(counted.map((d) => d.country).sort()).toEqual(["FR", "FR", "ZZ", "ZZ"]);
  });

  it("counts the same listener again on the next UTC day, under an unrelated hash", async () => {
    clock.set(`${today}T23:59:00Z`);
    await listen(m);
    clock.advance(2 * 60_000);
    await listen(m);
    const counted = await downloads(m);
    const tomorrow = clock.now().toISOString().slice(0, 10);
    expect(counted.map((d) => d.day)).toEqual([today, tomorrow]);
    expect(counted[0]!.listenerHash).not.toBe(counted[1]!.listenerHash);
    expect(await dailyTotal(m)).toBe(2);
  });

  it("attributes Sada's web player and campaigns, and keeps only other sites' host as referrer", async () => {
    const campaign = await m.env.ctx.db.prisma.campaign.create({
      data: { code: "whatsapp-march", name: "WhatsApp — March", target: "episode_page", showId: m.show.id, episodeId: m.live.episodeId, locale: "ar" },
    });
    await listen(m, { url: `${m.url}?player=sada&c=whatsapp-march`, userAgent: FIREFOX, ip: "203.0.113.1", headers: { Referer: "http://sada.test/ar/show/ep" } });
    await listen(m, { url: `${m.url}?player=sada&c=no-such-code`, userAgent: FIREFOX, ip: "203.0.113.2", headers: { Referer: "https://blog.example.net/post?id=1" } });
    await listen(m, { url: `${m.url}?c=${encodeURIComponent("bad code!")}`, userAgent: FIREFOX, ip: "203.0.113.3" });
    const counted = await downloads(m);
    expect(counted.map((d) => [d.app, d.campaignId, d.referrer])).toEqual([
      ["Sada web player", campaign.id, ""],
      ["Sada web player", "", "blog.example.net"],
      ["Firefox", "", ""],
    ]);
    const daily = await m.env.ctx.db.prisma.downloadDaily.findMany({ where: { campaignId: campaign.id } });
    expect(daily.map((d) => d.downloads)).toEqual([1]);
  });

  it.runIf(isLocal)("counts a ranged download once the bytes delivered from the start cover one minute", async () => {
    const { threshold, size } = m;
    expect(threshold).toBeGreaterThan(90_000);
    expect(threshold).toBeLessThan(size);
    // Seeking into the middle and reading to the end: the beginning never arrived.
    await listen(m, { range: `bytes=${threshold - 1000}-` });
    // Play from the start, pause one byte short of the threshold.
    await listen(m, { range: `bytes=0-${threshold - 2002}` });
    expect(await downloads(m)).toHaveLength(0);
    // Resume: the gap [threshold - 2001, threshold - 1000) is filled — now [0, threshold) is covered.
    await listen(m, { range: `bytes=${threshold - 2001}-${threshold - 1001}` });
    expect(await downloads(m)).toHaveLength(1);
    expect(await dailyTotal(m)).toBe(1);
  });

  it.runIf(isLocal)("does not count requests whose bytes stop short of the threshold", async () => {
    await listen(m, { range: `bytes=0-${m.threshold - 2}` });
    await listen(m, { range: "bytes=-50000", ip: "203.0.113.200" });
    await listen(m, { url: m.lowDataUrl, range: "bytes=0-999", ip: "203.0.113.201" });
    expect(await downloads(m)).toHaveLength(0);
    await listen(m, { range: `bytes=${m.threshold - 1}-${m.threshold - 1}` }); // the very last byte needed
    expect(await downloads(m)).toHaveLength(1);
  });

  it("agrees across processes: two app instances on one database count a listener once", async () => {
    const other = await createContext(m.env.config, { clock, logger });
    try {
      const otherApp = supertest(createApp(other));
      await otherApp.get(m.url).set("X-Forwarded-For", "203.0.113.80").set("User-Agent", APPLE_PODCASTS).buffer(true);
      await listen(m, { ip: "203.0.113.80" });
      await other.tracking.flush();
      expect(await downloads(m)).toHaveLength(1);
      expect(await dailyTotal(m)).toBe(1);
    } finally {
      await other.close();
    }
  });

  it("keeps no IP address in the database or the logs", async () => {
    const ips = ["198.51.100.177", "2a01:e0a:99:77::1234"];
    const truncated = "2a01:e0a:99:77::";
    logLines.length = 0;
    for (const ip of ips) {
      await listen(m, { ip });
      await listen(m, { ip, url: "/media/nope/main.mp3" }); // errors are logged too
    }
    const counted = await downloads(m);
    expect(counted).toHaveLength(2);
    // The hash is the keyed one: the day's salt and the address give it, the address alone does not.
    const { secret } = await m.env.ctx.salts.secretForToday();
    expect(counted.map((d) => d.listenerHash).sort()).toEqual(ips.map((ip) => listenerHash(secret, ip, APPLE_PODCASTS)).sort());

    const dump = JSON.stringify(await everyRow(m));
    for (const needle of [...ips, truncated, "198.51.100", APPLE_PODCASTS]) expect(dump).not.toContain(needle);
    expect(logLines.length).toBeGreaterThan(0); // the request log did run
    const logs = logLines.join("");
    for (const needle of [...ips, truncated, "198.51.100"]) expect(logs).not.toContain(needle);
  });
});

/** Every row of every table, for scanning. */
async function everyRow(m: MediaEnv): Promise<unknown[]> {
  const prisma = m.env.ctx.db.prisma;
  const tables =
    m.env.ctx.db.provider === "sqlite"
      ? await prisma.$queryRawUnsafe<{ name: string }[]>(`SELECT name FROM sqlite_master WHERE type = 'table'`)
      : await prisma.$queryRawUnsafe<{ name: string }[]>(`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema()`);
  expect(tables.map((t) => t.name)).toContain("Download");
  const rows: unknown[] = [];
  for (const { name } of tables) rows.push(...(await prisma.$queryRawUnsafe<unknown[]>(`SELECT * FROM "${name}"`)));
  return rows.map((row) => JSON.parse(JSON.stringify(row, (_key, value) => (typeof value === "bigint" ? String(value) : value))));
}
