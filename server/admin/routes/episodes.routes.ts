import express, { type Request, type Response } from "express";
import type { AppContext } from "../../context.ts";
import { notFound } from "../../errors.ts";
import { absoluteUrl, episodePagePath, feedPath } from "../../http/public-urls.ts";
import { sendStored } from "../../http/send-stored.ts";
import { SUPPORTED_LOCALES, isLocale, type Locale } from "../../i18n.ts";
import { presentEpisode, type presentVariant } from "../../episodes/episodes.presenter.ts";
import { createEpisodeBody, publishBody, updateEpisodeBody } from "../../episodes/episodes.schema.ts";
import { presentShow } from "../../shows/shows.presenter.ts";
import { TUS_PATH } from "../../uploads/tus-uploads.ts";
import { parseDateTimeLocal } from "../format.ts";
import { blankToUndefined, emptyForm, formStateFromError, toIntOrUndefined, type FormState } from "../forms.ts";
import { requireRole } from "../middleware.ts";
import { pageContext, sendPage, setFlash } from "../page.ts";
import type { VariantStatus } from "../views/components.ts";
import { episodePage, newEpisodePage, type UploadSettings, type VariantView } from "../views/episodes.view.ts";
import { showTitle } from "./shows.routes.ts";

type VariantJson = ReturnType<typeof presentVariant>;
type EpisodeJson = ReturnType<typeof presentEpisode>;

/** tus PATCH size: a dropped connection costs at most this much to resend. */
const TUS_CHUNK_BYTES = 8 * 1024 * 1024;
const AUDIO_ACCEPT = "audio/*,.wav,.flac,.aif,.aiff,.mp3,.m4a,.aac,.ogg,.oga,.opus,.webm";
const EPISODE_ERROR_FIELDS = { slug_taken: "slug", slug_locked: "slug" };

/**
 * One word for a language version in lists: its publication state once it left draft, else where
 * its audio stands (failed, processing, ready), else draft.
 */
export function displayStatus(v: Pick<VariantJson, "status" | "audio">): VariantStatus {
  if (v.status === "published" || v.status === "scheduled" || v.status === "unpublished") return v.status;
  if (v.audio.status === "failed") return "failed";
  if (v.audio.status === "queued" || v.audio.status === "processing") return "processing";
  if (v.audio.status === "ready") return "ready";
  return "draft";
}

const str = (form: Record<string, unknown>, name: string) => (typeof form[name] === "string" ? (form[name] as string) : "");

/** `season`/`number` fields: blank → null (cleared), digits → number, anything else left for the schema to refuse. */
const nullableInt = (value: unknown) => (typeof value === "string" && value.trim() === "" ? null : toIntOrUndefined(value));

function variantTexts(form: Record<string, unknown>, locale: Locale) {
  const prefix = `variants.${locale}.`;
  return { title: str(form, `${prefix}title`), summary: str(form, `${prefix}summary`), showNotes: str(form, `${prefix}showNotes`) };
}

