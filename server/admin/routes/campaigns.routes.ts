import express, { type Request, type Response } from "express";
import type { AppContext } from "../../context.ts";
import { SUPPORTED_LOCALES, type Locale } from "../../i18n.ts";
import { presentShow } from "../../shows/shows.presenter.ts";
import { presentCampaign } from "../../campaigns/campaigns.presenter.ts";
import { createCampaignBody, updateCampaignBody } from "../../campaigns/campaigns.schema.ts";
import { addDays, dayOf, isoDay, MAX_RANGE_DAYS } from "../../analytics/analytics.schema.ts";
import { blankToUndefined, emptyForm, formStateFromError, type FormState } from "../forms.ts";
import { requireRole } from "../middleware.ts";
import { pageContext, sendPage, setFlash } from "../page.ts";
import { campaignsPage, type CampaignTargetOption } from "../views/campaigns.view.ts";
import { showTitle } from "./shows.routes.ts";

/** Service errors without field details that belong to one field of the create form. */
const CAMPAIGN_ERROR_FIELDS = { campaign_code_taken: "code", show_not_found: "showId", episode_not_found: "episodeId", locale_not_enabled: "locale" };

const validDay = (value: unknown): value is string => isoDay.safeParse(value).success;

/**
 * Campaign links: every role sees them with their visits (counted here) and downloads (from the
 * analytics API, fetched by campaigns.js); producers and admins create and archive them.
 */
export function campaignsRoutes(ctx: AppContext) {
  const router = express.Router();
  const base = ctx.config.http.publicBaseUrl;
  router.post(["/campaigns", "/campaigns/:id"], requireRole("admin", "producer"));

  const render = async (req: Request, res: Response, createForm: FormState, status = 200) => {
    const pc = pageContext(req, res);
    const archived = req.query.status === "archived";
    // Numbers over the asked days, else since the oldest listed link began (visits cannot be older),
    // at most over the longest range reports cover.
    const today = dayOf(ctx.clock.now());
    let to = validDay(req.query.to) ? req.query.to : today;
    let from = validDay(req.query.from) ? req.query.from : undefined;
    if (from && from > to) [from, to] = [to, from];
    if (from && from < addDays(to, -(MAX_RANGE_DAYS - 1))) from = addDays(to, -(MAX_RANGE_DAYS - 1));
    const campaigns = (await ctx.campaigns.list({ status: archived ? "archived" : "active", from, to })).map((view) => presentCampaign(view, base));
    from ??= campaigns.reduce((min, c) => (c.createdAt.slice(0, 10) < min ? c.createdAt.slice(0, 10) : min), to);
    if (from < addDays(to, -(MAX_RANGE_DAYS - 1))) from = addDays(to, -(MAX_RANGE_DAYS - 1));

    const targets: CampaignTargetOption[] = [];
    for (const show of (await ctx.shows.list()).map((view) => presentShow(view, base))) {
      const { title, lang } = showTitle(show, pc.locale);
      const episodes = (await ctx.episodes.listForShow(show.id)).map((episode) => {
        const variant = episode.variants.find((v) => v.locale === pc.locale) ?? episode.variants.find((v) => v.locale === show.defaultLocale) ?? episode.variants[0];
        return { id: episode.id, title: variant?.title ?? episode.slug, lang: (variant?.locale ?? lang) as Locale };
      });
      targets.push({ id: show.id, title, lang, locales: show.locales, episodes });
    }
    sendPage(
      res,
      campaignsPage(pc, {
        campaigns,
        archived,
        from,
        to,
        shows: targets,
        form: createForm,
        locales: [...SUPPORTED_LOCALES],
      }),
      status,
    );
  };

  router.get("/campaigns", async (req, res) => render(req, res, emptyForm({ target: "show_page", locale: req.locale })));

  router.post("/campaigns", async (req, res) => {
    const field = (name: string) => (typeof req.body?.[name] === "string" ? (req.body[name] as string) : "");
    const values = { name: field("name"), target: field("target"), showId: field("showId"), episodeId: field("episodeId"), locale: field("locale"), code: field("code") };
    try {
      // The episode list stays on the form whatever the target; only an episode page names one.
      const body = createCampaignBody.parse({
        ...values,
        episodeId: values.target === "episode_page" ? blankToUndefined(values.episodeId) : undefined,
        code: blankToUndefined(values.code),
      });
      const created = await ctx.campaigns.create(body);
      setFlash(res, "campaignCreated");
      res.redirect(303, `/admin/campaigns#campaign-${created.campaign.id}`);
    } catch (err) {
      const { state, status } = formStateFromError(err, req.locale, values, CAMPAIGN_ERROR_FIELDS);
      await render(req, res, state, status);
    }
  });

  // Archive or bring back (one small form per row).
  router.post("/campaigns/:id", async (req, res) => {
    const body = updateCampaignBody.parse({ archived: req.body?.archived === "true" });
    await ctx.campaigns.update(String(req.params.id), body);
    setFlash(res, body.archived ? "campaignArchived" : "campaignRestored");
    res.redirect(303, body.archived ? "/admin/campaigns" : "/admin/campaigns?status=archived");
  });

  return router;
}
