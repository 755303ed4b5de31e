import express, { type Router } from "express";
import type { AppContext } from "../context.ts";
import { authenticate, csrfProtection } from "../http/auth.ts";
import { notFound } from "../errors.ts";
import { adminErrorHandler, requireSession, userLocale } from "./middleware.ts";
import { ASSETS_DIR, TUS_BROWSER_BUILD } from "./page.ts";
import { preferencesRoutes } from "./routes/preferences.routes.ts";
import { sessionRoutes } from "./routes/session.routes.ts";
import { usersRoutes } from "./routes/users.routes.ts";
import { showsRoutes } from "./routes/shows.routes.ts";
import { episodesRoutes } from "./routes/episodes.routes.ts";
import { analyticsRoutes } from "./routes/analytics.routes.ts";
import { campaignsRoutes } from "./routes/campaigns.routes.ts";

// Revalidated on each use (ETag → 304): scripts import each other by plain relative URLs.
const ASSET_CACHE = { maxAge: 0 } as const;

/**
 * The web admin under /admin: server-rendered pages whose forms post back here; each handler
 * calls the same services as the JSON API. Scripts in web/assets only enhance (uploads, progress,
 * charts, copy buttons) and talk to /api/v1 with the session's CSRF token.
 */
export function adminRoutes(ctx: AppContext): Router {
  const router = express.Router();
  router.get("/assets/vendor/tus.min.js", (_req, res) => res.sendFile(TUS_BROWSER_BUILD, ASSET_CACHE));
  router.use("/assets", express.static(ASSETS_DIR, { ...ASSET_CACHE, index: false }), (_req, res) => void res.status(404).end());

  router.use(express.urlencoded({ extended: false, limit: "256kb", parameterLimit: 500 }));
  router.use(authenticate(ctx.accounts));
  router.use(userLocale());
  router.use(csrfProtection());

  router.use(sessionRoutes(ctx));
  router.use(preferencesRoutes(ctx));

  router.use(requireSession());
  router.get("/", (req, res) => {
    const role = req.auth!.user.role;
    res.redirect(303, role === "analyst" ? "/admin/analytics" : "/admin/shows");
  });
  router.use(usersRoutes(ctx));
  router.use(showsRoutes(ctx));
  router.use(episodesRoutes(ctx));
  router.use(analyticsRoutes(ctx));
  router.use(campaignsRoutes(ctx));

  router.use((req, _res, next) => next(notFound("route_not_found", { method: req.method, path: req.originalUrl.split("?")[0] })));
  router.use(adminErrorHandler());
  return router;
}
