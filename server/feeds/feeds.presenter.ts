import { escapeHtml } from "../http/html.ts";
import { isLocale, SUPPORTED_LOCALES, t, type Locale } from "../i18n.ts";
import {
  absoluteUrl,
  CAMPAIGN_QUERY,
  chaptersPath,
  episodePagePath,
  feedPath,
  mediaPath,
  showArtworkPath,
  showPagePath,
  transcriptPath,
  variantArtworkPath,
} from "../http/public-urls.ts";
import type { FeedChannel, FeedEnclosure, FeedItem } from "./feed-xml.ts";
import { feedPodcastGuid } from "./podcast-guid.ts";
import type { LiveVariantRecord, PublicShowRecord, SiblingVariantRecord, VariantOrderRecord } from "./feeds.repository.ts";

// Database records → what listeners see, shared by the feeds and the public pages so both tell
// the same story (order, dates, which files, which languages).

type RenditionRecord = LiveVariantRecord["renditions"][number];

/** The show's enabled languages, in the platform's fixed order (ar, fr, en). */
export function showLocales(show: Pick<PublicShowRecord, "locales">): Locale[] {
  const enabled = new Set(show.locales.split(",").map((l) => l.trim()));
  return SUPPORTED_LOCALES.filter((l) => enabled.has(l));
}

export function localizationOf(show: PublicShowRecord, locale: Locale) {
  const found = show.localizations.find((l) => l.locale === locale);
  return { title: found?.title ?? show.slug, description: found?.description ?? "", author: found?.author || show.ownerName };
}

/** When listeners got (or get) the episode: the scheduled time, else when it was published. */
export function publicationDate(variant: Pick<LiveVariantRecord, "publishAt" | "publishedAt" | "updatedAt">): Date {
  return variant.publishAt ?? variant.publishedAt ?? variant.updatedAt;
}

/** Newest first; same instant → higher season/number first (a batch published together stays in order). */
export function newestFirst(a: VariantOrderRecord, b: VariantOrderRecord): number {
  return (
    publicationDate(b).getTime() - publicationDate(a).getTime() ||
    (b.episode.season ?? 0) - (a.episode.season ?? 0) ||
    (b.episode.number ?? 0) - (a.episode.number ?? 0) ||
    (a.episode.slug < b.episode.slug ? 1 : -1)
  );
}

export const renditionOf = (variant: { renditions: RenditionRecord[] }, kind: "main" | "lowdata") => variant.renditions.find((r) => r.kind === kind);

/** `?c={code}` for the addresses of a campaign's feed (see FeedsService.getFeed), else nothing. */
const campaignSuffix = (campaign: string | undefined) => (campaign ? `?${CAMPAIGN_QUERY}=${campaign}` : "");

export function enclosureOf(publicBaseUrl: string, variantId: string, rendition: RenditionRecord, campaign?: string): FeedEnclosure {
  return {
    url: absoluteUrl(publicBaseUrl, mediaPath(variantId, rendition) + campaignSuffix(campaign)),
    bytes: rendition.bytes,
    mimeType: rendition.mimeType,
    bitrateKbps: rendition.bitrateKbps,
    sha256: rendition.sha256,
  };
}

const EPISODE_TYPES = ["full", "trailer", "bonus"] as const;
const episodeTypeOf = (type: string) => (EPISODE_TYPES as readonly string[]).includes(type) ? (type as FeedItem["episodeType"]) : "full";

/** Show notes as HTML (sanitised when written); a plain summary is escaped into a paragraph. */
export function showNotesHtmlOf(variant: Pick<LiveVariantRecord, "showNotesHtml" | "summary">): string {
  if (variant.showNotesHtml.trim()) return variant.showNotesHtml;
  return variant.summary.trim() ? `<p>${escapeHtml(variant.summary)}</p>` : "";
}

/** Siblings of each episode in the show's other enabled languages, ar/fr/en order. */
export function siblingsByEpisode(siblings: SiblingVariantRecord[], enabled: Locale[]): Map<string, SiblingVariantRecord[]> {
  const byEpisode = new Map<string, SiblingVariantRecord[]>();
  for (const sibling of siblings) {
    if (!isLocale(sibling.locale) || !enabled.includes(sibling.locale)) continue;
    const list = byEpisode.get(sibling.episodeId) ?? [];
    list.push(sibling);
    byEpisode.set(sibling.episodeId, list);
  }
  for (const list of byEpisode.values()) list.sort((a, b) => SUPPORTED_LOCALES.indexOf(a.locale as Locale) - SUPPORTED_LOCALES.indexOf(b.locale as Locale));
  return byEpisode;
}

