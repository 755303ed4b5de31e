import type { Clock } from "../adapters/clock.ts";
import { AppError, notFound } from "../errors.ts";
import { hasLeftDraft, publicationTime } from "../episodes/episodes.presenter.ts";
import {
  addDays,
  DEFAULT_RANGE_DAYS,
  dayOf,
  FIRST_DAY_SPANS,
  type GroupBy,
  type ListenerDimension,
  type ReportQuery,
} from "./analytics.schema.ts";
import { DIMENSION_COLUMN, type Column, type DayCount, type ListenerSelection, type ReportsRepository, type Scope } from "./reports.repository.ts";

export interface Range {
  from: string;
  to: string;
}

export interface DownloadsReport extends Range {
  groupBy: GroupBy;
  total: number;
  rows: { key: string; downloads: number; label?: string }[];
}

export interface ListenersReport extends Range {
  groupBy: GroupBy;
  measure: "daily_unique";
  total: number;
  days: number;
  peak: { day: string | null; listeners: number };
  rows: { key: string; listeners: number; peak: number; label?: string }[];
}

export interface FirstDaysReport {
  episodeId: string;
  rows: { locale: string; publishedDay: string; downloads: Record<"1" | "7" | "30", number | null> }[];
}

/** The column a groupBy reads; day/week/month read days and are bucketed here. */
const GROUP_COLUMN: Record<GroupBy, Column> = {
  day: "day",
  week: "day",
  month: "day",
  episode: "episodeId",
  locale: "locale",
  app: "app",
  device: "device",
  os: "os",
  country: "country",
  campaign: "campaignId",
};

const isTimeGroup = (groupBy: GroupBy) => groupBy === "day" || groupBy === "week" || groupBy === "month";

/** ISO 8601 week of a day, as `YYYY-Www` (weeks start on Monday; week 1 holds the year's first Thursday). */
export function isoWeek(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  const weekday = (date.getUTCDay() + 6) % 7; // Monday = 0
  const thursday = new Date(date.getTime() + (3 - weekday) * 86_400_000);
  const year = thursday.getUTCFullYear();
  const week = 1 + Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / (7 * 86_400_000));
  return `${year}-W${String(week).padStart(2, "0")}`;
}

const bucketOf = (groupBy: GroupBy, day: string) => (groupBy === "week" ? isoWeek(day) : groupBy === "month" ? day.slice(0, 7) : day);
const oneDecimal = (n: number) => Math.round(n * 10) / 10;

function eachDay(from: string, to: string): string[] {
  const days: string[] = [];
  for (let day = from; day <= to; day = addDays(day, 1)) days.push(day);
  return days;
}

/**
 * Reading the numbers (README, "Reading the numbers"): downloads add up over days and groups;
 * listeners are unique per UTC day only (the listener hash changes every day, by design), so
 * over several days they are reported as the average of the daily counts, with the peak day.
 */
export class ReportsService {
  constructor(
    private readonly repository: ReportsRepository,
    private readonly clock: Clock,
  ) {}

  private today(): string {
    return dayOf(this.clock.now());
  }

  /** The range asked for; without dates, the last 30 days up to today. */
  range(query: Pick<ReportQuery, "from" | "to">): Range {
    const to = query.to ?? (query.from ? maxDay(query.from, this.today()) : this.today());
    const from = query.from ?? addDays(to, -(DEFAULT_RANGE_DAYS - 1));
    return { from, to };
  }

  /** Checks the ids the query names (404 for unknown ones) and returns the scope to read. */
  private async scope(query: ReportQuery): Promise<Scope> {
    const scope: Scope = { locale: query.locale };
    if (query.showId !== undefined) {
      if (!(await this.repository.showExists(query.showId))) throw notFound("show_not_found");
      scope.showId = query.showId;
    }
    if (query.episodeId !== undefined) {
      const episode = await this.repository.findEpisode(query.episodeId);
      if (!episode || (scope.showId !== undefined && episode.showId !== scope.showId)) throw notFound("episode_not_found");
      scope.showId = episode.showId;
      scope.episodeId = episode.id;
    }
    if (query.campaignId !== undefined) {
      if (query.campaignId === "none") scope.campaignId = "";
      else if (!(await this.repository.campaignExists(query.campaignId))) throw notFound("campaign_not_found");
      else scope.campaignId = query.campaignId;
    }
    return scope;
  }

