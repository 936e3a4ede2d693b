/*
 * An independent model of the contract's query semantics, written plainly
 * (code points via Array.from, nulls last) and separately from the core's
 * evaluateQueryPlan, to check adapters against.
 */

/** A comparable field value of the oracle. */
export type OracleValue = string | number | boolean | null;

/** Compares strings by Unicode code point, the slow obvious way. */
export function codePointOrder(a: string, b: string): number {
  const x = Array.from(a, (char) => char.codePointAt(0)!);
  const y = Array.from(b, (char) => char.codePointAt(0)!);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

/** Compares two values: null last, numbers numerically, booleans false first, strings by code point. */
export function oracleCompare(a: OracleValue, b: OracleValue): number {
  if (a === null && b === null) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  if (typeof a === 'string' && typeof b === 'string') return codePointOrder(a, b);
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  return (a as number) - (b as number);
}

/** Sorts rows by a field then id, in a direction. */
export function oracleSort<T extends { id: string }>(rows: readonly T[], valueOf: (row: T) => OracleValue, direction: 'asc' | 'desc' = 'asc'): T[] {
  const sign = direction === 'asc' ? 1 : -1;
  return [...rows].sort((a, b) => sign * (oracleCompare(valueOf(a), valueOf(b)) || codePointOrder(a.id, b.id)));
}
