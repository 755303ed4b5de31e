import { randomBytes } from "node:crypto";
import { variantFolder } from "../media/media-keys.ts";

// Storage keys of an episode's files, below the folder layout of media/media-keys.ts
// (shows/<showId>/episodes/<episodeId>/<locale>/…). Transcript and chapters keys carry a random
// token: a new upload never overwrites the file the public URL (and caches) point at.

export const episodeFolder = (showId: string, episodeId: string) => `shows/${showId}/episodes/${episodeId}`;

export { variantFolder };

/** Where accepted uploads of a variant wait for their job (media/media-keys.ts uploadSourceKey). */
export const variantUploadsFolder = (variantId: string) => `uploads/${variantId}`;

const token = () => randomBytes(6).toString("hex");

export const transcriptKey = (v: { showId: string; episodeId: string; locale: string }) => `${variantFolder(v)}/transcript-${token()}.vtt`;

export const chaptersKey = (v: { showId: string; episodeId: string; locale: string }) => `${variantFolder(v)}/chapters-${token()}.json`;
