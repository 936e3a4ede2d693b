import { ValidationError } from '../../core/index.js';
import type { IndexFieldType, IndexScalar } from '../index-values.js';

/** Quotes an SQL identifier: `customers` → `"customers"`, `dealerId` → `"dealerId"`. */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** The column type of an indexed field: strings compare by code point (`COLLATE "C"`), instants are `timestamptz`. */
export const columnTypes: Readonly<Record<IndexFieldType, string>> = Object.freeze({
  string: 'text COLLATE "C"',
  number: 'double precision',
  boolean: 'boolean',
  instant: 'timestamptz',
});

/** The cast of a parameter holding a value of the type (`$2::float8`). */
export const parameterCasts: Readonly<Record<IndexFieldType, string>> = Object.freeze({
  string: 'text',
  number: 'float8',
  boolean: 'boolean',
  instant: 'timestamptz',
});

/** The earliest instant PostgreSQL's `timestamptz` holds: 4714-11-24 00:00 UTC BC (Julian day 0), in epoch milliseconds. */
export const earliestTimestamptzMs = -210_866_803_200_000;

const pad = (value: number, width: number) => String(value).padStart(width, '0');

/**
 * The PostgreSQL text of an instant given in epoch milliseconds, exact to
 * the millisecond over the whole range a JavaScript `Date` can hold that
 * PostgreSQL can too (`2024-05-01 01:30:00.500+00`, `0044-03-15 12:00:00.000+00 BC`).
 * Text, not a floating-point number of seconds, so no precision is lost.
 *
 * @throws `ValidationError` for an instant before 4714-11-24 BC, which `timestamptz` cannot hold.
 */
export function timestamptzText(epochMs: number, path: string): string {
  if (!Number.isSafeInteger(epochMs) || epochMs < earliestTimestamptzMs || epochMs > 8.64e15) {
    throw new ValidationError([{ path, message: `PostgreSQL stores instants from 4714-11-24 BC on; got epoch milliseconds ${epochMs}` }]);
  }
  const date = new Date(epochMs);
  const year = date.getUTCFullYear();
  const era = year <= 0 ? ' BC' : '';
  return (
    `${pad(year <= 0 ? 1 - year : year, 4)}-${pad(date.getUTCMonth() + 1, 2)}-${pad(date.getUTCDate(), 2)} ` +
    `${pad(date.getUTCHours(), 2)}:${pad(date.getUTCMinutes(), 2)}:${pad(date.getUTCSeconds(), 2)}.${pad(date.getUTCMilliseconds(), 3)}+00${era}`
  );
}

/** An index value as the SQL parameter of its column: instants become timestamp text, the rest stays as it is. */
export function sqlIndexValue(type: IndexFieldType, value: IndexScalar, path: string): string | number | boolean | null {
  if (value === null) return null;
  if (type === 'instant') return timestamptzText(value as number, path);
  return value;
}

/** The SQL expression that reads a `timestamptz` column as epoch milliseconds (a float8, exact for stored milliseconds). */
export function epochMsOf(column: string): string {
  return `round(extract(epoch FROM ${column}) * 1000)::float8`;
}

/**
 * A list of parameters that numbers them as they are added (`$1`, `$2`, …)
 * and casts each placeholder, so that statements never depend on a
 * client library's type inference.
 */
export class SqlParameters {
  readonly values: unknown[] = [];

  /** Adds a value and returns its cast placeholder (`$3::text`). */
  add(value: unknown, cast: string): string {
    this.values.push(value);
    return `$${this.values.length}::${cast}`;
  }
}
