import { z } from "zod";
import { SUPPORTED_LOCALES } from "../i18n.ts";
import { SLUG_MAX_LENGTH, SLUG_PATTERN } from "./slug.ts";

export const locale = z.enum(SUPPORTED_LOCALES);
export const SHOW_TYPES = ["episodic", "serial"] as const;

export const idParams = z.object({ id: z.string().min(1).max(64) });
export const slug = z.string().trim().toLowerCase().max(SLUG_MAX_LENGTH).regex(SLUG_PATTERN);

const title = z.string().trim().min(1).max(255);
const description = z.string().trim().max(4000); // Apple's limit for a show description
const author = z.string().trim().max(255);

const localization = z.object({ title, description: description.default(""), author: author.default("") }).strict();
const localizationPatch = z.object({ title: title.optional(), description: description.optional(), author: author.optional() }).strict();

/** Keyed by locale; which locales may appear is checked against the show's enabled locales. */
const byLocale = <T extends z.ZodType>(value: T) => z.object({ ar: value.optional(), fr: value.optional(), en: value.optional() }).strict();

const locales = z
  .array(locale)
  .min(1)
  .refine((list) => new Set(list).size === list.length, { params: { code: "duplicate_locale" } });

const category = z.string().trim().min(1).max(100);
const subcategory = z.string().trim().min(1).max(100).nullable();

export const createShowBody = z
  .object({
    slug,
    locales,
    defaultLocale: locale,
    category,
    subcategory: subcategory.optional(),
    explicit: z.boolean().default(false),
    ownerName: z.string().trim().min(1).max(255),
    ownerEmail: z.email().max(254),
    copyright: z.string().trim().max(500).default(""),
    type: z.enum(SHOW_TYPES).default("episodic"),
    localizations: byLocale(localization),
  })
  .strict();
export type CreateShowBody = z.infer<typeof createShowBody>;

export const updateShowBody = z
  .object({
    slug: slug.optional(),
    locales: locales.optional(),
    defaultLocale: locale.optional(),
    category: category.optional(),
    subcategory: subcategory.optional(),
    explicit: z.boolean().optional(),
    ownerName: z.string().trim().min(1).max(255).optional(),
    ownerEmail: z.email().max(254).optional(),
    copyright: z.string().trim().max(500).optional(),
    type: z.enum(SHOW_TYPES).optional(),
    /** Per locale: fields to change; a newly enabled locale needs a title. */
    localizations: byLocale(localizationPatch).optional(),
  })
  .strict();
export type UpdateShowBody = z.infer<typeof updateShowBody>;

const localizationResponse = z.object({
  title: z.string(),
  description: z.string(),
  author: z.string(),
  podcastGuid: z.string().nullable(),
  feedUrl: z.string(),
});

const artworkResponse = z.object({ original: z.string(), "1400": z.string(), "300": z.string() }).nullable();

export const showResponse = z.object({
  id: z.string(),
  slug: z.string(),
  /** False once any episode has been published or scheduled: the slug is part of public addresses. */
  slugEditable: z.boolean(),
  locales: z.array(locale),
  defaultLocale: locale,
  category: z.string(),
  subcategory: z.string().nullable(),
  explicit: z.boolean(),
  ownerName: z.string(),
  ownerEmail: z.string(),
  copyright: z.string(),
  type: z.enum(SHOW_TYPES),
  localizations: z.object({ ar: localizationResponse.optional(), fr: localizationResponse.optional(), en: localizationResponse.optional() }),
  artwork: artworkResponse,
  episodeCount: z.number(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const artworkUploadResponse = z.object({ artwork: artworkResponse, width: z.number(), height: z.number() });
