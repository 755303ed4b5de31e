import type { Locale } from "../i18n.ts";

/** Which digits Arabic pages use: Arabic-Indic by default, Latin by the user's preference. */
export type Digits = "arab" | "latn";
export const DIGITS_COOKIE = "digits";
export const TIME_ZONE_COOKIE = "tz";

export function isTimeZone(value: unknown): value is string {
  if (typeof value !== "string" || value.length > 64) return false;
  try {
    new Intl.DateTimeFormat("en", { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

/** The BCP 47 tag handed to Intl (server and browser alike), e.g. `ar-u-nu-arab`. */
export function intlLocaleOf(locale: Locale, digits: Digits): string {
  return locale === "ar" ? `ar-u-nu-${digits}` : locale;
}

export function defaultDigits(locale: Locale): Digits {
  return locale === "ar" ? "arab" : "latn";
}

/** Every number, date and duration the admin shows goes through one of these, so digits and order follow the locale. */
export class Formatter {
  readonly intlLocale: string;

  constructor(
    readonly locale: Locale,
    readonly digits: Digits,
    readonly timeZone: string,
  ) {
    this.intlLocale = intlLocaleOf(locale, digits);
  }

  number(value: number, options: Intl.NumberFormatOptions = {}): string {
    return new Intl.NumberFormat(this.intlLocale, options).format(value);
  }

  percent(fraction: number): string {
    return this.number(fraction, { style: "percent", maximumFractionDigits: 0 });
  }

  /** Loudness and peaks: one decimal, with the unit translated by the caller. */
  decimal(value: number, fractionDigits = 1): string {
    return this.number(value, { minimumFractionDigits: fractionDigits, maximumFractionDigits: fractionDigits });
  }

  bytes(value: number): string {
    const units = ["byte", "kilobyte", "megabyte", "gigabyte"] as const;
    let unit = 0;
    let amount = value;
    while (amount >= 1000 && unit < units.length - 1) {
      amount /= 1000;
      unit++;
    }
    return this.number(amount, { style: "unit", unit: units[unit], unitDisplay: "short", maximumFractionDigits: unit === 0 ? 0 : 1 });
  }

  date(value: Date): string {
    return new Intl.DateTimeFormat(this.intlLocale, { dateStyle: "medium", timeZone: this.timeZone }).format(value);
  }

  dateTime(value: Date): string {
    return new Intl.DateTimeFormat(this.intlLocale, { dateStyle: "medium", timeStyle: "short", timeZone: this.timeZone }).format(value);
  }

  /** A calendar day given as YYYY-MM-DD (analytics keys), shown without time-zone shifting. */
  day(isoDay: string): string {
    return new Intl.DateTimeFormat(this.intlLocale, { dateStyle: "medium", timeZone: "UTC" }).format(new Date(`${isoDay}T00:00:00Z`));
  }

  /** Seconds → h:mm:ss or m:ss, with the locale's digits. */
  duration(seconds: number): string {
    const total = Math.round(seconds);
    const h = Math.floor(total / 3600);
    const m = Math.floor((total % 3600) / 60);
    const s = total % 60;
    const two = (n: number) => this.number(n, { minimumIntegerDigits: 2, useGrouping: false });
    const head = h > 0 ? `${this.number(h, { useGrouping: false })}:${two(m)}` : this.number(m, { useGrouping: false });
    return `${head}:${two(s)}`;
  }

  /** The value for an `<input type="datetime-local">`, in the user's time zone (always Latin digits: it is a machine format). */
  dateTimeLocalValue(value: Date): string {
    const parts = Object.fromEntries(
      new Intl.DateTimeFormat("en-CA", {
        timeZone: this.timeZone,
        hourCycle: "h23",
        year: "numeric",
        month: "2-digit",
        day: "2-digit",
        hour: "2-digit",
        minute: "2-digit",
      })
        .formatToParts(value)
        .map((p) => [p.type, p.value]),
    );
    return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
  }
}

/** Offset of a time zone from UTC at an instant, in minutes (positive east of Greenwich). */
function offsetMinutes(timeZone: string, at: Date): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    })
      .formatToParts(at)
      .map((p) => [p.type, Number(p.value)]),
  );
  const asUtc = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
  return Math.round((asUtc - Math.floor(at.getTime() / 1000) * 1000) / 60_000);
}

/**
 * `2026-03-01T09:30` typed in a datetime-local field, read as wall-clock time in `timeZone` → the
 * instant. Undefined when the text is not such a value.
 */
export function parseDateTimeLocal(value: string, timeZone: string): Date | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value.trim());
  if (!match) return undefined;
  const [y, mo, d, h, mi, s] = match.slice(1).map((v) => Number(v ?? 0));
  const wall = Date.UTC(y, mo - 1, d, h, mi, s);
  if (Number.isNaN(wall)) return undefined;
  // Two passes settle the offset across a daylight-saving change.
  let instant = wall - offsetMinutes(timeZone, new Date(wall)) * 60_000;
  instant = wall - offsetMinutes(timeZone, new Date(instant)) * 60_000;
  return new Date(instant);
}
