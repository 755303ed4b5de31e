import type { RequestHandler, Response } from "express";
import { AccountsService } from "../accounts/accounts.service.ts";
import { AppError } from "../errors.ts";
import "./types.ts";

export const SESSION_COOKIE = "sada_session";
export const CSRF_HEADER = "x-csrf-token";
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Resolves who is calling: `Authorization: Bearer sada_…` (scripts) or the session cookie (the
 * admin). Cookie-authenticated state changes must carry the session's CSRF token, in the
 * `X-CSRF-Token` header or a `_csrf` form field; bearer tokens are not sent by browsers on their
 * own, so they need none.
 */
export function authenticate(accounts: AccountsService): RequestHandler {
  return async (req, _res, next) => {
    const authorization = req.get("authorization");
    if (authorization) {
      const match = /^Bearer\s+(\S+)$/i.exec(authorization);
      req.auth = match ? await accounts.authenticateToken(match[1]) : undefined;
      if (!req.auth) throw new AppError("unauthorized", 401);
      return next();
    }
    const cookie = req.cookies[SESSION_COOKIE];
    if (cookie) req.auth = await accounts.authenticateSession(cookie);
    next();
  };
}

/** Rejects cookie-session state changes without the matching CSRF token. Runs after body parsing. */
export function csrfProtection(): RequestHandler {
  return (req, _res, next) => {
    if (SAFE_METHODS.has(req.method) || req.auth?.via !== "session") return next();
    const sent = req.get(CSRF_HEADER) ?? (req.body as { _csrf?: unknown } | undefined)?._csrf;
    if (!AccountsService.csrfMatches(req.auth.csrfToken, sent)) throw new AppError("csrf_invalid", 403);
    next();
  };
}

export function setSessionCookie(res: Response, token: string, expiresAt: Date, secure: boolean): void {
  res.cookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: "lax", secure, path: "/", expires: expiresAt });
}

export function clearSessionCookie(res: Response, secure: boolean): void {
  res.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: "lax", secure, path: "/" });
}
