import type { Request, RequestHandler } from "express";
import type { Storage } from "../adapters/storage/storage.ts";
import { badRequest } from "../errors.ts";
import { sendCorsPreflight, sendStored, setCorsHeaders } from "../http/send-stored.ts";
import { CAMPAIGN_QUERY, isCampaignCode, SADA_PLAYER_QUERY } from "../http/public-urls.ts";
import { planRangeResponse } from "./iab.ts";
import type { MediaRequestFacts, TrackingService } from "./tracking.service.ts";

// Tracked audio delivery, mounted at /media: `/media/<variantId>/<file>` (public-urls.ts
// mediaPath), the URL of every enclosure in the feeds and every player on the public pages.
// The file is delivered first; recording happens beside it and never delays the answer.
// One handler rather than a Router with a route per method: this is the busiest URL of all, and a
// nested router's matching costs more than the two path segments it would extract.

/**
 * Browsers may keep the file (and revalidate it cheaply); shared caches must not, or requests
 * would stop reaching Sada and downloads would go uncounted. The URL stays the same when the
 * audio is replaced, hence minutes rather than a year.
 */
const MEDIA_CACHE_CONTROL = "private, max-age=300";
const [PLAYER_PARAM, PLAYER_VALUE] = SADA_PLAYER_QUERY.split("=") as [string, string];

/** `<variantId>/<file>` from the path below /media, decoded; null for any other shape; 400 if it cannot be decoded. */
function mediaParams(path: string): { variantId: string; file: string } | null {
  const slash = path.indexOf("/", 1);
  if (path[0] !== "/" || slash < 2 || slash === path.length - 1 || path.indexOf("/", slash + 1) !== -1) return null;
  try {
    return { variantId: decodeURIComponent(path.slice(1, slash)), file: decodeURIComponent(path.slice(slash + 1)) };
  } catch {
    throw badRequest("malformed_url"); // as Express answers for a route parameter it cannot decode
  }
}

function requestFacts(req: Request): MediaRequestFacts {
  // Only two query parameters matter; the query string is read directly (Express 5 parses all of
  // it again on every read of req.query).
  const url = req.url;
  const start = url.indexOf("?");
  const query = start === -1 ? undefined : new URLSearchParams(url.slice(start + 1));
  const campaign = query?.get(CAMPAIGN_QUERY);
  return {
    method: req.method,
    rangeHeader: req.headers.range,
    userAgent: req.headers["user-agent"],
    referrer: req.headers.referer,
    sadaPlayer: query?.get(PLAYER_PARAM) === PLAYER_VALUE,
    campaignCode: isCampaignCode(campaign) ? campaign : undefined,
    ip: req.ip,
  };
}

export function mediaRoutes(tracking: TrackingService, storage: Storage): RequestHandler {
  return async (req, res, next) => {
    const params = mediaParams(req.path);
    if (!params) return next();
    if (req.method === "OPTIONS") return sendCorsPreflight(res);
    // HEAD is answered like GET: sendStored then sends headers only (and nothing counts).
    if (req.method !== "GET" && req.method !== "HEAD") return next();
    const target = await tracking.resolve(params.variantId, params.file);
    const facts = requestFacts(req);
    // CDN or bucket URL → redirect (counted as such); none (local storage) → Sada streams and counts delivered bytes.
    const location = await tracking.redirectLocation(target.storageKey);
    const recorder = location ? undefined : tracking.deliveryRecorder(target, facts);
    setCorsHeaders(res);
    const sent = await sendStored(req, res, storage, target.storageKey, {
      contentType: target.contentType,
      cacheControl: MEDIA_CACHE_CONTROL,
      redirect: true,
      publicUrl: async () => location,
      planRange: planRangeResponse,
      onDelivered: recorder,
    });
    if (sent.kind === "redirect") tracking.recordRedirect(target, facts);
  };
}
