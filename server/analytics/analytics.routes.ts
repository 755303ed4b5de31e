import type { Response } from "express";
import { ApiRouter, type RouteRegistry } from "../http/api-router.ts";
import { csvFilename, downloadsCsv, listenersCsv } from "./analytics.presenter.ts";
import { downloadsResponse, episodeParams, firstDaysQuery, firstDaysResponse, listenersResponse, reportQuery } from "./analytics.schema.ts";
import type { ReportsService } from "./reports.service.ts";

/** Every signed-in role reads analytics; nothing here changes anything. */
const READERS = ["admin", "producer", "analyst"] as const;

function sendCsv(res: Response, filename: string, body: string): void {
  res.setHeader("Content-Type", "text/csv; charset=utf-8");
  res.setHeader("Content-Disposition", `attachment; filename="${filename}"`);
  res.setHeader("Cache-Control", "private, no-store");
  res.status(200).send(body);
}

const RANGE_DOC = "Range: from/to (YYYY-MM-DD, UTC, inclusive; default the last 30 days, at most 5 years). `format=csv` answers text/csv.";

export function analyticsRoutes(registry: RouteRegistry, reports: ReportsService) {
  const api = new ApiRouter(registry, "/api/v1");
  const tags = ["analytics"];

  api
    .route(
      {
        method: "get",
        path: "/analytics/downloads",
        summary: `Downloads (IAB v2.2), total and grouped. ${RANGE_DOC}`,
        tags,
        access: READERS,
        query: reportQuery,
        response: downloadsResponse,
      },
      async ({ query, res }) => {
        const report = await reports.downloads(query);
        if (query.format === "csv") return sendCsv(res, csvFilename("downloads", report), downloadsCsv(report));
        return report;
      },
    )
    .route(
      {
        method: "get",
        path: "/analytics/listeners",
        summary:
          `Estimated listeners (unique IP + user agent per UTC day). Over several days: the average of the daily counts, with the peak — ` +
          `never a sum, since the same person has a different hash each day. groupBy=day gives each day's exact count. ${RANGE_DOC}`,
        tags,
        access: READERS,
        query: reportQuery,
        response: listenersResponse,
      },
      async ({ query, res }) => {
        const report = await reports.listeners(query);
        if (query.format === "csv") return sendCsv(res, csvFilename("listeners", report), listenersCsv(report));
        return report;
      },
    )
    .route(
      {
        method: "get",
        path: "/analytics/episodes/:episodeId/first-days",
        summary:
          "Downloads in an episode's first 1, 7 and 30 days (UTC days, the publication day being day 1): per language from that version's first publication, " +
          "and for the whole episode from its first publication in any language; null until the period is over",
        tags,
        access: READERS,
        params: episodeParams,
        query: firstDaysQuery,
        response: firstDaysResponse,
      },
      async ({ params, query }) => reports.firstDays(params.episodeId, query.locale),
    );

  return api.router;
}
