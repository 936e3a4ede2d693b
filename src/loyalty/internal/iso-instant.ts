/** The first and last instants whose ISO 8601 form has a four-digit year (the range core's `InstantSchema` accepts). */
export const MIN_ISO_INSTANT_MS = -62_167_219_200_000;
/** @see MIN_ISO_INSTANT_MS */
export const MAX_ISO_INSTANT_MS = 253_402_300_799_999;

const DAY_MS = 86_400_000;
/** The memo never holds more days than this; it is emptied when it would. */
const MEMO_LIMIT = 100_000;
const pad = (value: number, digits: number) => String(value).padStart(digits, '0');
/** `hh:mm:` for every minute of the day. */
const HOURS_MINUTES = Array.from({ length: 1440 }, (_, minute) => `${pad(Math.floor(minute / 60), 2)}:${pad(minute % 60, 2)}:`);
/** `ss.` for every second of a minute. */
const SECONDS = Array.from({ length: 60 }, (_, second) => `${pad(second, 2)}.`);
/** `mmm` for every millisecond of a second. */
const MILLISECONDS = Array.from({ length: 1000 }, (_, ms) => pad(ms, 3));

/**
 * Formats instants exactly as `Date#toISOString` does
 * (`2024-03-15T02:30:00.000Z`), for the payload hash every accrual needs.
 * `toISOString` costs about as much as the SHA-256 of the payload itself;
 * here the date part comes from it once per UTC day (memoised, bounded) and
 * the time of day is written from the milliseconds.
 *
 * @internal
 */
export class IsoInstantFormatter {
  private readonly days = new Map<number, string>();

  /**
   * `new Date(ms).toISOString()` up to the `T` (`2024-03-15T`), memoised by
   * UTC day. `ms` must be an integer in the four-digit-year range (else the
   * whole `toISOString()` is returned: callers check the range first).
   */
  datePart(ms: number): string {
    if (!(ms >= MIN_ISO_INSTANT_MS && ms <= MAX_ISO_INSTANT_MS) || !Number.isInteger(ms)) return new Date(ms).toISOString();
    return this.prefix(Math.floor(ms / DAY_MS));
  }

  private prefix(day: number): string {
    let prefix = this.days.get(day);
    if (prefix === undefined) {
      prefix = new Date(day * DAY_MS).toISOString().slice(0, 11);
      if (this.days.size >= MEMO_LIMIT) this.days.clear();
      this.days.set(day, prefix);
    }
    return prefix;
  }

  /** `new Date(ms).toISOString()`. */
  format(ms: number): string {
    if (!(ms >= MIN_ISO_INSTANT_MS && ms <= MAX_ISO_INSTANT_MS) || !Number.isInteger(ms)) return new Date(ms).toISOString();
    const day = Math.floor(ms / DAY_MS);
    const prefix = this.prefix(day);
    const msOfDay = ms - day * DAY_MS;
    const minute = Math.floor(msOfDay / 60_000);
    const msOfMinute = msOfDay - minute * 60_000;
    const second = Math.floor(msOfMinute / 1000);
    return `${prefix}${HOURS_MINUTES[minute]!}${SECONDS[second]!}${MILLISECONDS[msOfMinute - second * 1000]!}Z`;
  }
}
