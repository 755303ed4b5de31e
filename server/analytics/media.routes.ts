import express, { type Request, type Router } from "express";
import type { Storage } from "../adapters/storage/storage.ts";
import { sendCorsPreflight, sendStored, setCorsHeaders } from "../http/send-stored.ts";
import { CAMPAIGN_QUERY, isCampaignCode, SADA_PLAYER_QUERY } from "../http/public-urls.ts";
import { planRangeResponse } from "./iab.ts";
import type { MediaRequestFacts, TrackingService } from "./tracking.service.ts";

// Tracked audio delivery, mounted at /media: `/media/<variantId>/<kind>.<ext>` (public-urls.ts
// mediaPath), the URL of every enclosure in the feeds and every player on the public pages.
// The file is delivered first; recording happens beside it and never delays the answer.

/**
 * Browsers may keep the file (and revalidate it cheaply); shared caches must not, or requests
 * would stop reaching Sada and downloads would go uncounted. The URL stays the same when the
 * audio is replaced, hence minutes rather than a year.
 */
const MEDIA_CACHE_CONTROL = "private, max-age=300";
const [PLAYER_PARAM, PLAYER_VALUE] = SADA_PLAYER_QUERY.split("=") as [string, string];

function requestFacts(req: Request): MediaRequestFacts {
  const query = req.query; // Express 5 parses the query string again on every read of req.query
  const campaign = query[CAMPAIGN_QUERY];
  return {
    method: req.method,
    rangeHeader: req.headers.range,
    userAgent: req.headers["user-agent"],
    referrer: req.headers.referer,
    sadaPlayer: query[PLAYER_PARAM] === PLAYER_VALUE,
    campaignCode: isCampaignCode(campaign) ? campaign : undefined,
    ip: req.ip,
  };
}

export function mediaRoutes(tracking: TrackingService, storage: Storage): Router {
  const router = express.Router();

  router.options("/:variantId/:file", (_req, res) => sendCorsPreflight(res));

  // Express answers HEAD with the GET handler; sendStored then sends headers only (and nothing counts).
  router.get("/:variantId/:file", async (req, res) => {
    const target = await tracking.resolve(req.params.variantId, req.params.file);
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
  });

  return router;
}
