import { TZDate, tzOffset, tzScan } from '@date-fns/tz';
import { addDays, addMonths, addYears, startOfDay, startOfMonth, startOfYear } from 'date-fns';

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
/** Offsets are looked up in chunks of about a year (2^35 ms ≈ 398 days). */
const CHUNK_SHIFT = 2 ** 35;
/** A memo never holds more entries than this; it is emptied when it would. */
const MEMO_LIMIT = 200_000;

/** A local calendar day: year, month 1–12, day 1–31. */
export interface LocalDay {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

interface OffsetSegment {
  readonly fromMs: number;
  readonly offsetMs: number;
}

/**
 * Calendar arithmetic in one IANA time zone. The arithmetic itself is done
 * by date-fns on `TZDate`s from @date-fns/tz; since that costs microseconds a
 * call, results that depend only on the local day are memoised per local day,
 * and the local day of an instant is found from the zone's offsets, scanned
 * once per year-sized chunk with `tzScan`.
 *
 * @internal
 */
export class ZonedCalendar {
  readonly zone: string;
  private readonly chunks = new Map<number, readonly OffsetSegment[]>();
  private readonly derived = new Map<string, DayMemo>();
  private readonly days = new Map<number, LocalDay>();

  constructor(zone: string) {
    this.zone = zone;
  }

  /** The zone's UTC offset at `ms`, in milliseconds. */
  offsetMs(ms: number): number {
    const chunk = Math.floor(ms / CHUNK_SHIFT);
    let segments = this.chunks.get(chunk);
    if (segments === undefined) {
      const start = chunk * CHUNK_SHIFT;
      const end = start + CHUNK_SHIFT;
      const list: OffsetSegment[] = [{ fromMs: start, offsetMs: tzOffset(this.zone, new Date(start)) * MINUTE_MS }];
      for (const change of tzScan(this.zone, { start: new Date(start), end: new Date(end) })) {
        list.push({ fromMs: this.exactChange(change.date.getTime(), change.offset), offsetMs: change.offset * MINUTE_MS });
      }
      segments = list;
      if (this.chunks.size >= MEMO_LIMIT) this.chunks.clear();
      this.chunks.set(chunk, segments);
    }
    let offset = segments[0]!.offsetMs;
    for (let i = 1; i < segments.length && segments[i]!.fromMs <= ms; i++) offset = segments[i]!.offsetMs;
    return offset;
  }

  /**
   * `tzScan` reports a change on its own scanning grid (minutes off when the
   * scan did not start on the hour); find the exact minute the zone takes
   * the new offset, by bisection with `tzOffset`.
   */
  private exactChange(approxMs: number, offsetMinutes: number): number {
    let lo = Math.floor((approxMs - 3 * 3_600_000) / MINUTE_MS);
    let hi = Math.ceil((approxMs + 3 * 3_600_000) / MINUTE_MS);
    const isNew = (minute: number) => tzOffset(this.zone, new Date(minute * MINUTE_MS)) === offsetMinutes;
    if (isNew(lo) || !isNew(hi)) return approxMs;
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (isNew(mid)) hi = mid;
      else lo = mid;
    }
    return hi * MINUTE_MS;
  }

  /** The instant last asked for by {@link dayNumber}, and its day: one event asks for the same instant several times. */
  private lastMs = Number.NaN;
  private lastDay = 0;

  /** The local day of `ms` as a day number (days since 1970-01-01 in local time). */
  dayNumber(ms: number): number {
    if (ms === this.lastMs) return this.lastDay;
    const day = Math.floor((ms + this.offsetMs(ms)) / DAY_MS);
    this.lastMs = ms;
    this.lastDay = day;
    return day;
  }

  /** The instant as a `TZDate` in this calendar's zone. */
  local(ms: number): TZDate {
    return new TZDate(ms, this.zone);
  }

