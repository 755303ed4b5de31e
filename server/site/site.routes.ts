import express, { type ErrorRequestHandler, type Request, type Response, type Router } from "express";
import { toAppError } from "../http/error-handler.ts";
import type { SafeHtml } from "../http/html.ts";
import { isCampaignCode, CAMPAIGN_QUERY, showPagePath } from "../http/public-urls.ts";
import { isLocale, type Locale } from "../i18n.ts";
import { SITE_CSS_FILE, SITE_CSS_PATH, siteCssVersion } from "./assets.ts";
import { episodePageView, showPageView, type PageRequest } from "./site.presenter.ts";
import { pageNotFound, type SiteService } from "./site.service.ts";
import { episodePage } from "./views/episode.view.ts";
import { errorPage } from "./views/error.view.ts";
import { showPage } from "./views/show.view.ts";

// The public pages: /{locale}/{show}/ and /{locale}/{show}/{episode}, server-rendered, no script.
// Mounted at the root; anything whose first segment is not a language passes through untouched.

/** Pages change when episodes are published; a minute of caching keeps them cheap and fresh. */
const PAGE_CACHE_CONTROL = "public, max-age=60";
const SLUG = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;
const PAGE_NUMBER = /^[1-9][0-9]{0,5}$/;

function pageRequest(req: Request, publicBaseUrl: string): PageRequest {
  const campaign = req.query[CAMPAIGN_QUERY];
  return { publicBaseUrl, campaign: isCampaignCode(campaign) ? campaign : undefined };
}

function sendPage(res: Response, locale: Locale, page: SafeHtml, status = 200, cacheControl = PAGE_CACHE_CONTROL): void {
  res.status(status);
  res.setHeader("Content-Language", locale);
  res.setHeader("Cache-Control", cacheControl);
  res.type("html").send(page.toString());
}

/**
 * Error pages speak the language of the address asked for (/fr/… → French), not the browser's.
 * Mounted at the root, this handler also sees errors of other features passing by; it answers
 * only for requests one of the page routes below took on (marked in res.locals).
 */
const htmlErrors: ErrorRequestHandler = (err, req, res, next) => {
  const locale = res.locals.publicPageLocale as Locale | undefined;
  if (!locale) return next(err);
  const error = toAppError(err);
  if (error.reportable) req.log?.error({ err }, "page failed");
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const slug = typeof error.params.showSlug === "string" ? error.params.showSlug : undefined;
  const locales = Array.isArray(error.params.locales) ? (error.params.locales as Locale[]) : [];
  const alternatives = slug ? locales.map((l) => ({ locale: l, href: showPagePath(l, slug) })) : [];
  const status = error.status === 404 ? 404 : error.status >= 500 ? 500 : error.status;
  sendPage(res, locale, errorPage({ locale, status, alternatives, requestId: req.id }), status, "no-cache");
};

export function siteRoutes(site: SiteService, publicBaseUrl: string): Router {
  const router = express.Router();

  router.get(SITE_CSS_PATH, (req, res) => {
    const current = req.query.v === siteCssVersion();
    res.sendFile(SITE_CSS_FILE, { headers: { "Cache-Control": current ? "public, max-age=31536000, immutable" : "public, max-age=300" } });
  });

  // /{locale}/{show}/ — and /{locale}/{show} redirects there (one address per page).
  router.get("/:locale/:slug", async (req, res, next) => {
    const { locale, slug } = req.params;
    if (!isLocale(locale) || !SLUG.test(slug)) return next();
    res.locals.publicPageLocale = locale;
    if (!req.path.endsWith("/")) {
      const query = req.originalUrl.includes("?") ? req.originalUrl.slice(req.originalUrl.indexOf("?")) : "";
      return res.redirect(301, `${showPagePath(locale, slug)}${query}`);
    }
    const page = req.query.page === undefined ? 1 : PAGE_NUMBER.test(String(req.query.page)) ? Number(req.query.page) : 0;
    if (page === 0) throw pageNotFound();
    const data = await site.showPage(locale, slug, page);
    sendPage(res, locale, showPage(showPageView(data, pageRequest(req, publicBaseUrl))));
  });

  router.get("/:locale/:slug/:episode", async (req, res, next) => {
    const { locale, slug, episode } = req.params;
    if (!isLocale(locale) || !SLUG.test(slug)) return next();
    res.locals.publicPageLocale = locale;
    const data = await site.episodePage(locale, slug, episode);
    sendPage(res, locale, episodePage(episodePageView(data, pageRequest(req, publicBaseUrl))));
  });

  // Anything else under a language prefix is a page that does not exist: an HTML 404, not JSON.
  router.get(["/:locale", "/:locale/{*rest}"], (req, res, next) => {
    if (!isLocale(req.params.locale)) return next();
    res.locals.publicPageLocale = req.params.locale;
    throw pageNotFound();
  });

  router.use(htmlErrors);
  return router;
}
