import { html, type SafeHtml } from "../../http/html.ts";
import { ARTWORK_MAX_PX, ARTWORK_MIN_PX } from "../../media/artwork.ts";
import { SUPPORTED_LOCALES, dirOf, t, type Locale } from "../../i18n.ts";
import { checkboxField, csrfField, formAlert, inputField, selectField, textareaField, type FormState } from "../forms.ts";
import type { PageContext } from "../page.ts";
import { icon } from "./icons.ts";
import { layout } from "./layout.ts";
import { copyField, jsonData, statusBadge, type VariantStatus } from "./components.ts";

export interface ShowRow {
  id: string;
  slug: string;
  title: string;
  titleLang: Locale;
  locales: Locale[];
  artworkUrl: string | null;
  episodeCount: number;
}

export interface EpisodeRow {
  id: string;
  slug: string;
  season: number | null;
  number: number | null;
  type: string;
  title: string;
  titleLang: Locale;
  /** One status per language version the episode has. */
  variants: { locale: Locale; status: VariantStatus }[];
  updatedAt: Date;
}

export interface CategoryOption {
  category: string;
  subcategories: readonly string[];
}

/** `Category` or `Category::Subcategory` in one select, so the pair is always one Apple knows. */
export const CATEGORY_SEPARATOR = "::";

function categorySelect(pc: PageContext, state: FormState, categories: CategoryOption[]): SafeHtml {
  const id = "f-categoryChoice";
  const current = String(state.values.categoryChoice ?? "");
  const errors = [...(state.errors.category ?? []), ...(state.errors.subcategory ?? [])];
  const option = (value: string, label: string) => html`<option value="${value}"${value === current ? html` selected` : ""}>${label}</option>`;
  return html`<div class="field${errors.length ? " field--invalid" : ""}">
    <label for="${id}">${pc.tr("shows.fields.category")} <span class="required" aria-hidden="true">*</span></label>
    <p class="hint" id="${id}-hint">${pc.tr("shows.fields.categoryHint")}</p>
    <select id="${id}" name="categoryChoice" required aria-describedby="${id}-hint ${id}-error"${errors.length ? html` aria-invalid="true"` : ""}>
      <option value="">${pc.tr("shows.fields.choose")}</option>
      ${categories.map((c) =>
        c.subcategories.length
          ? html`<optgroup label="${c.category}">${option(c.category, c.category)}${c.subcategories.map((sub) => option(`${c.category}${CATEGORY_SEPARATOR}${sub}`, `${c.category} › ${sub}`))}</optgroup>`
          : option(c.category, c.category),
      )}
    </select>
    <p class="field-error" id="${id}-error"${errors.length ? "" : html` hidden`}>${errors.join(" ")}</p>
  </div>`;
}

export function showsListPage(pc: PageContext, shows: ShowRow[]) {
  const body = html`<div class="page-head"><h1>${pc.tr("shows.title")}</h1>
      <a class="button button--primary" href="/admin/shows/new">${pc.tr("shows.new")}</a></div>
    ${
      shows.length === 0
        ? html`<div class="empty"><p>${pc.tr("shows.empty")}</p><a class="button button--primary" href="/admin/shows/new">${pc.tr("shows.new")}</a></div>`
        : html`<div class="table-wrap"><table class="table">
        <caption class="visually-hidden">${pc.tr("shows.title")}</caption>
        <thead><tr><th scope="col"><span class="visually-hidden">${pc.tr("shows.artwork")}</span></th><th scope="col">${pc.tr("shows.show")}</th><th scope="col">${pc.tr("shows.languages")}</th><th scope="col" class="num">${pc.tr("shows.episodes")}</th></tr></thead>
        <tbody>${shows.map(
          (s) => html`<tr>
            <td>${s.artworkUrl ? html`<img class="thumb" src="${s.artworkUrl}" alt="" width="48" height="48">` : html`<span class="thumb" aria-hidden="true"></span>`}</td>
            <th scope="row"><a class="cell-title" href="/admin/shows/${s.id}" lang="${s.titleLang}" dir="auto">${s.title}</a><bdi class="cell-sub" dir="ltr">${s.slug}</bdi></th>
            <td><ul class="statuses">${s.locales.map((l) => html`<li><span class="badge">${pc.tr(`common:languages.${l}`)}</span></li>`)}</ul></td>
            <td class="num">${pc.fmt.number(s.episodeCount)}</td>
          </tr>`,
        )}</tbody>
      </table></div>`
    }`;
  return layout(pc, { title: pc.tr("shows.title"), section: "shows", body });
}

