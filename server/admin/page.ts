import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import type { Request, Response } from "express";
import { dirOf, hasKey, t, type Locale } from "../i18n.ts";
import type { AuthUser, Role } from "../http/types.ts";
import type { SafeHtml } from "../http/html.ts";
import { DIGITS_COOKIE, Formatter, TIME_ZONE_COOKIE, defaultDigits, isTimeZone, type Digits } from "./format.ts";
import { PROJECT_ROOT } from "../paths.mjs";

export const WEB_DIR = path.join(PROJECT_ROOT, "web");
export const ASSETS_DIR = path.join(WEB_DIR, "assets");
/** tus-js-client's browser build, served as is from node_modules (no bundler). */
export const TUS_BROWSER_BUILD = createRequire(import.meta.url).resolve("tus-js-client/dist/tus.min.js");
const FLASH_COOKIE = "sada_flash";

/** Everything a view needs to know about the request it renders for. */
export interface PageContext {
  locale: Locale;
  dir: "rtl" | "ltr";
  fmt: Formatter;
  user?: AuthUser;
  csrfToken?: string;
  /** The current path + query, for "come back here" links (language switcher, sign-in). */
  here: string;
  flash?: string;
  /** Translate an `admin:` key (or any `ns:key`). */
  tr: (key: string, params?: Record<string, unknown>) => string;
  can: (...roles: Role[]) => boolean;
}

export function pageContext(req: Request, res: Response): PageContext {
  const locale = req.locale;
  const digits: Digits = req.cookies[DIGITS_COOKIE] === "latn" || req.cookies[DIGITS_COOKIE] === "arab" ? (req.cookies[DIGITS_COOKIE] as Digits) : defaultDigits(locale);
  const tz = req.cookies[TIME_ZONE_COOKIE];
  const flashKey = req.cookies[FLASH_COOKIE];
  let flash: string | undefined;
  if (flashKey) {
    res.clearCookie(FLASH_COOKIE, { path: "/admin" });
    if (/^[A-Za-z_]+$/.test(flashKey) && hasKey(locale, `admin:flash.${flashKey}`)) flash = t(locale, `admin:flash.${flashKey}`);
  }
  const user = req.auth?.via === "session" ? req.auth.user : undefined;
  return {
    locale,
    dir: dirOf(locale),
    fmt: new Formatter(locale, digits, isTimeZone(tz) ? tz : "UTC"),
    user,
    csrfToken: req.auth?.csrfToken,
    here: req.originalUrl,
    flash,
    tr: (key, params) => t(locale, key.includes(":") ? key : `admin:${key}`, params),
    can: (...roles) => !!user && roles.includes(user.role),
  };
}

/** A one-time message for the next page (post → redirect → get); only a key travels, never text. */
export function setFlash(res: Response, key: string): void {
  res.cookie(FLASH_COOKIE, key, { path: "/admin", httpOnly: true, sameSite: "lax", maxAge: 60_000 });
}

export function sendPage(res: Response, page: SafeHtml, status = 200): void {
  res.status(status).setHeader("Cache-Control", "no-store");
  res.type("html").send(page.toString());
}

/** `?v=<hash>` per asset so browsers may cache them for long and still get new versions. */
const versions = new Map<string, string>();
export function assetUrl(name: string): string {
  let version = versions.get(name);
  if (!version) {
    const file = name === "vendor/tus.min.js" ? TUS_BROWSER_BUILD : path.join(ASSETS_DIR, name);
    version = createHash("sha256").update(readFileSync(file)).digest("hex").slice(0, 10);
    versions.set(name, version);
  }
  return `/admin/assets/${name}?v=${version}`;
}

/** Only same-site admin paths are accepted as "go back to" targets (no open redirects). */
export function safeReturnPath(value: unknown, fallback = "/admin"): string {
  if (typeof value !== "string" || !value.startsWith("/admin") || value.startsWith("//") || /[\\\r\n]/.test(value)) return fallback;
  return value;
}
