/**
 * A brute-force oracle for business time, test code only: it steps through
 * time one minute at a time, reads the wall clock of the calendar's zone with
 * Intl.DateTimeFormat, and decides for each minute whether it is working time.
 *
 * The documented rule is that a working interval starts when the wall clock
 * first reads its start (or later) and ends when it first reads its end (or
 * later). Equivalently: a minute is working time when the highest wall-clock
 * reading seen so far falls inside a working interval of its own day. The
 * oracle checks exactly that, with nothing shared with the library but the
 * calendar's JSON data.
 */
import type { BusinessCalendar } from 'dealer-crm/complaints';

const MINUTE = 60_000;
const DAY = 86_400_000;
const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;

function minutesOf(time: string): number {
  return Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
}

/** The working intervals (minutes after midnight) of a `YYYY-MM-DD` day, read straight from the calendar data. */
export function oracleHoursOn(calendar: BusinessCalendar, date: string): [number, number][] {
  const toMinutes = (hours: readonly { start: string; end: string }[]) => hours.map((h) => [minutesOf(h.start), minutesOf(h.end)] as [number, number]);
  const override = calendar.overrides.find((entry) => entry.date === date);
  if (override) return toMinutes(override.hours);
  if (calendar.holidays.some((holiday) => holiday.date === date)) return [];
  const extra = calendar.extraWorkingDays.find((day) => day.date === date);
  if (extra) return toMinutes(extra.hours);
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  return toMinutes(calendar.weeklyHours[WEEKDAYS[weekday]!]);
}

/** Minute-by-minute working flags over a window of instants. */
export class MinuteOracle {
  /** First minute instant of the window (ms, on a minute boundary). */
  readonly from: number;
  /** End of the window (exclusive). */
  readonly to: number;
  private readonly working: Uint8Array;

  constructor(calendar: BusinessCalendar, from: number, to: number) {
    this.from = Math.floor(from / MINUTE) * MINUTE;
    this.to = Math.ceil(to / MINUTE) * MINUTE;
    const format = new Intl.DateTimeFormat('en-CA', {
      timeZone: calendar.timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    });
    const wall = (instant: number): number => {
      const parts: Record<string, string> = {};
      for (const part of format.formatToParts(new Date(instant))) parts[part.type] = part.value;
      return Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute));
    };
    const hoursCache = new Map<number, [number, number][]>();
    const hoursOf = (day: number) => {
      let hours = hoursCache.get(day);
      if (!hours) hoursCache.set(day, (hours = oracleHoursOn(calendar, new Date(day * DAY).toISOString().slice(0, 10))));
      return hours;
    };
    // The running maximum needs some history: start a day and a half early.
    let highest = -Infinity;
    for (let t = this.from - 36 * 60 * MINUTE; t < this.from; t += MINUTE) highest = Math.max(highest, wall(t));
    const count = (this.to - this.from) / MINUTE;
    this.working = new Uint8Array(count);
    for (let i = 0; i < count; i++) {
      highest = Math.max(highest, wall(this.from + i * MINUTE));
      const day = Math.floor(highest / DAY);
      const minute = (highest - day * DAY) / MINUTE;
      this.working[i] = hoursOf(day).some(([start, end]) => minute >= start && minute < end) ? 1 : 0;
    }
  }

  /** Whether the minute starting at `instant` is working time. */
  isWorking(instant: number): boolean {
    return this.working[this.index(instant)] === 1;
  }

  /** Working time in `[from, to)`, both on minute boundaries, counted minute by minute (ms). */
  between(from: number, to: number): number {
    let minutes = 0;
    for (let i = this.index(from); i < this.index(to); i++) minutes += this.working[i]!;
    return minutes * MINUTE;
  }

  /** The earliest instant with `durationMs` (whole minutes) of working time since `start`, stepping minute by minute. */
  add(start: number, durationMs: number): number {
    let left = durationMs / MINUTE;
    let i = this.index(start);
    while (left > 0) {
      if (i >= this.working.length) throw new Error('oracle window too short');
      left -= this.working[i]!;
      i += 1;
    }
    return this.from + i * MINUTE;
  }

  private index(instant: number): number {
    if (instant % MINUTE !== 0) throw new Error('oracle instants must be on minute boundaries');
    const i = (instant - this.from) / MINUTE;
    if (i < 0 || i > this.working.length) throw new Error(`instant ${new Date(instant).toISOString()} is outside the oracle window`);
    return i;
  }
}
