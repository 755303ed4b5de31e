import type { ErrorRequestHandler, RequestHandler } from "express";
import { AppError, forbidden } from "../errors.ts";
import { localizeError, toAppError } from "../http/error-handler.ts";
import type { Role } from "../http/types.ts";
import { isLocale } from "../i18n.ts";
import { pageContext, sendPage } from "./page.ts";
import { errorPage } from "./views/session.view.ts";

/**
 * A signed-in user's saved language applies when this browser has not chosen one (no `?lang=`,
 * no `lang` cookie): the language follows the person to a new device.
 */
export function userLocale(): RequestHandler {
  return (req, res, next) => {
    const saved = req.auth?.user.locale;
    if (saved && !isLocale(req.query.lang) && !isLocale(req.cookies.lang) && saved !== req.locale) {
      req.locale = saved;
      res.setHeader("Content-Language", saved);
    }
    next();
  };
}

/** Pages need a cookie session; anyone else is sent to the sign-in page and brought back after. */
export function requireSession(): RequestHandler {
  return (req, res, next) => {
    if (req.auth?.via === "session") return next();
    if (req.method === "GET") return res.redirect(303, `/admin/sign-in?next=${encodeURIComponent(req.originalUrl)}`);
    res.redirect(303, "/admin/sign-in");
  };
}

/** The server refuses what the navigation does not offer: roles are checked on every route. */
export function requireRole(...roles: Role[]): RequestHandler {
  return (req, _res, next) => {
    if (!req.auth || !roles.includes(req.auth.user.role)) throw forbidden();
    next();
  };
}

/** Errors under /admin are pages in the user's language, not JSON. */
export function adminErrorHandler(): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const appError = err instanceof AppError ? err : toAppError(err);
    if (appError.reportable) req.log?.error({ err }, "unhandled error");
    if (res.headersSent) return void res.destroy();
    if (appError.status === 401) return res.redirect(303, `/admin/sign-in`);
    const pc = pageContext(req, res);
    sendPage(res, errorPage(pc, appError.status, localizeError(appError, pc.locale, req.id).message), appError.status);
  };
}
