import type { Clock } from "../adapters/clock.ts";
import { AppError, notFound } from "../errors.ts";
import { hasLeftDraft, publicationTime } from "../episodes/episodes.presenter.ts";
import { SUPPORTED_LOCALES } from "../i18n.ts";
import { addDays, type AudienceDimension, DEFAULT_RANGE_DAYS, dayOf, FIRST_DAY_SPANS, type GroupBy, type ReportQuery } from "./analytics.schema.ts";
import type { AudienceSelection, Column, DayCount, DayRuns, KeyCount, ReportsRepository, Scope } from "./reports.repository.ts";

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

/** The days of a range up to today, as runs of rolled-up days (AudienceDaily) and of open days (DownloadDaily, Download). */
interface DaySplit {
  days: string[];
  closed: DayRuns;
  open: DayRuns;
  /**
   * For reports by key, the closed days again: whole months (runs of `YYYY-MM`, read from
   * AudienceMonthly) whose every rolled-up day is in the range, and the other closed days.
   */
  months: DayRuns;
  closedOutsideMonths: DayRuns;
}

function sumByKey(counts: KeyCount[]): KeyCount[] {
  const sums = new Map<string, number>();
  for (const { key, n } of counts) sums.set(key, (sums.get(key) ?? 0) + n);
  return [...sums].map(([key, n]) => ({ key, n }));
}

/** Appends `item` to the last run when that run ends at `previous`, else starts a new run. */
function extendRun(runs: [string, string][], item: string, previous: string): void {
  const run = runs.at(-1);
  if (run && run[1] === previous) run[1] = item;
  else runs.push([item, item]);
}

