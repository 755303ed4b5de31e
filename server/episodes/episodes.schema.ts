import { z } from "zod";
import { locale, slug } from "../shows/shows.schema.ts";

export const EPISODE_TYPES = ["full", "trailer", "bonus"] as const;
export const VARIANT_STATUSES = ["draft", "scheduled", "published", "unpublished"] as const;
export type VariantStatus = (typeof VARIANT_STATUSES)[number];
export const AUDIO_STATUSES = ["none", "queued", "processing", "ready", "failed"] as const;

export const idParams = z.object({ id: z.string().min(1).max(64) });
export const variantParams = z.object({ id: z.string().min(1).max(64), locale });

const title = z.string().trim().min(1).max(500);
const summary = z.string().trim().max(4000);
const showNotes = z.string().max(100_000);

const variantInput = z.object({ title, summary: summary.default(""), showNotes: showNotes.default("") }).strict();
const variantPatch = z.object({ title: title.optional(), summary: summary.optional(), showNotes: showNotes.optional() }).strict();

const season = z.number().int().min(1).max(100_000);
const number = z.number().int().min(0).max(1_000_000);

export const createEpisodeBody = z
  .object({
    /** Default: from the number (`episode-12`), else from a Latin-script title, else a short id. */
    slug: slug.optional(),
    season: season.nullable().optional(),
    number: number.nullable().optional(),
    type: z.enum(EPISODE_TYPES).default("full"),
    variants: z
      .object({ ar: variantInput.optional(), fr: variantInput.optional(), en: variantInput.optional() })
      .strict()
      .refine((v) => Object.values(v).some(Boolean), { params: { code: "variant_required" } }),
  })
  .strict();
export type CreateEpisodeBody = z.infer<typeof createEpisodeBody>;

export const updateEpisodeBody = z
  .object({
    slug: slug.optional(),
    season: season.nullable().optional(),
    number: number.nullable().optional(),
    type: z.enum(EPISODE_TYPES).optional(),
    /** Per locale: fields to change; a new locale (needs a title) adds a variant; null removes one. */
    variants: z
      .object({ ar: variantPatch.nullable().optional(), fr: variantPatch.nullable().optional(), en: variantPatch.nullable().optional() })
      .strict()
      .optional(),
  })
  .strict();
export type UpdateEpisodeBody = z.infer<typeof updateEpisodeBody>;

export const publishBody = z
  .object({
    /** When listeners get it. Omitted or not in the future: now. */
    publishAt: z.iso.datetime({ offset: true }).optional(),
  })
  .strict();
export type PublishBody = z.infer<typeof publishBody>;

const renditionResponse = z.object({
  kind: z.string(),
  mimeType: z.string(),
  bitrateKbps: z.number(),
  bytes: z.number(),
  sha256: z.string(),
  durationSeconds: z.number(),
  url: z.string(),
});

export const audioResponse = z.object({
  status: z.enum(AUDIO_STATUSES),
  progress: z.number(),
  error: z.object({ code: z.string(), message: z.string(), detail: z.string().nullable() }).nullable(),
  durationSeconds: z.number().nullable(),
  loudness: z.object({ inputLufs: z.number().nullable(), outputLufs: z.number().nullable(), truePeakDbtp: z.number().nullable() }).nullable(),
  renditions: z.array(renditionResponse),
});

export const variantResponse = z.object({
  id: z.string(),
  locale,
  guid: z.string(),
  title: z.string(),
  summary: z.string(),
  showNotes: z.string(),
  showNotesHtml: z.string(),
  /** As listeners see it now: a scheduled variant whose time has come reads "published". */
  status: z.enum(VARIANT_STATUSES),
  publishAt: z.string().nullable(),
  publishedAt: z.string().nullable(),
  audio: audioResponse,
  transcriptUrl: z.string().nullable(),
  chaptersUrl: z.string().nullable(),
  updatedAt: z.string(),
});

export const episodeResponse = z.object({
  id: z.string(),
  showId: z.string(),
  slug: z.string(),
  /** False once a variant is published or scheduled: the slug is in public page addresses. */
  slugEditable: z.boolean(),
  season: z.number().nullable(),
  number: z.number().nullable(),
  type: z.enum(EPISODE_TYPES),
  variants: z.object({ ar: variantResponse.optional(), fr: variantResponse.optional(), en: variantResponse.optional() }),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const audioUploadResponse = z.object({ jobId: z.string(), variantId: z.string(), audio: audioResponse });
