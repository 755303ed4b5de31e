import express from "express";
import type { AppContext } from "../../context.ts";
import { GEO_ATTRIBUTION } from "../../adapters/geo.ts";
import { isLocale, SUPPORTED_LOCALES, type Locale } from "../../i18n.ts";
import { presentEpisode, publicationTime } from "../../episodes/episodes.presenter.ts";
import { presentShow } from "../../shows/shows.presenter.ts";
import { emptyForm } from "../forms.ts";
import { pageContext, sendPage } from "../page.ts";
import { analyticsPage, type AnalyticsPageData } from "../views/analytics.view.ts";
import { showTitle } from "./shows.routes.ts";

const DAY_MS = 86_400_000;
const PRESET_DAYS = [7, 30, 90, 365] as const;
/** Episodes compared over their first 30 days (each costs the browser one API request). */
const FIRST_DAYS_EPISODES = 12;

const isoDay = (date: Date) => date.toISOString().slice(0, 10);
const validDay = (value: unknown): value is string => typeof value === "string" && /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`));

/**
 * The dashboard: filters and labels are rendered here; the numbers come from the analytics API
 * (GET /api/v1/analytics/downloads|listeners, the same answers as the CSV export), fetched by
 * web/assets/analytics.js. Every signed-in role may read it.
 */
export function analyticsRoutes(ctx: AppContext) {
  const router = express.Router();
  const base = ctx.config.http.publicBaseUrl;

  router.get("/analytics", async (req, res) => {
    const pc = pageContext(req, res);
    const today = isoDay(ctx.clock.now());
    const to = validDay(req.query.to) ? req.query.to : today;
    const from = validDay(req.query.from) ? req.query.from : isoDay(new Date(Date.parse(`${to}T00:00:00Z`) - 29 * DAY_MS));
    const shows = (await ctx.shows.list()).map((view) => presentShow(view, base));
    const showId = typeof req.query.showId === "string" && shows.some((s) => s.id === req.query.showId) ? req.query.showId : "";
    const locale: Locale | "" = isLocale(req.query.locale) ? req.query.locale : "";

    const query = new URLSearchParams({ ...(showId ? { showId } : {}), ...(locale ? { locale } : {}), from, to });
    const labels: AnalyticsPageData["labels"] = {};
    const published: AnalyticsPageData["firstDays"] = [];
    const now = ctx.clock.now();
    for (const show of shows.filter((s) => !showId || s.id === showId)) {
      for (const record of await ctx.episodes.listForShow(show.id)) {
        const episode = presentEpisode(record, { publicBaseUrl: base, now, locale: pc.locale });
        const variants = SUPPORTED_LOCALES.flatMap((l) => (episode.variants[l] ? [episode.variants[l]!] : []));
        const own = variants.find((v) => v.locale === pc.locale) ?? variants.find((v) => v.locale === show.defaultLocale) ?? variants[0];
        if (!own) continue;
        labels[episode.id] = { title: own.title, lang: own.locale };
        for (const v of variants) labels[v.id] = { title: v.title, lang: v.locale };
        // First publication of the episode (in the chosen language, when one is chosen).
        const times = record.variants
          .filter((v) => (v.status === "published" || v.status === "scheduled" || v.status === "unpublished") && (!locale || v.locale === locale))
          .map((v) => publicationTime(v))
          .filter((t): t is Date => !!t && t <= now);
        if (times.length) {
          const first = new Date(Math.min(...times.map((t) => t.getTime())));
          published.push({ episodeId: episode.id, title: own.title, lang: own.locale, publishedDay: isoDay(first) });
        }
      }
    }
    published.sort((a, b) => (a.publishedDay < b.publishedDay ? 1 : -1));
    // The campaign breakdown's keys are campaign ids: name them (archived campaigns too, their downloads stay).
    for (const { campaign } of await ctx.campaigns.list({ status: "all", showId: showId || undefined })) labels[campaign.id] = { title: campaign.name, lang: "" };

    const presetHref = (days: number) => {
      const q = new URLSearchParams({ ...(showId ? { showId } : {}), ...(locale ? { locale } : {}), from: isoDay(new Date(Date.parse(`${today}T00:00:00Z`) - (days - 1) * DAY_MS)), to: today });
      return `/admin/analytics?${q}`;
    };
    sendPage(
      res,
      analyticsPage(pc, {
        filters: emptyForm({ showId, locale, from, to }),
        query: query.toString(),
        shows: shows.map((s) => ({ id: s.id, ...(({ title, lang }) => ({ title, lang }))(showTitle(s, pc.locale)) })),
        presets: PRESET_DAYS.map((days) => ({
          label: pc.tr(days === 365 ? "analytics.last365" : `analytics.last${days}`, { count: pc.fmt.number(days === 365 ? 12 : days) }),
          href: presetHref(days),
          current: to === today && from === isoDay(new Date(Date.parse(`${today}T00:00:00Z`) - (days - 1) * DAY_MS)),
        })),
        labels,
        firstDays: published.slice(0, FIRST_DAYS_EPISODES),
        today,
        attribution: GEO_ATTRIBUTION,
      }),
    );
  });

  return router;
}
