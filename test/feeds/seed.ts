import { createHash, randomBytes, randomUUID } from "node:crypto";
import sharp from "sharp";
import type { AppContext } from "../../server/context.ts";
import { artworkKey, artworkPrefix, audioVersionPrefix } from "../../server/media/media-keys.ts";
import { podcastGuidOfUrl } from "../../server/feeds/podcast-guid.ts";
import { absoluteUrl, feedPath } from "../../server/http/public-urls.ts";
import type { Locale } from "../../server/i18n.ts";

// Shows and episodes written straight into the database and storage, with real stored files
// (renditions of known size and sha256, artwork, transcripts, chapters) — no ffmpeg needed.

export interface SeedShowOptions {
  slug?: string;
  locales?: Locale[];
  defaultLocale?: Locale;
  titles?: Partial<Record<Locale, string>>;
  descriptions?: Partial<Record<Locale, string>>;
  artwork?: boolean;
  ownerEmail?: string;
}

async function jpeg(size: number): Promise<Buffer> {
  return sharp({ create: { width: size, height: size, channels: 3, background: "#336699" } }).jpeg().toBuffer();
}

export async function seedShow(ctx: AppContext, o: SeedShowOptions = {}) {
  const slug = o.slug ?? `show-${randomUUID().slice(0, 8)}`;
  const locales = o.locales ?? ["ar", "fr", "en"];
  const defaultLocale = o.defaultLocale ?? locales[0];
  const titles = { ar: "أصوات الحرية", fr: "Voix de la liberté", en: "Voices of Freedom", ...o.titles };
  const descriptions = {
    ar: "برنامج عن حقوق الإنسان في منطقتنا.",
    fr: "Une émission sur les droits humains dans notre région, « à écouter » & partager.",
    en: "A show about human rights in our region.",
    ...o.descriptions,
  };
  const show = await ctx.db.prisma.show.create({
    data: {
      slug,
      locales: locales.join(","),
      defaultLocale,
      category: "Society & Culture",
      subcategory: "Documentary",
      explicit: false,
      ownerName: "Sada Team",
      ownerEmail: o.ownerEmail ?? "podcast@example.org",
      copyright: "© 2026 Sada",
      type: "episodic",
      podcastGuid: podcastGuidOfUrl(absoluteUrl(ctx.config.http.publicBaseUrl, feedPath(slug, defaultLocale))),
      localizations: {
        create: locales.map((locale) => ({
          locale,
          title: titles[locale],
          description: descriptions[locale],
          author: `Author ${locale}`,
          podcastGuid: podcastGuidOfUrl(absoluteUrl(ctx.config.http.publicBaseUrl, feedPath(slug, locale))),
        })),
      },
    },
  });
  if (o.artwork !== false) {
    const prefix = artworkPrefix({ showId: show.id }, 1);
    for (const [size, px] of [["original", 64], [1400, 48], [300, 32]] as const) {
      await ctx.storage.put(artworkKey(prefix, size), await jpeg(px), { contentType: "image/jpeg" });
    }
    return ctx.db.prisma.show.update({ where: { id: show.id }, data: { artworkKey: prefix, artworkVersion: 1 } });
  }
  return show;
}

export interface SeedVariant {
  locale: Locale;
  title?: string;
  summary?: string;
  showNotesHtml?: string;
  status?: "draft" | "scheduled" | "published" | "unpublished";
  publishAt?: Date | null;
  publishedAt?: Date | null;
  /** Main rendition size in bytes (default 3000); 0 = no audio at all. */
  bytes?: number;
  lowData?: boolean;
  transcript?: string;
  chapters?: unknown;
  image?: boolean;
  durationSeconds?: number;
}

export interface SeedEpisodeOptions {
  slug?: string;
  season?: number | null;
  number?: number | null;
  type?: "full" | "trailer" | "bonus";
  variants: SeedVariant[];
}

export const sha256 = (data: Buffer) => createHash("sha256").update(data).digest("hex");

