import { TZDate, tzOffset } from '@date-fns/tz';

/** Milliseconds in a minute. */
export const MINUTE_MS = 60_000;
/** Milliseconds in a 24-hour span (a calendar day is not always this long in a zone with daylight-saving time). */
export const DAY_MS = 86_400_000;
/** Minutes in a wall-clock day: `24:00` is minute 1440. */
export const MINUTES_PER_DAY = 1440;

/**
 * The UTC offset of `timeZone` at an instant, in milliseconds (positive east of
 * Greenwich: `Asia/Shanghai` gives 28 800 000).
 */
export function zoneOffsetMs(timeZone: string, instantMs: number): number {
  return Math.round(tzOffset(timeZone, new Date(instantMs)) * MINUTE_MS);
}

/** The day number (days since 1970-01-01) of a `YYYY-MM-DD` calendar date. */
export function dayNumberOf(date: string): number {
  return Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / DAY_MS;
}

/** The `YYYY-MM-DD` calendar date of a day number (days since 1970-01-01). */
export function dateOfDayNumber(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** The weekday of a day number: 0 = Sunday … 6 = Saturday (1970-01-01 was a Thursday). */
export function weekdayOfDayNumber(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

/**
 * The local calendar day (as a day number) that the wall clock of `timeZone`
 * shows at an instant. Reads the zone through `TZDate`.
 */
export function localDayNumberAt(timeZone: string, instantMs: number): number {
  const local = new TZDate(instantMs, timeZone);
  return Date.UTC(local.getFullYear(), local.getMonth(), local.getDate()) / DAY_MS;
}

/**
 * The instant at which the wall clock of `timeZone` **first reads** the given
 * local day and minute **or later** — the one rule the library uses to turn a
 * wall-clock boundary into an instant:
 *
 * - an ordinary time maps to its one instant;
 * - a time inside a daylight-saving **gap** (02:30 on a spring-forward day in
 *   New York, which the clock skips) maps to the end of the gap, the instant the
 *   clock jumps to 03:00;
 * - a time inside a **fold** (01:30 on a fall-back day, which the clock shows
 *   twice) maps to its first occurrence.
 *
 * The mapping never decreases as the wall-clock time increases, so a working
 * interval can shrink to nothing (02:15–02:45 on a spring-forward day) but
 * never turns inside out. `minuteOfDay` may be 1440 (`24:00`), the next day's
 * midnight.
 *
 * @returns milliseconds since the epoch.
 */
export function wallClockToInstant(timeZone: string, day: number, minuteOfDay: number): number {
  const local = day * DAY_MS + minuteOfDay * MINUTE_MS;
  const before = zoneOffsetMs(timeZone, local - DAY_MS);
  const after = zoneOffsetMs(timeZone, local + DAY_MS);
  const offsets = before === after ? [before] : [before, after];
  let found = resolveWith(timeZone, local, offsets);
  if (found === undefined && before === after) {
    // Two transitions within two days (rare, historical): look closer.
    const more = new Set<number>();
    for (let h = -48; h <= 48; h += 3) more.add(zoneOffsetMs(timeZone, local + h * 3_600_000));
    found = resolveWith(timeZone, local, [...more]);
  }
  return found ?? local - before;
}

/**
 * The earliest instant whose wall-clock reading equals `local` for one of the
 * candidate offsets; or, when no offset fits (a gap), the transition instant
 * at which the clock jumps past `local`.
 */
function resolveWith(timeZone: string, local: number, offsets: readonly number[]): number | undefined {
  let earliest: number | undefined;
  for (const offset of offsets) {
    const instant = local - offset;
    if (zoneOffsetMs(timeZone, instant) === offset && (earliest === undefined || instant < earliest)) earliest = instant;
  }
  if (earliest !== undefined || offsets.length < 2) return earliest;
  // A gap: before the transition the wall clock reads less than `local`, after it more.
  let lo = Math.min(...offsets.map((offset) => local - offset));
  let hi = Math.max(...offsets.map((offset) => local - offset));
  if (reads(timeZone, lo) >= local || reads(timeZone, hi) < local) return undefined;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (reads(timeZone, mid) >= local) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** The wall-clock reading at an instant, as naive local milliseconds. */
function reads(timeZone: string, instantMs: number): number {
  return instantMs + zoneOffsetMs(timeZone, instantMs);
}
