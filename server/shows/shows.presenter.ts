import type { Locale } from "../i18n.ts";
import { absoluteUrl, feedPath, PUBLIC_ARTWORK_SIZES, showArtworkPath } from "../http/public-urls.ts";
import { showLocales } from "../feeds/feeds.presenter.ts";
import type { ShowView } from "./shows.service.ts";

type Localization = { title: string; description: string; author: string; podcastGuid: string | null; feedUrl: string };

export function presentShow({ show, slugEditable }: ShowView, publicBaseUrl: string) {
  const locales = showLocales(show);
  const localizations: Partial<Record<Locale, Localization>> = {};
  for (const locale of locales) {
    const found = show.localizations.find((l) => l.locale === locale);
    if (!found) continue;
    localizations[locale] = {
      title: found.title,
      description: found.description,
      author: found.author,
      podcastGuid: found.podcastGuid,
      feedUrl: absoluteUrl(publicBaseUrl, feedPath(show.slug, locale)),
    };
  }
  const artworkKey = show.artworkKey;
  return {
    id: show.id,
    slug: show.slug,
    slugEditable,
    locales,
    defaultLocale: show.defaultLocale as Locale,
    category: show.category,
    subcategory: show.subcategory,
    explicit: show.explicit,
    ownerName: show.ownerName,
    ownerEmail: show.ownerEmail,
    copyright: show.copyright,
    type: show.type as "episodic" | "serial",
    localizations,
    artwork: artworkKey
      ? (Object.fromEntries(PUBLIC_ARTWORK_SIZES.map((size) => [size, absoluteUrl(publicBaseUrl, showArtworkPath(show.id, size, artworkKey))])) as Record<
          (typeof PUBLIC_ARTWORK_SIZES)[number],
          string
        >)
      : null,
    episodeCount: show._count.episodes,
    createdAt: show.createdAt.toISOString(),
    updatedAt: show.updatedAt.toISOString(),
  };
}
