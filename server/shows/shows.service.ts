import type { Logger } from "../adapters/logger.ts";
import type { Storage } from "../adapters/storage/storage.ts";
import { AppError, conflict, notFound } from "../errors.ts";
import { SUPPORTED_LOCALES, type Locale } from "../i18n.ts";
import { absoluteUrl, feedPath } from "../http/public-urls.ts";
import { podcastGuidOfUrl } from "../feeds/podcast-guid.ts";
import { showLocales } from "../feeds/feeds.presenter.ts";
import { processArtwork, type StoredArtwork } from "../media/artwork.ts";
import { variantUploadsFolder } from "../episodes/episode-keys.ts";
import { isItunesCategory } from "./itunes-categories.ts";
import type { LocalizationWrite, ShowRecord, ShowsRepository } from "./shows.repository.ts";
import type { CreateShowBody, UpdateShowBody } from "./shows.schema.ts";

export interface ShowsServiceDeps {
  repository: ShowsRepository;
  storage: Storage;
  logger: Logger;
  publicBaseUrl: string;
}

export interface ShowView {
  show: ShowRecord;
  /** False once an episode of the show has left draft (see ShowsService.update). */
  slugEditable: boolean;
}

const localeNotEnabled = (locale: string) => new AppError("locale_not_enabled", 422, { locale });

function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: string })?.code === "P2002";
}

/** Enabled locales in canonical order (ar, fr, en), as stored. */
const canonicalLocales = (locales: readonly string[]) => SUPPORTED_LOCALES.filter((l) => locales.includes(l));

/**
 * Shows: the series, its languages and per-language texts, artwork. Rules kept here:
 * - each enabled locale has a localization with a title; none exists for a locale not enabled;
 * - each language feed has its own podcast:guid (UUIDv5 of its URL, without scheme), assigned when
 *   the locale is enabled. The slug and, with it, the guids can change only while nothing of the
 *   show has been published or scheduled — after that, apps and directories know the addresses;
 * - Show.podcastGuid mirrors the default language's guid (what older readers of the model use).
 */
export class ShowsService {
  constructor(private readonly deps: ShowsServiceDeps) {}

  private guidFor(slug: string, locale: Locale): string {
    return podcastGuidOfUrl(absoluteUrl(this.deps.publicBaseUrl, feedPath(slug, locale)));
  }

  private checkCategory(category: string, subcategory: string | null | undefined): void {
    if (!isItunesCategory(category, subcategory)) throw new AppError("category_invalid", 422, { category, subcategory: subcategory ?? "" });
  }

  private async checkSlugFree(slug: string, exceptId?: string): Promise<void> {
    const existing = await this.deps.repository.findIdBySlug(slug);
    if (existing && existing.id !== exceptId) throw conflict("slug_taken", { slug });
  }

  async get(id: string): Promise<ShowView> {
    const show = await this.deps.repository.findById(id);
    if (!show) throw notFound("show_not_found");
    const locked = await this.deps.repository.showsWithPublicVariants([id]);
    return { show, slugEditable: !locked.has(id) };
  }

  /** 404 show_not_found, else the show record (for other features). */
  async require(id: string): Promise<ShowRecord> {
    return (await this.get(id)).show;
  }

  async list(): Promise<ShowView[]> {
    const shows = await this.deps.repository.list();
    const locked = await this.deps.repository.showsWithPublicVariants(shows.map((s) => s.id));
    return shows.map((show) => ({ show, slugEditable: !locked.has(show.id) }));
  }

  async create(input: CreateShowBody): Promise<ShowView> {
    const locales = canonicalLocales(input.locales);
    if (!locales.includes(input.defaultLocale)) throw localeNotEnabled(input.defaultLocale);
    for (const locale of SUPPORTED_LOCALES) {
      if (input.localizations[locale] && !locales.includes(locale)) throw localeNotEnabled(locale);
    }
    const missing = locales.find((locale) => !input.localizations[locale]);
    if (missing) throw new AppError("localization_missing", 422, { locale: missing });
    this.checkCategory(input.category, input.subcategory);
    await this.checkSlugFree(input.slug);

    const localizations = locales.map((locale) => ({
      locale,
      title: input.localizations[locale]!.title,
      description: input.localizations[locale]!.description,
      author: input.localizations[locale]!.author,
      podcastGuid: this.guidFor(input.slug, locale),
    }));
    try {
      const show = await this.deps.repository.create(
        {
          slug: input.slug,
          locales: locales.join(","),
          defaultLocale: input.defaultLocale,
          category: input.category,
          subcategory: input.subcategory ?? null,
          explicit: input.explicit,
          ownerName: input.ownerName,
          ownerEmail: input.ownerEmail,
          copyright: input.copyright,
          type: input.type,
          podcastGuid: this.guidFor(input.slug, input.defaultLocale),
        },
        localizations,
      );
      return { show, slugEditable: true };
    } catch (err) {
      // A concurrent create took the slug (or, rarely, a feed address another show once had).
      if (isUniqueViolation(err)) throw conflict("slug_taken", { slug: input.slug });
      throw err;
    }
  }