  async downloads(query: ReportQuery): Promise<DownloadsReport> {
    const { from, to } = this.range(query);
    const scope = await this.scope(query);
    const counts = await this.repository.downloadsBy(scope, from, to, GROUP_COLUMN[query.groupBy]);
    const total = counts.reduce((sum, row) => sum + row.n, 0);
    let rows: DownloadsReport["rows"];
    if (isTimeGroup(query.groupBy)) {
      // Every period of the range (up to today) appears, zero when nothing was downloaded.
      const byDay = new Map(counts.map((c) => [c.key, c.n]));
      const buckets = new Map<string, number>();
      for (const day of eachDay(from, minDay(to, this.today()))) {
        const bucket = bucketOf(query.groupBy, day);
        buckets.set(bucket, (buckets.get(bucket) ?? 0) + (byDay.get(day) ?? 0));
      }
      rows = [...buckets].map(([key, downloads]) => ({ key, downloads }));
    } else {
      rows = counts.map((c) => ({ key: c.key, downloads: c.n })).sort((a, b) => b.downloads - a.downloads || a.key.localeCompare(b.key));
    }
    if (query.groupBy === "campaign") await this.labelCampaigns(rows);
    return { groupBy: query.groupBy, from, to, total, rows };
  }

  async listeners(query: ReportQuery): Promise<ListenersReport> {
    const { from, to } = this.range(query);
    const scope = await this.scope(query);
    const groupBy = query.groupBy;
    if (scope.campaignId !== undefined && !isTimeGroup(groupBy) && groupBy !== "campaign") {
      // Listener roll-ups are per dimension, not per pair of dimensions.
      throw new AppError("validation_failed", 422, {}, [{ path: "query.campaignId", code: "listeners_campaign_breakdown" }]);
    }
    const last = minDay(to, this.today());
    const days = last < from ? [] : eachDay(from, last);

    const totals = await this.listenerCounts(scope, isTimeGroup(groupBy) ? "day" : "total", from, last);
    const dailyTotal = new Map(totals.map((c) => [c.day, c.n]));
    const sum = days.reduce((acc, day) => acc + (dailyTotal.get(day) ?? 0), 0);
    let peak: ListenersReport["peak"] = { day: null, listeners: 0 };
    for (const day of days) {
      const n = dailyTotal.get(day) ?? 0;
      if (n > peak.listeners) peak = { day, listeners: n };
    }

    let rows: ListenersReport["rows"];
    if (isTimeGroup(groupBy)) {
      const buckets = new Map<string, { sum: number; days: number; peak: number }>();
      for (const day of days) {
        const key = bucketOf(groupBy, day);
        const bucket = buckets.get(key) ?? { sum: 0, days: 0, peak: 0 };
        const n = dailyTotal.get(day) ?? 0;
        bucket.sum += n;
        bucket.days += 1;
        bucket.peak = Math.max(bucket.peak, n);
        buckets.set(key, bucket);
      }
      rows = [...buckets].map(([key, b]) => ({ key, listeners: oneDecimal(b.sum / b.days), peak: b.peak }));
    } else {
      const counts = await this.listenerCounts(scope, groupBy, from, last);
      const byKey = new Map<string, { sum: number; peak: number }>();
      for (const c of counts) {
        const entry = byKey.get(c.key) ?? { sum: 0, peak: 0 };
        entry.sum += c.n;
        entry.peak = Math.max(entry.peak, c.n);
        byKey.set(c.key, entry);
      }
      rows = [...byKey]
        .map(([key, e]) => ({ key, listeners: oneDecimal(e.sum / days.length), peak: e.peak }))
        .sort((a, b) => b.listeners - a.listeners || a.key.localeCompare(b.key));
      if (groupBy === "campaign") await this.labelCampaigns(rows);
    }
    return { groupBy, from, to, measure: "daily_unique", total: days.length ? oneDecimal(sum / days.length) : 0, days: days.length, peak, rows };
  }

