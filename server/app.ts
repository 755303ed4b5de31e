import express, { type Express } from "express";
import helmet from "helmet";
import type { AppContext } from "./context.ts";
import { accountsRoutes } from "./accounts/accounts.routes.ts";
import { showsRoutes } from "./shows/shows.routes.ts";
import { episodesRoutes } from "./episodes/episodes.routes.ts";
import { TUS_MOUNT, tusUploads } from "./uploads/tus-uploads.ts";
import { adminRoutes } from "./admin/admin.routes.ts";
import { feedsRoutes } from "./feeds/feeds.routes.ts";
import { filesRoutes } from "./site/files.routes.ts";
import { siteRoutes } from "./site/site.routes.ts";
import { authenticate, csrfProtection } from "./http/auth.ts";
import { errorHandler, notFoundHandler } from "./http/error-handler.ts";
import { buildOpenApiDocument } from "./http/openapi.ts";
import { requestContext } from "./http/request-context.ts";
import { healthRoutes } from "./system/health.routes.ts";
import { mediaRoutes } from "./analytics/media.routes.ts";
import { campaignLinkRoutes, campaignsRoutes } from "./campaigns/campaigns.routes.ts";
import { analyticsRoutes } from "./analytics/analytics.routes.ts";

/** Builds the Express app (no listen): tests drive it with supertest, main.ts serves it. */
export function createApp(ctx: AppContext): Express {
  const { config } = ctx;
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", config.http.trustProxy);
  app.use(requestContext(ctx.logger));
  app.use(
    helmet({
      // Feeds, media, transcripts and artwork are fetched cross-origin by podcast apps and web players.
      crossOriginResourcePolicy: { policy: "cross-origin" },
      // Only pages under /admin need framing protection and a strict CSP; set on all for simplicity.
      contentSecurityPolicy: { directives: { "img-src": ["'self'", "data:", "https:", "http:"], "media-src": ["'self'", "https:", "http:", "blob:"] } },
      strictTransportSecurity: config.http.publicBaseUrl.startsWith("https:"),
    }),
  );

  app.use(healthRoutes(ctx));

  // The JSON API: body parsing, who is calling, CSRF for cookie sessions.
  const api = express.Router();
  api.use(express.json({ limit: config.http.jsonBodyLimit }));
  api.use(authenticate(ctx.accounts));
  api.use(csrfProtection());
  api.use(accountsRoutes(ctx.registry, ctx.accounts, config.http.publicBaseUrl));
  api.use(showsRoutes(ctx.registry, ctx.shows, config));
  api.use(episodesRoutes(ctx.registry, ctx.episodes, config, ctx.clock));
  api.use(campaignsRoutes(ctx.registry, ctx.campaigns, config.http.publicBaseUrl));
  api.use(analyticsRoutes(ctx.registry, ctx.reports));
  api.use(
    TUS_MOUNT,
    tusUploads({ dataDir: config.dataDir, maxBytes: config.media.maxUploadBytes, publicBaseUrl: config.http.publicBaseUrl, episodes: ctx.episodes, logger: ctx.logger, onClose: ctx.onClose }),
  );
  // ↑ feature API routers are mounted here, each built from the context.
  api.get("/openapi.json", (_req, res) => {
    res.json(buildOpenApiDocument(ctx.registry, config.http.publicBaseUrl));
  });
  api.use(notFoundHandler());
  app.use("/api/v1", api);

  // The web admin (server-rendered pages + its scripts and styles).
  app.use("/admin", adminRoutes(ctx));
  app.get("/", (_req, res) => res.redirect(302, "/admin"));

  // Public, for listeners and their apps: feeds, artwork/transcripts/chapters, the show and episode pages.
  app.use("/feeds", feedsRoutes(ctx.feeds, ctx.clock));
  app.use("/files", filesRoutes(ctx.site, ctx.storage));
  app.use("/media", mediaRoutes(ctx.tracking, ctx.storage)); // tracked audio: counts downloads
  app.use(campaignLinkRoutes(ctx.campaigns)); // /c/{code}
  app.use(siteRoutes(ctx.site, config.http.publicBaseUrl));

  app.use(notFoundHandler());
  app.use(errorHandler(config.http.jsonBodyLimit));
  return app;
}
