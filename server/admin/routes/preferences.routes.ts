import express, { type Request, type Response } from "express";
import { z } from "zod";
import type { AppContext } from "../../context.ts";
import { updateMeBody } from "../../accounts/accounts.schema.ts";
import { isLocale, SUPPORTED_LOCALES, type Locale } from "../../i18n.ts";
import { DIGITS_COOKIE } from "../format.ts";
import { emptyForm, formStateFromError } from "../forms.ts";
import { pageContext, safeReturnPath, sendPage, setFlash } from "../page.ts";
import { requireSession } from "../middleware.ts";
import { preferencesPage } from "../views/preferences.view.ts";

const YEAR_MS = 365 * 86_400_000;

export function setLanguageCookie(res: Response, locale: Locale, secure: boolean): void {
  res.cookie("lang", locale, { path: "/", sameSite: "lax", secure, maxAge: YEAR_MS });
}

/** `back` without a `lang=` override, so the new cookie decides the language of the page we return to. */
function withoutLangQuery(back: string): string {
  const url = new URL(back, "http://x");
  url.searchParams.delete("lang");
  return url.pathname + url.search + url.hash;
}

const preferencesForm = z.object({
  name: z.string().trim().max(200),
  locale: z.enum(SUPPORTED_LOCALES),
  digits: z.enum(["arab", "latn"]),
});

export function preferencesRoutes(ctx: AppContext) {
  const router = express.Router();
  const secure = (req: Request) => ctx.config.http.publicBaseUrl.startsWith("https:") || req.secure;

  // The switcher in every page header; also works on the sign-in page, before any session.
  router.post("/preferences/language", async (req, res) => {
    const lang = req.body?.lang;
    if (isLocale(lang)) {
      setLanguageCookie(res, lang, secure(req));
      if (req.auth?.via === "session") await ctx.accounts.updateProfile(req.auth.user.id, { locale: lang });
    }
    res.redirect(303, withoutLangQuery(safeReturnPath(req.body?.back)));
  });

  router.get("/preferences", requireSession(), async (req, res) => {
    const pc = pageContext(req, res);
    const me = await ctx.accounts.getUser(pc.user!.id);
    sendPage(res, preferencesPage(pc, emptyForm({ name: me.name, locale: pc.locale, digits: req.cookies[DIGITS_COOKIE] === "latn" ? "latn" : "arab" }), me.email));
  });

  router.post("/preferences", requireSession(), async (req, res) => {
    const values = { name: req.body?.name ?? "", locale: req.body?.locale, digits: req.body?.digits };
    try {
      const form = preferencesForm.parse(values);
      await ctx.accounts.updateProfile(req.auth!.user.id, updateMeBody.parse({ name: form.name, locale: form.locale }));
      setLanguageCookie(res, form.locale, secure(req));
      res.cookie(DIGITS_COOKIE, form.digits, { path: "/", sameSite: "lax", secure: secure(req), maxAge: YEAR_MS });
      setFlash(res, "preferencesSaved");
      res.redirect(303, "/admin/preferences");
    } catch (err) {
      const { state, status } = formStateFromError(err, req.locale, values);
      const pc = pageContext(req, res);
      sendPage(res, preferencesPage(pc, state, req.auth!.user.email), status);
    }
  });

  return router;
}