/** The fields every show has, then one column per language side by side. */
function showFields(pc: PageContext, state: FormState, categories: CategoryOption[], creating: boolean, slugEditable = creating): SafeHtml {
  const selectedLocales = Array.isArray(state.values.locales) ? (state.values.locales as string[]) : [String(state.values.locales ?? "")];
  // Labels in the interface language; what is typed in the column's own language and direction.
  const column = (locale: Locale) => html`<fieldset class="lang-column">
      <legend class="visually-hidden">${pc.tr("shows.textsIn", { language: pc.tr(`common:languages.${locale}`) })}</legend>
      <h3 aria-hidden="true">${pc.tr(`common:languages.${locale}`)} <span class="badge" lang="${locale}">${t(locale, "admin:languageName")}</span></h3>
      ${inputField(pc, state, { name: `localizations.${locale}.title`, label: pc.tr("shows.fields.title"), maxlength: 255, lang: locale, dir: dirOf(locale) })}
      ${inputField(pc, state, { name: `localizations.${locale}.author`, label: pc.tr("shows.fields.author"), maxlength: 255, lang: locale, dir: dirOf(locale) })}
      ${textareaField(pc, state, { name: `localizations.${locale}.description`, label: pc.tr("shows.fields.description"), rows: 6, maxlength: 4000, lang: locale, dir: dirOf(locale) })}
    </fieldset>`;
  return html`
    <fieldset class="fieldset">
      <legend>${pc.tr("shows.general")}</legend>
      <div class="form form--grid">
        ${
          slugEditable
            ? inputField(pc, state, { name: "slug", label: pc.tr("shows.fields.slug"), required: true, ltr: true, hint: pc.tr("shows.fields.slugHint"), maxlength: 80 })
            : html`<div class="field"><span class="label">${pc.tr("shows.fields.slug")}</span><bdi dir="ltr">${String(state.values.slug ?? "")}</bdi><p class="hint">${pc.tr("shows.fields.slugFixed")}</p></div>`
        }
        <fieldset class="fieldset">
          <legend>${pc.tr("shows.fields.locales")}</legend>
          ${SUPPORTED_LOCALES.map((l) => checkboxField(pc, { ...state, values: { ...state.values, locales: selectedLocales } }, { name: "locales", value: l, label: pc.tr(`common:languages.${l}`) }))}
          ${state.errors.locales ? html`<p class="field-error">${state.errors.locales.join(" ")}</p>` : ""}
        </fieldset>
        ${selectField(pc, state, { name: "defaultLocale", label: pc.tr("shows.fields.defaultLocale"), options: SUPPORTED_LOCALES.map((l) => ({ value: l, label: pc.tr(`common:languages.${l}`) })) })}
        ${categorySelect(pc, state, categories)}
        ${selectField(pc, state, { name: "type", label: pc.tr("shows.fields.type"), options: ["episodic", "serial"].map((v) => ({ value: v, label: pc.tr(`shows.types.${v}`) })), hint: pc.tr("shows.fields.typeHint") })}
        ${inputField(pc, state, { name: "ownerName", label: pc.tr("shows.fields.ownerName"), required: true, maxlength: 255 })}
        ${inputField(pc, state, { name: "ownerEmail", label: pc.tr("shows.fields.ownerEmail"), type: "email", required: true, ltr: true, hint: pc.tr("shows.fields.ownerEmailHint") })}
        ${inputField(pc, state, { name: "copyright", label: pc.tr("shows.fields.copyright"), maxlength: 255 })}
        ${checkboxField(pc, state, { name: "explicit", label: pc.tr("shows.fields.explicit"), hint: pc.tr("shows.fields.explicitHint") })}
      </div>
    </fieldset>
    <h2>${pc.tr("shows.texts")}</h2>
    <p class="hint">${pc.tr("shows.textsHint")}</p>
    <div class="lang-columns">${SUPPORTED_LOCALES.map(column)}</div>`;
}

export const SHOW_FIELD_PATHS = ["slug", "locales", "defaultLocale", "category", "subcategory", "categoryChoice", "type", "ownerName", "ownerEmail", "copyright", "explicit", ...SUPPORTED_LOCALES.flatMap((l) => ["title", "author", "description"].map((f) => `localizations.${l}.${f}`))];

export function newShowPage(pc: PageContext, state: FormState, categories: CategoryOption[]) {
  const body = html`<h1>${pc.tr("shows.new")}</h1>
    ${formAlert(state, SHOW_FIELD_PATHS)}
    <form method="post" action="/admin/shows" class="stack" novalidate>
      ${csrfField(pc)}
      ${showFields(pc, state, categories, true)}
      <p class="button-row"><button type="submit" class="button button--primary">${pc.tr("shows.create")}</button> <a class="button button--quiet" href="/admin/shows">${pc.tr("actions.cancel")}</a></p>
    </form>`;
  return layout(pc, { title: pc.tr("shows.new"), section: "shows", body, back: { href: "/admin/shows", label: pc.tr("shows.title") } });
}

export interface ShowPageData {
  id: string;
  title: string;
  titleLang: Locale;
  slugEditable: boolean;
  artworkUrl: string | null;
  feeds: { locale: Locale; url: string; pageUrl: string }[];
  episodes: EpisodeRow[];
}

