import { z } from "zod";
import { AppError } from "../errors.ts";
import { zodIssuesToDetails } from "../http/validate.ts";

// Podcasting 2.0 JSON chapters (github.com/Podcastindex-org/podcast-namespace, chapters/jsonChapters.md,
// version 1.2): validated strictly and stored normalised (known fields only), so what apps fetch is
// always well-formed. Links and images must be http(s) URLs.

const MAX_CHAPTERS = 1000;

const webUrl = z
  .string()
  .trim()
  .max(2048)
  .refine((value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol), { params: { code: "invalid_format", format: "url" } });

const seconds = z.number().finite().nonnegative();

/** RFC 5870 geo URI, as the podcast:location tag uses it: geo:lat,lon[,alt][;params]. */
const GEO_URI = /^geo:-?\d{1,2}(\.\d+)?,-?\d{1,3}(\.\d+)?(,-?\d+(\.\d+)?)?(;[\w.=-]+)*$/i;

const location = z.object({
  name: z.string().trim().min(1).max(128),
  geo: z.string().regex(GEO_URI),
  osm: z
    .string()
    .regex(/^[NWR]\d+(#\d+)?$/)
    .optional(),
});

const chapter = z
  .object({
    startTime: seconds,
    endTime: seconds.optional(),
    title: z.string().trim().max(500).optional(),
    img: webUrl.optional(),
    url: webUrl.optional(),
    toc: z.boolean().optional(),
    id: z.string().max(100).optional(),
    location: location.optional(),
  })
  .refine((c) => c.endTime === undefined || c.endTime > c.startTime, { path: ["endTime"], params: { code: "chapters_end_before_start" } });

export const chaptersDocument = z
  .object({
    version: z.string().trim().min(1).max(20),
    chapters: z.array(chapter).min(1).max(MAX_CHAPTERS),
    author: z.string().max(500).optional(),
    title: z.string().max(500).optional(),
    podcastName: z.string().max(500).optional(),
    description: z.string().max(4000).optional(),
    fileName: z.string().max(500).optional(),
    waypoints: z.boolean().optional(),
  })
  .superRefine((doc, ctx) => {
    // The spec reads chapters in ascending startTime order; a file out of order is a mistake.
    doc.chapters.forEach((c, i) => {
      if (i > 0 && c.startTime < doc.chapters[i - 1].startTime) {
        ctx.addIssue({ code: "custom", path: ["chapters", i, "startTime"], params: { code: "chapters_out_of_order" } });
      }
    });
  });

export type ChaptersDocument = z.infer<typeof chaptersDocument>;

/** Parses and validates an uploaded chapters file (text or already-parsed JSON). Throws 422 `chapters_invalid`. */
export function parseChapters(input: Buffer | unknown): ChaptersDocument {
  let data: unknown = input;
  if (Buffer.isBuffer(input)) {
    try {
      data = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(input).replace(/^\uFEFF/, ""));
    } catch {
      throw new AppError("chapters_invalid", 422, {}, [{ path: "chapters", code: "chapters_json_syntax" }]);
    }
  }
  const parsed = chaptersDocument.safeParse(data);
  if (!parsed.success) throw new AppError("chapters_invalid", 422, {}, zodIssuesToDetails(parsed.error.issues, data));
  return parsed.data;
}
