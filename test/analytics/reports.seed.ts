import type { AppContext } from "../../server/context.ts";
import { seedEpisode, seedShow } from "../feeds/seed.ts";

// A small, deterministic analytics history written straight into Download and DownloadDaily (the
// tables helper code for ingestion fills), plus the expected figures computed independently here.

export interface SeedEvent {
  day: string;
  variantId: string;
  episodeId: string;
  showId: string;
  locale: string;
  listener: number;
  country: string;
  app: string;
  device: string;
  os: string;
  campaignId: string;
}

const LISTENERS = [
  { app: "Apple Podcasts", device: "phone", os: "iOS", country: "TN" },
  { app: "Spotify", device: "phone", os: "Android", country: "MA" },
  { app: "Overcast", device: "phone", os: "iOS", country: "FR" },
  { app: "Chrome", device: "computer", os: "Windows", country: "TN" },
  { app: "Spotify", device: "smart_speaker", os: "other", country: "ZZ" },
  { app: "Podcast Addict", device: "tablet", os: "Android", country: "EG" },
  { app: "Apple Podcasts", device: "watch", os: "watchOS", country: "LB" },
];

export const DAYS = ["2026-03-01", "2026-03-02", "2026-03-03", "2026-03-04", "2026-03-05", "2026-03-06", "2026-03-07", "2026-03-08", "2026-03-09", "2026-03-10"];

export async function seedAnalytics(ctx: AppContext) {
  const showA = await seedShow(ctx, { slug: "voices", locales: ["ar", "fr"], artwork: false });
  const showB = await seedShow(ctx, { slug: "echoes", locales: ["ar"], artwork: false });
  const a1 = await seedEpisode(ctx, showA, {
    slug: "a1",
    variants: [
      { locale: "ar", bytes: 0, publishedAt: new Date("2026-03-01T08:00:00Z") },
      { locale: "fr", bytes: 0, publishedAt: new Date("2026-03-03T20:00:00Z") },
    ],
  });
  const a2 = await seedEpisode(ctx, showA, { slug: "a2", variants: [{ locale: "ar", bytes: 0, publishedAt: new Date("2026-03-08T06:00:00Z") }] });
  const b1 = await seedEpisode(ctx, showB, { slug: "b1", variants: [{ locale: "ar", bytes: 0, publishedAt: new Date("2026-02-01T06:00:00Z") }] });
  const draft = await seedEpisode(ctx, showB, { slug: "draft", variants: [{ locale: "ar", bytes: 0, status: "draft" }] });
  const campaign = await ctx.db.prisma.campaign.create({
    data: { code: "wa-march", name: '=WhatsApp, "March"', target: "episode_page", showId: showA.id, episodeId: a1.episode.id, locale: "ar" },
  });

  const variants = [...a1.variants, ...a2.variants, ...b1.variants].map((v) => ({
    id: v.id,
    locale: v.locale,
    episodeId: v.episodeId,
    showId: v.episodeId === b1.episode.id ? showB.id : showA.id,
    published: (v.publishedAt ?? new Date(0)).toISOString().slice(0, 10),
  }));

  // Deterministic pseudo-random choices: who downloads what, on which day, through which link.
  let seed = 7;
  const random = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
  const events: SeedEvent[] = [];
  for (const day of DAYS) {
    for (const v of variants) {
      if (v.published > day) continue;
      LISTENERS.forEach((profile, listener) => {
        if (random() < 0.45) return;
        events.push({ day, variantId: v.id, episodeId: v.episodeId, showId: v.showId, locale: v.locale, listener, ...profile, campaignId: random() < 0.3 ? campaign.id : "" });
      });
    }
  }
  await insertEvents(ctx, events);
  return { showA, showB, a1, a2, b1, draft, campaign, events };
}

/** Listener hashes differ per day (a new salt every day), as in production. */
export const hashOf = (e: { day: string; listener: number }) => `h-${e.day}-${e.listener}`.padEnd(22, "x");

export async function insertEvents(ctx: AppContext, events: SeedEvent[]) {
  await ctx.db.prisma.download.createMany({
    data: events.map((e) => ({
      day: e.day,
      variantId: e.variantId,
      episodeId: e.episodeId,
      showId: e.showId,
      locale: e.locale,
      listenerHash: hashOf(e),
      at: new Date(`${e.day}T12:00:00Z`),
      country: e.country,
      app: e.app,
      device: e.device,
      os: e.os,
      campaignId: e.campaignId,
    })),
  });
  const daily = new Map<string, { row: Omit<SeedEvent, "listener">; downloads: number }>();
  for (const e of events) {
    const key = [e.day, e.variantId, e.app, e.device, e.os, e.country, e.campaignId].join("|");
    const { listener: _listener, ...row } = e;
    const entry = daily.get(key) ?? { row, downloads: 0 };
    entry.downloads += 1;
    daily.set(key, entry);
  }
  for (const { row, downloads } of daily.values()) {
    await ctx.db.prisma.downloadDaily.upsert({
      where: { day_variantId_app_device_os_country_campaignId: { day: row.day, variantId: row.variantId, app: row.app, device: row.device, os: row.os, country: row.country, campaignId: row.campaignId } },
      create: { ...row, downloads },
      update: { downloads: { increment: downloads } },
    });
  }
}

const KEY_OF = {
  day: (e: SeedEvent) => e.day,
  episode: (e: SeedEvent) => e.episodeId,
  locale: (e: SeedEvent) => e.locale,
  app: (e: SeedEvent) => e.app,
  device: (e: SeedEvent) => e.device,
  os: (e: SeedEvent) => e.os,
  country: (e: SeedEvent) => e.country,
  campaign: (e: SeedEvent) => e.campaignId,
} as const;
export type SeedGroup = keyof typeof KEY_OF;
export const GROUPS = Object.keys(KEY_OF) as SeedGroup[];

/** Expected downloads per key (independent of the code under test). */
export function expectedDownloads(events: SeedEvent[], groupBy: SeedGroup): Map<string, number> {
  const out = new Map<string, number>();
  for (const e of events) out.set(KEY_OF[groupBy](e), (out.get(KEY_OF[groupBy](e)) ?? 0) + 1);
  return out;
}

/** Expected unique listeners per day and key. */
export function expectedListeners(events: SeedEvent[], groupBy: SeedGroup | "total"): Map<string, Map<string, number>> {
  const sets = new Map<string, Map<string, Set<number>>>();
  for (const e of events) {
    const key = groupBy === "total" || groupBy === "day" ? "" : KEY_OF[groupBy](e);
    const byKey = sets.get(e.day) ?? new Map<string, Set<number>>();
    const set = byKey.get(key) ?? new Set<number>();
    set.add(e.listener);
    byKey.set(key, set);
    sets.set(e.day, byKey);
  }
  return new Map([...sets].map(([day, byKey]) => [day, new Map([...byKey].map(([k, s]) => [k, s.size]))]));
}
