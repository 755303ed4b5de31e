import { z } from "zod";
import { SUPPORTED_LOCALES } from "../i18n.ts";

/** A report covers at most five years (1,827 days: five years with two leap days). */
export const MAX_RANGE_DAYS = 1827;
/** Without `from`/`to`, a report covers the last 30 days up to today (UTC). */
export const DEFAULT_RANGE_DAYS = 30;

/** Downloads add up over any grouping; listeners are unique per day only (see README, "Reading the numbers"). */
export const GROUP_BY = ["day", "week", "month", "episode", "locale", "app", "device", "os", "country", "campaign"] as const;
export type GroupBy = (typeof GROUP_BY)[number];
export const TIME_GROUPS: readonly GroupBy[] = ["day", "week", "month"];
/** The dimensions of the daily roll-up (AudienceDaily.dimension). */
export const AUDIENCE_DIMENSIONS = ["total", "app", "device", "os", "country", "campaign"] as const;
export type AudienceDimension = (typeof AUDIENCE_DIMENSIONS)[number];

export const FIRST_DAY_SPANS = [1, 7, 30] as const;

const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;
/** A real calendar day (2026-02-30 is refused), in the UTC calendar reports use. */
export const isoDay = z
  .string()
  .regex(DAY_PATTERN)
  .refine(
    (value) => {
      if (!DAY_PATTERN.test(value)) return true; // reported by the pattern already
      const time = Date.parse(`${value}T00:00:00Z`);
      return !Number.isNaN(time) && new Date(time).toISOString().slice(0, 10) === value;
    },
    { params: { code: "invalid_date" } },
  );

const id = z.string().min(1).max(64);

export const reportQuery = z
  .object({
    showId: id.optional(),
    episodeId: id.optional(),
    locale: z.enum(SUPPORTED_LOCALES).optional(),
    /** A campaign's id, or "none" for downloads that came through no campaign. */
    campaignId: id.optional(),
    from: isoDay.optional(),
    to: isoDay.optional(),
    groupBy: z.enum(GROUP_BY).default("day"),
    format: z.enum(["json", "csv"]).default("json"),
  })
  .strict()
  .superRefine((q, ctx) => {
    if (!q.from || !q.to || !DAY_PATTERN.test(q.from) || !DAY_PATTERN.test(q.to)) return;
    const days = daysBetween(q.from, q.to) + 1;
    if (days < 1) ctx.addIssue({ code: "custom", path: ["from"], params: { code: "range_reversed" } });
    else if (days > MAX_RANGE_DAYS) ctx.addIssue({ code: "custom", path: ["to"], params: { code: "range_too_long", maximum: MAX_RANGE_DAYS } });
  });
export type ReportQuery = z.infer<typeof reportQuery>;

export const episodeParams = z.object({ episodeId: id });
export const firstDaysQuery = z.object({ locale: z.enum(SUPPORTED_LOCALES).optional() }).strict();

const DAY_MS = 86_400_000;
export const dayMs = (day: string) => Date.parse(`${day}T00:00:00Z`);
export const daysBetween = (from: string, to: string) => Math.round((dayMs(to) - dayMs(from)) / DAY_MS);
export const addDays = (day: string, n: number) => new Date(dayMs(day) + n * DAY_MS).toISOString().slice(0, 10);
export const dayOf = (date: Date) => date.toISOString().slice(0, 10);

// ── Answers (documented in the OpenAPI document) ────────────────────────────────────────────────

const key = z.string().describe("The group: a day (YYYY-MM-DD), ISO week (YYYY-Www), month (YYYY-MM), episode id, locale, app, device type, OS, country (ISO 3166-1, ZZ unknown) or campaign id (\"\" = none)");
const echo = { groupBy: z.enum(GROUP_BY), from: z.string(), to: z.string() };

export const downloadsResponse = z.object({
  ...echo,
  total: z.number().int(),
  rows: z.array(z.object({ key, downloads: z.number().int(), label: z.string().optional().describe("campaign name") })),
});

export const listenersResponse = z.object({
  ...echo,
  measure: z.literal("daily_unique").describe("Listeners are unique per UTC day only: rows and total are averages of daily uniques, never sums across days"),
  total: z.number().describe("Average daily listeners over the range's days up to today (one decimal)"),
  days: z.number().int().describe("Days averaged: from `from` to the earlier of `to` and today"),
  peak: z.object({ day: z.string().nullable(), listeners: z.number().int() }).describe("The day with the most listeners"),
  rows: z.array(
    z.object({
      key,
      listeners: z.number().describe("groupBy=day: that day's unique listeners; otherwise the average daily listeners of the group"),
      peak: z.number().int().describe("The group's highest daily count"),
      label: z.string().optional(),
    }),
  ),
});

export const firstDaysResponse = z.object({
  episodeId: z.string(),
  rows: z.array(
    z.object({
      locale: z.string().describe("A language version, or \"\" for the episode as a whole (from its first publication in any language)"),
      publishedDay: z.string(),
      downloads: z.object({ "1": z.number().int().nullable(), "7": z.number().int().nullable(), "30": z.number().int().nullable() }).describe("null while the period is not over"),
    }),
  ),
});
