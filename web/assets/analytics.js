// The analytics dashboard: numbers from the analytics API (the same answers the CSV export gives),
// drawn as a line chart (chart.js) and as bar tables. Labels come translated from the page; country
// names come from Intl in the page's language; numbers use the page's digits.
import { api, formatNumber, formatPercent, interpolate, intlLocale, readJson } from "./lib.js";
import { drawTimeChart } from "./chart.js";

const data = readJson("sada-analytics");
const kpis = document.querySelector("[data-query]");
const query = kpis?.getAttribute("data-query") ?? "";
const today = kpis?.getAttribute("data-today") ?? new Date().toISOString().slice(0, 10);
const regions = (() => {
  try {
    return new Intl.DisplayNames([intlLocale()], { type: "region" });
  } catch {
    return null;
  }
})();

const DAY_MS = 86_400_000;
const dayAfter = (day, n) => new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);

function downloads(params) {
  return api("GET", `/api/v1/analytics/downloads?${params}`);
}

function showError(err) {
  const box = document.querySelector("[data-dashboard-error]");
  if (!box) return;
  box.textContent = interpolate(data.failed, { message: err?.message ?? "" });
  box.hidden = false;
}

/** A row key as people read it, in the page's language. */
function labelOf(groupBy, key) {
  if (key === null || key === undefined || key === "") return { text: groupBy === "campaign" ? data.noCampaign : data.unknown };
  const k = String(key);
  switch (groupBy) {
    case "locale":
      return { text: data.languages?.[k] ?? k };
    case "device":
      return { text: data.devices?.[k] ?? k };
    case "country":
      if (k === "ZZ") return { text: data.unknown };
      try {
        return { text: regions?.of(k) ?? k };
      } catch {
        return { text: k };
      }
    case "episode": {
      const label = data.labels?.[k];
      return label ? { text: label.title, lang: label.lang } : { text: k };
    }
    case "campaign":
      return { text: data.labels?.[k]?.title ?? k };
    case "app":
    case "os":
      return { text: k === "other" ? data.other : k };
    default:
      return { text: k };
  }
}

function renderBreakdown(section, groupBy, rows) {
  const table = section.querySelector("table");
  const body = table.querySelector("tbody");
  const empty = section.querySelector("[data-empty]");
  const sorted = [...rows].sort((a, b) => b.downloads - a.downloads).slice(0, 10);
  const max = Math.max(1, ...sorted.map((r) => r.downloads));
  const total = rows.reduce((sum, r) => sum + r.downloads, 0);
  body.replaceChildren(
    ...sorted.map((row) => {
      const label = row.label ? { text: row.label } : labelOf(groupBy, row.key);
      const tr = document.createElement("tr");
      const th = document.createElement("th");
      th.scope = "row";
      th.className = "hbar__label";
      th.textContent = label.text;
      if (label.lang) {
        th.lang = label.lang;
        th.dir = "auto";
      }
      const bar = document.createElement("td");
      bar.className = "hbar__bar";
      const track = document.createElement("span");
      track.className = "hbar__track";
      const fill = document.createElement("span");
      fill.className = "hbar__fill";
      fill.style.inlineSize = `${((row.downloads / max) * 100).toFixed(1)}%`;
      track.append(fill);
      const share = document.createElement("span");
      share.className = "visually-hidden";
      share.textContent = total ? formatPercent((row.downloads / total) * 100) : "";
      bar.append(track, share);
      const value = document.createElement("td");
      value.className = "hbar__value";
      value.textContent = formatNumber(row.downloads);
      tr.append(th, bar, value);
      return tr;
    }),
  );
  table.hidden = sorted.length === 0;
  empty.hidden = sorted.length > 0;
  section.setAttribute("aria-busy", "false");
}

async function loadTotals() {
  const [days, listeners] = await Promise.all([
    downloads(`${query}&groupBy=day`),
    api("GET", `/api/v1/analytics/listeners?${query}&groupBy=day`).catch(() => null),
  ]);
  document.querySelector('[data-kpi="downloads"]').textContent = formatNumber(days.total);
  if (listeners) document.querySelector('[data-kpi="listeners"]').textContent = formatNumber(listeners.total);

  // Every day of the period, zero where nothing was downloaded, so the chart's time axis is true.
  const params = new URLSearchParams(query);
  const counts = new Map(days.rows.map((r) => [String(r.key), r.downloads]));
  const series = [];
  for (let day = params.get("from"); day && day <= params.get("to") && series.length < 2000; day = dayAfter(day, 1)) {
    series.push({ day, downloads: counts.get(day) ?? 0 });
  }
  const table = document.getElementById("days-table");
  const dateFormat = new Intl.DateTimeFormat(intlLocale(), { dateStyle: "medium", timeZone: "UTC" });
  table.querySelector("tbody").replaceChildren(
    ...series.map((point) => {
      const tr = document.createElement("tr");
      tr.setAttribute("data-x", point.day);
      tr.setAttribute("data-y", String(point.downloads));
      const day = document.createElement("td");
      day.textContent = dateFormat.format(new Date(`${point.day}T00:00:00Z`));
      const value = document.createElement("td");
      value.className = "num";
      value.textContent = formatNumber(point.downloads);
      tr.append(day, value);
      return tr;
    }),
  );
  const chart = document.querySelector("[data-chart-for]");
  document.querySelector("[data-days-empty]").hidden = days.total > 0;
  chart.hidden = days.total === 0;
  if (days.total > 0) {
    chart.setAttribute("data-label", interpolate(chart.getAttribute("data-label-template"), { total: formatNumber(days.total) }));
    const draw = () => drawTimeChart(chart, table);
    draw();
    let pending;
    new ResizeObserver(() => {
      cancelAnimationFrame(pending);
      pending = requestAnimationFrame(draw);
    }).observe(chart);
  }
}

async function loadBreakdowns() {
  await Promise.all(
    [...document.querySelectorAll("[data-breakdown]")].map(async (section) => {
      const groupBy = section.getAttribute("data-breakdown");
      try {
        const result = await downloads(`${query}&groupBy=${groupBy}`);
        renderBreakdown(section, groupBy, result.rows ?? []);
      } catch (err) {
        const box = section.querySelector("[data-error]");
        box.textContent = err.message;
        box.hidden = false;
        section.setAttribute("aria-busy", "false");
      }
    }),
  );
}

/** Downloads in each episode's first 1, 7 and 30 days (from its publication day, UTC), from the first-days API. */
async function loadFirstDays() {
  const locale = new URLSearchParams(query).get("locale");
  for (const row of document.querySelectorAll("[data-first-days] tr[data-episode]")) {
    const q = locale ? `?${new URLSearchParams({ locale })}` : "";
    try {
      const result = await api("GET", `/api/v1/analytics/episodes/${encodeURIComponent(row.getAttribute("data-episode"))}/first-days${q}`);
      // The whole episode (locale "") when it has several languages, else its one language.
      const first = result.rows.find((r) => r.locale === (locale ?? "")) ?? result.rows[0];
      for (const span of [1, 7, 30]) {
        const value = first?.downloads?.[span];
        // null: the period is not over yet.
        row.querySelector(`[data-first="${span}"]`).textContent = value === null || value === undefined ? "—" : formatNumber(value);
      }
    } catch {
      for (const cell of row.querySelectorAll("[data-first]")) cell.textContent = "—";
    }
  }
}

if (kpis) {
  Promise.all([loadTotals(), loadBreakdowns()])
    .catch(showError)
    .finally(() => void loadFirstDays());
}
