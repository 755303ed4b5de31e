import { defaultDigits, Formatter } from "../admin/format.ts";
import { t, type Locale } from "../i18n.ts";
import {
  absoluteUrl,
  episodePagePath,
  feedPath,
  playerSrc,
  showArtworkPath,
  showPagePath,
  transcriptPath,
  variantArtworkPath,
} from "../http/public-urls.ts";
import { localizationOf, publicationDate, renditionOf, showLocales, showNotesHtmlOf } from "../feeds/feeds.presenter.ts";
import type { LiveVariantRecord, PublicShowRecord } from "../feeds/feeds.repository.ts";
import type { PageChapter } from "./chapters.ts";
import type { EpisodePageData, ShowPageData } from "./site.service.ts";
import type { TranscriptParagraph } from "./webvtt.ts";

// Page data → what the templates print: every string already translated and formatted for the
// page's language (digits, dates), every URL built by public-urls.ts.

export interface PageRequest {
  publicBaseUrl: string;
  /** Campaign code the visitor arrived with (forwarded to the player's media requests). */
  campaign?: string;
}

export interface LanguageLink {
  locale: Locale;
  /** The language's name in that language (people look for their own). */
  name: string;
  href: string;
  current: boolean;
}

export interface PageMeta {
  locale: Locale;
  dir: "rtl" | "ltr";
  title: string;
  description: string;
  canonical: string;
  /** hreflang alternates: every language version, this one included, plus x-default. */
  alternates: { hreflang: string; href: string }[];
  feed: { href: string; title: string };
  og: { type: "website" | "article"; title: string; image?: string; audio?: { url: string; type: string } };
  languages: LanguageLink[];
  tr: (key: string, params?: Record<string, unknown>) => string;
}

export interface AudioView {
  src: string;
  type: string;
  downloadHref: string;
  downloadLabel: string;
  lowData?: { href: string; label: string };
}

export interface EpisodeSummaryView {
  title: string;
  href: string;
  label?: string;
  dateIso: string;
  dateText: string;
  durationIso: string;
  durationText: string;
  summary: string;
  audio: AudioView;
}

export interface ShowHeaderView {
  title: string;
  description: string;
  author: string;
  href: string;
  artwork?: { src: string; srcset: string; alt: string };
  feedUrl: string;
  subscribe: { app: string; href: string }[];
}

export interface ShowPageView {
  meta: PageMeta;
  show: ShowHeaderView;
  episodes: EpisodeSummaryView[];
  pagination?: { label: string; newer?: string; older?: string };
}

export interface EpisodePageView {
  meta: PageMeta;
  show: ShowHeaderView;
  episode: EpisodeSummaryView & {
    showNotesHtml: string;
    imageSrc?: string;
    transcript: { paragraphs: (TranscriptParagraph & { timeText: string; timeIso: string; speakerChanged: boolean })[]; fileHref: string } | null;
    chapters: (PageChapter & { timeText: string })[];
    otherLanguages: { locale: Locale; name: string; title: string; href: string }[];
  };
}

const OG_LOCALES: Record<Locale, string> = { ar: "ar_AR", fr: "fr_FR", en: "en_US" };
export const ogLocale = (locale: Locale) => OG_LOCALES[locale];

