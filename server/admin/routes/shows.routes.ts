import express, { type Request, type Response } from "express";
import type { AppContext } from "../../context.ts";
import { SUPPORTED_LOCALES, isLocale, type Locale } from "../../i18n.ts";
import { absoluteUrl, showPagePath } from "../../http/public-urls.ts";
import { ITUNES_CATEGORIES } from "../../shows/itunes-categories.ts";
import { presentShow } from "../../shows/shows.presenter.ts";
import { createShowBody, updateShowBody } from "../../shows/shows.schema.ts";
import { presentEpisode } from "../../episodes/episodes.presenter.ts";
import { asArray, emptyForm, formStateFromError, type FormState } from "../forms.ts";
import { requireRole } from "../middleware.ts";
import { pageContext, sendPage, setFlash } from "../page.ts";
import { CATEGORY_SEPARATOR, newShowPage, showPage, showsListPage, type CategoryOption, type EpisodeRow } from "../views/shows.view.ts";
import { displayStatus } from "./episodes.routes.ts";

const CATEGORIES: CategoryOption[] = Object.entries(ITUNES_CATEGORIES).map(([category, subcategories]) => ({ category, subcategories }));
/** Errors the service reports for the whole request that belong to one field of the form. */
const SHOW_ERROR_FIELDS = { slug_taken: "slug", slug_locked: "slug", category_invalid: "categoryChoice", locale_in_use: "locales", locale_not_enabled: "defaultLocale" };

type ShowJson = ReturnType<typeof presentShow>;

/** The title to show a user: in their language when the show has it, else in the show's main language. */
export function showTitle(show: ShowJson, locale: Locale): { title: string; lang: Locale } {
  const lang = show.localizations[locale] ? locale : show.defaultLocale;
  return { title: show.localizations[lang]?.title ?? show.slug, lang };
}

/** API JSON → the form's fields (named by API path, so errors land next to them). */
function formValuesOf(show: ShowJson): Record<string, unknown> {
  const values: Record<string, unknown> = {
    slug: show.slug,
    locales: show.locales,
    defaultLocale: show.defaultLocale,
    categoryChoice: show.subcategory ? `${show.category}${CATEGORY_SEPARATOR}${show.subcategory}` : show.category,
    type: show.type,
    ownerName: show.ownerName,
    ownerEmail: show.ownerEmail,
    copyright: show.copyright,
    explicit: show.explicit,
  };
  for (const locale of show.locales) {
    const l = show.localizations[locale];
    if (!l) continue;
    values[`localizations.${locale}.title`] = l.title;
    values[`localizations.${locale}.author`] = l.author;
    values[`localizations.${locale}.description`] = l.description;
  }
  return values;
}

/** Posted form → the API's request body (same schema as POST/PATCH /api/v1/shows validates). */
function bodyOf(form: Record<string, unknown>) {
  const str = (name: string) => (typeof form[name] === "string" ? (form[name] as string) : "");
  const locales = asArray(form.locales).filter(isLocale);
  const [category, subcategory] = str("categoryChoice").split(CATEGORY_SEPARATOR);
  const localizations: Partial<Record<Locale, { title: string; description: string; author: string }>> = {};
  for (const locale of locales) {
    localizations[locale] = {
      title: str(`localizations.${locale}.title`),
      description: str(`localizations.${locale}.description`),
      author: str(`localizations.${locale}.author`),
    };
  }
  const values: Record<string, unknown> = { ...form, locales, explicit: form.explicit === "true" };
  delete values._csrf;
  return {
    values,
    body: {
      slug: str("slug"),
      locales,
      defaultLocale: str("defaultLocale"),
      category: category ?? "",
      subcategory: subcategory ?? null,
      explicit: form.explicit === "true",
      ownerName: str("ownerName"),
      ownerEmail: str("ownerEmail").trim(),
      copyright: str("copyright"),
      type: str("type") || "episodic",
      localizations,
    },
  };
}

