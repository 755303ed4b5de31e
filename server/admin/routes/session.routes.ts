import { randomBytes } from "node:crypto";
import express, { type Request, type Response } from "express";
import type { AppContext } from "../../context.ts";
import { AccountsService } from "../../accounts/accounts.service.ts";
import { loginBody } from "../../accounts/accounts.schema.ts";
import { AppError } from "../../errors.ts";
import { isLocale } from "../../i18n.ts";
import { clearSessionCookie, setSessionCookie } from "../../http/auth.ts";
import { emptyForm, formStateFromError } from "../forms.ts";
import { pageContext, safeReturnPath, sendPage, setFlash } from "../page.ts";
import { signInPage } from "../views/session.view.ts";
import { setLanguageCookie } from "./preferences.routes.ts";

/** Double-submit token for the sign-in form, which has no session yet to carry one. */
const LOGIN_CSRF_COOKIE = "sada_login_csrf";

export function sessionRoutes(ctx: AppContext) {
  const router = express.Router();
  const secure = (req: Request) => ctx.config.http.publicBaseUrl.startsWith("https:") || req.secure;

  const render = (req: Request, res: Response, state = emptyForm(), status = 200) => {
    const token = randomBytes(18).toString("base64url");
    res.cookie(LOGIN_CSRF_COOKIE, token, { path: "/admin/sign-in", httpOnly: true, sameSite: "strict", secure: secure(req) });
    sendPage(res, signInPage(pageContext(req, res), state, token, safeReturnPath(req.body?.next ?? req.query.next)), status);
  };

  router.get("/sign-in", (req, res) => {
    if (req.auth?.via === "session") return res.redirect(303, safeReturnPath(req.query.next));
    render(req, res);
  });

  router.post("/sign-in", async (req, res) => {
    const values = { email: typeof req.body?.email === "string" ? req.body.email : "" };
    try {
      if (!AccountsService.csrfMatches(req.cookies[LOGIN_CSRF_COOKIE], req.body?._login_csrf)) throw new AppError("csrf_invalid", 403);
      const body = loginBody.parse({ email: req.body?.email ?? "", password: req.body?.password ?? "" });
      const { token, session, user } = await ctx.accounts.login(body.email, body.password, req.ip ?? "unknown");
      setSessionCookie(res, token, session.expiresAt, secure(req));
      res.clearCookie(LOGIN_CSRF_COOKIE, { path: "/admin/sign-in" });
      if (isLocale(user.locale)) setLanguageCookie(res, user.locale, secure(req));
      res.redirect(303, safeReturnPath(req.body?.next));
    } catch (err) {
      // Wrong credentials, throttling and a stale form are shown on the form itself.
      const appError = err instanceof AppError && [401, 403, 429].includes(err.status) ? new AppError(err.code, 422, err.params) : err;
      const { state } = formStateFromError(appError, req.locale, values);
      const status = err instanceof AppError ? err.status : 422;
      render(req, res, state, status);
    }
  });

  router.post("/sign-out", async (req, res) => {
    if (req.auth?.sessionId) await ctx.accounts.logout(req.auth.sessionId);
    clearSessionCookie(res, secure(req));
    setFlash(res, "signedOut");
    res.redirect(303, "/admin/sign-in");
  });

  return router;
}
