// Draws the "downloads over time" chart as SVG from the data table the server rendered (the table
// stays the accessible version). In right-to-left pages time runs from right to left and the value
// axis sits on the right, like the rest of the mirrored layout. Numbers and dates use the page's
// Intl locale, so Arabic pages get Arabic-Indic digits unless the user chose Latin ones.
import { formatNumber, intlLocale, isRtl } from "./lib.js";

const SVG = "http://www.w3.org/2000/svg";

function el(name, attrs = {}, parent) {
  const node = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, String(value));
  parent?.append(node);
  return node;
}

/** 0, 1, 2, 5, 10, 20, 50… steps so the axis has about `count` round ticks. */
function niceTicks(max, count = 4) {
  if (max <= 0) return [0, 1];
  const raw = max / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? raw;
  const ticks = [];
  for (let v = 0; v <= max + step * 0.001; v += step) ticks.push(Math.round(v));
  if (ticks[ticks.length - 1] < max) ticks.push(ticks[ticks.length - 1] + step);
  return ticks;
}

function readSeries(table) {
  return [...table.querySelectorAll("tbody tr[data-x]")].map((row) => ({
    x: row.getAttribute("data-x"),
    y: Number(row.getAttribute("data-y")) || 0,
  }));
}

export function drawTimeChart(container, table) {
  const points = readSeries(table);
  container.replaceChildren();
  if (points.length === 0) return;
  const rtl = isRtl();
  const width = Math.max(280, Math.round(container.clientWidth || 600));
  const height = Math.round(Math.min(320, Math.max(200, width * 0.4)));
  const pad = { top: 12, bottom: 34, axis: 46, end: 12 };
  const plotW = width - pad.axis - pad.end;
  const plotH = height - pad.top - pad.bottom;
  const ticks = niceTicks(Math.max(...points.map((p) => p.y)));
  const yMax = ticks[ticks.length - 1] || 1;
  const step = points.length > 1 ? plotW / (points.length - 1) : 0;
  // Inline start of the plot: left in LTR, right in RTL; time flows towards the inline end.
  const xAt = (i) => (rtl ? width - pad.axis - (points.length > 1 ? i * step : plotW / 2) : pad.axis + (points.length > 1 ? i * step : plotW / 2));
  const yAt = (v) => pad.top + plotH - (v / yMax) * plotH;
  const dayFormat = new Intl.DateTimeFormat(intlLocale(), { day: "numeric", month: "short", timeZone: "UTC" });
  const longFormat = new Intl.DateTimeFormat(intlLocale(), { dateStyle: "medium", timeZone: "UTC" });

  const svg = el("svg", {
    viewBox: `0 0 ${width} ${height}`,
    width,
    height,
    role: "img",
    "aria-label": container.getAttribute("data-label") || "",
  });
  const grid = el("g", { class: "grid" }, svg);
  const yAxis = el("g", { class: "axis axis--y" }, svg);
  for (const tick of ticks) {
    const y = yAt(tick);
    el("line", { x1: rtl ? pad.end : pad.axis, x2: rtl ? width - pad.axis : width - pad.end, y1: y, y2: y }, grid);
    // SVG text follows the page's direction: "end" is the right edge in LTR and the left edge in
    // RTL, so the labels hug the plot on either side.
    const label = el("text", { x: rtl ? width - pad.axis + 8 : pad.axis - 8, y: y + 4, "text-anchor": "end" }, yAxis);
    label.textContent = formatNumber(tick);
  }

  // About six date labels, always including the first and last day.
  const xAxis = el("g", { class: "axis axis--x" }, svg);
  const every = Math.max(1, Math.ceil(points.length / 6));
  points.forEach((p, i) => {
    if (i % every !== 0 && i !== points.length - 1) return;
    if (i !== points.length - 1 && points.length - 1 - i < every / 2) return;
    const label = el("text", { x: xAt(i), y: height - 10, "text-anchor": "middle" }, xAxis);
    label.textContent = dayFormat.format(new Date(`${p.x}T00:00:00Z`));
  });

  const line = points.map((p, i) => `${i === 0 ? "M" : "L"}${xAt(i).toFixed(1)},${yAt(p.y).toFixed(1)}`).join(" ");
  const baseline = yAt(0).toFixed(1);
  el("path", { class: "area", d: `${line} L${xAt(points.length - 1).toFixed(1)},${baseline} L${xAt(0).toFixed(1)},${baseline} Z` }, svg);
  el("path", { class: "series", d: line }, svg);
  const dots = el("g", {}, svg);
  points.forEach((p, i) => {
    const dot = el("circle", { class: "dot", cx: xAt(i), cy: yAt(p.y), r: points.length > 60 ? 1.5 : 3 }, dots);
    el("title", {}, dot).textContent = `${longFormat.format(new Date(`${p.x}T00:00:00Z`))}: ${formatNumber(p.y)}`;
  });
  container.append(svg);
}

// Pages that render their table server-side get their chart drawn at once; pages that fill the
// table later (the dashboard) call drawTimeChart themselves.
for (const container of document.querySelectorAll("[data-chart-for]:not([data-chart-manual])")) {
  const table = document.getElementById(container.getAttribute("data-chart-for"));
  if (!table || table.querySelectorAll("tbody tr").length === 0) continue;
  const draw = () => drawTimeChart(container, table);
  draw();
  let pending;
  new ResizeObserver(() => {
    cancelAnimationFrame(pending);
    pending = requestAnimationFrame(draw);
  }).observe(container);
}
