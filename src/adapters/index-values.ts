/**
 * The type of an indexed field: what its values are and how they order.
 *
 * - `string` — ordered by Unicode code point (the byte order of UTF-8, which
 *   is PostgreSQL's `COLLATE "C"`), never by a locale;
 * - `number` — a finite IEEE-754 double, ordered numerically;
 * - `boolean` — `false` before `true`;
 * - `instant` — a `Date` in records, stored in the index as integer epoch
 *   milliseconds (UTC) and ordered in time.
 */
export type IndexFieldType = 'string' | 'number' | 'boolean' | 'instant';

/** Every {@link IndexFieldType}, for validation. */
export const indexFieldTypes: readonly IndexFieldType[] = Object.freeze(['string', 'number', 'boolean', 'instant']);

/**
 * A value of an indexed field as drivers store and compare it: a string, a
 * finite number (instants as epoch milliseconds), a boolean, or `null` when
 * the record has no value for the field.
 */
export type IndexScalar = string | number | boolean | null;

/** A non-null {@link IndexScalar}: what filters compare against. */
export type IndexValue = string | number | boolean;

/**
 * Compares two strings by Unicode code point, as UTF-8 bytes compare and as
 * PostgreSQL's `COLLATE "C"` orders them. JavaScript's `<` compares UTF-16
 * code units instead, which puts supplementary-plane characters (𠮷 U+20BB7)
 * before U+E000–U+FFFF (～ U+FF5E); this function does not.
 *
 * @returns a negative number, zero or a positive number
 * @example
 * ```ts
 * compareCodePoints('～', '𠮷') < 0; // true, although '～' < '𠮷' is false
 * ```
 */
export function compareCodePoints(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

// Moves surrogates (D800–DFFF) above E000–FFFF, so that code units compare
// in code-point order at the first position where two strings differ.
function codePointRank(unit: number): number {
  if (unit < 0xd800) return unit;
  return unit >= 0xe000 ? unit - 0x800 : unit + 0x2000;
}

const TYPE_RANK = { boolean: 0, number: 1, string: 2 } as const;

/**
 * The one total order of index values that every adapter sorts by: `null`
 * after every value (PostgreSQL's default for ascending order, so a
 * descending order puts nulls first), booleans `false` before `true`, numbers
 * numerically, strings by code point ({@link compareCodePoints}).
 *
 * @returns a negative number, zero or a positive number
 */
export function compareIndexScalars(a: IndexScalar, b: IndexScalar): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  if (typeof a !== typeof b) {
    return TYPE_RANK[typeof a as keyof typeof TYPE_RANK] - TYPE_RANK[typeof b as keyof typeof TYPE_RANK];
  }
  if (typeof a === 'string') return compareCodePoints(a, b as string);
  if (typeof a === 'number') return a - (b as number);
  return (a ? 1 : 0) - (b ? 1 : 0);
}
