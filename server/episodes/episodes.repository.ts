import type { Prisma, PrismaClient } from "../adapters/database.ts";

// All database access for episodes and their language variants. Whether a variant is live is
// decided at read time (feeds/feeds.repository.ts liveVariantWhere; episodes.presenter.ts
// effectiveStatus), so a scheduled variant goes live at its time without any process touching it.

const episodeInclude = {
  variants: { include: { renditions: { orderBy: { kind: "asc" } } } },
  show: { select: { id: true, locales: true, defaultLocale: true } },
} satisfies Prisma.EpisodeInclude;

export type EpisodeRecord = Prisma.EpisodeGetPayload<{ include: typeof episodeInclude }>;
export type VariantRecord = EpisodeRecord["variants"][number];

export interface NewVariant {
  locale: string;
  guid: string;
  title: string;
  summary: string;
  showNotesMarkdown: string;
  showNotesHtml: string;
}

export type VariantChanges = Partial<Omit<NewVariant, "locale" | "guid">>;

export interface VariantPublication {
  status: string;
  publishAt: Date | null;
  publishedAt: Date | null;
}

export class EpisodesRepository {
  constructor(private readonly prisma: PrismaClient) {}

  findById(id: string): Promise<EpisodeRecord | null> {
    return this.prisma.episode.findUnique({ where: { id }, include: episodeInclude });
  }

  /** Newest first: highest season and number, then most recently created. */
  listByShow(showId: string): Promise<EpisodeRecord[]> {
    return this.prisma.episode.findMany({
      where: { showId },
      include: episodeInclude,
      orderBy: [{ season: { sort: "desc", nulls: "last" } }, { number: { sort: "desc", nulls: "last" } }, { createdAt: "desc" }],
    });
  }

  /** Slugs of the show starting with `prefix` (to pick a free one). */
  async slugsLike(showId: string, prefix: string): Promise<Set<string>> {
    const rows = await this.prisma.episode.findMany({ where: { showId, slug: { startsWith: prefix } }, select: { slug: true } });
    return new Set(rows.map((r) => r.slug));
  }

  create(data: { showId: string; slug: string; season: number | null; number: number | null; type: string }, variants: NewVariant[]): Promise<EpisodeRecord> {
    return this.prisma.episode.create({ data: { ...data, variants: { create: variants } }, include: episodeInclude });
  }

  /** Episode fields and variant additions, changes and removals in one transaction. */
  async update(
    id: string,
    data: Prisma.EpisodeUpdateInput,
    variants: { create: NewVariant[]; update: { id: string; changes: VariantChanges }[]; remove: string[] },
  ): Promise<EpisodeRecord> {
    return this.prisma.$transaction(async (tx) => {
      if (variants.remove.length) await tx.episodeVariant.deleteMany({ where: { id: { in: variants.remove }, episodeId: id } });
      for (const { id: variantId, changes } of variants.update) await tx.episodeVariant.update({ where: { id: variantId }, data: changes });
      for (const variant of variants.create) await tx.episodeVariant.create({ data: { ...variant, episodeId: id } });
      // Always touched: feeds notice changes by the episode's updatedAt.
      return tx.episode.update({ where: { id }, data: { ...data, updatedAt: new Date() }, include: episodeInclude });
    });
  }

  async delete(id: string): Promise<boolean> {
    const { count } = await this.prisma.episode.deleteMany({ where: { id } });
    return count === 1;
  }

  /**
   * Changes a variant's publication state only if it is still in the state it was read in (two
   * requests racing do not both win). Returns false when it was not.
   */
  async setPublication(variantId: string, expected: VariantPublication, next: VariantPublication): Promise<boolean> {
    const { count } = await this.prisma.episodeVariant.updateMany({ where: { id: variantId, ...expected }, data: next });
    return count === 1;
  }

  /**
   * Sets the transcript or chapters key and returns the one it replaced (its file is to be deleted),
   * or undefined when the variant is gone. Compare-and-set, so of two uploads racing each replaced
   * key is reported exactly once and no file is left unreferenced.
   */
  async replaceFileKey(variantId: string, field: "transcriptKey" | "chaptersKey", key: string | null): Promise<{ previous: string | null } | undefined> {
    for (;;) {
      const before = await this.prisma.episodeVariant.findUnique({ where: { id: variantId }, select: { transcriptKey: true, chaptersKey: true } });
      if (!before) return undefined;
      const previous = before[field];
      const { count } = await this.prisma.episodeVariant.updateMany({ where: { id: variantId, [field]: previous }, data: { [field]: key } });
      if (count === 1) return { previous };
    }
  }
}