export function episodesRoutes(ctx: AppContext) {
  const router = express.Router();
  const base = ctx.config.http.publicBaseUrl;
  const settings = { tusEndpoint: TUS_PATH, chunkSize: TUS_CHUNK_BYTES, maxBytes: ctx.config.media.maxUploadBytes, accept: AUDIO_ACCEPT };
  const previewPath = (episodeId: string, locale: Locale) => `/admin/episodes/${episodeId}/variants/${locale}/preview`;
  router.use(["/shows/:id/episodes", "/episodes"], requireRole("admin", "producer"));

  const present = (record: Parameters<typeof presentEpisode>[0], locale: Locale) => presentEpisode(record, { publicBaseUrl: base, now: ctx.clock.now(), locale });

  const showSummary = async (showId: string, locale: Locale) => {
    const show = presentShow(await ctx.shows.get(showId), base);
    const { title, lang } = showTitle(show, locale);
    return { show, summary: { id: show.id, title, titleLang: lang, locales: show.locales } };
  };

  router.get("/shows/:id/episodes/new", async (req, res) => {
    const pc = pageContext(req, res);
    const { summary } = await showSummary(String(req.params.id), pc.locale);
    sendPage(res, newEpisodePage(pc, summary, emptyForm({ type: "full" })));
  });

  router.post("/shows/:id/episodes", async (req, res) => {
    const form = (req.body ?? {}) as Record<string, unknown>;
    const { show, summary } = await showSummary(String(req.params.id), req.locale);
    const variants: Partial<Record<Locale, ReturnType<typeof variantTexts>>> = {};
    for (const locale of show.locales) {
      const texts = variantTexts(form, locale);
      // A column left empty is a language this episode does not have (yet).
      if (texts.title.trim() || texts.summary.trim() || texts.showNotes.trim()) variants[locale] = texts;
    }
    const values = { ...form, _csrf: undefined };
    try {
      const body = createEpisodeBody.parse({
        slug: blankToUndefined(form.slug),
        season: toIntOrUndefined(form.season),
        number: toIntOrUndefined(form.number),
        type: str(form, "type") || "full",
        variants,
      });
      const created = await ctx.episodes.create(show.id, body);
      setFlash(res, "episodeCreated");
      res.redirect(303, `/admin/episodes/${created.id}`);
    } catch (err) {
      const { state, status } = formStateFromError(err, req.locale, values, EPISODE_ERROR_FIELDS);
      sendPage(res, newEpisodePage(pageContext(req, res), summary, state), status);
    }
  });

  interface Overrides {
    episode?: FormState;
    variants?: Partial<Record<Locale, FormState>>;
    add?: FormState;
    errors?: Partial<Record<Locale, string>>;
  }

  const renderEpisode = async (req: Request, res: Response, id: string, overrides: Overrides = {}, status = 200) => {
    const pc = pageContext(req, res);
    const episode: EpisodeJson = present(await ctx.episodes.get(id), pc.locale);
    const { show, summary } = await showSummary(episode.showId, pc.locale);
    const variants = SUPPORTED_LOCALES.flatMap((l) => (episode.variants[l] ? [episode.variants[l]!] : []));
    const own = variants.find((v) => v.locale === pc.locale) ?? variants.find((v) => v.locale === show.defaultLocale) ?? variants[0];
    const views: VariantView[] = variants.map((v) => {
      const main = v.audio.renditions.find((r) => r.kind === "main");
      return {
        id: v.id,
        locale: v.locale,
        title: v.title,
        summary: v.summary,
        showNotes: v.showNotes,
        status: v.status,
        displayStatus: displayStatus(v),
        publishAt: v.publishAt ? new Date(v.publishAt) : null,
        publishedAt: v.publishedAt ? new Date(v.publishedAt) : null,
        audio: {
          status: v.audio.status,
          progress: v.audio.progress,
          errorMessage: v.audio.error?.message ?? null,
          durationSeconds: v.audio.durationSeconds,
          inputLufs: v.audio.loudness?.inputLufs ?? null,
          outputLufs: v.audio.loudness?.outputLufs ?? null,
          truePeakDbtp: v.audio.loudness?.truePeakDbtp ?? null,
          // Staff listen through the admin, not the tracked /media address: previews are not downloads.
          previewUrl: main ? previewPath(episode.id, v.locale) : null,
        },
        transcriptUrl: v.transcriptUrl,
        chaptersUrl: v.chaptersUrl,
        feedUrl: absoluteUrl(base, feedPath(show.slug, v.locale)),
        pageUrl: v.status === "published" ? absoluteUrl(base, episodePagePath(v.locale, show.slug, episode.slug)) : null,
      };
    });
    const episodeForm =
      overrides.episode ?? emptyForm({ slug: episode.slug, season: episode.season ?? "", number: episode.number ?? "", type: episode.type });
    sendPage(
      res,
      episodePage(
        pc,
        {
          id: episode.id,
          showId: show.id,
          showTitle: summary.title,
          showTitleLang: summary.titleLang,
          slug: episode.slug,
          slugEditable: episode.slugEditable,
          season: episode.season,
          number: episode.number,
          type: episode.type,
          title: own?.title ?? episode.slug,
          titleLang: own?.locale ?? show.defaultLocale,
          variants: views,
          missingLocales: show.locales.filter((l) => !episode.variants[l]),
        },
        { ...settings, previewUrl: (locale: Locale) => previewPath(episode.id, locale) } satisfies UploadSettings,
        { episode: episodeForm, variants: overrides.variants ?? {}, add: overrides.add ?? emptyForm(), errors: overrides.errors ?? {} },
      ),
      status,
    );
  };

  router.get("/episodes/:id", async (req, res) => renderEpisode(req, res, String(req.params.id)));

  router.post("/episodes/:id", async (req, res) => {
    const id = String(req.params.id);
    const form = (req.body ?? {}) as Record<string, unknown>;
    const values = { slug: form.slug, season: form.season, number: form.number, type: form.type };
    try {
      const current = present(await ctx.episodes.get(id), req.locale);
      const body = updateEpisodeBody.parse({
        slug: current.slugEditable ? blankToUndefined(form.slug) : undefined,
        season: nullableInt(form.season),
        number: nullableInt(form.number),
        type: blankToUndefined(form.type),
      });
      await ctx.episodes.update(id, body);
      setFlash(res, "episodeSaved");
      res.redirect(303, `/admin/episodes/${id}`);
    } catch (err) {
      const { state, status } = formStateFromError(err, req.locale, values, EPISODE_ERROR_FIELDS);
      await renderEpisode(req, res, id, { episode: state }, status);
    }
  });

  // A new language version: PATCH with a variant for a locale the episode does not have yet.
  router.post("/episodes/:id/variants", async (req, res) => {
    const id = String(req.params.id);
    const form = (req.body ?? {}) as Record<string, unknown>;
    const locale = str(form, "locale");
    const values = { locale, title: form.title };
    try {
      const body = updateEpisodeBody.parse({ variants: { [locale]: { title: str(form, "title") } } });
      await ctx.episodes.update(id, body);
      setFlash(res, "variantAdded");
      res.redirect(303, `/admin/episodes/${id}#variant-${locale}`);
    } catch (err) {
      const { state, status } = formStateFromError(err, req.locale, values);
      // The schema reports `variants.<locale>.title`; this form calls the field `title`.
      state.errors.title = [...(state.errors.title ?? []), ...(isLocale(locale) ? (state.errors[`variants.${locale}.title`] ?? []) : [])];
      if (isLocale(locale)) delete state.errors[`variants.${locale}.title`];
      await renderEpisode(req, res, id, { add: state }, status);
    }
  });

  const localeParam = (req: Request): Locale => {
    const locale = req.params.locale;
    if (!isLocale(locale)) throw notFound("variant_not_found");
    return locale;
  };

  router.post("/episodes/:id/variants/:locale", async (req, res) => {
    const id = String(req.params.id);
    const locale = localeParam(req);
    const form = (req.body ?? {}) as Record<string, unknown>;
    const texts = variantTexts(form, locale);
    const prefix = `variants.${locale}.`;
    const values = { [`${prefix}title`]: texts.title, [`${prefix}summary`]: texts.summary, [`${prefix}showNotes`]: texts.showNotes };
    try {
      await ctx.episodes.requireVariant(id, locale);
      await ctx.episodes.update(id, updateEpisodeBody.parse({ variants: { [locale]: texts } }));
      setFlash(res, "variantSaved");
      res.redirect(303, `/admin/episodes/${id}#variant-${locale}`);
    } catch (err) {
      const { state, status } = formStateFromError(err, req.locale, values);
      await renderEpisode(req, res, id, { variants: { [locale]: state } }, status);
    }
  });

  const publication = (action: "publish" | "unpublish") => async (req: Request, res: Response) => {
    const id = String(req.params.id);
    const locale = localeParam(req);
    const pc = pageContext(req, res);
    try {
      let flash: string = action === "unpublish" ? "unpublished" : "published";
      if (action === "publish") {
        const typed = str(req.body ?? {}, "publishAt");
        const at = typed ? parseDateTimeLocal(typed, pc.fmt.timeZone) : undefined;
        const body = publishBody.parse({ publishAt: typed ? (at?.toISOString() ?? typed) : undefined });
        const episode = present(await ctx.episodes.publish(id, locale, body.publishAt), pc.locale);
        if (episode.variants[locale]?.status === "scheduled") flash = "scheduled";
      } else {
        await ctx.episodes.unpublish(id, locale);
      }
      setFlash(res, flash);
      res.redirect(303, `/admin/episodes/${id}#variant-${locale}`);
    } catch (err) {
      const { state, status } = formStateFromError(err, req.locale, {});
      const message = [state.message, ...Object.values(state.errors).flat()].filter(Boolean).join(" ");
      await renderEpisode(req, res, id, { errors: { [locale]: message } }, status);
    }
  };
  router.post("/episodes/:id/variants/:locale/publish", publication("publish"));
  router.post("/episodes/:id/variants/:locale/unpublish", publication("unpublish"));

  router.get("/episodes/:id/variants/:locale/preview", async (req, res) => {
    const { variant } = await ctx.episodes.requireVariant(String(req.params.id), localeParam(req));
    const main = variant.renditions.find((r) => r.kind === "main");
    if (!main) throw notFound("file_not_found");
    await sendStored(req, res, ctx.storage, main.storageKey, { redirect: true, cacheControl: "private, no-store" });
  });

  return router;
}
