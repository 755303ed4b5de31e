import { html, type SafeHtml } from "../../http/html.ts";
import { SUPPORTED_LOCALES } from "../../i18n.ts";
import { type FormState, inputField, selectField } from "../forms.ts";
import type { PageContext } from "../page.ts";
import { jsonData } from "./components.ts";
import { icon } from "./icons.ts";
import { layout } from "./layout.ts";

/** The breakdowns the dashboard shows, each one `groupBy` of GET /api/v1/analytics/downloads. */
export const BREAKDOWNS = [
  { groupBy: "locale", title: "analytics.byLanguage" },
  { groupBy: "episode", title: "analytics.topEpisodes" },
  { groupBy: "app", title: "analytics.apps" },
  { groupBy: "device", title: "analytics.devices" },
  { groupBy: "os", title: "analytics.os" },
  { groupBy: "country", title: "analytics.countries" },
  { groupBy: "campaign", title: "analytics.campaigns" },
] as const;

export interface AnalyticsPageData {
  filters: FormState;
  /** The API query for the current filters (showId, locale, from, to), without groupBy. */
  query: string;
  shows: { id: string; title: string; lang: string }[];
  presets: { label: string; href: string; current: boolean }[];
  /** Labels the API's keys need: episode and variant ids → titles. */
  labels: Record<string, { title: string; lang: string }>;
  /** Episodes to compare over their first days (most recent first). */
  firstDays: { episodeId: string; title: string; lang: string; publishedDay: string }[];
  today: string;
  attribution: { text: string; url: string; licence: string; licenceUrl: string };
}

const csvUrl = (query: string, groupBy: string) => `/api/v1/analytics/downloads?${query}&groupBy=${groupBy}&format=csv`;

function breakdownCard(pc: PageContext, b: (typeof BREAKDOWNS)[number], query: string): SafeHtml {
  return html`<section class="card" aria-labelledby="bd-${b.groupBy}" data-breakdown="${b.groupBy}" aria-busy="true">
    <div class="page-head"><h2 id="bd-${b.groupBy}">${pc.tr(b.title)}</h2>
      <a class="button button--small button--quiet" href="${csvUrl(query, b.groupBy)}" download>${icon("download")} ${pc.tr("analytics.csv")}<span class="visually-hidden"> — ${pc.tr(b.title)}</span></a></div>
    <table class="hbar" hidden>
      <thead class="visually-hidden"><tr><th scope="col">${pc.tr(b.title)}</th><th scope="col">${pc.tr("analytics.share")}</th><th scope="col">${pc.tr("analytics.downloads")}</th></tr></thead>
      <tbody></tbody>
    </table>
    <p class="empty" data-empty hidden>${pc.tr("analytics.emptyBreakdown")}</p>
    <p class="field-error" data-error hidden></p>
  </section>`;
}

