import type supertest from "supertest";
import { seedEpisode, seedShow, type SeedVariant } from "../feeds/seed.ts";
import { createTestEnv, testVariant, type TestEnv } from "../support/app.ts";
import type { ContextOverrides } from "../../server/context.ts";
import { mediaPath } from "../../server/http/public-urls.ts";
import { downloadThresholdBytes } from "../../server/analytics/iab.ts";

// Shared set-up of the tracked-delivery tests: an app that trusts X-Forwarded-For (so each test
// can play the part of any listener address), a published episode with real stored audio, and
// helpers to play it and read what was counted.

export const APPLE_PODCASTS = "Podcasts/1650.20 CFNetwork/1408.0.4 Darwin/22.5.0";
export const OVERCAST = "Overcast/3.0 (+http://overcast.fm/; iOS podcast app)";
export const FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
export const isLocal = testVariant().storage === "local";

/** Supertest parser keeping the body as bytes (audio). */
export const binary = (res: supertest.Response, done: (err: Error | null, body: Buffer) => void) => {
  const stream = res as unknown as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on("data", (c: Buffer) => chunks.push(c));
  stream.on("end", () => done(null, Buffer.concat(chunks)));
};

export interface MediaEnv {
  env: TestEnv;
  show: { id: string };
  live: Awaited<ReturnType<typeof seedEpisode>>["variants"][number];
  url: string;
  lowDataUrl: string;
  size: number;
  threshold: number;
  audio: Buffer;
}

export async function createMediaEnv(options: { env?: Record<string, string>; overrides?: ContextOverrides; variant?: SeedVariant } = {}): Promise<MediaEnv> {
  const env = await createTestEnv({ env: { TRUST_PROXY: "true", ...options.env }, overrides: options.overrides });
  const show = await seedShow(env.ctx, { locales: ["ar", "fr", "en"], artwork: false });
  // 200 kB over 125.4 s: one minute of audio is ~95.7 kB.
  const { variants } = await seedEpisode(env.ctx, show, { variants: [options.variant ?? { locale: "ar", bytes: 200_000, durationSeconds: 125.4 }] });
  const live = variants[0]!;
  const main = live.renditions.find((r) => r.kind === "main")!;
  const low = live.renditions.find((r) => r.kind === "lowdata")!;
  const audio = await readAll(await env.ctx.storage.get(main.storageKey));
  // The day's salt is normally loaded by the first request; loading it here keeps tests independent of that.
  await env.ctx.salts.secretForToday();
  return { env, show, live, url: mediaPath(live.id, main), lowDataUrl: mediaPath(live.id, low), size: main.bytes, threshold: downloadThresholdBytes(main), audio };
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** A GET as a listener at `ip` with `userAgent` would send it (the body is read to the end). */
export function listen(m: MediaEnv, o: { ip?: string; userAgent?: string | null; range?: string; url?: string; method?: "GET" | "HEAD"; headers?: Record<string, string> } = {}) {
  const request = m.env.request();
  let test = o.method === "HEAD" ? request.head(o.url ?? m.url) : request.get(o.url ?? m.url);
  test = test.set("X-Forwarded-For", o.ip ?? "203.0.113.7");
  if (o.userAgent !== null) test = test.set("User-Agent", o.userAgent ?? APPLE_PODCASTS);
  if (o.range) test = test.set("Range", o.range);
  if (o.headers) test = test.set(o.headers);
  return o.method === "HEAD" ? test : test.buffer(true).parse(binary);
}

/** Downloads stored after a flush. */
export async function downloads(m: MediaEnv) {
  await m.env.ctx.tracking.flush();
  return m.env.ctx.db.prisma.download.findMany({ orderBy: { id: "asc" } });
}

export async function dailyTotal(m: MediaEnv): Promise<number> {
  await m.env.ctx.tracking.flush();
  const rows = await m.env.ctx.db.prisma.downloadDaily.findMany();
  return rows.reduce((sum, row) => sum + row.downloads, 0);
}
