import { html, type SafeHtml } from "../../http/html.ts";
import { dirOf, t, type Locale } from "../../i18n.ts";
import { csrfField, formAlert, inputField, selectField, textareaField, type FormState, emptyForm } from "../forms.ts";
import type { PageContext } from "../page.ts";
import { copyField, jsonData, statusBadge, type VariantStatus } from "./components.ts";
import { icon } from "./icons.ts";
import { layout } from "./layout.ts";

export const EPISODE_TYPES = ["full", "trailer", "bonus"] as const;

export type AudioStatus = "none" | "queued" | "processing" | "ready" | "failed";

export interface VariantView {
  id: string;
  locale: Locale;
  title: string;
  summary: string;
  showNotes: string;
  status: "draft" | "scheduled" | "published" | "unpublished";
  displayStatus: VariantStatus;
  publishAt: Date | null;
  publishedAt: Date | null;
  audio: {
    status: AudioStatus;
    progress: number;
    errorMessage: string | null;
    durationSeconds: number | null;
    inputLufs: number | null;
    outputLufs: number | null;
    truePeakDbtp: number | null;
    previewUrl: string | null;
  };
  transcriptUrl: string | null;
  chaptersUrl: string | null;
  feedUrl: string;
  pageUrl: string | null;
}

export interface EpisodeView {
  id: string;
  showId: string;
  showTitle: string;
  showTitleLang: Locale;
  slug: string;
  slugEditable: boolean;
  season: number | null;
  number: number | null;
  type: string;
  title: string;
  titleLang: Locale;
  variants: VariantView[];
  /** Languages the show has that this episode does not (yet). */
  missingLocales: Locale[];
}

export interface UploadSettings {
  tusEndpoint: string;
  /** The staff-only preview address of a variant's main rendition. */
  previewUrl: (locale: Locale) => string;
  chunkSize: number;
  maxBytes: number;
  accept: string;
}

export const EPISODE_FIELD_PATHS = ["slug", "season", "number", "type"];
const variantPaths = (locales: readonly Locale[]) => locales.flatMap((l) => ["title", "summary", "showNotes"].map((f) => `variants.${l}.${f}`));

function episodeFields(pc: PageContext, state: FormState, creating: boolean, slugEditable = true): SafeHtml {
  return html`<div class="form form--grid">
    ${
      slugEditable
        ? inputField(pc, state, { name: "slug", label: pc.tr("episodes.fields.slug"), ltr: true, maxlength: 80, hint: creating ? pc.tr("episodes.fields.slugHint") : undefined })
        : html`<div class="field"><span class="label">${pc.tr("episodes.fields.slug")}</span><bdi dir="ltr">${String(state.values.slug ?? "")}</bdi><p class="hint">${pc.tr("shows.fields.slugFixed")}</p></div>`
    }
    ${inputField(pc, state, { name: "season", label: pc.tr("episodes.fields.season"), type: "number", min: 1 })}
    ${inputField(pc, state, { name: "number", label: pc.tr("episodes.fields.number"), type: "number", min: 1 })}
    ${selectField(pc, state, { name: "type", label: pc.tr("episodes.fields.type"), options: EPISODE_TYPES.map((v) => ({ value: v, label: pc.tr(`episodes.types.${v}`) })) })}
  </div>`;
}

/** Labels in the interface language; what is typed in the version's own language and direction. */
function variantTextFields(pc: PageContext, state: FormState, locale: Locale, prefix: string): SafeHtml {
  const label = (key: string) => pc.tr(`episodes.fields.${key}`);
  return html`${inputField(pc, state, { name: `${prefix}title`, label: label("title"), maxlength: 500, lang: locale, dir: dirOf(locale) })}
    ${textareaField(pc, state, { name: `${prefix}summary`, label: label("summary"), rows: 3, maxlength: 4000, lang: locale, dir: dirOf(locale) })}
    ${textareaField(pc, state, { name: `${prefix}showNotes`, label: label("showNotes"), rows: 8, lang: locale, dir: dirOf(locale), hint: label("showNotesHint") })}`;
}

