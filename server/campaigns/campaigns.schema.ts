import { z } from "zod";
import { isCampaignCode } from "../http/public-urls.ts";
import { locale } from "../shows/shows.schema.ts";
import { isoDay } from "../analytics/analytics.schema.ts";

/** Where a campaign link leads: the show's page, one episode's page, or the show's feed (podcast apps). */
export const CAMPAIGN_TARGETS = ["show_page", "episode_page", "feed"] as const;
export type CampaignTarget = (typeof CAMPAIGN_TARGETS)[number];

/** Which campaigns a list shows: archived ones are hidden unless asked for. */
export const CAMPAIGN_STATUSES = ["active", "archived", "all"] as const;

export const campaignIdParams = z.object({ id: z.string().min(1).max(64) });

const name = z.string().trim().min(1).max(200);
const day = isoDay;
const rangeInOrder = (q: { from?: string; to?: string }) => !q.from || !q.to || q.from <= q.to;
const reversed = { path: ["from"], params: { code: "range_reversed" } };

export const createCampaignBody = z
  .object({
    name,
    target: z.enum(CAMPAIGN_TARGETS),
    showId: z.string().trim().min(1).max(64),
    episodeId: z.string().trim().min(1).max(64).optional(),
    locale,
    /** Optional, e.g. a readable code for a printed poster; generated (8 characters, base62) when absent. */
    code: z
      .string()
      .trim()
      .refine((value) => isCampaignCode(value), { params: { code: "campaign_code_format" } })
      .optional(),
  })
  .strict()
  .superRefine((body, issues) => {
    if (body.target === "episode_page" && !body.episodeId) issues.addIssue({ code: "custom", path: ["episodeId"], params: { code: "required" } });
    if (body.target !== "episode_page" && body.episodeId) issues.addIssue({ code: "custom", path: ["episodeId"], params: { code: "campaign_episode_not_allowed" } });
  });
export type CreateCampaignBody = z.infer<typeof createCampaignBody>;

/** Rename, archive (`archived: true`) or bring back. Target and code never change: the link is out there. */
export const updateCampaignBody = z
  .object({ name: name.optional(), archived: z.boolean().optional() })
  .strict();
export type UpdateCampaignBody = z.infer<typeof updateCampaignBody>;

/** Visits are counted over [from, to] (UTC days, inclusive); without them, since the campaign began. */
export const visitsRange = z
  .object({ from: day.optional(), to: day.optional() })
  .refine(rangeInOrder, reversed);
export type VisitsRange = z.infer<typeof visitsRange>;

export const listCampaignsQuery = z
  .object({
    status: z.enum(CAMPAIGN_STATUSES).default("active"),
    showId: z.string().min(1).max(64).optional(),
    from: day.optional(),
    to: day.optional(),
  })
  .refine(rangeInOrder, reversed);
export type ListCampaignsQuery = z.infer<typeof listCampaignsQuery>;

export const campaignResponse = z.object({
  id: z.string(),
  code: z.string(),
  name: z.string(),
  target: z.enum(CAMPAIGN_TARGETS),
  showId: z.string(),
  episodeId: z.string().nullable(),
  locale,
  /** The link to hand out: PUBLIC_BASE_URL/c/{code}. */
  url: z.string(),
  /** Where the link leads today (without the campaign parameter). */
  targetUrl: z.string(),
  archived: z.boolean(),
  archivedAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** Visits of /c/{code} (one per visitor and UTC day, bots excluded) in the asked range. */
  visits: z.number(),
});
