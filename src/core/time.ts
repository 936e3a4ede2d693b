import { z } from 'zod';

// The instants whose ISO 8601 form has a plain four-digit year: 0000-01-01T00:00:00.000Z to 9999-12-31T23:59:59.999Z.
const MIN_INSTANT_MS = -62_167_219_200_000;
const MAX_INSTANT_MS = 253_402_300_799_999;
const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})$/;
const CALENDAR_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * An instant: a `Date`, or on the wire an ISO 8601 date-time string with a
 * `Z` or numeric offset (`2024-05-01T09:30:00+08:00`), parsed to a `Date`.
 * Rejects numbers, invalid dates and strings without an offset (a local time
 * names no instant).
 *
 * @example
 * ```ts
 * parse(InstantSchema, '2024-05-01T09:30:00+08:00'); // Date 2024-05-01T01:30:00.000Z
 * ```
 */
export const InstantSchema: z.ZodType<Date, Date | string> = z
  .union([z.date(), z.string()], {
    error: 'expected an instant: a Date or an ISO 8601 date-time string with an offset',
  })
  .transform((value, ctx) => {
    if (value instanceof Date) {
      if (Number.isNaN(value.getTime())) {
        ctx.addIssue({ code: 'custom', message: 'expected a valid Date, got Invalid Date' });
        return z.NEVER;
      }
      if (value.getTime() < MIN_INSTANT_MS || value.getTime() > MAX_INSTANT_MS) {
        // ISO 8601 needs an expanded, signed year outside 0000–9999, which
        // storage and the wire do not carry; no dealer record lives there.
        ctx.addIssue({ code: 'custom', message: `expected an instant between years 0000 and 9999, got ${value.toISOString()}` });
        return z.NEVER;
      }
      return value;
    }
    const parsed = parseIsoInstant(value);
    if (parsed === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: `expected an ISO 8601 date-time with an offset such as 2024-05-01T09:30:00+08:00, got ${JSON.stringify(truncate(value))}`,
      });
      return z.NEVER;
    }
    return parsed;
  });

/**
 * Parses an ISO 8601 date-time string with an offset to a `Date`, checking
 * that every field is in range (no 30 February, no hour 25). Returns
 * `undefined` for anything else.
 */
export function parseIsoInstant(text: string): Date | undefined {
  const match = ISO_INSTANT.exec(text);
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s] = match;
  if (!isRealDate(Number(y), Number(mo), Number(d))) return undefined;
  if (Number(h) > 23 || Number(mi) > 59 || Number(s ?? 0) > 59) return undefined;
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/**
 * A calendar day as a `YYYY-MM-DD` string (birthdays, holidays, warranty
 * dates). The day must exist: `2023-02-29` is rejected.
 *
 * @example
 * ```ts
 * parse(CalendarDateSchema, '2024-02-29'); // '2024-02-29'
 * ```
 */
export const CalendarDateSchema = z.string().refine(isCalendarDate, {
  error: (issue) => `expected a calendar date YYYY-MM-DD, got ${JSON.stringify(truncate(String(issue.input)))}`,
});

/** A calendar day as a `YYYY-MM-DD` string; see {@link CalendarDateSchema}. */
export type CalendarDate = string;

/** Whether `text` is a `YYYY-MM-DD` string naming a day that exists. */
export function isCalendarDate(text: string): boolean {
  const match = CALENDAR_DATE.exec(text);
  return match !== null && isRealDate(Number(match[1]), Number(match[2]), Number(match[3]));
}

function isRealDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= daysInMonth(year, month);
}

/** The number of days in a month of the proleptic Gregorian calendar (`month` 1–12). */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

const zoneCache = new Map<string, boolean>();

/**
 * Whether `zone` is an IANA time-zone name this runtime knows
 * (`Asia/Shanghai`, `Europe/Berlin`, `UTC`).
 */
export function isValidTimeZone(zone: string): boolean {
  let known = zoneCache.get(zone);
  if (known === undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: zone });
      known = zone.length > 0;
    } catch {
      known = false;
    }
    zoneCache.set(zone, known);
  }
  return known;
}

/**
 * An IANA time-zone name, checked against the runtime's zone database.
 *
 * @example
 * ```ts
 * parse(TimeZoneSchema, 'Asia/Shanghai');
 * ```
 */
export const TimeZoneSchema = z.string().refine(isValidTimeZone, {
  error: (issue) => `expected an IANA time zone such as Asia/Shanghai, got ${JSON.stringify(truncate(String(issue.input)))}`,
});

/** The default time zone of the library: China Standard Time. */
export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

/**
 * A source of the current time. Domain functions never read the clock; the
 * service facade takes a `Clock` so that tests and replays control time.
 */
export interface Clock {
  /** The current instant. */
  now(): Date;
}

function truncate(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
