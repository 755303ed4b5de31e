import type { Prisma, PrismaClient } from "../adapters/database.ts";

const showInclude = {
  localizations: true,
  _count: { select: { episodes: true } },
} satisfies Prisma.ShowInclude;

export type ShowRecord = Prisma.ShowGetPayload<{ include: typeof showInclude }>;

export interface LocalizationWrite {
  locale: string;
  title?: string;
  description?: string;
  author?: string;
  podcastGuid?: string;
}

/** Variants that have left draft (scheduled, published, unpublished): the show's addresses are public. */
const publicVariant = { status: { not: "draft" } } satisfies Prisma.EpisodeVariantWhereInput;

/** All database access for shows and their localizations. */
export class ShowsRepository {
  constructor(private readonly prisma: PrismaClient) {}

  findById(id: string): Promise<ShowRecord | null> {
    return this.prisma.show.findUnique({ where: { id }, include: showInclude });
  }

  findIdBySlug(slug: string) {
    return this.prisma.show.findUnique({ where: { slug }, select: { id: true } });
  }

  list(): Promise<ShowRecord[]> {
    return this.prisma.show.findMany({ include: showInclude, orderBy: { createdAt: "asc" } });
  }

  /** Ids of the shows (among `showIds`) with at least one variant out of draft. */
  async showsWithPublicVariants(showIds: string[]): Promise<Set<string>> {
    if (showIds.length === 0) return new Set();
    const episodes = await this.prisma.episode.findMany({
      where: { showId: { in: showIds }, variants: { some: publicVariant } },
      select: { showId: true },
      distinct: ["showId"],
    });
    return new Set(episodes.map((e) => e.showId));
  }

  /** Locales in which the show has episode variants. */
  async variantLocales(showId: string): Promise<Set<string>> {
    const variants = await this.prisma.episodeVariant.findMany({ where: { episode: { showId } }, select: { locale: true }, distinct: ["locale"] });
    return new Set(variants.map((v) => v.locale));
  }

  create(data: Omit<Prisma.ShowCreateInput, "localizations" | "episodes">, localizations: Required<LocalizationWrite>[]): Promise<ShowRecord> {
    return this.prisma.show.create({ data: { ...data, localizations: { create: localizations } }, include: showInclude });
  }

  /** Show fields, localizations to upsert and locales to drop, in one transaction. */
  async update(id: string, data: Prisma.ShowUpdateInput, upserts: LocalizationWrite[], removeLocales: string[]): Promise<ShowRecord> {
    return this.prisma.$transaction(async (tx) => {
      if (removeLocales.length) await tx.showLocalization.deleteMany({ where: { showId: id, locale: { in: removeLocales } } });
      for (const { locale, ...fields } of upserts) {
        await tx.showLocalization.upsert({
          where: { showId_locale: { showId: id, locale } },
          create: { showId: id, locale, title: fields.title ?? "", description: fields.description ?? "", author: fields.author ?? "", podcastGuid: fields.podcastGuid },
          update: fields,
        });
      }
      return tx.show.update({ where: { id }, data, include: showInclude });
    });
  }

  /** Deletes the show (episodes, variants, renditions cascade). Returns its variants' ids, for their pending uploads. */
  async delete(id: string): Promise<string[] | null> {
    return this.prisma.$transaction(async (tx) => {
      const variants = await tx.episodeVariant.findMany({ where: { episode: { showId: id } }, select: { id: true } });
      const { count } = await tx.show.deleteMany({ where: { id } });
      return count === 1 ? variants.map((v) => v.id) : null;
    });
  }

  /** Takes the next artwork version atomically (two uploads at once never share storage keys). */
  async reserveArtworkVersion(id: string): Promise<number> {
    const show = await this.prisma.show.update({ where: { id }, data: { artworkVersion: { increment: 1 } }, select: { artworkVersion: true } });
    return show.artworkVersion;
  }

  /**
   * Points the show at its new artwork unless a later upload reserved a newer version meanwhile.
   * Returns the replaced prefix (its files are to be deleted), undefined when superseded.
   */
  async commitArtwork(id: string, version: number, prefix: string): Promise<{ previous: string | null } | undefined> {
    return this.prisma.$transaction(async (tx) => {
      const current = await tx.show.findUnique({ where: { id }, select: { artworkKey: true, artworkVersion: true } });
      if (!current || current.artworkVersion !== version) return undefined;
      await tx.show.update({ where: { id }, data: { artworkKey: prefix } });
      return { previous: current.artworkKey };
    });
  }
}
