import { randomUUID } from "node:crypto";
import type { TestEnv } from "../support/app.ts";

// Helpers shared by the shows and episodes tests: a show made through the API, what storage holds.

export const TITLES = { ar: "أصوات الحرية", fr: "Voix de la liberté", en: "Voices of Freedom" } as const;

export function showBody(overrides: Record<string, unknown> = {}) {
  return {
    slug: `voices-${randomUUID().slice(0, 8)}`,
    locales: ["ar", "fr", "en"],
    defaultLocale: "ar",
    category: "Society & Culture",
    subcategory: "Documentary",
    explicit: false,
    ownerName: "Sada Team",
    ownerEmail: "podcast@example.org",
    copyright: "© 2026 Sada",
    type: "episodic",
    localizations: {
      ar: { title: TITLES.ar, description: "برنامج عن حقوق الإنسان.", author: "فريق صدى" },
      fr: { title: TITLES.fr, description: "Une émission sur les droits humains.", author: "Équipe Sada" },
      en: { title: TITLES.en, description: "A show about human rights.", author: "Sada Team" },
    },
    ...overrides,
  };
}

export { readStored, storedKeys, tempFiles } from "../support/inspect.ts";