  async update(id: string, input: UpdateShowBody): Promise<ShowView> {
    const { show, slugEditable } = await this.get(id);
    const slug = input.slug ?? show.slug;
    const slugChanged = slug !== show.slug;
    if (slugChanged) {
      if (!slugEditable) throw conflict("slug_locked", { slug: show.slug });
      await this.checkSlugFree(slug, id);
    }
    const before = showLocales(show);
    const locales = input.locales ? canonicalLocales(input.locales) : before;
    const defaultLocale = input.defaultLocale ?? (show.defaultLocale as Locale);
    if (!locales.includes(defaultLocale)) throw localeNotEnabled(defaultLocale);
    for (const locale of SUPPORTED_LOCALES) {
      if (input.localizations?.[locale] && !locales.includes(locale)) throw localeNotEnabled(locale);
    }
    const removed = before.filter((l) => !locales.includes(l));
    if (removed.length) {
      // A language with episodes cannot be switched off: its feed and pages would vanish under listeners.
      const inUse = await this.deps.repository.variantLocales(id);
      const busy = removed.find((l) => inUse.has(l));
      if (busy) throw conflict("locale_in_use", { locale: busy });
    }
    const category = input.category ?? show.category;
    // A new category without a subcategory drops the old one (it belonged to the old category).
    const subcategory = input.subcategory !== undefined ? input.subcategory : category !== show.category ? null : show.subcategory;
    this.checkCategory(category, subcategory);

    const upserts: LocalizationWrite[] = [];
    for (const locale of locales) {
      const existing = show.localizations.find((l) => l.locale === locale);
      const patch = input.localizations?.[locale] ?? {};
      if (!existing && !patch.title) throw new AppError("localization_missing", 422, { locale });
      // A new language gets its guid now; all of them follow a slug change (allowed only before publication).
      const podcastGuid = !existing?.podcastGuid || slugChanged ? this.guidFor(slug, locale) : undefined;
      if (!existing || Object.keys(patch).length || podcastGuid) upserts.push({ locale, ...patch, ...(podcastGuid ? { podcastGuid } : {}) });
    }
    const guidOf = (locale: Locale) => upserts.find((u) => u.locale === locale)?.podcastGuid ?? show.localizations.find((l) => l.locale === locale)?.podcastGuid;
    try {
      const updated = await this.deps.repository.update(
        id,
        {
          slug,
          locales: locales.join(","),
          defaultLocale,
          category,
          subcategory,
          explicit: input.explicit,
          ownerName: input.ownerName,
          ownerEmail: input.ownerEmail,
          copyright: input.copyright,
          type: input.type,
          podcastGuid: guidOf(defaultLocale) ?? this.guidFor(slug, defaultLocale),
        },
        upserts,
        removed,
      );
      return { show: updated, slugEditable };
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict("slug_taken", { slug });
      throw err;
    }
  }

  /** Deletes the show, its episodes and every stored file of it (artwork, audio, transcripts, pending uploads). */
  async delete(id: string): Promise<void> {
    const variantIds = await this.deps.repository.delete(id);
    if (!variantIds) throw notFound("show_not_found");
    // After the commit nothing refers to these files; a job still running for one of the variants
    // finds its variant gone and removes what it wrote (see media/audio.service.ts).
    const prefixes = [`shows/${id}`, ...variantIds.map(variantUploadsFolder)];
    for (const prefix of prefixes) {
      await this.deps.storage.deletePrefix(prefix).catch((err) => this.deps.logger.error({ err, prefix }, "could not delete a deleted show's files"));
    }
  }

  /** Checks and stores new artwork (422 artwork_*), then points the show at it and removes the old files. */
  async setArtwork(id: string, sourcePath: string): Promise<{ view: ShowView; stored: StoredArtwork }> {
    await this.require(id);
    const { repository, storage, logger } = this.deps;
    const version = await repository.reserveArtworkVersion(id);
    const stored = await processArtwork(storage, { target: { showId: id }, version, sourcePath });
    const committed = await repository.commitArtwork(id, version, stored.prefix);
    if (!committed) {
      // A later upload won (or the show was deleted meanwhile): this one is discarded.
      await storage.deletePrefix(stored.prefix).catch((err) => logger.warn({ err, prefix: stored.prefix }, "could not delete superseded artwork"));
      throw conflict("artwork_superseded");
    }
    if (committed.previous && committed.previous !== stored.prefix) {
      await storage.deletePrefix(committed.previous).catch((err) => logger.warn({ err, prefix: committed.previous }, "could not delete replaced artwork"));
    }
    return { view: await this.get(id), stored };
  }
}
