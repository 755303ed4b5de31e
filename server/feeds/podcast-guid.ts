import { createHash } from "node:crypto";
import type { Locale } from "../i18n.ts";
import { absoluteUrl, feedPath } from "../http/public-urls.ts";

// podcast:guid (Podcasting 2.0): a UUIDv5 of the feed URL without its scheme and trailing slashes,
// in the namespace the spec fixes. Each language feed is its own podcast, so each has its own guid.

export const PODCAST_GUID_NAMESPACE = "ead4c236-bf58-58c6-a2c6-a6b28d128cb6";

/** RFC 9562 UUID version 5 (SHA-1, name-based). */
export function uuidv5(name: string, namespace: string): string {
  const hash = createHash("sha1").update(Buffer.from(namespace.replace(/-/g, ""), "hex")).update(name, "utf8").digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function podcastGuidOfUrl(feedUrl: string): string {
  return uuidv5(feedUrl.replace(/^[a-z][a-z0-9+.-]*:\/\//i, "").replace(/\/+$/, ""), PODCAST_GUID_NAMESPACE);
}

/**
 * The guid of one language feed: the one stored for that language (assigned when it was enabled,
 * frozen once anything was published — shows.service.ts), so it survives a change of domain.
 * Computed from the current feed URL only for rows that predate stored guids.
 */
export function feedPodcastGuid(
  show: { slug: string; defaultLocale: string; podcastGuid: string; localizations: { locale: string; podcastGuid: string | null }[] },
  locale: Locale,
  publicBaseUrl: string,
): string {
  const stored = show.localizations.find((l) => l.locale === locale)?.podcastGuid;
  if (stored) return stored;
  if (locale === show.defaultLocale && show.podcastGuid) return show.podcastGuid;
  return podcastGuidOfUrl(absoluteUrl(publicBaseUrl, feedPath(show.slug, locale)));
}
