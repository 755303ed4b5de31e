import express, { type ErrorRequestHandler, type Router } from "express";
import { z } from "zod";
import { toAppError } from "../http/error-handler.ts";
import { ApiRouter, type RouteRegistry } from "../http/api-router.ts";
import { isCampaignCode } from "../http/public-urls.ts";
import { notFound } from "../errors.ts";
import { EDITORS, READERS } from "../shows/shows.routes.ts";
import { errorPage } from "../site/views/error.view.ts";
import { presentCampaign } from "./campaigns.presenter.ts";
import { campaignIdParams, campaignResponse, createCampaignBody, listCampaignsQuery, updateCampaignBody, visitsRange } from "./campaigns.schema.ts";
import type { CampaignsService } from "./campaigns.service.ts";

/** `/api/v1/campaigns`: analysts read, producers and admins create, rename and archive. */
export function campaignsRoutes(registry: RouteRegistry, campaigns: CampaignsService, publicBaseUrl: string) {
  const api = new ApiRouter(registry, "/api/v1");
  const tags = ["campaigns"];
  api
    .route(
      {
        method: "get",
        path: "/campaigns",
        summary: "Campaign links with their visits over [from, to] (all time without); archived ones only with status=archived|all",
        tags,
        access: READERS,
        query: listCampaignsQuery,
        response: z.object({ campaigns: z.array(campaignResponse) }),
      },
      async ({ query }) => ({ campaigns: (await campaigns.list(query)).map((view) => presentCampaign(view, publicBaseUrl)) }),
    )
    .route(
      {
        method: "post",
        path: "/campaigns",
        summary: "Create a campaign link to a show page, an episode page or a feed (code generated unless given)",
        tags,
        access: EDITORS,
        body: createCampaignBody,
        response: campaignResponse,
        status: 201,
      },
      async ({ body }) => presentCampaign(await campaigns.create(body), publicBaseUrl),
    )
    .route(
      { method: "get", path: "/campaigns/:id", summary: "A campaign link and its visits over [from, to]", tags, access: READERS, params: campaignIdParams, query: visitsRange, response: campaignResponse },
      async ({ params, query }) => presentCampaign(await campaigns.get(params.id, query), publicBaseUrl),
    )
    .route(
      {
        method: "patch",
        path: "/campaigns/:id",
        summary: "Rename, archive or unarchive a campaign link (archived links keep redirecting)",
        tags,
        access: EDITORS,
        params: campaignIdParams,
        body: updateCampaignBody,
        response: campaignResponse,
      },
      async ({ params, body }) => presentCampaign(await campaigns.update(params.id, body), publicBaseUrl),
    );
  return api.router;
}

/** An unknown code is a page in the visitor's language (Accept-Language, ?lang=), not JSON. */
const htmlErrors: ErrorRequestHandler = (err, req, res, _next) => {
  const error = toAppError(err);
  if (error.reportable) req.log?.error({ err }, "campaign link failed");
  if (res.headersSent) return void res.destroy();
  const status = error.status === 404 ? 404 : 500;
  res.status(status).setHeader("Cache-Control", "no-store");
  res.setHeader("Content-Language", req.locale);
  res.type("html").send(errorPage({ locale: req.locale, status, requestId: req.id }).toString());
};

/**
 * Public `GET /c/{code}`: counts the visit (in the background) and redirects to the campaign's
 * target with `?c={code}`. Never cached, so every visit reaches the server; HEAD (link previews)
 * is redirected without counting.
 */
export function campaignLinkRoutes(campaigns: CampaignsService): Router {
  const router = express.Router();
  router.get("/c/:code", async (req, res) => {
    const code = req.params.code;
    if (!isCampaignCode(code)) throw notFound("campaign_not_found");
    const { campaign, location } = await campaigns.destination(code);
    res.setHeader("Cache-Control", "no-store");
    res.setHeader("X-Robots-Tag", "noindex");
    res.redirect(302, location);
    if (req.method === "GET" && req.ip) campaigns.recordVisit(campaign.id, { ip: req.ip, userAgent: req.get("user-agent") });
  });
  router.use("/c", htmlErrors);
  return router;
}
