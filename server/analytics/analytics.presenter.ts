import type { DownloadsReport, ListenersReport } from "./reports.service.ts";

/** RFC 4180 field: quoted when needed; text that a spreadsheet would run as a formula is defused. */
function csvField(value: string | number): string {
  if (typeof value === "number") return String(value);
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function csv(header: string[], rows: (string | number)[][]): string {
  // The BOM makes spreadsheet programs read the file as UTF-8 (Arabic and French titles).
  return `\uFEFF${[header, ...rows].map((row) => row.map(csvField).join(",")).join("\r\n")}\r\n`;
}

export function downloadsCsv(report: DownloadsReport): string {
  const named = report.groupBy === "campaign";
  return csv(
    [report.groupBy, ...(named ? ["name"] : []), "downloads"],
    report.rows.map((r) => [r.key, ...(named ? [r.label ?? ""] : []), r.downloads]),
  );
}

export function listenersCsv(report: ListenersReport): string {
  const named = report.groupBy === "campaign";
  const measure = report.groupBy === "day" ? "listeners" : "average_daily_listeners";
  return csv(
    [report.groupBy, ...(named ? ["name"] : []), measure, "peak_daily_listeners"],
    report.rows.map((r) => [r.key, ...(named ? [r.label ?? ""] : []), r.listeners, r.peak]),
  );
}

export const csvFilename = (kind: "downloads" | "listeners", report: { groupBy: string; from: string; to: string }) =>
  `sada-${kind}-by-${report.groupBy}-${report.from}_${report.to}.csv`;
