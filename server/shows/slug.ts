// Slugs are the ASCII names in public addresses (/feeds/<show>/<locale>.xml, /<locale>/<show>/<episode>).

export const SLUG_PATTERN = /^[a-z0-9]+(-[a-z0-9]+)*$/;
export const SLUG_MAX_LENGTH = 80;

/** Latin letters that do not decompose into a base letter + accent. */
const LIGATURES: Record<string, string> = { ß: "ss", æ: "ae", œ: "oe", ø: "o", đ: "d", ł: "l", þ: "th", ı: "i" };

/**
 * Text → slug by transliterating Latin script (accents dropped: "Épisode 4 : la parole" →
 * "episode-4-la-parole"). Other scripts (Arabic) have no faithful ASCII form and simply vanish, so
 * the result may be empty; the caller then falls back to something else.
 */
export function asciiSlug(text: string, maxLength = 60): string {
  const ascii = text
    .toLowerCase()
    .replace(/[ßæœøđłþı]/g, (c) => LIGATURES[c])
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  if (ascii.length <= maxLength) return ascii;
  const cut = ascii.slice(0, maxLength + 1);
  const lastDash = cut.lastIndexOf("-");
  return (lastDash > maxLength / 2 ? cut.slice(0, lastDash) : cut.slice(0, maxLength)).replace(/-+$/, "");
}
