// Campaign links: downloads per campaign from the analytics API (groupBy=campaign, the same
// numbers as the dashboard), over the days the page counts visits for. Visits come with the page.
import { api, formatNumber, interpolate, readJson } from "./lib.js";

const data = readJson("sada-campaigns");
const table = document.querySelector("[data-downloads-query]");

async function fillDownloads() {
  const cells = [...document.querySelectorAll("[data-campaign-downloads]")];
  try {
    const query = table.getAttribute("data-downloads-query");
    const { rows } = await api("GET", `/api/v1/analytics/downloads?${query}&groupBy=campaign`);
    const byCampaign = new Map(rows.map((row) => [String(row.key), row.downloads]));
    for (const cell of cells) cell.textContent = formatNumber(byCampaign.get(cell.getAttribute("data-campaign-downloads")) ?? 0);
  } catch (err) {
    for (const cell of cells) cell.textContent = "—";
    const box = document.querySelector("[data-campaigns-error]");
    if (box) {
      box.textContent = interpolate(data.failed, { message: err?.message ?? "" });
      box.hidden = false;
    }
  }
}

if (table) fillDownloads();
