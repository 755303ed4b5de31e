import type { Prisma, PrismaClient } from "../adapters/database.ts";

// Everything the feeds and the public pages read from the database. Read-only: publishing is the
// episodes feature's business; here "live" is decided at read time, so a scheduled variant shows
// up at its publish time without any job flipping its status.

/**
 * A variant listeners may get at `now`: published (or scheduled) with its time reached, and with
 * audio to deliver (a main rendition; re-processing keeps the previous one until the new is ready).
 */
export function liveVariantWhere(now: Date): Prisma.EpisodeVariantWhereInput {
  return {
    renditions: { some: { kind: "main" } },
    OR: [
      { status: "published", OR: [{ publishAt: null }, { publishAt: { lte: now } }] },
      { status: "scheduled", publishAt: { lte: now } },
    ],
  };
}

/** Variants that will become live later on their own (the next one bounds how long a feed stays valid). */
function upcomingVariantWhere(now: Date): Prisma.EpisodeVariantWhereInput {
  return { status: { in: ["scheduled", "published"] }, publishAt: { gt: now }, renditions: { some: { kind: "main" } } };
}

const showSelect = {
  id: true,
  slug: true,
  locales: true,
  defaultLocale: true,
  category: true,
  subcategory: true,
  explicit: true,
  ownerName: true,
  ownerEmail: true,
  copyright: true,
  type: true,
  podcastGuid: true,
  artworkKey: true,
  updatedAt: true,
  localizations: { select: { locale: true, title: true, description: true, author: true, podcastGuid: true } },
} satisfies Prisma.ShowSelect;

export type PublicShowRecord = Prisma.ShowGetPayload<{ select: typeof showSelect }>;

const renditionSelect = { kind: true, storageKey: true, mimeType: true, bitrateKbps: true, bytes: true, sha256: true, durationSeconds: true } satisfies Prisma.RenditionSelect;

const variantSelect = {
  id: true,
  episodeId: true,
  locale: true,
  guid: true,
  title: true,
  summary: true,
  showNotesHtml: true,
  status: true,
  publishAt: true,
  publishedAt: true,
  durationSeconds: true,
  transcriptKey: true,
  chaptersKey: true,
  imageKey: true,
  updatedAt: true,
  episode: { select: { id: true, slug: true, season: true, number: true, type: true, updatedAt: true } },
  renditions: { select: renditionSelect },
} satisfies Prisma.EpisodeVariantSelect;

export type LiveVariantRecord = Prisma.EpisodeVariantGetPayload<{ select: typeof variantSelect }>;

const orderSelect = {
  id: true,
  publishAt: true,
  publishedAt: true,
  updatedAt: true,
  episode: { select: { slug: true, season: true, number: true } },
} satisfies Prisma.EpisodeVariantSelect;

export type VariantOrderRecord = Prisma.EpisodeVariantGetPayload<{ select: typeof orderSelect }>;

const siblingSelect = {
  id: true,
  episodeId: true,
  locale: true,
  title: true,
  updatedAt: true,
  episode: { select: { slug: true } },
  renditions: { select: renditionSelect, where: { kind: "main" } },
} satisfies Prisma.EpisodeVariantSelect;

export type SiblingVariantRecord = Prisma.EpisodeVariantGetPayload<{ select: typeof siblingSelect }>;

/** What a feed's content depends on, in a few aggregate queries (no rows of episodes are read). */
export interface FeedStateRecord {
  /** Variants that are or were public (not drafts), all languages of the show. */
  variants: { count: number; maxUpdatedAt: Date | null };
  episodes: { count: number; maxUpdatedAt: Date | null };
  renditions: { count: number; maxCreatedAt: Date | null };
  live: { count: number; maxPublishAt: Date | null; maxPublishedAt: Date | null };
  nextPublishAt: Date | null;
}

export class FeedsRepository {
  constructor(private readonly prisma: PrismaClient) {}

  findShowBySlug(slug: string): Promise<PublicShowRecord | null> {
    return this.prisma.show.findUnique({ where: { slug }, select: showSelect });
  }

