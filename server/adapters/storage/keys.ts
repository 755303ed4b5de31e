import { AppError } from "../../errors.ts";

// Storage keys end up as filesystem paths (local driver) and object names (S3), so one strict rule
// guards both: ASCII segments of [A-Za-z0-9._-] joined by "/". A segment may not start with "." —
// that rules out "." and ".." (traversal) and hidden names, and keeps the local driver's own
// ".tmp/" folder out of reach of any key.
const SAFE_KEY = /^[A-Za-z0-9_-][A-Za-z0-9._-]*(?:\/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$/;
export const MAX_KEY_LENGTH = 512;

export function assertSafeKey(key: string): void {
  if (typeof key !== "string" || key.length > MAX_KEY_LENGTH || !SAFE_KEY.test(key)) {
    throw new AppError("invalid_storage_key", 400);
  }
}

/** A deletePrefix argument: a safe key naming a folder, with or without its trailing "/". Returns it with the "/". */
export function folderPrefix(prefix: string): string {
  const folder = typeof prefix === "string" && prefix.endsWith("/") ? prefix.slice(0, -1) : prefix;
  assertSafeKey(folder);
  return `${folder}/`;
}

/** The CDN address of a key (keys need no URL-encoding: their alphabet is URL-safe). */
export function cdnUrl(publicBaseUrl: string, key: string): string {
  return `${publicBaseUrl.replace(/\/+$/, "")}/${key}`;
}