/** The month before `YYYY-MM`. */
function previousMonth(month: string): string {
  return addDays(`${month}-01`, -1).slice(0, 7);
}

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

  /**
   * Splits the range's days up to today into rolled-up and open runs. A month is read from
   * AudienceMonthly when the days it holds are exactly the month's rolled-up days, all of them
   * inside the range (its open days in the range are read as open days, like any other).
   */
  private async split(from: string, to: string): Promise<DaySplit> {
    const last = minDay(to, this.today());
    if (last < from) return { days: [], closed: [], open: [], months: [], closedOutsideMonths: [] };
    // The first and last months' other days too: whether a rolled-up day lies outside the range.
    const around = [`${from.slice(0, 7)}-01`, `${last.slice(0, 7)}-31`] as const;
    const [rolledAround, monthlyAround] = await Promise.all([this.repository.rolledDays(...around), this.repository.monthlyDays(...around)]);
    const wholeMonths = new Set<string>();
    for (const day of rolledAround) wholeMonths.add(day.slice(0, 7));
    for (const day of rolledAround) if (day < from || day > last || !monthlyAround.has(day)) wholeMonths.delete(day.slice(0, 7));
    for (const day of monthlyAround) if (!rolledAround.has(day)) wholeMonths.delete(day.slice(0, 7));
    const days = eachDay(from, last);
    const closed: [string, string][] = [];
    const open: [string, string][] = [];
    const closedOutsideMonths: [string, string][] = [];
    const months: [string, string][] = [];
    for (const day of days) {
      const month = day.slice(0, 7);
      if (!rolledAround.has(day)) extendRun(open, day, addDays(day, -1));
      else {
        extendRun(closed, day, addDays(day, -1));
        if (!wholeMonths.has(month)) extendRun(closedOutsideMonths, day, addDays(day, -1));
        else if (months.at(-1)?.[1] !== month) extendRun(months, month, previousMonth(month));
      }
    }
    return { days, closed, open, months, closedOutsideMonths };
  }

  /**
   * The AudienceDaily lookups that answer a report of `scope` grouped by `by` ("total": no
   * grouping). Filters pick the scope; groupBy=episode|locale lists the scope's episodes or
   * languages; the other groupBys are dimensions, and a campaign filter (listeners only) is the
   * campaign dimension's key.
   */
  private async selections(scope: Scope, by: GroupBy | "total"): Promise<AudienceSelection[]> {
    const base = { showId: scope.showId ?? "", episodeId: scope.episodeId ?? "", locale: scope.locale ?? "" };
    const campaign = scope.campaignId !== undefined ? { key: scope.campaignId } : {};
    if (by === "episode") {
      if (scope.episodeId !== undefined) return [{ ...base, dimension: "total", groupColumn: "episodeId" }];
      const byShow = await this.repository.episodeIdsByShow(scope.showId);
      return [...byShow].map(([showId, episodeIds]) => ({ ...base, showId, episodeId: episodeIds, dimension: "total", groupColumn: "episodeId" }));
    }
    if (by === "locale") return [{ ...base, locale: scope.locale ?? SUPPORTED_LOCALES, dimension: "total", groupColumn: "locale" }];
    if (by === "total" || isTimeGroup(by)) return [{ ...base, dimension: scope.campaignId !== undefined ? "campaign" : "total", ...campaign }];
    return [{ ...base, dimension: by as AudienceDimension, ...campaign }];
  }

  async downloads(query: ReportQuery): Promise<DownloadsReport> {
    const { from, to } = this.range(query);
    const scope = await this.scope(query);
    const column = GROUP_COLUMN[query.groupBy];
    let counts: KeyCount[];
    if (scope.campaignId !== undefined) {
      // A campaign is a dimension of the roll-up, not a scope: its downloads by anything else
      // come from the finer daily sums, over the whole range.
      counts = await this.repository.downloadsBy(scope, [[from, to]], column);
    } else {
      const split = await this.split(from, to);
      const selections = await this.selections(scope, query.groupBy);
      // Per day: AudienceDaily. Per key: whole months from AudienceMonthly, the other closed days from AudienceDaily.
      const byDay = isTimeGroup(query.groupBy);
      const parts = await Promise.all([
        ...selections.map((selection) => this.repository.rolledDownloads(selection, byDay ? split.closed : split.closedOutsideMonths, byDay)),
        ...(byDay ? [] : selections.map((selection) => this.repository.monthlyDownloads(selection, split.months))),
        this.repository.downloadsBy(scope, split.open, column),
      ]);
      counts = sumByKey(parts.flat());
    }
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
    const split = await this.split(from, to);
    const days = split.days;

    const totals = await this.dailyListeners(scope, split);
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
      // Per key: the sum of the daily counts (for the average) and the highest one. Whole months,
      // the other closed days and the open days are different days, so their sums add and the
      // peak is the highest of the three.
      const column = GROUP_COLUMN[groupBy];
      const selections = await this.selections(scope, groupBy);
      const [rolled, raw] = await Promise.all([
        Promise.all(
          selections.flatMap((selection) => [
            this.repository.monthlyListenersByKey(selection, split.months),
            this.repository.rolledListenersByKey(selection, split.closedOutsideMonths),
          ]),
        ),
        this.repository.rawListeners(scope, column, split.open),
      ]);
      const byKey = new Map<string, { sum: number; peak: number }>();
      const add = (key: string, sum: number, peak: number) => {
        const entry = byKey.get(key) ?? { sum: 0, peak: 0 };
        entry.sum += sum;
        entry.peak = Math.max(entry.peak, peak);
        byKey.set(key, entry);
      };
      for (const r of rolled.flat()) add(r.key, r.sum, r.peak);
      for (const c of raw) add(c.key, c.n, c.n);
      rows = [...byKey]
        .map(([key, e]) => ({ key, listeners: oneDecimal(e.sum / days.length), peak: e.peak }))
        .sort((a, b) => b.listeners - a.listeners || a.key.localeCompare(b.key));
      if (groupBy === "campaign") await this.labelCampaigns(rows);
    }
    return { groupBy, from, to, measure: "daily_unique", total: days.length ? oneDecimal(sum / days.length) : 0, days: days.length, peak, rows };
  }

  /**
   * Unique listeners of the scope per day: rolled-up days from AudienceDaily, the others (today,
   * yesterday until its roll-up) counted from the raw rows.
   */
  private async dailyListeners(scope: Scope, split: DaySplit): Promise<DayCount[]> {
    const selections = await this.selections(scope, "total");
    const parts = await Promise.all([
      ...selections.map((selection) => this.repository.rolledListeners(selection, split.closed)),
      this.repository.rawListeners(scope, null, split.open),
    ]);
    return parts.flat();
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