  /**
   * Memoises a function of the local day of `ms` under `name`; `compute`
   * must depend on nothing but that day.
   */
  byDay(name: string, ms: number, compute: (ms: number) => number): number {
    return this.memoOf(name).get(ms, compute);
  }

  /**
   * The memo behind {@link byDay} under `name`, for callers that ask it on
   * every event: holding it saves looking the name up each time.
   */
  memoOf(name: string): DayMemo {
    let memo = this.derived.get(name);
    if (memo === undefined) {
      memo = new DayMemo(this);
      this.derived.set(name, memo);
    }
    return memo;
  }

  /** The start (00:00 local) of the local day that holds `ms`. */
  startOfDay(ms: number): number {
    return this.byDay('startOfDay', ms, (at) => startOfDay(this.local(at)).getTime());
  }

  /** The local calendar day that holds `ms`. */
  day(ms: number): LocalDay {
    const number = this.dayNumber(ms);
    let day = this.days.get(number);
    if (day === undefined) {
      const utc = new Date(number * DAY_MS);
      day = { year: utc.getUTCFullYear(), month: utc.getUTCMonth() + 1, day: utc.getUTCDate() };
      if (this.days.size >= MEMO_LIMIT) this.days.clear();
      this.days.set(number, day);
    }
    return day;
  }

  /** The local day of `ms` as `YYYY-MM-DD`. */
  isoDay(ms: number): string {
    const { year, month, day } = this.day(ms);
    return `${String(year).padStart(4, '0')}-${pad2(month)}-${pad2(day)}`;
  }

  /** The local month of `ms` as `YYYY-MM`. */
  isoMonth(ms: number): string {
    const { year, month } = this.day(ms);
    return `${String(year).padStart(4, '0')}-${pad2(month)}`;
  }

  /** The start of the local day `days` days after the local day of `ms`. */
  startOfDayAfterDays(ms: number, days: number): number {
    return addDays(startOfDay(this.local(ms)), days).getTime();
  }

  /** The start of the local day `months` months after the local day of `ms` (clamped to the month's end). */
  startOfDayAfterMonths(ms: number, months: number): number {
    return startOfDay(addMonths(this.local(ms), months)).getTime();
  }

  /** The start of the local month `months` months after the local month of `ms`. */
  startOfMonthAfterMonths(ms: number, months: number): number {
    return startOfMonth(addMonths(startOfMonth(this.local(ms)), months)).getTime();
  }

  /** The start of the local year `years` years after the local year of `ms`. */
  startOfYearAfterYears(ms: number, years: number): number {
    return addYears(startOfYear(this.local(ms)), years).getTime();
  }

  /** The start (00:00 local) of a calendar day. */
  startOfLocalDay(year: number, month: number, day: number): number {
    return new TZDate(year, month - 1, day, this.zone).getTime();
  }

  /** The start of a `YYYY-MM-DD` day. */
  startOfIsoDay(isoDay: string): number {
    const [year, month, day] = isoDay.split('-').map(Number) as [number, number, number];
    return this.startOfLocalDay(year, month, day);
  }
}

/**
 * Values memoised by local day (see {@link ZonedCalendar.byDay}); `compute`
 * must depend on nothing but the local day of its argument.
 *
 * @internal
 */
export class DayMemo {
  private readonly calendar: ZonedCalendar;
  private readonly values = new Map<number, number>();

  constructor(calendar: ZonedCalendar) {
    this.calendar = calendar;
  }

  /** The value for the local day of `ms`, computed on first use. */
  get(ms: number, compute: (ms: number) => number): number {
    const day = this.calendar.dayNumber(ms);
    let value = this.values.get(day);
    if (value === undefined) {
      value = compute(ms);
      if (this.values.size >= MEMO_LIMIT) this.values.clear();
      this.values.set(day, value);
    }
    return value;
  }
}

function pad2(value: number): string {
  return value < 10 ? `0${value}` : String(value);
}
