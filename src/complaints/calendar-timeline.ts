import { invalid } from '../core/index.js';
import type { BusinessCalendar } from './business-calendar.js';
import { DAY_MS, MINUTES_PER_DAY, MINUTE_MS, dateOfDayNumber, dayNumberOf, localDayNumberAt, wallClockToInstant, weekdayOfDayNumber, zoneOffsetMs } from './wall-clock.js';
import { minutesOfTimeOfDay } from './working-hours.js';

/** Which rule of the calendar decided a day's hours. */
export type BusinessDayRule = 'override' | 'holiday' | 'extra_working_day' | 'weekly';

/** A day's wall-clock working intervals in minutes after midnight, and the rule that gave them. */
interface DayHours {
  readonly rule: BusinessDayRule;
  readonly name: string;
  readonly minutes: readonly (readonly [number, number])[];
}

/** How many days the index grows by at a time. */
const CHUNK_DAYS = 366;
/** Give up looking for working time after this many empty chunks in a row. */
const MAX_EMPTY_CHUNKS = 4;

/**
 * The compiled form of a business calendar: its working intervals as sorted
 * instants with a running sum of working milliseconds, so that business time
 * between two instants is a difference of two prefix sums and adding business
 * time is one binary search. Days are compiled lazily, a year at a time, the
 * wall-clock boundaries converted to instants with the rule of
 * {@link instantOfWallClock}. Internal to the module; each defined calendar
 * owns one (no state is shared between calendars).
 */
export class CalendarTimeline {
  readonly name: string;
  readonly timeZone: string;
  /** Open around the clock with no exceptions: business time is elapsed time. */
  readonly continuous: boolean;
  private readonly weekly: readonly DayHours[];
  private readonly holidays: ReadonlyMap<number, string>;
  private readonly extra: ReadonlyMap<number, DayHours>;
  private readonly overrides: ReadonlyMap<number, DayHours>;
  private readonly coverageFrom: number | undefined;
  private readonly coverageTo: number | undefined;

  /** Compiled days: [firstDay, endDay). */
  private firstDay = 0;
  private endDay = 0;
  /** Instants at which the first compiled day starts and the day after the last compiled day starts. */
  private fromInstant = 0;
  private toInstant = 0;
  private starts: number[] = [];
  private ends: number[] = [];
  private days: number[] = [];
  /** cum[i] = working milliseconds from the first compiled day to starts[i]; cum[n] = the total. */
  private cum: number[] = [0];