export function newEpisodePage(pc: PageContext, show: { id: string; title: string; titleLang: Locale; locales: Locale[] }, state: FormState) {
  const body = html`<h1>${pc.tr("episodes.new")}</h1>
    <p class="lede" lang="${show.titleLang}" dir="auto">${show.title}</p>
    ${formAlert(state, [...EPISODE_FIELD_PATHS, ...variantPaths(show.locales)])}
    <form method="post" action="/admin/shows/${show.id}/episodes" class="stack" novalidate>
      ${csrfField(pc)}
      ${episodeFields(pc, state, true)}
      <h2>${pc.tr("episodes.versions")}</h2>
      <p class="hint">${pc.tr("episodes.versionsHint")}</p>
      <div class="lang-columns">
        ${show.locales.map(
          (locale) => html`<fieldset class="lang-column">
          <legend class="visually-hidden">${pc.tr("shows.textsIn", { language: pc.tr(`common:languages.${locale}`) })}</legend>
          <h3 aria-hidden="true">${pc.tr(`common:languages.${locale}`)} <span class="badge" lang="${locale}">${t(locale, "admin:languageName")}</span></h3>
          ${variantTextFields(pc, state, locale, `variants.${locale}.`)}
        </fieldset>`,
        )}
      </div>
      <p class="button-row"><button type="submit" class="button button--primary">${pc.tr("episodes.create")}</button> <a class="button button--quiet" href="/admin/shows/${show.id}">${pc.tr("actions.cancel")}</a></p>
    </form>`;
  return layout(pc, { title: pc.tr("episodes.new"), section: "shows", body, back: { href: `/admin/shows/${show.id}`, label: show.title } });
}

function fact(pc: PageContext, name: string, label: string, value: string | null): SafeHtml {
  return html`<div><dt>${label}</dt><dd data-fact="${name}">${value ?? "—"}</dd></div>`;
}

function audioSection(pc: PageContext, episode: EpisodeView, v: VariantView, upload: UploadSettings): SafeHtml {
  const a = v.audio;
  const busy = a.status === "queued" || a.status === "processing";
  const processingLabel = a.status === "queued" ? pc.tr("upload.queued") : pc.tr("upload.processing", { percent: pc.fmt.percent(a.progress / 100) });
  const id = `audio-${v.locale}`;
  return html`<section class="variant__audio" aria-labelledby="${id}-title">
    <h3 id="${id}-title">${pc.tr("episodes.audio")} <span class="badge status--${a.status}" data-audio-badge>${pc.tr(`audio.${a.status}`)}</span></h3>
    <dl class="facts" data-audio-facts${a.status === "ready" || a.durationSeconds !== null ? "" : html` hidden`}>
      ${fact(pc, "duration", pc.tr("episodes.duration"), a.durationSeconds !== null ? pc.fmt.duration(a.durationSeconds) : null)}
      ${fact(pc, "inputLufs", pc.tr("episodes.inputLoudness"), a.inputLufs !== null ? pc.tr("units.lufs", { value: pc.fmt.decimal(a.inputLufs) }) : null)}
      ${fact(pc, "outputLufs", pc.tr("episodes.outputLoudness"), a.outputLufs !== null ? pc.tr("units.lufs", { value: pc.fmt.decimal(a.outputLufs) }) : null)}
      ${fact(pc, "truePeak", pc.tr("episodes.truePeak"), a.truePeakDbtp !== null ? pc.tr("units.dbtp", { value: pc.fmt.decimal(a.truePeakDbtp) }) : null)}
    </dl>
    <audio controls preload="none" data-preview data-preview-url="${upload.previewUrl(v.locale)}"${a.previewUrl ? html` src="${a.previewUrl}"` : html` hidden`} aria-label="${pc.tr("episodes.preview")}"></audio>
    <div class="progress" data-processing${busy ? "" : html` hidden`}>
      <div class="progress__label"><span id="${id}-processing" data-processing-text>${processingLabel}</span></div>
      <div class="bar" role="progressbar" aria-labelledby="${id}-processing" aria-valuemin="0" aria-valuemax="100" aria-valuenow="${a.progress}"><span class="bar__fill" style="inline-size: ${a.progress}%"></span></div>
    </div>
    <p class="field-error" role="alert" data-audio-error${a.status === "failed" ? "" : html` hidden`}>${a.errorMessage ?? ""}</p>

    <div class="upload" data-audio-upload data-endpoint="${upload.tusEndpoint}" data-chunk-size="${upload.chunkSize}" data-max-bytes="${upload.maxBytes}">
      <div class="field">
        <label for="${id}-file">${a.status === "none" ? pc.tr("upload.choose") : pc.tr("upload.replace")}</label>
        <p class="hint" id="${id}-hint">${pc.tr("upload.hint", { size: pc.fmt.bytes(upload.maxBytes) })}</p>
        <input type="file" id="${id}-file" accept="${upload.accept}" aria-describedby="${id}-hint ${id}-upload-error">
        <p class="field-error" id="${id}-upload-error" hidden></p>
      </div>
      <p class="button-row" data-needs-js hidden>
        <button type="button" class="button" data-action="start" disabled>${icon("upload")} ${pc.tr("upload.start")}</button>
        <button type="button" class="button button--quiet" data-action="pause" hidden>${pc.tr("upload.pause")}</button>
      </p>
      <noscript><p class="hint">${pc.tr("needsJs")}</p></noscript>
      <div class="progress" data-upload-progress hidden>
        <div class="progress__label"><span id="${id}-upload-text" data-upload-text role="status"></span></div>
        <div class="bar" role="progressbar" aria-labelledby="${id}-upload-text" aria-valuemin="0" aria-valuemax="100" aria-valuenow="0"><span class="bar__fill"></span></div>
      </div>
    </div>
  </section>`;
}