/** Well-known podcast apps' "subscribe" links (app names are brands: not translated). */
export function subscribeLinks(feedUrl: string): { app: string; href: string }[] {
  const bare = feedUrl.replace(/^https?:\/\//, "");
  const encoded = encodeURIComponent(feedUrl);
  return [
    { app: "Apple Podcasts", href: `podcast://${bare}` },
    { app: "Overcast", href: `overcast://x-callback-url/add?url=${encoded}` },
    { app: "Pocket Casts", href: `pktc://subscribe/${bare}` },
    { app: "AntennaPod", href: `https://antennapod.org/deeplink/subscribe?url=${encoded}` },
    { app: "Podcast Addict", href: `podcastaddict://${bare}` },
  ];
}

const formatterFor = (locale: Locale) => new Formatter(locale, defaultDigits(locale), "UTC");

/** ISO 8601 duration for <time datetime>. */
const isoDuration = (seconds: number) => `PT${Math.round(seconds)}S`;

function episodeLabel(variant: LiveVariantRecord, tr: PageMeta["tr"], fmt: Formatter): string | undefined {
  const { season, number, type } = variant.episode;
  const n = (value: number) => fmt.number(value, { useGrouping: false });
  if (type === "trailer") return tr("episode.trailer");
  if (type === "bonus") return tr("episode.bonus");
  if (season !== null && number !== null) return tr("episode.seasonEpisode", { season: n(season), number: n(number) });
  if (number !== null) return tr("episode.episodeNumber", { number: n(number) });
  if (season !== null) return tr("episode.season", { season: n(season) });
  return undefined;
}

function showHeader(show: PublicShowRecord, locale: Locale, base: string, tr: PageMeta["tr"]): ShowHeaderView {
  const text = localizationOf(show, locale);
  const feedUrl = absoluteUrl(base, feedPath(show.slug, locale));
  return {
    title: text.title,
    description: text.description,
    author: text.author,
    href: showPagePath(locale, show.slug),
    artwork: show.artworkKey
      ? {
          src: showArtworkPath(show.id, "1400", show.artworkKey),
          srcset: `${showArtworkPath(show.id, "300", show.artworkKey)} 300w, ${showArtworkPath(show.id, "1400", show.artworkKey)} 1400w`,
          alt: tr("show.artworkAlt", { title: text.title }),
        }
      : undefined,
    feedUrl,
    subscribe: subscribeLinks(feedUrl),
  };
}

function episodeSummary(variant: LiveVariantRecord, show: PublicShowRecord, locale: Locale, fmt: Formatter, tr: PageMeta["tr"], request: PageRequest): EpisodeSummaryView {
  const main = renditionOf(variant, "main")!;
  const lowData = renditionOf(variant, "lowdata");
  const date = publicationDate(variant);
  const seconds = main.durationSeconds || variant.durationSeconds || 0;
  return {
    title: variant.title,
    href: episodePagePath(locale, show.slug, variant.episode.slug),
    label: episodeLabel(variant, tr, fmt),
    dateIso: date.toISOString(),
    dateText: new Intl.DateTimeFormat(fmt.intlLocale, { dateStyle: "long", timeZone: "UTC" }).format(date),
    durationIso: isoDuration(seconds),
    durationText: fmt.duration(seconds),
    summary: variant.summary,
    audio: {
      src: playerSrc(variant.id, main, request.campaign),
      type: main.mimeType,
      downloadHref: playerSrc(variant.id, main, request.campaign),
      downloadLabel: tr("episode.download", { size: fmt.bytes(main.bytes) }),
      lowData: lowData ? { href: playerSrc(variant.id, lowData, request.campaign), label: tr("episode.lowData", { size: fmt.bytes(lowData.bytes) }) } : undefined,
    },
  };
}

function pageMeta(
  show: PublicShowRecord,
  locale: Locale,
  request: PageRequest,
  page: { title: string; description: string; path: string; versions: { locale: Locale; path: string }[] },
  og: Omit<PageMeta["og"], "title">,
): PageMeta {
  const base = request.publicBaseUrl;
  const tr = (key: string, params?: Record<string, unknown>) => t(locale, `site:${key}`, params);
  const defaultVersion = page.versions.find((v) => v.locale === show.defaultLocale) ?? page.versions[0];
  const showTitle = localizationOf(show, locale).title;
  return {
    locale,
    dir: locale === "ar" ? "rtl" : "ltr",
    title: page.title,
    description: page.description,
    canonical: absoluteUrl(base, page.path),
    alternates: [
      ...page.versions.map((v) => ({ hreflang: v.locale, href: absoluteUrl(base, v.path) })),
      ...(defaultVersion ? [{ hreflang: "x-default", href: absoluteUrl(base, defaultVersion.path) }] : []),
    ],
    feed: { href: absoluteUrl(base, feedPath(show.slug, locale)), title: tr("show.feedTitle", { title: showTitle }) },
    og: { ...og, title: page.title },
    languages: page.versions.map((v) => ({ locale: v.locale, name: t(v.locale, `common:languages.${v.locale}`), href: v.path, current: v.locale === locale })),
    tr,
  };
}

/** One-line description for <meta name="description"> and OpenGraph (no markup, bounded). */
function plainExcerpt(value: string, max = 200): string {
  const flat = value.replace(/<[^>]*>/g, " ").replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1).trimEnd()}…` : flat;
}

/** Page N of a show page (page 1 has no query, so it has one address). */
const showListPath = (locale: Locale, slug: string, page: number) => `${showPagePath(locale, slug)}${page > 1 ? `?page=${page}` : ""}`;

export function showPageView(data: ShowPageData, request: PageRequest): ShowPageView {
  const { show, locale } = data;
  const fmt = formatterFor(locale);
  const header = showHeader(show, locale, request.publicBaseUrl, (k, p) => t(locale, `site:${k}`, p));
  const meta = pageMeta(
    show,
    locale,
    request,
    {
      title: header.title,
      description: plainExcerpt(header.description || header.title),
      path: showListPath(locale, show.slug, data.page),
      versions: showLocales(show).map((l) => ({ locale: l, path: l === locale ? showListPath(l, show.slug, data.page) : showPagePath(l, show.slug) })),
    },
    { type: "website", image: show.artworkKey ? absoluteUrl(request.publicBaseUrl, showArtworkPath(show.id, "1400", show.artworkKey)) : undefined },
  );
  const n = (value: number) => fmt.number(value, { useGrouping: false });
  const pagination =
    data.pages > 1
      ? {
          label: meta.tr("show.pageOf", { page: n(data.page), pages: n(data.pages) }),
          newer: data.page > 1 ? showListPath(locale, show.slug, data.page - 1) : undefined,
          older: data.page < data.pages ? showListPath(locale, show.slug, data.page + 1) : undefined,
        }
      : undefined;
  return { meta, show: header, episodes: data.variants.map((v) => episodeSummary(v, show, locale, fmt, meta.tr, request)), pagination };
}

export function episodePageView(data: EpisodePageData, request: PageRequest): EpisodePageView {
  const { show, locale, variant } = data;
  const fmt = formatterFor(locale);
  const base = request.publicBaseUrl;
  const header = showHeader(show, locale, base, (k, p) => t(locale, `site:${k}`, p));
  const versions = [{ locale, path: episodePagePath(locale, show.slug, variant.episode.slug) }, ...data.siblings.map((s) => ({ locale: s.locale as Locale, path: episodePagePath(s.locale as Locale, show.slug, s.episode.slug) }))].sort(
    (a, b) => showLocales(show).indexOf(a.locale) - showLocales(show).indexOf(b.locale),
  );
  const main = renditionOf(variant, "main")!;
  const image = variant.imageKey ? variantArtworkPath(variant.id, "1400", variant.imageKey) : show.artworkKey ? showArtworkPath(show.id, "1400", show.artworkKey) : undefined;
  const meta = pageMeta(
    show,
    locale,
    request,
    {
      title: `${variant.title} — ${header.title}`,
      description: plainExcerpt(variant.summary || variant.showNotesHtml || variant.title),
      path: episodePagePath(locale, show.slug, variant.episode.slug),
      versions,
    },
    {
      type: "article",
      image: image ? absoluteUrl(base, image) : undefined,
      audio: { url: absoluteUrl(base, playerSrc(variant.id, main)), type: main.mimeType },
    },
  );
  const summary = episodeSummary(variant, show, locale, fmt, meta.tr, request);
  let previousSpeaker: string | undefined;
  return {
    meta,
    show: header,
    episode: {
      ...summary,
      showNotesHtml: showNotesHtmlOf(variant),
      imageSrc: variant.imageKey ? variantArtworkPath(variant.id, "300", variant.imageKey) : undefined,
      transcript:
        data.transcript && data.transcript.length > 0 && variant.transcriptKey
          ? {
              fileHref: transcriptPath(variant.id, variant.transcriptKey),
              paragraphs: data.transcript.map((p) => {
                const speakerChanged = p.speaker !== undefined && p.speaker !== previousSpeaker;
                previousSpeaker = p.speaker;
                return { ...p, timeText: fmt.duration(p.startSeconds), timeIso: isoDuration(p.startSeconds), speakerChanged };
              }),
            }
          : null,
      chapters: data.chapters.map((c) => ({ ...c, timeText: fmt.duration(c.startSeconds) })),
      otherLanguages: data.siblings.map((s) => ({
        locale: s.locale as Locale,
        name: t(s.locale as Locale, `common:languages.${s.locale}`),
        title: s.title,
        href: episodePagePath(s.locale as Locale, show.slug, s.episode.slug),
      })),
    },
  };
}
