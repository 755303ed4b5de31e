import { createHash } from "node:crypto";
import type { Locale } from "../i18n.ts";

// Every public address Sada hands out — feeds, pages, tracked audio, artwork, transcripts,
// chapters — is built here and nowhere else, so feeds, pages, the API and the routers agree.
// Paths are ASCII by construction: slugs are ASCII, ids are UUIDs, locales are ar/fr/en.

/** URL token that changes whenever the stored object behind a URL changes (keys are versioned). */
export function storageVersionToken(storageKey: string): string {
  return createHash("sha256").update(storageKey).digest("base64url").slice(0, 10);
}

export const feedPath = (showSlug: string, locale: Locale) => `/feeds/${showSlug}/${locale}.xml`;

export const showPagePath = (locale: Locale, showSlug: string) => `/${locale}/${showSlug}/`;

export const episodePagePath = (locale: Locale, showSlug: string, episodeSlug: string) => `/${locale}/${showSlug}/${episodeSlug}`;

/** Query parameter by which Sada's own web player identifies itself to the tracked media endpoint. */
export const SADA_PLAYER_QUERY = "player=sada";

/**
 * Tracked audio delivery (owned by analytics): `/media/<variantId>/<kind>.<ext>`, the extension
 * being the stored rendition's (main.mp3 → mp3, lowdata.m4a → m4a) so apps see a familiar name.
 */
export function mediaPath(variantId: string, rendition: { kind: string; storageKey: string }): string {
  const name = rendition.storageKey.slice(rendition.storageKey.lastIndexOf("/") + 1);
  const dot = name.lastIndexOf(".");
  const ext = dot > 0 ? name.slice(dot + 1).toLowerCase() : "bin";
  return `/media/${variantId}/${rendition.kind}.${ext}`;
}

/**
 * Query parameter carrying a campaign code from a public page (reached through `/c/{code}`) to its
 * player's media requests, so plays are attributed to the campaign.
 */
export const CAMPAIGN_QUERY = "c";
const CAMPAIGN_CODE = /^[A-Za-z0-9_-]{1,64}$/;

export const isCampaignCode = (value: unknown): value is string => typeof value === "string" && CAMPAIGN_CODE.test(value);

/** The `src` of Sada's web player: the tracked media URL, marked as Sada's player (+ campaign). */
export function playerSrc(variantId: string, rendition: { kind: string; storageKey: string }, campaign?: string): string {
  const campaignPart = isCampaignCode(campaign) ? `&${CAMPAIGN_QUERY}=${campaign}` : "";
  return `${mediaPath(variantId, rendition)}?${SADA_PLAYER_QUERY}${campaignPart}`;
}

export const PUBLIC_ARTWORK_SIZES = ["original", "1400", "300"] as const;
export type PublicArtworkSize = (typeof PUBLIC_ARTWORK_SIZES)[number];

/**
 * Public non-audio files, served by server/site/files.routes.ts. The second segment is a token of
 * the storage key, so a new upload gets a new URL (caches may keep each one forever) while the
 * address still ends in the file's own extension (Apple's artwork rule, apps sniffing types).
 */
export const FILES_PREFIX = "/files";

export const showArtworkPath = (showId: string, size: PublicArtworkSize, artworkKey: string) =>
  `${FILES_PREFIX}/shows/${showId}/${storageVersionToken(artworkKey)}/artwork-${size}.jpg`;

export const variantArtworkPath = (variantId: string, size: PublicArtworkSize, imageKey: string) =>
  `${FILES_PREFIX}/variants/${variantId}/${storageVersionToken(imageKey)}/artwork-${size}.jpg`;

export const transcriptPath = (variantId: string, transcriptKey: string) =>
  `${FILES_PREFIX}/variants/${variantId}/${storageVersionToken(transcriptKey)}/transcript.vtt`;

export const chaptersPath = (variantId: string, chaptersKey: string) =>
  `${FILES_PREFIX}/variants/${variantId}/${storageVersionToken(chaptersKey)}/chapters.json`;

/** `base` is config.http.publicBaseUrl (no trailing slash). */
export const absoluteUrl = (publicBaseUrl: string, path: string) => `${publicBaseUrl}${path}`;
