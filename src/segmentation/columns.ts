/**
 * Reads a batch of per-customer rows into columns, checking every row by hand
 * (fast enough for millions of rows) and reporting bad rows as one
 * ValidationError with paths such as `values[12].profitMinor`.
 *
 * @internal
 */
import { IdSchema, ValidationError } from '../core/index.js';
import { firstDuplicateIndex } from './duplicate-ids.js';
import {
  IssueList,
  UniqueIds,
  checkAllOrNone,
  checkArray,
  checkCount,
  checkCustomerId,
  checkMinorUnits,
  checkObject,
  describeValue,
} from './input-checks.js';

/**
 * What a column holds: `minor` — integer minor units, may be negative;
 * `non_negative_minor` — integer minor units ≥ 0; `count` — a whole number ≥ 0;
 * `score` — an RFM score, a whole number 1–5.
 */
export type ColumnKind = 'minor' | 'non_negative_minor' | 'count' | 'score';

/** One field to read from every row. */
export interface ColumnSpec {
  readonly field: string;
  readonly kind: ColumnKind;
  /** An optional field must be given on every row or on none; absent everywhere, its column is `null`. */
  readonly optional?: boolean;
  /** Appended to the message when the field is bad (what to pass instead). */
  readonly hint?: string;
}

/**
 * The ids and the columns read, in row order; a column is `null` when an
 * optional field is absent everywhere. `labels` holds the string fields asked
 * for, in the order asked.
 */
export interface Columns {
  readonly ids: string[];
  readonly columns: (Float64Array | null)[];
  readonly labels: string[][];
}

/**
 * Reads `rows` (an array of objects with a unique `customerId`, the numeric
 * fields of `specs` and the non-empty string fields `labelFields`) into columns.
 *
 * A fast pass reads column by column and only notices that something is
 * wrong; then a careful pass goes row by row to report every issue in order.
 *
 * @throws ValidationError listing the bad rows (up to 20), duplicate ids
 * and optional fields given on some rows but not others.
 */
export function readColumns(
  rows: unknown,
  arrayPath: string,
  label: string,
  specs: readonly ColumnSpec[],
  labelFields: readonly string[] = [],
): Columns {
  const fast = Array.isArray(rows) ? readFast(rows, specs, labelFields) : undefined;
  if (fast !== undefined) return fast;
  reportIssues(rows, arrayPath, label, specs, labelFields);
  // The careful pass found what the fast one tripped on; this is not reached.
  throw new ValidationError([{ path: arrayPath, message: 'invalid rows' }], { label });
}

/** Ids that certainly pass `IdSchema`: the common shape of DMS numbers, UUIDs and ULIDs. */
const PLAIN_ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;

function isCustomerId(value: unknown): value is string {
  return typeof value === 'string' && (PLAIN_ID.test(value) || IdSchema.safeParse(value).success);
}

/** Reads the rows column by column; `undefined` at the first sign of trouble. */
function readFast(list: readonly unknown[], specs: readonly ColumnSpec[], labelFields: readonly string[]): Columns | undefined {
  const n = list.length;
  const ids = new Array<string>(n);
  for (let index = 0; index < n; index++) {
    const row = list[index];
    if (typeof row !== 'object' || row === null) return undefined;
    const id = (row as { customerId?: unknown }).customerId;
    if (!isCustomerId(id)) return undefined;
    ids[index] = id;
  }
  if (firstDuplicateIndex(ids) !== -1) return undefined;
  const columns: (Float64Array | null)[] = [];
  for (const spec of specs) {
    const column = readColumnFast(list, spec);
    if (column === undefined) return undefined;
    columns.push(column);
  }
  const labels: string[][] = [];
  for (const field of labelFields) {
    const column = new Array<string>(n);
    for (let index = 0; index < n; index++) {
      const value = (list[index] as Record<string, unknown>)[field];
      if (typeof value !== 'string' || value.length === 0) return undefined;
      column[index] = value;
    }
    labels.push(column);
  }
  return { ids, columns, labels };
}

function readColumnFast(list: readonly unknown[], spec: ColumnSpec): Float64Array | null | undefined {
  const n = list.length;
  const field = spec.field;
  if (spec.optional === true && (n === 0 || (list[0] as Record<string, unknown>)[field] === undefined)) {
    for (let index = 1; index < n; index++) if ((list[index] as Record<string, unknown>)[field] !== undefined) return undefined;
    return null;
  }
  const column = new Float64Array(n);
  const min = spec.kind === 'score' ? 1 : spec.kind === 'minor' ? Number.MIN_SAFE_INTEGER : 0;
  const max = spec.kind === 'score' ? 5 : Number.MAX_SAFE_INTEGER;
  for (let index = 0; index < n; index++) {
    const value = (list[index] as Record<string, unknown>)[field];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) return undefined;
    column[index] = value;
  }
  return column;
}

/** Goes row by row and throws every issue found, in row order. */
function reportIssues(rows: unknown, arrayPath: string, label: string, specs: readonly ColumnSpec[], labelFields: readonly string[]): void {
  const issues = new IssueList();
  if (!checkArray(rows, arrayPath, issues)) issues.throwIfAny(label);
  const list = rows as readonly unknown[];
  const firstPresent = specs.map((spec) => {
    const first = list[0];
    return spec.optional === true && typeof first === 'object' && first !== null && (first as Record<string, unknown>)[spec.field] !== undefined;
  });
  const unique = new UniqueIds(arrayPath);
  for (let index = 0; index < list.length && !issues.full; index++) {
    const row = list[index];
    const rowPath = `${arrayPath}[${index}]`;
    if (!checkObject(row, rowPath, issues)) continue;
    const id = row.customerId;
    if (checkCustomerId(id, `${rowPath}.customerId`, issues)) unique.check(id, index, issues);
    specs.forEach((spec, column) => {
      const value = row[spec.field];
      const path = `${rowPath}.${spec.field}`;
      if (spec.optional === true) {
        checkAllOrNone(value !== undefined, firstPresent[column]!, path, spec.field, arrayPath, issues);
        if (value === undefined) return;
      }
      checkValue(value, spec, path, issues);
    });
    for (const field of labelFields) {
      const value = row[field];
      if (typeof value !== 'string' || value.length === 0) issues.add(`${rowPath}.${field}`, `expected a non-empty string, got ${describeValue(value)}`);
    }
  }
  issues.throwIfAny(label);
}

function checkValue(value: unknown, spec: ColumnSpec, path: string, issues: IssueList): value is number {
  const hint = spec.hint === undefined ? {} : { hint: spec.hint };
  switch (spec.kind) {
    case 'minor':
      return checkMinorUnits(value, path, issues, hint);
    case 'non_negative_minor':
      return checkMinorUnits(value, path, issues, { ...hint, nonNegative: true });
    case 'count':
      return checkCount(value, path, issues);
    case 'score':
      if (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 5) return true;
      issues.add(path, `expected an RFM score, a whole number from 1 to 5, got ${describeValue(value)}`);
      return false;
  }
}

/** The sum of a column as a safe integer. @throws ValidationError when it leaves the safe range. */
export function columnTotal(column: Float64Array, path: string, what: string, label: string): number {
  let total = 0;
  let safe = true;
  for (let i = 0; i < column.length; i++) {
    total += column[i]!;
    if (total > Number.MAX_SAFE_INTEGER || total < Number.MIN_SAFE_INTEGER) safe = false;
  }
  if (!safe) {
    const issues = new IssueList();
    issues.add(path, `the ${what} exceeds the safe integer range of minor units`);
    issues.throwIfAny(label);
  }
  return total;
}
