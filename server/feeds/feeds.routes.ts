import express, { type ErrorRequestHandler, type Request, type Response, type Router } from "express";
import { AppError, notFound } from "../errors.ts";
import { escapeHtml } from "../http/html.ts";
import { localizeError, toAppError } from "../http/error-handler.ts";
import { isLocale, type Locale } from "../i18n.ts";
import { CAMPAIGN_QUERY, isCampaignCode } from "../http/public-urls.ts";
import { xmlText } from "./feed-xml.ts";
import type { FeedLookup, FeedsService } from "./feeds.service.ts";
import type { Clock } from "../adapters/clock.ts";

// GET/HEAD /feeds/{show-slug}/{locale}.xml — public, cacheable, precompressed. Mounted at /feeds.

export const FEED_CONTENT_TYPE = "application/rss+xml; charset=utf-8";
/** Podcast apps poll every few minutes to hours; five minutes of shared caching costs nobody anything. */
const FEED_MAX_AGE_SECONDS = 300;
const FEED_FILE = /^(ar|fr|en)\.xml$/;

type Encoding = "br" | "gzip" | "identity";

/** If-None-Match uses the weak comparison (RFC 9110 §13.1.2): any encoding's tag of the same bytes matches. */
function matchesEtag(header: string, hash: string): boolean {
  for (const part of header.split(",")) {
    let tag = part.trim();
    if (tag === "*") return true;
    if (tag.startsWith("W/")) tag = tag.slice(2);
    if (tag === `"${hash}"` || tag === `"${hash}-br"` || tag === `"${hash}-gz"`) return true;
  }
  return false;
}

function notModified(req: Request, lookup: FeedLookup): boolean {
  const ifNoneMatch = req.headers["if-none-match"];
  if (ifNoneMatch !== undefined) return matchesEtag(ifNoneMatch, lookup.feed.hash);
  const ifModifiedSince = req.headers["if-modified-since"];
  if (ifModifiedSince === undefined) return false;
  const since = Date.parse(ifModifiedSince);
  return !Number.isNaN(since) && lookup.feed.lastModified.getTime() <= since;
}

/**
 * Brotli when the client takes it at least as gladly as gzip (browsers list "gzip, deflate, br"
 * with equal weights), else gzip, else the plain bytes. q=0 refuses an encoding; "*" stands for
 * any encoding not named.
 */
export function chooseEncoding(header: string | undefined): Encoding {
  if (!header) return "identity";
  const weights = new Map<string, number>();
  for (const part of header.split(",")) {
    const [name, ...params] = part.trim().toLowerCase().split(";");
    if (!name) continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    const weight = q ? Number(q.slice(2)) : 1;
    weights.set(name.trim(), Number.isFinite(weight) ? weight : 0);
  }
  const weightOf = (name: string) => weights.get(name) ?? weights.get("*") ?? 0;
  const br = weightOf("br");
  const gz = weightOf("gzip");
  if (br > 0 && br >= gz) return "br";
  if (gz > 0) return "gzip";
  return "identity";
}

function sendFeed(req: Request, res: Response, locale: Locale, lookup: FeedLookup, now: number): void {
  const { feed } = lookup;
  // Never let a cache keep the feed past the moment a scheduled episode goes live.
  const maxAge = Math.max(0, Math.min(FEED_MAX_AGE_SECONDS, Math.floor((lookup.dueAt - now) / 1000)));
  const encoding = chooseEncoding(req.headers["accept-encoding"]);
  res.setHeader("Content-Type", FEED_CONTENT_TYPE);
  res.setHeader("Content-Language", locale);
  res.setHeader("Cache-Control", `public, max-age=${maxAge}`);
  res.setHeader("Vary", "Accept-Encoding");
  res.setHeader("Last-Modified", feed.lastModifiedHttp);
  res.setHeader("ETag", encoding === "identity" ? `"${feed.hash}"` : `"${feed.hash}-${encoding === "br" ? "br" : "gz"}"`);
  // Web-based podcast players read feeds from other origins.
  res.setHeader("Access-Control-Allow-Origin", "*");
  if (notModified(req, lookup)) {
    res.statusCode = 304;
    res.end();
    return;
  }
  const body = encoding === "br" ? feed.br : encoding === "gzip" ? feed.gzip : feed.identity;
  if (encoding !== "identity") res.setHeader("Content-Encoding", encoding);
  res.setHeader("Content-Length", body.length);
  res.statusCode = 200;
  res.end(req.method === "HEAD" ? undefined : body);
}

/** Feed errors are XML too, so a podcast app or validator shows a readable message, never a stack trace. */
function sendXmlError(req: Request, res: Response, error: AppError): void {
  const { code, message } = localizeError(error, req.locale ?? "en", req.id);
  res.status(error.status);
  res.setHeader("Content-Type", "application/xml; charset=utf-8");
  res.setHeader("Cache-Control", "no-cache");
  res.send(`<?xml version="1.0" encoding="UTF-8"?>\n<error><code>${escapeHtml(code)}</code><message>${escapeHtml(xmlText(message))}</message></error>\n`);
}

const xmlErrors: ErrorRequestHandler = (err, req, res, _next) => {
  const error = toAppError(err);
  if (error.reportable) req.log?.error({ err }, "feed request failed");
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendXmlError(req, res, error);
};

export function feedsRoutes(feeds: FeedsService, clock: Clock): Router {
  const router = express.Router();
  router.get("/:slug/:file", async (req, res) => {
    const match = FEED_FILE.exec(req.params.file);
    const locale = match?.[1];
    if (!isLocale(locale) || req.params.slug.length > 200) throw notFound("feed_not_found", { slug: req.params.slug, locale: locale ?? "" });
    // `?c={code}`: the feed a campaign link led to; its enclosures carry the campaign (see FeedsService.getFeed).
    const campaign = req.query[CAMPAIGN_QUERY];
    const lookup = await feeds.getFeed(req.params.slug, locale, isCampaignCode(campaign) ? campaign : undefined);
    sendFeed(req, res, locale, lookup, clock.now().getTime());
  });
  router.use(() => {
    throw notFound("feed_not_found", { slug: "", locale: "" });
  });
  router.use(xmlErrors);
  return router;
}
