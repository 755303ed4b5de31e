import fsp from "node:fs/promises";

/**
 * Size of the ID3v2 tag at the start of an MP3 (header + frames + padding + optional footer): the
 * bytes a player downloads before the first audio frame, which IAB download counting needs.
 * 0 when the file does not start with a tag.
 */
export async function id3v2TagBytes(filePath: string): Promise<number> {
  const handle = await fsp.open(filePath, "r");
  try {
    const header = Buffer.alloc(10);
    const { bytesRead } = await handle.read(header, 0, 10, 0);
    return bytesRead === 10 ? id3v2TagBytesFromHeader(header) : 0;
  } finally {
    await handle.close();
  }
}

export function id3v2TagBytesFromHeader(header: Buffer): number {
  if (header.length < 10 || header.toString("latin1", 0, 3) !== "ID3") return 0;
  const sizeBytes = header.subarray(6, 10);
  // The size is "syncsafe": 4 bytes of 7 bits each, so it never contains an MPEG sync pattern.
  if (sizeBytes.some((b) => b & 0x80)) return 0;
  const size = (sizeBytes[0]! << 21) | (sizeBytes[1]! << 14) | (sizeBytes[2]! << 7) | sizeBytes[3]!;
  const hasFooter = header[3] === 4 && (header[5]! & 0x10) !== 0;
  return 10 + size + (hasFooter ? 10 : 0);
}
