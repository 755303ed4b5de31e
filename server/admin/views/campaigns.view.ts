import { html, type SafeHtml } from "../../http/html.ts";
import { dirOf, type Locale } from "../../i18n.ts";
import type { CampaignJson } from "../../campaigns/campaigns.presenter.ts";
import { CAMPAIGN_TARGETS } from "../../campaigns/campaigns.schema.ts";
import { csrfField, formAlert, inputField, selectField, type FormState } from "../forms.ts";
import type { PageContext } from "../page.ts";
import { copyField, jsonData } from "./components.ts";
import { layout } from "./layout.ts";

/** A show a campaign may point to, with its episodes (titles in the user's language when they exist). */
export interface CampaignTargetOption {
  id: string;
  title: string;
  lang: Locale;
  locales: Locale[];
  episodes: { id: string; title: string; lang: Locale }[];
}

export interface CampaignsPageData {
  campaigns: CampaignJson[];
  /** Showing archived links (else the active ones). */
  archived: boolean;
  /** UTC days the visits and downloads are counted over. */
  from: string;
  to: string;
  shows: CampaignTargetOption[];
  form: FormState;
  locales: Locale[];
}

const FORM_FIELDS = ["name", "target", "showId", "episodeId", "locale", "code"] as const;

function targetCell(pc: PageContext, c: CampaignJson, shows: CampaignTargetOption[]): SafeHtml {
  const show = shows.find((s) => s.id === c.showId);
  const episode = c.episodeId ? show?.episodes.find((e) => e.id === c.episodeId) : undefined;
  return html`<span class="cell-title">${pc.tr(`campaigns.targets.${c.target}`)} · ${pc.tr(`common:languages.${c.locale}`)}</span>
    <span class="cell-sub">${show ? html`<bdi lang="${show.lang}" dir="${dirOf(show.lang)}">${show.title}</bdi>` : ""}${
      episode ? html` — <bdi lang="${episode.lang}" dir="${dirOf(episode.lang)}">${episode.title}</bdi>` : ""
    }</span>
    <a class="cell-sub" href="${c.targetUrl}" dir="ltr">${c.targetUrl.replace(/^https?:\/\//, "")}</a>`;
}

function campaignRow(pc: PageContext, c: CampaignJson, d: CampaignsPageData): SafeHtml {
  const canEdit = pc.can("admin", "producer");
  return html`<tr id="campaign-${c.id}"${c.archived ? html` class="is-muted"` : ""}>
    <th scope="row"><span class="cell-title" dir="auto">${c.name}</span><span class="cell-sub">${pc.tr("campaigns.created", { date: pc.fmt.date(new Date(c.createdAt)) })}</span></th>
    <td>${targetCell(pc, c, d.shows)}</td>
    <td class="campaign-link">${copyField(pc, `link-${c.id}`, pc.tr("campaigns.linkFor", { name: c.name }), c.url, { labelHidden: true })}</td>
    <td class="num" data-campaign-visits="${c.id}">${pc.fmt.number(c.visits)}</td>
    <td class="num" data-campaign-downloads="${c.id}">…</td>
    ${
      canEdit
        ? html`<td>
      <form method="post" action="/admin/campaigns/${c.id}">
        ${csrfField(pc)}
        <input type="hidden" name="archived" value="${c.archived ? "false" : "true"}">
        <button type="submit" class="button button--small">${c.archived ? pc.tr("campaigns.unarchive") : pc.tr("campaigns.archive")}<span class="visually-hidden"> — ${c.name}</span></button>
      </form>
    </td>`
        : ""
    }
  </tr>`;
}

