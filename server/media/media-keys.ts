import { randomUUID } from "node:crypto";

// Storage keys of everything this feature writes. ASCII only (ids are UUIDs, locales ar/fr/en), and
// versioned: a new upload never overwrites the files the feed currently points at.

export interface VariantLocation {
  showId: string;
  episodeId: string;
  locale: string;
}

/** Folder of everything stored for one language version of an episode. */
export const variantFolder = (v: VariantLocation) => `shows/${v.showId}/episodes/${v.episodeId}/${v.locale}`;

/** Folder of one processed upload's renditions: …/v<audioVersion>/{main.mp3,lowdata.m4a}. */
export const audioVersionPrefix = (v: VariantLocation, audioVersion: number) => `${variantFolder(v)}/v${audioVersion}`;

/** Where an accepted upload waits for its job: durable (survives restarts) and reachable by any worker. */
export const uploadSourceKey = (variantId: string) => `uploads/${variantId}/${randomUUID()}`;

export type ArtworkTarget = { showId: string } | VariantLocation;

/** shows/<id>/artwork/v<N> for a show; the variant's folder + /artwork/v<N> for an episode image. */
export function artworkPrefix(target: ArtworkTarget, version: number): string {
  const base = "episodeId" in target ? `${variantFolder(target)}/artwork` : `shows/${target.showId}/artwork`;
  return `${base}/v${version}`;
}

export const ARTWORK_FILES = { original: "original.jpg", 1400: "1400.jpg", 300: "300.jpg" } as const;
export type ArtworkSize = keyof typeof ARTWORK_FILES;

/** Key of one artwork size, from the prefix stored on Show.artworkKey / EpisodeVariant.imageKey. */
export const artworkKey = (prefix: string, size: ArtworkSize) => `${prefix}/${ARTWORK_FILES[size]}`;