  /**
   * Unique listeners per day (and per key of `by`) over [from, to]: rolled-up days from
   * ListenerDaily, the others (today, yesterday until its roll-up) counted from the raw rows.
   */
  async listenerCounts(scope: Scope, by: GroupBy | "total", from: string, to: string): Promise<DayCount[]> {
    if (to < from) return [];
    const selection = listenerSelection(scope, by);
    const column: Column | null =
      by === "total" || isTimeGroup(by as GroupBy) ? null : by === "episode" || by === "locale" ? GROUP_COLUMN[by] : DIMENSION_COLUMN[selection.dimension];
    const [rolled, raw] = await Promise.all([this.repository.rolledListeners(selection, from, to), this.repository.rawListeners(scope, column, from, to)]);
    return [...rolled, ...raw];
  }

  /** Downloads in an episode's first 1, 7 and 30 days: per language from that version's publication, and for the whole episode from its first. */
  async firstDays(episodeId: string, locale?: string): Promise<FirstDaysReport> {
    const episode = await this.repository.findEpisode(episodeId);
    if (!episode) throw notFound("episode_not_found");
    const now = this.clock.now();
    const today = dayOf(now);
    const published = new Map<string, string>();
    for (const variant of episode.variants) {
      const at = hasLeftDraft(variant) ? publicationTime(variant) : null;
      if (at && at <= now && (!locale || variant.locale === locale)) published.set(variant.locale, dayOf(at));
    }
    if (published.size === 0) return { episodeId, rows: [] };
    const first = [...published.values()].sort()[0];
    const longest = Math.max(...FIRST_DAY_SPANS);
    const counts = await this.repository.episodeDownloadsByDayAndLocale(episodeId, first, addDays([...published.values()].sort().at(-1)!, longest - 1));

    const sumSince = (start: string, span: number, localeFilter: string | null) => {
      const end = addDays(start, span - 1);
      if (end >= today) return null; // the period is not over yet
      return counts.filter((c) => c.day >= start && c.day <= end && (localeFilter === null || c.locale === localeFilter)).reduce((acc, c) => acc + c.n, 0);
    };
    const row = (rowLocale: string, start: string) => ({
      locale: rowLocale,
      publishedDay: start,
      downloads: Object.fromEntries(FIRST_DAY_SPANS.map((span) => [String(span), sumSince(start, span, rowLocale === "" ? (locale ?? null) : rowLocale)])) as FirstDaysReport["rows"][number]["downloads"],
    });
    const rows = [...published].sort(([a], [b]) => a.localeCompare(b)).map(([l, day]) => row(l, day));
    if (!locale && published.size > 1) rows.unshift(row("", first));
    return { episodeId, rows };
  }

  private async labelCampaigns(rows: { key: string; label?: string }[]): Promise<void> {
    const names = await this.repository.campaignNames(rows.map((r) => r.key).filter((k) => k !== ""));
    for (const row of rows) {
      const name = names.get(row.key);
      if (name !== undefined) row.label = name;
    }
  }
}

const minDay = (a: string, b: string) => (a < b ? a : b);
const maxDay = (a: string, b: string) => (a > b ? a : b);

/** Which ListenerDaily rows answer a listener report for a scope and grouping. */
export function listenerSelection(scope: Scope, by: GroupBy | "total"): ListenerSelection {
  const base = { showId: scope.showId ?? "", episodeId: scope.episodeId ?? "", locale: scope.locale ?? "" };
  if (by === "episode") return { ...base, showId: scope.showId ?? "*", episodeId: scope.episodeId ?? "*", dimension: "total", groupColumn: "episodeId" };
  if (by === "locale") return { ...base, locale: scope.locale ?? "*", dimension: "total", groupColumn: "locale" };
  const dimension: ListenerDimension = by === "total" || isTimeGroup(by) ? (scope.campaignId !== undefined ? "campaign" : "total") : (by as ListenerDimension);
  return { ...base, dimension, ...(scope.campaignId !== undefined ? { key: scope.campaignId } : {}) };
}
