import type { Prisma, PrismaClient } from "../adapters/database.ts";
import { liveVariantWhere } from "../feeds/feeds.repository.ts";

const campaignSelect = {
  id: true,
  code: true,
  name: true,
  target: true,
  showId: true,
  episodeId: true,
  locale: true,
  createdAt: true,
  updatedAt: true,
  archivedAt: true,
  show: { select: { slug: true, locales: true, defaultLocale: true } },
} as const;

export type CampaignRecord = Prisma.CampaignGetPayload<{ select: typeof campaignSelect }>;

export interface CampaignWrite {
  code: string;
  name: string;
  target: string;
  showId: string;
  episodeId: string | null;
  locale: string;
}

export interface CampaignVisitRow {
  campaignId: string;
  day: string;
  visitorHash: string;
  country: string;
}

/** Inclusive UTC day range; an open end is unbounded. */
export interface DayRange {
  from?: string;
  to?: string;
}

const dayWhere = (range: DayRange) => (range.from || range.to ? { day: { ...(range.from ? { gte: range.from } : {}), ...(range.to ? { lte: range.to } : {}) } } : {});

export function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: string })?.code === "P2002";
}

/** All database access of campaign links and their visits. */
export class CampaignsRepository {
  constructor(private readonly prisma: PrismaClient) {}

  create(data: CampaignWrite): Promise<CampaignRecord> {
    return this.prisma.campaign.create({ data, select: campaignSelect });
  }

  findById(id: string): Promise<CampaignRecord | null> {
    return this.prisma.campaign.findUnique({ where: { id }, select: campaignSelect });
  }

  findByCode(code: string): Promise<CampaignRecord | null> {
    return this.prisma.campaign.findUnique({ where: { code }, select: campaignSelect });
  }

  list(filter: { archived?: boolean; showId?: string }): Promise<CampaignRecord[]> {
    return this.prisma.campaign.findMany({
      where: {
        ...(filter.archived === undefined ? {} : { archivedAt: filter.archived ? { not: null } : null }),
        ...(filter.showId ? { showId: filter.showId } : {}),
      },
      select: campaignSelect,
      orderBy: [{ createdAt: "desc" }, { id: "asc" }],
    });
  }

  update(id: string, data: { name?: string; archivedAt?: Date | null }): Promise<CampaignRecord> {
    return this.prisma.campaign.update({ where: { id }, data, select: campaignSelect });
  }

  findShow(showId: string) {
    return this.prisma.show.findUnique({ where: { id: showId }, select: { id: true, slug: true, locales: true } });
  }

  findEpisode(episodeId: string) {
    return this.prisma.episode.findUnique({ where: { id: episodeId }, select: { id: true, showId: true, slug: true } });
  }

  /** Episode slugs by id (the campaign model keeps only the id: an episode may be deleted). */
  async episodeSlugs(ids: string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows = await this.prisma.episode.findMany({ where: { id: { in: ids } }, select: { id: true, slug: true } });
    return new Map(rows.map((r) => [r.id, r.slug]));
  }

  /** The episode's slug if its variant in `locale` is live (listeners can open its page) at `now`. */
  async liveEpisodeSlug(episodeId: string, locale: string, now: Date): Promise<string | null> {
    const variant = await this.prisma.episodeVariant.findFirst({
      where: { episodeId, locale, ...liveVariantWhere(now) },
      select: { episode: { select: { slug: true } } },
    });
    return variant?.episode.slug ?? null;
  }

  /** Visits per campaign over a day range. */
  async visitCounts(campaignIds: string[], range: DayRange): Promise<Map<string, number>> {
    if (campaignIds.length === 0) return new Map();
    const rows = await this.prisma.campaignVisit.groupBy({
      by: ["campaignId"],
      where: { campaignId: { in: campaignIds }, ...dayWhere(range) },
      _count: { _all: true },
    });
    return new Map(rows.map((r) => [r.campaignId, r._count._all]));
  }

  /**
   * One row per campaign, day and visitor: a repeated visit is ignored by the primary key, in one
   * statement (no read-then-write race between processes). The same SQL works on SQLite and PostgreSQL.
   */
  async insertVisitIfAbsent(visit: CampaignVisitRow): Promise<void> {
    await this.prisma.$executeRaw`INSERT INTO "CampaignVisit" ("campaignId", "day", "visitorHash", "country") VALUES (${visit.campaignId}, ${visit.day}, ${visit.visitorHash}, ${visit.country}) ON CONFLICT DO NOTHING`;
  }
}
