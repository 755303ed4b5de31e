import express, { type Express } from "express";
import helmet from "helmet";
import type { AppContext } from "./context.ts";
import { accountsRoutes } from "./accounts/accounts.routes.ts";
import { authenticate, csrfProtection } from "./http/auth.ts";
import { errorHandler, notFoundHandler } from "./http/error-handler.ts";
import { buildOpenApiDocument } from "./http/openapi.ts";
import { requestContext } from "./http/request-context.ts";
import { healthRoutes } from "./system/health.routes.ts";

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
  // ↑ feature API routers are mounted here, each built from the context.
  api.get("/openapi.json", (_req, res) => {
    res.json(buildOpenApiDocument(ctx.registry, config.http.publicBaseUrl));
  });
  api.use(notFoundHandler());
  app.use("/api/v1", api);

  app.use(notFoundHandler());
  app.use(errorHandler(config.http.jsonBodyLimit));
  return app;
}
