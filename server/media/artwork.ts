import { fileTypeFromFile } from "file-type";
import type { Sharp } from "sharp";
import { AppError } from "../errors.ts";
import type { Storage } from "../adapters/storage/storage.ts";
import { ARTWORK_FILES, artworkKey, artworkPrefix, type ArtworkSize, type ArtworkTarget } from "./media-keys.ts";

// Show artwork and episode images, to Apple's rule: JPEG or PNG, square, 1400–3000 px. Stored as
// progressive sRGB JPEG at the original size plus 1400 and 300 px versions.

export const ARTWORK_MIN_PX = 1400;
export const ARTWORK_MAX_PX = 3000;
const DERIVED_PX = { 1400: 1400, 300: 300 } as const;
const IMMUTABLE = "public, max-age=31536000, immutable";

const artworkError = (code: string, params: Record<string, unknown> = {}) => new AppError(code, 422, params);

export interface InspectedArtwork {
  format: "jpeg" | "png";
  /** As displayed (after the EXIF orientation is applied). */
  width: number;
  height: number;
}

/** sharp (libvips) is loaded on first use: a web process that never handles artwork never maps it. */
const loadSharp = async () => (await import("sharp")).default;

/** Header-only checks (nothing is decoded yet, so a huge image costs nothing to refuse). */
export async function inspectArtwork(sourcePath: string): Promise<InspectedArtwork> {
  const sniffed = await fileTypeFromFile(sourcePath);
  if (sniffed?.ext !== "jpg" && sniffed?.ext !== "png") throw artworkError("artwork_unsupported_format", { detected: sniffed?.mime ?? "unknown" });
  let width: number | undefined;
  let height: number | undefined;
  try {
    const meta = await (await loadSharp())(sourcePath).metadata();
    ({ width, height } = meta.autoOrient ?? meta);
  } catch {
    throw artworkError("artwork_corrupt");
  }
  if (!width || !height) throw artworkError("artwork_corrupt");
  const params = { width, height };
  if (width !== height) throw artworkError("artwork_not_square", params);
  if (width < ARTWORK_MIN_PX) throw artworkError("artwork_too_small", { ...params, min: ARTWORK_MIN_PX });
  if (width > ARTWORK_MAX_PX) throw artworkError("artwork_too_large", { ...params, max: ARTWORK_MAX_PX });
  return { format: sniffed.ext === "jpg" ? "jpeg" : "png", width, height };
}

export interface ProcessArtwork {
  /** A show, or an episode variant (its image overrides the show's artwork in that variant's feed item and ID3 tag). */
  target: ArtworkTarget;
  /** Next version number (e.g. Show.artworkVersion + 1): keys never overwrite what feeds point at. */
  version: number;
  /** The uploaded file; left in place (the caller owns it). */
  sourcePath: string;
}

export interface StoredArtwork {
  /** To keep on Show.artworkKey / EpisodeVariant.imageKey; artworkKey(prefix, size) gives each file. */
  prefix: string;
  keys: Record<ArtworkSize, string>;
  width: number;
  height: number;
}

/** Checks the image (422 with a specific code and its width/height), then stores its three JPEGs. All or nothing. */
export async function processArtwork(storage: Storage, input: ProcessArtwork): Promise<StoredArtwork> {
  const inspected = await inspectArtwork(input.sourcePath);
  const prefix = artworkPrefix(input.target, input.version);
  const keys = Object.fromEntries(Object.keys(ARTWORK_FILES).map((size) => [size, artworkKey(prefix, size as ArtworkSize)])) as Record<ArtworkSize, string>;
  try {
    // failOn "error": a truncated or damaged image is refused, not stored half-grey.
    const sharp = await loadSharp();
    const decoded = sharp(input.sourcePath, { failOn: "error" })
      .autoOrient()
      // JPEG has no transparency: PNG alpha goes onto white, as podcast apps would show it.
      .flatten({ background: "#ffffff" })
      .toColourspace("srgb");
    const encode = (image: Sharp) => image.jpeg({ quality: 88, progressive: true, chromaSubsampling: "4:2:0" }).toBuffer();
    const original = await encode(decoded.clone()).catch(() => {
      throw artworkError("artwork_corrupt");
    });
    await storage.put(keys.original, original, { contentType: "image/jpeg", cacheControl: IMMUTABLE });
    for (const size of [1400, 300] as const) {
      const px = DERIVED_PX[size];
      const resized = await encode(decoded.clone().resize(px, px, { kernel: "lanczos3" }));
      await storage.put(keys[size], resized, { contentType: "image/jpeg", cacheControl: IMMUTABLE });
    }
  } catch (err) {
    await storage.deletePrefix(prefix).catch(() => undefined);
    throw err;
  }
  return { prefix, keys, width: inspected.width, height: inspected.height };
}
