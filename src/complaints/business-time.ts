import { CalendarDateSchema, InstantSchema, TimeZoneSchema, invalid, parse } from '../core/index.js';
import { timelineOf, type BusinessCalendar, type BusinessCalendarConfig } from './business-calendar.js';
import type { BusinessDayRule } from './calendar-timeline.js';
import { dateOfDayNumber, dayNumberOf, wallClockToInstant } from './wall-clock.js';
import { TimeOfDaySchema, minutesOfTimeOfDay } from './working-hours.js';

/**
 * A calendar argument: a calendar from {@link defineBusinessCalendar} (fast),
 * or a plain configuration, which is parsed on every call (slow; define once).
 */
export type BusinessCalendarArg = BusinessCalendar | BusinessCalendarConfig;

/**
 * Adds business time to an instant: the earliest instant `t >= start` such
 * that the calendar has exactly `durationMs` of working time between `start`
 * and `t`.
 *
 * Rules: a clock started outside working time starts at the next opening; a
 * deadline that lands exactly on a closing time stays there (it does not move
 * to the next opening); a zero duration returns `start` unchanged;
 * `businessTimeBetween(c, s, addBusinessTime(c, s, d)) === d` and
 * `addBusinessTime(c, addBusinessTime(c, s, a), b) === addBusinessTime(c, s, a + b)`.
 * Working hours are wall-clock hours in the calendar's zone, so a business day
 * spanning a daylight-saving change is as long as its wall-clock hours say; see
 * {@link instantOfWallClock} for boundaries that fall in a gap or a fold.
 * Works interval by interval (a binary search over precomputed working
 * intervals), never minute by minute.
 *
 * @param durationMs - business time to add, a non-negative whole number of milliseconds.
 * @throws `ValidationError` for an invalid instant, a negative or
 * fractional duration, a bad calendar, or a result outside the calendar's
 * holiday coverage.
 * @example
 * ```ts
 * // Friday 16:00 plus 4 business hours on 08:30–12:00 / 13:30–18:00 → Monday 10:30
 * addBusinessTime(calendar, new Date('2024-06-14T16:00:00+08:00'), 4 * 3_600_000);
 * ```
 */
export function addBusinessTime(calendar: BusinessCalendarArg, start: Date | string, durationMs: number): Date {
  const timeline = timelineOf(calendar);
  const from = instantMs(start, 'start');
  checkDuration(durationMs, 'durationMs');
  return new Date(timeline.add(from, durationMs, 'start', 'durationMs'));
}

/**
 * The business time between two instants, in milliseconds: the working time of
 * the calendar inside `[from, to)`. The inverse of {@link addBusinessTime}.
 *
 * @throws `ValidationError` for an invalid instant, `to` before `from`,
 * a bad calendar, or an instant outside the calendar's holiday coverage.
 * @example
 * ```ts
 * businessTimeBetween(calendar, new Date('2024-06-14T16:00:00+08:00'), new Date('2024-06-17T10:30:00+08:00')); // 14 400 000
 * ```
 */
export function businessTimeBetween(calendar: BusinessCalendarArg, from: Date | string, to: Date | string): number {
  const timeline = timelineOf(calendar);
  const a = instantMs(from, 'from');
  const b = instantMs(to, 'to');
  if (b < a) invalid('to', `expected an instant on or after from (${new Date(a).toISOString()}), got ${new Date(b).toISOString()}`);
  return timeline.between(a, b, 'from', 'to');
}

/**
 * The next opening at or after an instant: the instant itself when it is inside
 * working hours, else the start of the next working interval. This is when a
 * clock started at `instant` begins to run.
 *
 * @throws `ValidationError` for an invalid instant, a bad calendar, or
 * when the next opening lies outside the calendar's holiday coverage.
 */
export function nextBusinessOpening(calendar: BusinessCalendarArg, instant: Date | string): Date {
  const timeline = timelineOf(calendar);
  return new Date(timeline.nextOpening(instantMs(instant, 'instant'), 'instant'));
}

/**
 * Whether an instant falls inside the calendar's working hours (a working
 * interval includes its start and excludes its end).
 *
 * @throws `ValidationError` for an invalid instant, a bad calendar, or an
 * instant outside the calendar's holiday coverage.
 */
export function isWithinBusinessHours(calendar: BusinessCalendarArg, instant: Date | string): boolean {
  const timeline = timelineOf(calendar);
  return timeline.isWorkingInstant(instantMs(instant, 'instant'), 'instant');
}

/**
 * Whether a calendar day (`YYYY-MM-DD`, read in the calendar's zone) has any
 * working time: a weekday with hours, a make-up working day, or a date
 * override with hours — and not a holiday. Build the segmentation contact
 * plan's `isWorkingDay(day)` predicate from it.
 *
 * @throws `ValidationError` for a malformed date, a bad calendar, or a
 * date outside the calendar's holiday coverage.
 * @example
 * ```ts
 * isBusinessDay(chinaCalendar, '2024-10-01'); // false: National Day
 * isBusinessDay(chinaCalendar, '2024-10-12'); // true: a make-up Saturday
 * const isWorkingDay = (day: string) => isBusinessDay(chinaCalendar, day);
 * ```
 */
export function isBusinessDay(calendar: BusinessCalendarArg, date: string): boolean {
  return businessHoursOn(calendar, date).intervals.length > 0;
}

