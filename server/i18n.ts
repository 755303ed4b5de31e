import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import i18next, { type i18n as I18n } from "i18next";
import { PROJECT_ROOT } from "./paths.mjs";

export const SUPPORTED_LOCALES = ["ar", "fr", "en"] as const;
export type Locale = (typeof SUPPORTED_LOCALES)[number];
export const DEFAULT_LOCALE: Locale = "en";
export const LOCALES_DIR = path.join(PROJECT_ROOT, "locales");

export function isLocale(value: unknown): value is Locale {
  return typeof value === "string" && (SUPPORTED_LOCALES as readonly string[]).includes(value);
}

/** Text direction of a locale, for `<html dir>`. */
export function dirOf(locale: Locale): "rtl" | "ltr" {
  return locale === "ar" ? "rtl" : "ltr";
}

/** locales/<lng>/<namespace>.json, read once at start. */
export function loadResources(dir = LOCALES_DIR): Record<string, Record<string, Record<string, unknown>>> {
  const resources: Record<string, Record<string, Record<string, unknown>>> = {};
  for (const locale of SUPPORTED_LOCALES) {
    resources[locale] = {};
    for (const file of readdirSync(path.join(dir, locale)).filter((f) => f.endsWith(".json"))) {
      resources[locale][file.slice(0, -5)] = JSON.parse(readFileSync(path.join(dir, locale, file), "utf8"));
    }
  }
  return resources;
}

let instance: I18n | undefined;

function i18n(): I18n {
  if (!instance) {
    const resources = loadResources();
    instance = i18next.createInstance();
    void instance.init({
      resources,
      initAsync: false,
      lng: DEFAULT_LOCALE,
      fallbackLng: DEFAULT_LOCALE,
      supportedLngs: [...SUPPORTED_LOCALES],
      ns: Object.keys(resources[DEFAULT_LOCALE]),
      defaultNS: "common",
      interpolation: { escapeValue: false }, // templates escape; JSON needs raw text
      returnNull: false,
    });
  }
  return instance;
}

/** Translate `namespace:key` into a locale. */
export function t(locale: Locale, key: string, params: Record<string, unknown> = {}): string {
  return i18n().getFixedT(locale)(key, params) as string;
}

export function hasKey(locale: Locale, key: string): boolean {
  return i18n().exists(key, { lng: locale, fallbackLng: false } as never);
}

/** Best supported locale from an Accept-Language header (q-values respected). */
export function negotiateLocale(acceptLanguage: string | undefined): Locale | undefined {
  if (!acceptLanguage) return undefined;
  const ranked = acceptLanguage
    .split(",")
    .map((part, index) => {
      const [tag, ...params] = part.trim().split(";");
      const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
      return { base: tag.trim().toLowerCase().split("-")[0], q: q ? Number(q.slice(2)) || 0 : 1, index };
    })
    .filter((entry) => entry.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  return ranked.find((entry) => isLocale(entry.base))?.base as Locale | undefined;
}

/** Request language: ?lang=, then the `lang` cookie, then Accept-Language, else English. */
export function resolveLocale(input: { query?: unknown; cookie?: unknown; acceptLanguage?: string }): Locale {
  if (isLocale(input.query)) return input.query;
  if (isLocale(input.cookie)) return input.cookie;
  return negotiateLocale(input.acceptLanguage) ?? DEFAULT_LOCALE;
}