export async function seedEpisode(ctx: AppContext, show: { id: string }, o: SeedEpisodeOptions) {
  const episode = await ctx.db.prisma.episode.create({
    data: { showId: show.id, slug: o.slug ?? `ep-${randomUUID().slice(0, 8)}`, season: o.season ?? null, number: o.number ?? null, type: o.type ?? "full" },
  });
  const variants = [];
  for (const v of o.variants) {
    const status = v.status ?? "published";
    const publishedAt = v.publishedAt !== undefined ? v.publishedAt : status === "published" ? new Date("2026-01-01T10:00:00Z") : null;
    const variant = await ctx.db.prisma.episodeVariant.create({
      data: {
        episodeId: episode.id,
        locale: v.locale,
        guid: randomUUID(),
        title: v.title ?? `Episode ${o.number ?? "?"} (${v.locale})`,
        summary: v.summary ?? "",
        showNotesHtml: v.showNotesHtml ?? "",
        status,
        publishAt: v.publishAt ?? null,
        publishedAt,
        audioStatus: v.bytes === 0 ? "none" : "ready",
        audioVersion: v.bytes === 0 ? 0 : 1,
        durationSeconds: v.durationSeconds ?? 125.4,
      },
    });
    const where = { showId: show.id, episodeId: episode.id, locale: v.locale };
    const data: { transcriptKey?: string; chaptersKey?: string; imageKey?: string } = {};
    if (v.bytes !== 0) {
      const prefix = audioVersionPrefix(where, 1);
      const renditions = [{ kind: "main", file: "main.mp3", mimeType: "audio/mpeg", bitrateKbps: 128, size: v.bytes ?? 3000 }];
      if (v.lowData !== false) renditions.push({ kind: "lowdata", file: "lowdata.m4a", mimeType: "audio/mp4", bitrateKbps: 40, size: Math.ceil((v.bytes ?? 3000) / 3) });
      for (const r of renditions) {
        const bytes = randomBytes(r.size);
        const storageKey = `${prefix}/${r.file}`;
        await ctx.storage.put(storageKey, bytes, { contentType: r.mimeType });
        await ctx.db.prisma.rendition.create({
          data: { variantId: variant.id, kind: r.kind, storageKey, mimeType: r.mimeType, bitrateKbps: r.bitrateKbps, bytes: r.size, sha256: sha256(bytes), durationSeconds: v.durationSeconds ?? 125.4 },
        });
      }
    }
    const folder = `shows/${show.id}/episodes/${episode.id}/${v.locale}`;
    if (v.transcript !== undefined) {
      data.transcriptKey = `${folder}/transcript/v1.vtt`;
      await ctx.storage.put(data.transcriptKey, v.transcript, { contentType: "text/vtt" });
    }
    if (v.chapters !== undefined) {
      data.chaptersKey = `${folder}/chapters/v1.json`;
      await ctx.storage.put(data.chaptersKey, JSON.stringify(v.chapters), { contentType: "application/json" });
    }
    if (v.image) {
      const prefix = artworkPrefix(where, 1);
      for (const [size, px] of [["original", 40], [1400, 30], [300, 20]] as const) await ctx.storage.put(artworkKey(prefix, size), await jpeg(px), { contentType: "image/jpeg" });
      data.imageKey = prefix;
    }
    variants.push(
      await ctx.db.prisma.episodeVariant.update({ where: { id: variant.id }, data, include: { renditions: true } }),
    );
  }
  return { episode, variants };
}

/**
 * Many published episodes at once (long-running series; the feed benchmark), in a few bulk
 * inserts. Renditions are database rows only: feeds never read the audio files.
 */
export async function seedManyEpisodes(ctx: AppContext, show: { id: string }, count: number, locales: Locale[] = ["ar"], start = new Date("2020-01-06T06:00:00Z")) {
  const episodes = [];
  const variants = [];
  const renditions = [];
  for (let i = 1; i <= count; i++) {
    const episodeId = randomUUID();
    episodes.push({ id: episodeId, showId: show.id, slug: `episode-${i}`, season: Math.ceil(i / 50), number: i, type: "full" });
    for (const locale of locales) {
      const variantId = randomUUID();
      const publishedAt = new Date(start.getTime() + i * 7 * 86400_000);
      variants.push({
        id: variantId,
        episodeId,
        locale,
        guid: randomUUID(),
        title: `Épisode ${i} — حلقة ${i} <${locale}> & more`,
        summary: `Summary of episode ${i}.`,
        showNotesHtml: `<p>Show notes for episode ${i}, with <a href="https://example.org/${i}">a link</a> and <strong>emphasis</strong>. ${"Lorem ipsum dolor sit amet. ".repeat(8)}</p>`,
        status: "published",
        publishedAt,
        audioStatus: "ready",
        audioVersion: 1,
        durationSeconds: 1500 + i,
      });
      const prefix = audioVersionPrefix({ showId: show.id, episodeId, locale }, 1);
      renditions.push(
        { variantId, kind: "main", storageKey: `${prefix}/main.mp3`, mimeType: "audio/mpeg", bitrateKbps: 128, bytes: 24_000_000 + i, sha256: sha256(Buffer.from(`${variantId}main`)), durationSeconds: 1500 + i },
        { variantId, kind: "lowdata", storageKey: `${prefix}/lowdata.m4a`, mimeType: "audio/mp4", bitrateKbps: 40, bytes: 7_500_000 + i, sha256: sha256(Buffer.from(`${variantId}low`)), durationSeconds: 1500 + i },
      );
    }
  }
  const chunk = <T>(rows: T[]) => Array.from({ length: Math.ceil(rows.length / 500) }, (_, i) => rows.slice(i * 500, (i + 1) * 500));
  for (const rows of chunk(episodes)) await ctx.db.prisma.episode.createMany({ data: rows });
  for (const rows of chunk(variants)) await ctx.db.prisma.episodeVariant.createMany({ data: rows });
  for (const rows of chunk(renditions)) await ctx.db.prisma.rendition.createMany({ data: rows });
}