function filePutForm(
  pc: PageContext,
  o: { id: string; title: string; hint: string; url: string; field: "transcriptUrl" | "chaptersUrl"; accept: string; types: Record<string, string>; current: string | null },
): SafeHtml {
  return html`<form class="stack" data-file-put data-url="${o.url}" data-field="${o.field}" data-types="${JSON.stringify(o.types)}" novalidate>
    <div class="field">
      <label for="${o.id}">${o.title}</label>
      <p class="hint" id="${o.id}-hint">${o.hint}</p>
      <input type="file" id="${o.id}" accept="${o.accept}" aria-describedby="${o.id}-hint ${o.id}-error">
      <p class="field-error" id="${o.id}-error" hidden></p>
    </div>
    <p class="button-row"><button type="submit" class="button button--small" data-needs-js hidden>${icon("upload")} ${pc.tr("upload.send")}</button>
      <span data-put-status role="status"></span>
      <a data-current href="${o.current ?? "#"}"${o.current ? "" : html` hidden`}>${pc.tr("episodes.currentFile")}</a></p>
  </form>`;
}

function publishingSection(pc: PageContext, episodeId: string, v: VariantView): SafeHtml {
  const ready = v.audio.status === "ready"; // the service publishes only ready audio (409 otherwise)
  const base = `/admin/episodes/${episodeId}/variants/${v.locale}`;
  const live = v.status === "published" || v.status === "scheduled";
  const id = `publish-${v.locale}`;
  return html`<section aria-labelledby="${id}-title">
    <h3 id="${id}-title">${pc.tr("episodes.publishing")}</h3>
    ${
      v.status === "published" && v.publishedAt
        ? html`<p>${pc.tr("episodes.publishedOn", { date: pc.fmt.dateTime(v.publishedAt) })}</p>`
        : v.status === "scheduled" && v.publishAt
          ? html`<p>${pc.tr("episodes.scheduledFor", { date: pc.fmt.dateTime(v.publishAt) })}</p>`
          : html`<p class="hint" data-needs-audio-hint${ready ? html` hidden` : ""}>${pc.tr("episodes.needsAudio")}</p>`
    }
    <div class="button-row">
      ${
        v.status !== "published"
          ? html`<form method="post" action="${base}/publish">${csrfField(pc)}<button type="submit" class="button button--primary" data-needs-audio${ready ? "" : html` disabled aria-disabled="true"`}>${pc.tr("episodes.publishNow")}</button></form>`
          : ""
      }
      ${
        live
          ? html`<form method="post" action="${base}/unpublish" data-confirm="${pc.tr("episodes.unpublishConfirm")}">${csrfField(pc)}<button type="submit" class="button button--danger">${v.status === "scheduled" ? pc.tr("episodes.cancelSchedule") : pc.tr("episodes.unpublish")}</button></form>`
          : ""
      }
    </div>
    ${
      v.status !== "published"
        ? html`<form method="post" action="${base}/publish" class="inline-form schedule">
        ${csrfField(pc)}
        <label for="${id}-at">${pc.tr("episodes.scheduleAt", { timeZone: pc.fmt.timeZone })}</label>
        <input type="datetime-local" id="${id}-at" name="publishAt" required value="${v.publishAt ? pc.fmt.dateTimeLocalValue(v.publishAt) : ""}">
        <button type="submit" class="button" data-needs-audio${ready ? "" : html` disabled aria-disabled="true"`}>${pc.tr("episodes.schedule")}</button>
      </form>`
        : ""
    }
  </section>`;
}