function createForm(pc: PageContext, d: CampaignsPageData): SafeHtml {
  const form = d.form;
  const episodes = d.shows.flatMap((s) => s.episodes.map((e) => ({ value: e.id, label: `${s.title} — ${e.title}`, lang: e.lang })));
  return html`<section class="card" aria-labelledby="new-campaign">
    <h2 id="new-campaign">${pc.tr("campaigns.create")}</h2>
    ${formAlert(form, FORM_FIELDS)}
    ${
      d.shows.length === 0
        ? html`<p class="empty">${pc.tr("campaigns.noShows")}</p>`
        : html`<form method="post" action="/admin/campaigns" class="form form--grid" novalidate>
      ${csrfField(pc)}
      ${inputField(pc, form, { name: "name", label: pc.tr("campaigns.name"), required: true, maxlength: 200, hint: pc.tr("campaigns.nameHint"), dir: "auto" })}
      ${selectField(pc, form, { name: "target", label: pc.tr("campaigns.target"), required: true, options: CAMPAIGN_TARGETS.map((t) => ({ value: t, label: pc.tr(`campaigns.targets.${t}`) })) })}
      ${selectField(pc, form, { name: "showId", label: pc.tr("campaigns.show"), required: true, options: d.shows.map((s) => ({ value: s.id, label: s.title, lang: s.lang })) })}
      ${selectField(pc, form, { name: "episodeId", label: pc.tr("campaigns.episode"), blank: pc.tr("campaigns.noEpisode"), hint: pc.tr("campaigns.episodeHint"), options: episodes })}
      ${selectField(pc, form, { name: "locale", label: pc.tr("campaigns.language"), required: true, hint: pc.tr("campaigns.languageHint"), options: d.locales.map((l) => ({ value: l, label: pc.tr(`common:languages.${l}`) })) })}
      ${inputField(pc, form, { name: "code", label: pc.tr("campaigns.code"), hint: pc.tr("campaigns.codeHint"), maxlength: 64, ltr: true, autocomplete: "off" })}
      <div class="form__actions"><button type="submit" class="button button--primary">${pc.tr("campaigns.createSubmit")}</button></div>
    </form>`
    }
  </section>`;
}

export function campaignsPage(pc: PageContext, d: CampaignsPageData) {
  const canEdit = pc.can("admin", "producer");
  const range = new URLSearchParams({ from: d.from, to: d.to });
  const body = html`<h1>${pc.tr("campaigns.title")}</h1>
    <p class="hint">${pc.tr("campaigns.intro")}</p>
    <ul class="button-row presets" aria-label="${pc.tr("campaigns.which")}">
      <li><a class="button button--small${d.archived ? "" : " button--primary"}" href="/admin/campaigns"${d.archived ? "" : html` aria-current="true"`}>${pc.tr("campaigns.active")}</a></li>
      <li><a class="button button--small${d.archived ? " button--primary" : ""}" href="/admin/campaigns?status=archived"${d.archived ? html` aria-current="true"` : ""}>${pc.tr("campaigns.archived")}</a></li>
    </ul>
    ${d.archived ? html`<p class="hint">${pc.tr("campaigns.archivedHint")}</p>` : ""}
    <form method="get" action="/admin/campaigns" class="filters" aria-label="${pc.tr("analytics.filters")}">
      ${d.archived ? html`<input type="hidden" name="status" value="archived">` : ""}
      ${inputField(pc, { values: { from: d.from, to: d.to }, errors: {} }, { name: "from", label: pc.tr("analytics.from"), type: "date" })}
      ${inputField(pc, { values: { from: d.from, to: d.to }, errors: {} }, { name: "to", label: pc.tr("analytics.to"), type: "date" })}
      <button type="submit" class="button">${pc.tr("analytics.apply")}</button>
    </form>
    <noscript><p class="alert alert--info">${pc.tr("needsJs")}</p></noscript>
    <p class="alert alert--error" data-campaigns-error role="alert" hidden></p>
    ${
      d.campaigns.length === 0
        ? html`<p class="empty">${d.archived ? pc.tr("campaigns.emptyArchived") : pc.tr("campaigns.empty")}</p>`
        : html`<div class="table-wrap">
      <table class="table" data-downloads-query="${range.toString()}">
        <caption class="visually-hidden">${pc.tr("campaigns.title")}</caption>
        <thead><tr>
          <th scope="col">${pc.tr("campaigns.name")}</th>
          <th scope="col">${pc.tr("campaigns.target")}</th>
          <th scope="col">${pc.tr("campaigns.link")}</th>
          <th scope="col" class="num">${pc.tr("campaigns.visits")}</th>
          <th scope="col" class="num">${pc.tr("analytics.downloads")}</th>
          ${canEdit ? html`<th scope="col"><span class="visually-hidden">${pc.tr("users.actions")}</span></th>` : ""}
        </tr></thead>
        <tbody>${d.campaigns.map((c) => campaignRow(pc, c, d))}</tbody>
      </table>
    </div>
    <p class="hint">${pc.tr("campaigns.period", { from: pc.fmt.day(d.from), to: pc.fmt.day(d.to) })} ${pc.tr("campaigns.countingHint")}</p>`
    }
    ${canEdit ? createForm(pc, d) : html`<p class="hint">${pc.tr("campaigns.readOnly")}</p>`}
    ${jsonData("sada-campaigns", { failed: pc.tr("campaigns.downloadsFailed") })}`;
  return layout(pc, { title: pc.tr("campaigns.title"), section: "campaigns", body, scripts: ["campaigns.js"] });
}