  async feedState(showId: string, now: Date): Promise<FeedStateRecord> {
    const ofShow = { episode: { showId } };
    const [variants, episodes, renditions, live, upcoming] = await Promise.all([
      // Drafts are left out: they are never in a feed, and their audio processing writes progress every second.
      this.prisma.episodeVariant.aggregate({ where: { ...ofShow, status: { not: "draft" } }, _count: { _all: true }, _max: { updatedAt: true } }),
      this.prisma.episode.aggregate({ where: { showId }, _count: { _all: true }, _max: { updatedAt: true } }),
      this.prisma.rendition.aggregate({ where: { variant: ofShow }, _count: { _all: true }, _max: { createdAt: true } }),
      this.prisma.episodeVariant.aggregate({
        where: { ...ofShow, ...liveVariantWhere(now) },
        _count: { _all: true },
        _max: { publishAt: true, publishedAt: true },
      }),
      this.prisma.episodeVariant.aggregate({ where: { ...ofShow, ...upcomingVariantWhere(now) }, _min: { publishAt: true } }),
    ]);
    return {
      variants: { count: variants._count._all, maxUpdatedAt: variants._max.updatedAt },
      episodes: { count: episodes._count._all, maxUpdatedAt: episodes._max.updatedAt },
      renditions: { count: renditions._count._all, maxCreatedAt: renditions._max.createdAt },
      live: { count: live._count._all, maxPublishAt: live._max.publishAt, maxPublishedAt: live._max.publishedAt },
      nextPublishAt: upcoming._min.publishAt,
    };
  }

  /** The live variants of one language, with their episode and renditions (ordering is the presenter's). */
  liveVariants(showId: string, locale: string, now: Date): Promise<LiveVariantRecord[]> {
    return this.prisma.episodeVariant.findMany({
      where: { episode: { showId }, locale, ...liveVariantWhere(now) },
      select: variantSelect,
    });
  }

  /** Only what orders a language's live variants — cheap even for thousands (paging the show page). */
  liveVariantOrder(showId: string, locale: string, now: Date): Promise<VariantOrderRecord[]> {
    return this.prisma.episodeVariant.findMany({ where: { episode: { showId }, locale, ...liveVariantWhere(now) }, select: orderSelect });
  }

  /** Full records of the given variants (order not guaranteed). */
  variantsByIds(ids: string[]): Promise<LiveVariantRecord[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.prisma.episodeVariant.findMany({ where: { id: { in: ids } }, select: variantSelect });
  }

  /** Live variants in the other given languages of the same show (for "also in…" links and enclosures). */
  liveSiblings(showId: string, locales: string[], now: Date, episodeId?: string): Promise<SiblingVariantRecord[]> {
    if (locales.length === 0) return Promise.resolve([]);
    return this.prisma.episodeVariant.findMany({
      where: { episode: { showId, ...(episodeId ? { id: episodeId } : {}) }, locale: { in: locales }, ...liveVariantWhere(now) },
      select: siblingSelect,
    });
  }

  /**
   * One live variant for an episode page, by the episode's slug or, failing that, by its number
   * (the latest season holding that number).
   */
  async liveVariantByEpisodeRef(showId: string, locale: string, ref: string, now: Date): Promise<LiveVariantRecord | null> {
    const where = { locale, ...liveVariantWhere(now) };
    const bySlug = await this.prisma.episodeVariant.findFirst({ where: { ...where, episode: { showId, slug: ref } }, select: variantSelect });
    if (bySlug || !/^[0-9]{1,9}$/.test(ref)) return bySlug;
    return this.prisma.episodeVariant.findFirst({
      where: { ...where, episode: { showId, number: Number(ref) } },
      orderBy: { episode: { season: "desc" } },
      select: variantSelect,
    });
  }

  /** A live variant by id (public files: transcript, chapters, episode image). */
  findLiveVariant(variantId: string, now: Date) {
    return this.prisma.episodeVariant.findFirst({
      where: { id: variantId, ...liveVariantWhere(now) },
      select: { id: true, transcriptKey: true, chaptersKey: true, imageKey: true },
    });
  }

  /** Whether `code` is a campaign link of this show (archived ones included: their links keep working). */
  async isCampaignOfShow(code: string, showId: string): Promise<boolean> {
    return (await this.prisma.campaign.findFirst({ where: { code, showId }, select: { id: true } })) !== null;
  }

  findShowArtwork(showId: string) {
    return this.prisma.show.findUnique({ where: { id: showId }, select: { id: true, artworkKey: true } });
  }
}