export function episodePage(pc: PageContext, e: EpisodeView, upload: UploadSettings, forms: { episode: FormState; variants: Partial<Record<Locale, FormState>>; add: FormState; errors: Partial<Record<Locale, string>> }) {
  const variantCard = (v: VariantView) => {
    const prefix = `variants.${v.locale}.`;
    const state = forms.variants[v.locale] ?? emptyForm({ [`${prefix}title`]: v.title, [`${prefix}summary`]: v.summary, [`${prefix}showNotes`]: v.showNotes });
    const languageName = pc.tr(`common:languages.${v.locale}`);
    return html`<article class="card variant" id="variant-${v.locale}" data-variant data-episode="${e.id}" data-locale="${v.locale}" data-status="${v.status}" data-language="${languageName}" data-audio-status="${v.audio.status}" aria-labelledby="variant-${v.locale}-title">
      <div class="variant__head">
        <h2 id="variant-${v.locale}-title">${languageName} <span class="badge" lang="${v.locale}">${t(v.locale, "admin:languageName")}</span></h2>
        ${statusBadge(pc, v.displayStatus, undefined, true)}
      </div>
      ${forms.errors[v.locale] ? html`<div class="alert alert--error" role="alert" tabindex="-1" data-focus-on-load><p>${forms.errors[v.locale]}</p></div>` : ""}
      ${publishingSection(pc, e.id, v)}
      ${audioSection(pc, e, v, upload)}
      <details${state.message ? html` open` : ""}>
        <summary>${pc.tr("episodes.texts")}</summary>
        ${formAlert(state, variantPaths([v.locale]))}
        <form method="post" action="/admin/episodes/${e.id}/variants/${v.locale}" class="stack" novalidate>
          ${csrfField(pc)}
          ${variantTextFields(pc, state, v.locale, prefix)}
          <p class="button-row"><button type="submit" class="button button--primary">${pc.tr("actions.save")}</button></p>
        </form>
      </details>
      <details>
        <summary>${pc.tr("episodes.transcriptAndChapters")}</summary>
        ${filePutForm(pc, {
          id: `transcript-${v.locale}`,
          title: pc.tr("episodes.transcript"),
          hint: pc.tr("episodes.transcriptHint"),
          url: `/api/v1/episodes/${e.id}/variants/${v.locale}/transcript`,
          field: "transcriptUrl",
          accept: ".vtt,.srt,text/vtt",
          types: { vtt: "text/vtt", srt: "application/x-subrip" },
          current: v.transcriptUrl,
        })}
        ${filePutForm(pc, {
          id: `chapters-${v.locale}`,
          title: pc.tr("episodes.chapters"),
          hint: pc.tr("episodes.chaptersHint"),
          url: `/api/v1/episodes/${e.id}/variants/${v.locale}/chapters`,
          field: "chaptersUrl",
          accept: ".json,application/json",
          types: { json: "application/json" },
          current: v.chaptersUrl,
        })}
      </details>
      <div class="field">
        ${copyField(pc, `feed-${v.locale}`, pc.tr("shows.feedFor", { language: languageName }), v.feedUrl)}
        ${v.pageUrl ? html`<p class="hint"><a href="${v.pageUrl}" lang="${v.locale}">${pc.tr("episodes.publicPage")}</a></p>` : ""}
      </div>
    </article>`;
  };

  const body = html`<div class="page-head"><h1 lang="${e.titleLang}" dir="auto">${e.title}</h1></div>
    <p class="lede"><a href="/admin/shows/${e.showId}" lang="${e.showTitleLang}" dir="auto">${e.showTitle}</a></p>
    ${e.variants.map(variantCard)}
    ${
      e.missingLocales.length
        ? html`<section class="card" aria-labelledby="add-version">
      <h2 id="add-version">${pc.tr("episodes.addVersion")}</h2>
      ${formAlert(forms.add, ["locale", "title", ...variantPaths(e.missingLocales)])}
      <form method="post" action="/admin/episodes/${e.id}/variants" class="form form--grid" novalidate>
        ${csrfField(pc)}
        ${selectField(pc, forms.add, { name: "locale", label: pc.tr("episodes.language"), options: e.missingLocales.map((l) => ({ value: l, label: pc.tr(`common:languages.${l}`) })) })}
        ${inputField(pc, forms.add, { name: "title", label: pc.tr("episodes.fields.titleAny"), required: true, dir: "auto", maxlength: 255 })}
        <div class="form__actions"><button type="submit" class="button">${pc.tr("episodes.addVersionSubmit")}</button></div>
      </form>
    </section>`
        : ""
    }
    <section class="card" aria-labelledby="episode-settings">
      <h2 id="episode-settings">${pc.tr("episodes.settings")}</h2>
      ${formAlert(forms.episode, EPISODE_FIELD_PATHS)}
      <form method="post" action="/admin/episodes/${e.id}" class="stack" novalidate>
        ${csrfField(pc)}
        ${episodeFields(pc, forms.episode, false, e.slugEditable)}
        <p class="button-row"><button type="submit" class="button button--primary">${pc.tr("actions.save")}</button></p>
      </form>
    </section>
    ${jsonData("sada-episode-messages", {
      queued: pc.tr("upload.queued"),
      processing: pc.tr("upload.processing"),
      failed: pc.tr("upload.failed"),
      readyAnnounce: pc.tr("upload.readyAnnounce"),
      uploading: pc.tr("upload.uploading"),
      uploaded: pc.tr("upload.uploaded"),
      reconnecting: pc.tr("upload.reconnecting"),
      connectionLost: pc.tr("upload.connectionLost"),
      offline: pc.tr("upload.offline"),
      paused: pc.tr("upload.paused"),
      pause: pc.tr("upload.pause"),
      resume: pc.tr("upload.resume"),
      uploadStopped: pc.tr("upload.stopped"),
      uploadFailed: pc.tr("upload.uploadFailed"),
      tooLarge: pc.tr("upload.tooLarge", { size: pc.fmt.bytes(upload.maxBytes) }),
      chooseFile: pc.tr("upload.chooseFile"),
      sending: pc.tr("upload.sending"),
      saved: pc.tr("upload.saved"),
      lufs: pc.tr("units.lufs"),
      dbtp: pc.tr("units.dbtp"),
      ...Object.fromEntries((["none", "queued", "processing", "ready", "failed"] as const).map((s) => [`audio_${s}`, pc.tr(`audio.${s}`)])),
      ...Object.fromEntries((["draft", "processing", "ready", "scheduled", "published", "unpublished", "failed"] as const).map((s) => [`status_${s}`, pc.tr(`status.${s}`)])),
    })}`;
  return layout(pc, {
    title: e.title,
    section: "shows",
    body,
    back: { href: `/admin/shows/${e.showId}`, label: e.showTitle },
    scripts: ["vendor/tus.min.js", "episode.js"],
  });
}