/** The working hours of one calendar day, as instants, with the rule that set them. */
export interface BusinessDayHours {
  /** The day, `YYYY-MM-DD`, in the calendar's zone. */
  readonly date: string;
  /** Which rule of the calendar decided this day: a date override, a holiday, an extra (make-up) working day, or the weekly hours. */
  readonly rule: BusinessDayRule;
  /** The holiday's or extra working day's name, the override's note, or the weekday. */
  readonly name: string;
  /** The day's working intervals as instants, start included, end excluded; empty when closed. */
  readonly intervals: readonly { readonly start: Date; readonly end: Date }[];
  /** The day's working time in milliseconds (wall-clock hours, adjusted on a daylight-saving day). */
  readonly workingMs: number;
}

/**
 * The working hours of one calendar day: its intervals as instants and which
 * rule decided them (override, holiday, make-up day, weekly hours). Explains
 * any figure of {@link businessTimeBetween} day by day.
 *
 * @throws `ValidationError` for a malformed date, a bad calendar, or a
 * date outside the calendar's holiday coverage.
 */
export function businessHoursOn(calendar: BusinessCalendarArg, date: string): BusinessDayHours {
  const timeline = timelineOf(calendar);
  const day = dayNumberOf(parse(CalendarDateSchema, date, { path: 'date' }));
  timeline.assertCovered(day, 'date');
  const hours = timeline.hoursOfDay(day);
  const intervals = timeline.intervalsOfDay(day);
  return {
    date,
    rule: hours.rule,
    name: hours.name,
    intervals: intervals.map((interval) => ({ start: new Date(interval.start), end: new Date(interval.end) })),
    workingMs: intervals.reduce((sum, interval) => sum + interval.end - interval.start, 0),
  };
}

/** One stretch of working time counted by {@link businessIntervalsBetween}. */
export interface BusinessInterval {
  /** The local day it belongs to, `YYYY-MM-DD`. */
  readonly date: string;
  readonly start: Date;
  readonly end: Date;
  /** `end - start`, in milliseconds. */
  readonly durationMs: number;
}

/**
 * The working intervals between two instants, clipped to them, day by day —
 * the audit trail of a {@link businessTimeBetween} figure (their durations sum
 * to it).
 *
 * @throws `ValidationError` as {@link businessTimeBetween}.
 */
export function businessIntervalsBetween(calendar: BusinessCalendarArg, from: Date | string, to: Date | string): BusinessInterval[] {
  const timeline = timelineOf(calendar);
  const a = instantMs(from, 'from');
  const b = instantMs(to, 'to');
  if (b < a) invalid('to', `expected an instant on or after from (${new Date(a).toISOString()}), got ${new Date(b).toISOString()}`);
  return timeline.intervalsBetween(a, b, 'from', 'to').map((interval) => ({
    date: dateOfDayNumber(interval.day),
    start: new Date(interval.start),
    end: new Date(interval.end),
    durationMs: interval.end - interval.start,
  }));
}

/**
 * The instant at which the wall clock of a zone first reads a local date and
 * time, or later — the rule every calendar uses to turn working hours into
 * instants. An ordinary time has one instant; a time inside a daylight-saving
 * gap (02:30 on a spring-forward day in New York, which the clock skips) maps
 * to the end of the gap (03:00 EDT); a time inside a fold (01:30 on a
 * fall-back day, which the clock shows twice) maps to its first occurrence
 * (01:30 EDT). So a working interval starts when the wall clock first reaches
 * its start and ends when it first reaches its end: one that spans the
 * repeated hour gets it twice (a 25-hour day open around the clock), one that
 * spans the skipped hour loses it (a 23-hour day), and one that lies wholly in
 * the gap is empty. The mapping never decreases, so an interval never turns
 * inside out.
 *
 * @param time - `HH:mm`, `24:00` meaning the next day's midnight.
 * @throws `ValidationError` for an unknown zone, a malformed date or time.
 * @example
 * ```ts
 * instantOfWallClock('America/New_York', '2024-03-10', '02:30'); // 2024-03-10T07:00:00.000Z (03:00 EDT)
 * instantOfWallClock('America/New_York', '2024-11-03', '01:30'); // 2024-11-03T05:30:00.000Z (01:30 EDT)
 * ```
 */
export function instantOfWallClock(timeZone: string, date: string, time: string): Date {
  const zone = parse(TimeZoneSchema, timeZone, { path: 'timeZone' });
  const day = dayNumberOf(parse(CalendarDateSchema, date, { path: 'date' }));
  const minute = minutesOfTimeOfDay(parse(TimeOfDaySchema, time, { path: 'time' }));
  return new Date(wallClockToInstant(zone, day, minute));
}

/** Milliseconds since the epoch of an instant argument; a valid Date passes without a schema parse. */
export function instantMs(value: Date | string, path: string): number {
  if (value instanceof Date) {
    const ms = value.getTime();
    if (ms === ms) return ms;
  }
  return parse(InstantSchema, value, { path }).getTime();
}

/** Checks a duration argument: a non-negative whole number of milliseconds. */
export function checkDuration(value: number, path: string): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    invalid(path, `expected a non-negative whole number of milliseconds, got ${typeof value === 'number' ? String(value) : JSON.stringify(value) ?? typeof value}`);
  }
}