export function showsRoutes(ctx: AppContext) {
  const router = express.Router();
  const base = ctx.config.http.publicBaseUrl;
  router.use("/shows", requireRole("admin", "producer"));

  router.get("/shows", async (req, res) => {
    const pc = pageContext(req, res);
    const shows = (await ctx.shows.list()).map((view) => presentShow(view, base));
    sendPage(
      res,
      showsListPage(
        pc,
        shows.map((s) => {
          const { title, lang } = showTitle(s, pc.locale);
          return { id: s.id, slug: s.slug, title, titleLang: lang, locales: s.locales, artworkUrl: s.artwork?.["300"] ?? null, episodeCount: s.episodeCount };
        }),
      ),
    );
  });

  router.get("/shows/new", (req, res) => {
    const pc = pageContext(req, res);
    const initial = isLocale(pc.locale) ? pc.locale : "en";
    sendPage(res, newShowPage(pc, emptyForm({ locales: [initial], defaultLocale: initial, type: "episodic" }), CATEGORIES));
  });

  router.post("/shows", async (req, res) => {
    const { values, body } = bodyOf(req.body ?? {});
    try {
      const created = presentShow(await ctx.shows.create(createShowBody.parse(body)), base);
      setFlash(res, "showCreated");
      res.redirect(303, `/admin/shows/${created.id}`);
    } catch (err) {
      const { state, status } = formStateFromError(err, req.locale, values, SHOW_ERROR_FIELDS);
      sendPage(res, newShowPage(pageContext(req, res), state, CATEGORIES), status);
    }
  });

  const renderShow = async (req: Request, res: Response, id: string, state?: FormState, status = 200) => {
    const pc = pageContext(req, res);
    const show = presentShow(await ctx.shows.get(id), base);
    const episodes = (await ctx.episodes.listForShow(id)).map((record) => presentEpisode(record, { publicBaseUrl: base, now: ctx.clock.now(), locale: pc.locale }));
    const { title, lang } = showTitle(show, pc.locale);
    const rows: EpisodeRow[] = episodes.map((e) => {
      const variants = SUPPORTED_LOCALES.flatMap((l) => (e.variants[l] ? [{ locale: l, variant: e.variants[l]! }] : []));
      const own = variants.find((v) => v.locale === pc.locale) ?? variants.find((v) => v.locale === show.defaultLocale) ?? variants[0];
      return {
        id: e.id,
        slug: e.slug,
        season: e.season,
        number: e.number,
        type: e.type,
        title: own?.variant.title ?? e.slug,
        titleLang: own?.locale ?? show.defaultLocale,
        variants: variants.map((v) => ({ locale: v.locale, status: displayStatus(v.variant) })),
        updatedAt: new Date(e.updatedAt),
      };
    });
    const formState = state ?? emptyForm(formValuesOf(show));
    sendPage(
      res,
      showPage(
        pc,
        {
          id: show.id,
          title,
          titleLang: lang,
          slugEditable: show.slugEditable,
          artworkUrl: show.artwork?.["300"] ?? null,
          feeds: show.locales.map((l) => ({ locale: l, url: show.localizations[l]?.feedUrl ?? "", pageUrl: absoluteUrl(base, showPagePath(l, show.slug)) })),
          episodes: rows,
        },
        { ...formState, values: { slug: show.slug, ...formState.values } },
        CATEGORIES,
      ),
      status,
    );
  };

  router.get("/shows/:id", async (req, res) => renderShow(req, res, String(req.params.id)));

  router.post("/shows/:id", async (req, res) => {
    const id = String(req.params.id);
    const { values, body } = bodyOf(req.body ?? {});
    try {
      const current = presentShow(await ctx.shows.get(id), base);
      // The slug is only sent while it may still change (before anything is public).
      const patch = { ...body, slug: current.slugEditable && body.slug ? body.slug : undefined };
      await ctx.shows.update(id, updateShowBody.parse(patch));
      setFlash(res, "showSaved");
      res.redirect(303, `/admin/shows/${id}`);
    } catch (err) {
      const { state, status } = formStateFromError(err, req.locale, values, SHOW_ERROR_FIELDS);
      await renderShow(req, res, id, state, status);
    }
  });

  return router;
}
