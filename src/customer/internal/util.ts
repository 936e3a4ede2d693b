import { TZDate } from '@date-fns/tz';
import { InstantSchema, parse } from '../../core/index.js';

/** Milliseconds in a day of 24 hours (elapsed time, not calendar days). */
export const DAY_MS = 86_400_000;

/**
 * Compares two strings by UTF-16 code units: the same order on every runtime
 * and locale, which keeps outputs deterministic (unlike `localeCompare`).
 */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Parses an `asOf`-like instant option (a Date or an ISO string with offset), naming `path` on failure. */
export function parseInstant(value: unknown, path: string, label?: string): Date {
  return parse(InstantSchema, value, label === undefined ? { path } : { path, label });
}

/** The calendar day (`YYYY-MM-DD`) an instant falls on in an IANA time zone. */
export function calendarDateIn(instant: Date, timeZone: string): string {
  const local = new TZDate(instant.getTime(), timeZone);
  const y = String(local.getFullYear()).padStart(4, '0');
  const m = String(local.getMonth() + 1).padStart(2, '0');
  const d = String(local.getDate()).padStart(2, '0');
  return `${y}-${m}-${d}`;
}

/** Full years from `birthDate` to `onDate`, both `YYYY-MM-DD` (the age on that day). */
export function ageInYears(birthDate: string, onDate: string): number {
  const years = Number(onDate.slice(0, 4)) - Number(birthDate.slice(0, 4));
  return onDate.slice(5) < birthDate.slice(5) ? years - 1 : years;
}

/** The median of a non-empty list of numbers (mean of the two middle values for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
