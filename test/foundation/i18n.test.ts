import { describe, expect, it } from "vitest";
import { SUPPORTED_LOCALES, dirOf, loadResources, negotiateLocale, resolveLocale, t } from "../../server/i18n.ts";

function flatten(value: unknown, prefix = ""): string[] {
  if (value === null || typeof value !== "object") return [prefix];
  return Object.entries(value as Record<string, unknown>).flatMap(([key, child]) => flatten(child, prefix ? `${prefix}.${key}` : key));
}

describe("i18n", () => {
  const resources = loadResources();

  it("has every key in every language, and no empty strings", () => {
    const keysByLocale = Object.fromEntries(
      SUPPORTED_LOCALES.map((locale) => [
        locale,
        new Set(Object.entries(resources[locale]).flatMap(([ns, tree]) => flatten(tree).map((k) => `${ns}:${k}`))),
      ]),
    );
    const all = new Set(Object.values(keysByLocale).flatMap((set) => [...set]));
    const missing = SUPPORTED_LOCALES.flatMap((locale) => [...all].filter((key) => !keysByLocale[locale].has(key)).map((key) => `${locale} lacks ${key}`));
    expect(missing).toEqual([]);
    for (const locale of SUPPORTED_LOCALES) {
      for (const [ns, tree] of Object.entries(resources[locale])) {
        for (const key of flatten(tree)) {
          const value = key.split(".").reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], tree);
          expect(typeof value === "string" && value.trim().length > 0, `${locale} ${ns}:${key}`).toBe(true);
        }
      }
    }
  });

  it("uses the same interpolation placeholders in every language", () => {
    const placeholders = (s: string) => [...s.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]).sort().join(",");
    for (const [ns, tree] of Object.entries(resources.en)) {
      for (const key of flatten(tree)) {
        const en = t("en", `${ns}:${key}`);
        for (const locale of ["fr", "ar"] as const) {
          expect(placeholders(t(locale, `${ns}:${key}`)), `${locale} ${ns}:${key}`).toBe(placeholders(en));
        }
      }
    }
  });

  it("translates error codes", () => {
    expect(t("fr", "errors:forbidden")).toBe("Vous n'avez pas l'autorisation de faire cela.");
    expect(t("ar", "errors:not_found")).toBe("غير موجود.");
  });

  it("resolves the language from ?lang=, then cookie, then Accept-Language, else English", () => {
    expect(resolveLocale({ query: "ar", cookie: "fr", acceptLanguage: "en" })).toBe("ar");
    expect(resolveLocale({ query: "de", cookie: "fr", acceptLanguage: "ar" })).toBe("fr");
    expect(resolveLocale({ acceptLanguage: "de-DE, fr-CA;q=0.8, ar;q=0.9" })).toBe("ar");
    expect(resolveLocale({ acceptLanguage: "de, es" })).toBe("en");
    expect(negotiateLocale("fr;q=0, en;q=0.1")).toBe("en");
  });

  it("knows Arabic is right-to-left", () => {
    expect(dirOf("ar")).toBe("rtl");
    expect(dirOf("fr")).toBe("ltr");
  });
});
