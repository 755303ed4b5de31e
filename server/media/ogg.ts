import fsp from "node:fs/promises";

// ffmpeg decodes a truncated Ogg file without complaint (it simply ends early, and the container
// duration comes from the last page present), so truncation is detected from the container itself.

/** Largest possible Ogg page: 27-byte header + 255 lacing values + 255 × 255 bytes of data. */
const MAX_PAGE_BYTES = 27 + 255 + 255 * 255;
const END_OF_STREAM = 0x04;

/**
 * True when the file ends with a complete Ogg page flagged end-of-stream (RFC 3533 §6), as every
 * finished encoder writes it; false when the last page is cut short or the stream never ended.
 */
export async function oggEndsCleanly(filePath: string): Promise<boolean> {
  const handle = await fsp.open(filePath, "r");
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, MAX_PAGE_BYTES);
    const tail = Buffer.alloc(length);
    await handle.read(tail, 0, length, size - length);
    return tailEndsWithEosPage(tail);
  } finally {
    await handle.close();
  }
}

export function tailEndsWithEosPage(tail: Buffer): boolean {
  for (let at = tail.lastIndexOf("OggS"); at >= 0; at = at > 0 ? tail.lastIndexOf("OggS", at - 1) : -1) {
    if (at + 27 > tail.length) continue;
    const segments = tail[at + 26]!;
    if (at + 27 + segments > tail.length) continue;
    let pageBytes = 27 + segments;
    for (let i = 0; i < segments; i++) pageBytes += tail[at + 27 + i]!;
    // "OggS" can occur inside packet data; only a page ending exactly at end of file counts.
    if (at + pageBytes === tail.length) return (tail[at + 5]! & END_OF_STREAM) !== 0;
  }
  return false;
}