  constructor(calendar: BusinessCalendar) {
    this.name = calendar.name;
    this.timeZone = calendar.timeZone;
    const hours = (rule: BusinessDayRule, name: string, list: readonly { start: string; end: string }[]): DayHours => ({
      rule,
      name,
      minutes: list.map((interval) => [minutesOfTimeOfDay(interval.start), minutesOfTimeOfDay(interval.end)] as const),
    });
    this.weekly = (['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const).map((key) => hours('weekly', key, calendar.weeklyHours[key]));
    this.holidays = new Map(calendar.holidays.map((holiday) => [dayNumberOf(holiday.date), holiday.name]));
    this.extra = new Map(calendar.extraWorkingDays.map((day) => [dayNumberOf(day.date), hours('extra_working_day', day.name, day.hours)]));
    this.overrides = new Map(calendar.overrides.map((entry) => [dayNumberOf(entry.date), hours('override', entry.note, entry.hours)]));
    this.coverageFrom = calendar.coverage === undefined ? undefined : dayNumberOf(calendar.coverage.from);
    this.coverageTo = calendar.coverage === undefined ? undefined : dayNumberOf(calendar.coverage.to);
    const fullDay = (day: DayHours) => day.minutes.length === 1 && day.minutes[0]![0] === 0 && day.minutes[0]![1] === MINUTES_PER_DAY;
    this.continuous = this.weekly.every(fullDay) && this.holidays.size === 0 && [...this.overrides.values()].every(fullDay) && calendar.coverage === undefined;
  }

  /** The wall-clock hours of a local day and the rule that decided them. */
  hoursOfDay(day: number): DayHours {
    const override = this.overrides.get(day);
    if (override) return override;
    const holiday = this.holidays.get(day);
    if (holiday !== undefined) return { rule: 'holiday', name: holiday, minutes: [] };
    return this.extra.get(day) ?? this.weekly[weekdayOfDayNumber(day)]!;
  }

  /** Whether a local day is inside the calendar's coverage (always, when it has none). */
  covers(day: number): boolean {
    return (this.coverageFrom === undefined || day >= this.coverageFrom) && (this.coverageTo === undefined || day <= this.coverageTo);
  }

  /** Throws a ValidationError at `path` when `day` is outside the coverage. */
  assertCovered(day: number, path: string): void {
    if (!this.covers(day)) {
      invalid(
        path,
        `calendar "${this.name}" has holiday data from ${dateOfDayNumber(this.coverageFrom ?? day)} to ${dateOfDayNumber(this.coverageTo ?? day)}; ` +
          `${dateOfDayNumber(day)} is outside it — add that year's holidays and make-up working days to the calendar`,
      );
    }
  }

  /** The local day an instant falls on, as the calendar reads it. */
  dayOf(instantMs: number): number {
    return localDayNumberAt(this.timeZone, instantMs);
  }

  /** The instant a local day starts (its first wall-clock midnight, or the end of a gap at midnight). */
  dayStart(day: number): number {
    return wallClockToInstant(this.timeZone, day, 0);
  }

  /** Working milliseconds between two instants (`from <= to`). */
  between(from: number, to: number, fromPath: string, toPath: string): number {
    if (this.continuous) return to - from;
    this.ensureInstant(from, fromPath);
    this.ensureInstant(to, toPath);
    return this.cumAt(to) - this.cumAt(from);
  }

  /**
   * The earliest instant `t >= start` with `durationMs` working milliseconds
   * between `start` and `t` (so a deadline that lands on a closing time stays
   * there, and a zero duration returns `start`).
   */
  add(start: number, durationMs: number, startPath: string, durationPath: string): number {
    if (durationMs === 0 || this.continuous) return start + durationMs;
    this.ensureInstant(start, startPath);
    const target = this.cumAt(start) + durationMs;
    this.extendUntil(() => this.cum[this.cum.length - 1]! >= target, durationPath);
    // The first interval whose running sum at its end reaches the target.
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.cum[mid + 1]! >= target) hi = mid;
      else lo = mid + 1;
    }
    return this.ends[lo]! - (this.cum[lo + 1]! - target);
  }

  /** The instant itself when it is working time, else the start of the next working interval. */
  nextOpening(instantMs: number, path: string): number {
    if (this.continuous) return instantMs;
    this.ensureInstant(instantMs, path);
    let i = this.indexAtOrBefore(instantMs);
    if (i >= 0 && instantMs < this.ends[i]!) return instantMs;
    i += 1;
    this.extendUntil(() => i < this.starts.length, path);
    return this.starts[i]!;
  }

  /** Whether an instant is inside a working interval. */
  isWorkingInstant(instantMs: number, path: string): boolean {
    if (this.continuous) return true;
    this.ensureInstant(instantMs, path);
    const i = this.indexAtOrBefore(instantMs);
    return i >= 0 && instantMs < this.ends[i]!;
  }

  /** The working intervals (as instants) that fall between two instants, clipped to them, with their local day. */
  intervalsBetween(from: number, to: number, fromPath: string, toPath: string): { start: number; end: number; day: number }[] {
    const out: { start: number; end: number; day: number }[] = [];
    if (this.continuous) {
      // Split at local midnights so that each piece names its day.
      let cursor = from;
      while (cursor < to) {
        const day = this.dayOf(cursor);
        const next = Math.min(to, this.dayStart(day + 1));
        out.push({ start: cursor, end: next, day });
        cursor = next;
      }
      return out;
    }
    this.ensureInstant(from, fromPath);
    this.ensureInstant(to, toPath);
    for (let i = Math.max(0, this.indexAtOrBefore(from)); i < this.starts.length && this.starts[i]! < to; i++) {
      const start = Math.max(from, this.starts[i]!);
      const end = Math.min(to, this.ends[i]!);
      if (end > start) out.push({ start, end, day: this.days[i]! });
    }
    return out;
  }

  /** The working intervals of one local day, as instants (empty for a closed day). */
  intervalsOfDay(day: number): { start: number; end: number }[] {
    return this.compileDay(day).map(([start, end]) => ({ start, end }));
  }

  private cumAt(instantMs: number): number {
    const i = this.indexAtOrBefore(instantMs);
    if (i < 0) return 0;
    return this.cum[i]! + Math.min(instantMs, this.ends[i]!) - this.starts[i]!;
  }

