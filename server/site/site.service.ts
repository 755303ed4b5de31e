import { text } from "node:stream/consumers";
import type { Clock } from "../adapters/clock.ts";
import type { Logger } from "../adapters/logger.ts";
import type { Storage } from "../adapters/storage/storage.ts";
import { AppError } from "../errors.ts";
import type { Locale } from "../i18n.ts";
import { artworkKey, type ArtworkSize } from "../media/media-keys.ts";
import type { PublicArtworkSize } from "../http/public-urls.ts";
import type { FeedsRepository, LiveVariantRecord, PublicShowRecord, SiblingVariantRecord } from "../feeds/feeds.repository.ts";
import { newestFirst, showLocales } from "../feeds/feeds.presenter.ts";
import { parseChapters, type PageChapter } from "./chapters.ts";
import { parseWebVtt, transcriptParagraphs, type TranscriptParagraph } from "./webvtt.ts";

/**
 * 404 for the public pages. `locales` lists the languages in which the show does exist, so the
 * error page can offer them (someone followed an Arabic link to a show that is only in French).
 */
export function pageNotFound(show?: PublicShowRecord): AppError {
  return new AppError("page_not_found", 404, { showSlug: show?.slug, locales: show ? showLocales(show) : [] });
}

export interface ShowPageData {
  show: PublicShowRecord;
  locale: Locale;
  variants: LiveVariantRecord[];
  /** 1-based page of the episode list, and how many there are (at least 1). */
  page: number;
  pages: number;
}

/** Episodes per show page: a long-running series stays a light page on a slow phone. */
export const EPISODES_PER_PAGE = 30;

export interface EpisodePageData extends ShowPageData {
  variant: LiveVariantRecord;
  siblings: SiblingVariantRecord[];
  transcript: TranscriptParagraph[] | null;
  chapters: PageChapter[];
}

export type PublicFile =
  | { kind: "show-artwork"; showId: string; size: PublicArtworkSize }
  | { kind: "variant-artwork"; variantId: string; size: PublicArtworkSize }
  | { kind: "transcript" | "chapters"; variantId: string };

export interface SiteServiceDeps {
  repository: FeedsRepository;
  storage: Storage;
  clock: Clock;
  logger: Logger;
}

/** Stored transcripts/chapters are immutable under their versioned keys: parse once, keep a few. */
const TEXT_CACHE_ENTRIES = 64;
/** Larger stored texts are not rendered into a page (a 4-hour transcript is ~300 kB). */
const MAX_TEXT_BYTES = 2 * 1024 * 1024;

/** The public site's data: show and episode pages, and which stored file a public file URL means. */
export class SiteService {
  private readonly parsed = new Map<string, TranscriptParagraph[] | PageChapter[]>();

  constructor(private readonly deps: SiteServiceDeps) {}

  private async liveShow(slug: string, locale: Locale): Promise<PublicShowRecord> {
    const show = await this.deps.repository.findShowBySlug(slug);
    if (!show) throw pageNotFound();
    if (!showLocales(show).includes(locale)) throw pageNotFound(show);
    return show;
  }

  /** One page of the show's episodes, newest first; a page past the last is a 404. */
  async showPage(locale: Locale, slug: string, page = 1): Promise<ShowPageData> {
    const show = await this.liveShow(slug, locale);
    const order = (await this.deps.repository.liveVariantOrder(show.id, locale, this.deps.clock.now())).sort(newestFirst);
    const pages = Math.max(1, Math.ceil(order.length / EPISODES_PER_PAGE));
    if (page > pages) throw pageNotFound(show);
    const ids = order.slice((page - 1) * EPISODES_PER_PAGE, page * EPISODES_PER_PAGE).map((v) => v.id);
    const byId = new Map((await this.deps.repository.variantsByIds(ids)).map((v) => [v.id, v]));
    // A variant unpublished between the two reads is simply left out.
    const variants = ids.flatMap((id) => byId.get(id) ?? []);
    return { show, locale, variants, page, pages };
  }

  async episodePage(locale: Locale, slug: string, episodeRef: string): Promise<EpisodePageData> {
    const show = await this.liveShow(slug, locale);
    const now = this.deps.clock.now();
    const variant = await this.deps.repository.liveVariantByEpisodeRef(show.id, locale, episodeRef, now);
    if (!variant) throw pageNotFound(show);
    const others = showLocales(show).filter((l) => l !== locale);
    const [siblings, transcript, chapters] = await Promise.all([
      this.deps.repository.liveSiblings(show.id, others, now, variant.episodeId),
      variant.transcriptKey ? this.storedText(variant.transcriptKey, (vtt) => transcriptParagraphs(parseWebVtt(vtt))) : null,
      variant.chaptersKey ? this.storedText(variant.chaptersKey, parseChapters) : [],
    ]);
    return { show, locale, variants: [], page: 1, pages: 1, variant, siblings, transcript, chapters: chapters ?? [] };
  }

  /** The storage key behind a public file URL; 404 `file_not_found` for anything not public (yet). */
  async publicFileKey(file: PublicFile): Promise<string> {
    const missing = () => new AppError("file_not_found", 404);
    if (file.kind === "show-artwork") {
      const show = await this.deps.repository.findShowArtwork(file.showId);
      if (!show?.artworkKey) throw missing();
      return artworkKey(show.artworkKey, storedSize(file.size));
    }
    const variant = await this.deps.repository.findLiveVariant(file.variantId, this.deps.clock.now());
    if (!variant) throw missing();
    const key = file.kind === "variant-artwork" ? variant.imageKey && artworkKey(variant.imageKey, storedSize(file.size)) : file.kind === "transcript" ? variant.transcriptKey : variant.chaptersKey;
    if (!key) throw missing();
    return key;
  }

  /** Reads and parses a stored text once per key; a missing or unreadable file shows as absent, not as an error page. */
  private async storedText<T extends TranscriptParagraph[] | PageChapter[]>(key: string, parse: (source: string) => T): Promise<T | null> {
    const cached = this.parsed.get(key);
    if (cached) return cached as T;
    try {
      const info = await this.deps.storage.head(key);
      if (!info || info.size > MAX_TEXT_BYTES) return null;
      const value = parse(await text(await this.deps.storage.get(key)));
      this.parsed.set(key, value);
      while (this.parsed.size > TEXT_CACHE_ENTRIES) this.parsed.delete(this.parsed.keys().next().value!);
      return value;
    } catch (err) {
      this.deps.logger.warn({ err, key }, "stored text unreadable");
      return null;
    }
  }
}

function storedSize(size: PublicArtworkSize): ArtworkSize {
  return size === "original" ? "original" : size === "1400" ? 1400 : 300;
}