export function analyticsPage(pc: PageContext, d: AnalyticsPageData) {
  const body = html`<div class="page-head"><h1>${pc.tr("analytics.title")}</h1>
      <a class="button" href="${csvUrl(d.query, "day")}" download>${icon("download")} ${pc.tr("analytics.exportCsv")}</a></div>

    <form method="get" action="/admin/analytics" class="filters" aria-label="${pc.tr("analytics.filters")}">
      ${selectField(pc, d.filters, { name: "showId", label: pc.tr("analytics.show"), blank: pc.tr("analytics.allShows"), options: d.shows.map((s) => ({ value: s.id, label: s.title, lang: s.lang })) })}
      ${selectField(pc, d.filters, { name: "locale", label: pc.tr("analytics.language"), blank: pc.tr("analytics.allLanguages"), options: SUPPORTED_LOCALES.map((l) => ({ value: l, label: pc.tr(`common:languages.${l}`) })) })}
      ${inputField(pc, d.filters, { name: "from", label: pc.tr("analytics.from"), type: "date" })}
      ${inputField(pc, d.filters, { name: "to", label: pc.tr("analytics.to"), type: "date" })}
      <button type="submit" class="button button--primary">${pc.tr("analytics.apply")}</button>
    </form>
    <ul class="button-row presets" aria-label="${pc.tr("analytics.presets")}">
      ${d.presets.map((p) => html`<li><a class="button button--small${p.current ? " button--primary" : ""}" href="${p.href}"${p.current ? html` aria-current="true"` : ""}>${p.label}</a></li>`)}
    </ul>
    <noscript><p class="alert alert--info">${pc.tr("needsJs")}</p></noscript>
    <p class="alert alert--error" data-dashboard-error role="alert" hidden></p>

    <div class="kpis" data-query="${d.query}" data-today="${d.today}">
      <div class="kpi"><span class="kpi__value" data-kpi="downloads">—</span><span class="kpi__label">${pc.tr("analytics.downloads")}</span></div>
      <div class="kpi"><span class="kpi__value" data-kpi="listeners">—</span><span class="kpi__label">${pc.tr("analytics.listeners")}</span></div>
    </div>

    <section class="card" aria-labelledby="over-time">
      <h2 id="over-time">${pc.tr("analytics.overTime")}</h2>
      <div class="chart" data-chart-for="days-table" data-chart-manual data-label-template="${pc.tr("analytics.chartLabel")}"></div>
      <p class="empty" data-days-empty hidden>${pc.tr("analytics.empty")}</p>
      <details>
        <summary>${pc.tr("analytics.asTable")}</summary>
        <div class="table-wrap"><table class="table" id="days-table">
          <thead><tr><th scope="col">${pc.tr("analytics.day")}</th><th scope="col" class="num">${pc.tr("analytics.downloads")}</th></tr></thead>
          <tbody></tbody>
        </table></div>
      </details>
    </section>

    <div class="cards">${BREAKDOWNS.map((b) => breakdownCard(pc, b, d.query))}</div>

    <section class="card" aria-labelledby="first-days" data-first-days>
      <h2 id="first-days">${pc.tr("analytics.firstDays")}</h2>
      <p class="hint">${pc.tr("analytics.firstDaysHint")}</p>
      ${
        d.firstDays.length === 0
          ? html`<p class="empty">${pc.tr("analytics.emptyBreakdown")}</p>`
          : html`<div class="table-wrap"><table class="table">
        <thead><tr><th scope="col">${pc.tr("analytics.episode")}</th><th scope="col">${pc.tr("analytics.published")}</th><th scope="col" class="num">${pc.tr("analytics.day1")}</th><th scope="col" class="num">${pc.tr("analytics.day7", { count: pc.fmt.number(7) })}</th><th scope="col" class="num">${pc.tr("analytics.day30", { count: pc.fmt.number(30) })}</th></tr></thead>
        <tbody>${d.firstDays.map(
          (r) => html`<tr data-episode="${r.episodeId}" data-published="${r.publishedDay}"><th scope="row" lang="${r.lang}" dir="auto">${r.title}</th><td>${pc.fmt.day(r.publishedDay)}</td><td class="num" data-first="1">…</td><td class="num" data-first="7">…</td><td class="num" data-first="30">…</td></tr>`,
        )}</tbody>
      </table></div>`
      }
    </section>
    <p class="hint">${pc.tr("analytics.method")}</p>
    <p class="attribution"><a href="${d.attribution.url}">${d.attribution.text}</a> (<a href="${d.attribution.licenceUrl}">${d.attribution.licence}</a>)</p>
    ${jsonData("sada-analytics", {
      labels: d.labels,
      languages: Object.fromEntries(SUPPORTED_LOCALES.map((l) => [l, pc.tr(`common:languages.${l}`)])),
      devices: Object.fromEntries(["phone", "tablet", "computer", "smart_speaker", "watch", "tv", "car", "other"].map((k) => [k, pc.tr(`analytics.deviceTypes.${k}`)])),
      other: pc.tr("analytics.other"),
      unknown: pc.tr("analytics.unknown"),
      noCampaign: pc.tr("analytics.noCampaign"),
      failed: pc.tr("analytics.failed"),
    })}`;
  return layout(pc, { title: pc.tr("analytics.title"), section: "analytics", body, scripts: ["analytics.js"] });
}