  /** The last interval starting at or before the instant, or -1. */
  private indexAtOrBefore(instantMs: number): number {
    let lo = 0;
    let hi = this.starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.starts[mid]! <= instantMs) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1;
  }

  /** Makes sure the day of an instant (and the day either side, inside the coverage) is compiled. */
  private ensureInstant(instantMs: number, path: string): void {
    if (instantMs >= this.fromInstant && instantMs < this.toInstant) return;
    const day = this.dayOf(instantMs);
    this.assertCovered(day, path);
    const from = this.covers(day - 1) ? day - 1 : day;
    const to = this.covers(day + 1) ? day + 1 : day;
    if (this.endDay === this.firstDay) {
      this.append(from, this.clipEnd(Math.max(to + 1, from + CHUNK_DAYS)));
    } else {
      if (from < this.firstDay) this.prepend(Math.min(from, this.clipStart(this.firstDay - CHUNK_DAYS)));
      if (to >= this.endDay) this.append(this.endDay, this.clipEnd(Math.max(to + 1, this.endDay + CHUNK_DAYS)));
    }
  }

  /** Compiles further days until `done()` holds, failing at the coverage end or after years without working time. */
  private extendUntil(done: () => boolean, path: string): void {
    let empty = 0;
    while (!done()) {
      if (!this.covers(this.endDay)) this.assertCovered(this.endDay, path);
      const before = this.starts.length;
      this.append(this.endDay, this.clipEnd(this.endDay + CHUNK_DAYS));
      empty = this.starts.length === before ? empty + 1 : 0;
      if (empty >= MAX_EMPTY_CHUNKS) invalid(path, `calendar "${this.name}" has no working time after ${dateOfDayNumber(this.endDay - empty * CHUNK_DAYS)}`);
    }
  }

  private clipEnd(endDay: number): number {
    return this.coverageTo === undefined ? endDay : Math.min(endDay, this.coverageTo + 1);
  }

  private clipStart(firstDay: number): number {
    return this.coverageFrom === undefined ? firstDay : Math.max(firstDay, this.coverageFrom);
  }

  private append(fromDay: number, toDay: number): void {
    if (toDay <= fromDay) return;
    if (this.endDay === this.firstDay) {
      this.firstDay = fromDay;
      this.endDay = fromDay;
      this.fromInstant = this.dayStart(fromDay);
    }
    let total = this.cum[this.cum.length - 1]!;
    for (let day = fromDay; day < toDay; day++) {
      for (const [start, end] of this.compileDay(day)) {
        this.starts.push(start);
        this.ends.push(end);
        this.days.push(day);
        total += end - start;
        this.cum.push(total);
      }
    }
    this.endDay = toDay;
    this.toInstant = this.dayStart(toDay);
  }

  private prepend(fromDay: number): void {
    if (fromDay >= this.firstDay) return;
    const starts: number[] = [];
    const ends: number[] = [];
    const days: number[] = [];
    for (let day = fromDay; day < this.firstDay; day++) {
      for (const [start, end] of this.compileDay(day)) {
        starts.push(start);
        ends.push(end);
        days.push(day);
      }
    }
    this.starts = starts.concat(this.starts);
    this.ends = ends.concat(this.ends);
    this.days = days.concat(this.days);
    const cum = new Array<number>(this.starts.length + 1);
    cum[0] = 0;
    for (let i = 0; i < this.starts.length; i++) cum[i + 1] = cum[i]! + this.ends[i]! - this.starts[i]!;
    this.cum = cum;
    this.firstDay = fromDay;
    this.fromInstant = this.dayStart(fromDay);
  }

  /** A day's working intervals as instants, empty ones (inside a daylight-saving gap) dropped. */
  private compileDay(day: number): [number, number][] {
    const { minutes } = this.hoursOfDay(day);
    if (minutes.length === 0) return [];
    const naiveStart = day * DAY_MS;
    const zone = this.timeZone;
    // One offset for the whole day when the zone has no transition within a day either side
    // (two transitions that close together do not occur in the time-zone database).
    const offset = zoneOffsetMs(zone, naiveStart - DAY_MS);
    const steady = offset === zoneOffsetMs(zone, naiveStart + 2 * DAY_MS);
    const toInstant = (minute: number) => (steady ? naiveStart + minute * MINUTE_MS - offset : minute === MINUTES_PER_DAY ? wallClockToInstant(zone, day + 1, 0) : wallClockToInstant(zone, day, minute));
    const out: [number, number][] = [];
    for (const [startMinute, endMinute] of minutes) {
      const start = toInstant(startMinute);
      const end = toInstant(endMinute);
      if (end > start) out.push([start, end]);
    }
    return out;
  }
}