function artworkSection(pc: PageContext, show: ShowPageData): SafeHtml {
  return html`<section class="card" aria-labelledby="artwork-title">
    <h2 id="artwork-title">${pc.tr("shows.artwork")}</h2>
    <form class="artwork" data-artwork data-url="/api/v1/shows/${show.id}/artwork" novalidate>
      <img data-preview src="${show.artworkUrl ?? ""}" alt="${pc.tr("shows.artworkPreview")}" width="144" height="144"${show.artworkUrl ? "" : html` hidden`}>
      <div class="field">
        <label for="artwork-file">${pc.tr("shows.artworkChoose")}</label>
        <p class="hint" id="artwork-rule" data-rule>${pc.tr("shows.artworkRule", { min: pc.fmt.number(ARTWORK_MIN_PX, { useGrouping: false }), max: pc.fmt.number(ARTWORK_MAX_PX, { useGrouping: false }) })}</p>
        <input type="file" id="artwork-file" name="artwork" accept="image/jpeg,image/png" aria-describedby="artwork-rule artwork-error artwork-size">
        <p class="hint" id="artwork-size" data-size aria-live="polite"></p>
        <p class="field-error" id="artwork-error" hidden></p>
        <p class="button-row"><button type="submit" class="button" data-needs-js hidden>${icon("upload")} ${pc.tr("shows.artworkUpload")}</button> <span data-put-status role="status"></span></p>
        <noscript><p class="hint">${pc.tr("needsJs")}</p></noscript>
      </div>
    </form>
    ${jsonData("sada-artwork-messages", {
      chooseFile: pc.tr("upload.chooseFile"),
      sending: pc.tr("upload.sending"),
      saved: pc.tr("shows.artworkSaved"),
      dimensions: pc.tr("shows.artworkDimensions"),
    })}
  </section>`;
}

export function showPage(pc: PageContext, show: ShowPageData, state: FormState, categories: CategoryOption[]) {
  const body = html`<div class="page-head"><h1 lang="${show.titleLang}" dir="auto">${show.title}</h1>
      <a class="button button--primary" href="/admin/shows/${show.id}/episodes/new">${pc.tr("episodes.new")}</a></div>

    <section aria-labelledby="episodes-title">
      <h2 id="episodes-title">${pc.tr("shows.episodes")}</h2>
      ${episodesTable(pc, show.episodes)}
    </section>

    <section class="card" aria-labelledby="feeds-title">
      <h2 id="feeds-title">${pc.tr("shows.feeds")}</h2>
      <p class="hint">${pc.tr("shows.feedsHint")}</p>
      ${show.feeds.map(
        (f) => html`<div class="field">
        ${copyField(pc, `feed-${f.locale}`, pc.tr("shows.feedFor", { language: pc.tr(`common:languages.${f.locale}`) }), f.url)}
        <p class="hint"><a href="${f.pageUrl}" lang="${f.locale}">${pc.tr("shows.publicPage")}</a></p>
      </div>`,
      )}
    </section>

    ${artworkSection(pc, show)}

    <section aria-labelledby="settings-title">
      <h2 id="settings-title">${pc.tr("shows.settings")}</h2>
      ${formAlert(state, SHOW_FIELD_PATHS)}
      <form method="post" action="/admin/shows/${show.id}" class="stack" novalidate>
        ${csrfField(pc)}
        ${showFields(pc, state, categories, false, show.slugEditable)}
        <p class="button-row"><button type="submit" class="button button--primary">${pc.tr("actions.save")}</button></p>
      </form>
    </section>`;
  return layout(pc, { title: show.title, section: "shows", body, back: { href: "/admin/shows", label: pc.tr("shows.title") }, scripts: ["artwork.js"] });
}

export function episodesTable(pc: PageContext, episodes: EpisodeRow[]): SafeHtml {
  if (episodes.length === 0) return html`<p class="empty">${pc.tr("episodes.empty")}</p>`;
  return html`<div class="table-wrap"><table class="table">
    <thead><tr><th scope="col">${pc.tr("episodes.episode")}</th><th scope="col">${pc.tr("episodes.number")}</th><th scope="col">${pc.tr("episodes.statusByLanguage")}</th><th scope="col">${pc.tr("episodes.updated")}</th></tr></thead>
    <tbody>${episodes.map(
      (e) => html`<tr>
        <th scope="row"><a class="cell-title" href="/admin/episodes/${e.id}" lang="${e.titleLang}" dir="auto">${e.title}</a><bdi class="cell-sub" dir="ltr">${e.slug}</bdi>${
          e.type !== "full" ? html` <span class="badge">${pc.tr(`episodes.types.${e.type}`)}</span>` : ""
        }</th>
        <td>${e.number !== null ? (e.season !== null ? pc.tr("episodes.seasonNumber", { season: pc.fmt.number(e.season), number: pc.fmt.number(e.number) }) : pc.fmt.number(e.number)) : "—"}</td>
        <td><ul class="statuses">${e.variants.map((v) => html`<li>${statusBadge(pc, v.status, v.locale)}</li>`)}</ul></td>
        <td><time datetime="${e.updatedAt.toISOString()}">${pc.fmt.dateTime(e.updatedAt)}</time></td>
      </tr>`,
    )}</tbody>
  </table></div>`;
}