export interface FeedInput {
  show: PublicShowRecord;
  locale: Locale;
  variants: LiveVariantRecord[];
  siblings: SiblingVariantRecord[];
  publicBaseUrl: string;
  /** Campaign code of a campaign's feed: carried by enclosure URLs and the feed's own URL. */
  campaign?: string;
}

/** Translated once per feed, not once per item (a feed may list thousands). */
interface FeedLabels {
  lowData: string;
  languages: Record<Locale, string>;
}

function feedItem(input: FeedInput, labels: FeedLabels, variant: LiveVariantRecord, siblings: SiblingVariantRecord[]): FeedItem {
  const { publicBaseUrl: base, locale, show, campaign } = input;
  const main = renditionOf(variant, "main")!;
  const lowData = renditionOf(variant, "lowdata");
  const otherLanguages = siblings.flatMap((s) => {
    const rendition = renditionOf(s, "main");
    return rendition ? [{ ...enclosureOf(base, s.id, rendition, campaign), lang: s.locale as Locale, title: labels.languages[s.locale as Locale] }] : [];
  });
  return {
    guid: variant.guid,
    title: variant.title,
    descriptionHtml: showNotesHtmlOf(variant),
    link: absoluteUrl(base, episodePagePath(locale, show.slug, variant.episode.slug)),
    pubDate: publicationDate(variant),
    durationSeconds: main.durationSeconds || variant.durationSeconds || 0,
    season: variant.episode.season,
    episode: variant.episode.number,
    episodeType: episodeTypeOf(variant.episode.type),
    enclosure: enclosureOf(base, variant.id, main, campaign),
    lowData: lowData ? { ...enclosureOf(base, variant.id, lowData, campaign), title: labels.lowData } : undefined,
    otherLanguages,
    imageUrl: variant.imageKey ? absoluteUrl(base, variantArtworkPath(variant.id, "original", variant.imageKey)) : undefined,
    transcript: variant.transcriptKey ? { url: absoluteUrl(base, transcriptPath(variant.id, variant.transcriptKey)), language: locale } : undefined,
    chaptersUrl: variant.chaptersKey ? absoluteUrl(base, chaptersPath(variant.id, variant.chaptersKey)) : undefined,
  };
}

/**
 * The newest moment anything in this feed changed (show, items, their episodes and alternate
 * languages): the feed's lastBuildDate. Computed from the rows, so every process agrees.
 */
function contentDate(input: FeedInput): Date {
  let latest = input.show.updatedAt.getTime();
  for (const v of input.variants) latest = Math.max(latest, v.updatedAt.getTime(), v.episode.updatedAt.getTime(), publicationDate(v).getTime());
  for (const s of input.siblings) latest = Math.max(latest, s.updatedAt.getTime());
  return new Date(latest);
}

export function toFeedChannel(input: FeedInput): FeedChannel {
  const { show, locale, publicBaseUrl: base } = input;
  const enabled = showLocales(show);
  const text = localizationOf(show, locale);
  const siblings = siblingsByEpisode(input.siblings, enabled.filter((l) => l !== locale));
  const labels: FeedLabels = {
    lowData: t(locale, "site:feed.lowData"),
    languages: Object.fromEntries(SUPPORTED_LOCALES.map((l) => [l, t(locale, `common:languages.${l}`)])) as Record<Locale, string>,
  };
  return {
    locale,
    title: text.title,
    description: text.description,
    author: text.author,
    link: absoluteUrl(base, showPagePath(locale, show.slug)),
    feedUrl: absoluteUrl(base, feedPath(show.slug, locale) + campaignSuffix(input.campaign)),
    imageUrl: show.artworkKey ? absoluteUrl(base, showArtworkPath(show.id, "original", show.artworkKey)) : undefined,
    copyright: show.copyright,
    category: show.category,
    subcategory: show.subcategory,
    explicit: show.explicit,
    ownerName: show.ownerName,
    ownerEmail: show.ownerEmail,
    type: show.type === "serial" ? "serial" : "episodic",
    podcastGuid: feedPodcastGuid(show, locale, base),
    lastBuildDate: contentDate(input),
    alternates: enabled
      .filter((l) => l !== locale)
      .map((l) => ({ locale: l, href: absoluteUrl(base, feedPath(show.slug, l)), title: `${localizationOf(show, l).title} (${t(l, `common:languages.${l}`)})` })),
    items: input.variants
      .filter((v) => renditionOf(v, "main"))
      .sort(newestFirst)
      .map((v) => feedItem(input, labels, v, siblings.get(v.episodeId) ?? [])),
  };
}
