// The media types Sada stores, by file extension. The local driver has nowhere to keep a content
// type, so it reports the one its key's extension implies; callers use contentTypeForKey when
// putting so both drivers agree. Unknown extensions are plain bytes.
const TYPES_BY_EXTENSION: Record<string, string> = {
  mp3: "audio/mpeg",
  m4a: "audio/mp4",
  aac: "audio/mp4",
  opus: "audio/ogg",
  ogg: "audio/ogg",
  wav: "audio/wav",
  webm: "audio/webm",
  flac: "audio/flac",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  png: "image/png",
  vtt: "text/vtt",
  srt: "application/x-subrip",
  json: "application/json",
};

export const DEFAULT_CONTENT_TYPE = "application/octet-stream";

export function contentTypeForKey(key: string): string {
  const name = key.slice(key.lastIndexOf("/") + 1);
  const dot = name.lastIndexOf(".");
  if (dot <= 0) return DEFAULT_CONTENT_TYPE;
  return TYPES_BY_EXTENSION[name.slice(dot + 1).toLowerCase()] ?? DEFAULT_CONTENT_TYPE;
}
