import { IdSchema, ValidationError, type ValidationIssue } from '../core/index.js';

/** How many issues a batch check lists before it stops looking. */
const MAX_ISSUES = 20;

/**
 * Collects the issues of a hand-checked batch (the hot paths check rows by
 * hand instead of running zod per row) and throws them together as one
 * {@link ValidationError}.
 *
 * @internal
 */
export class IssueList {
  readonly #issues: ValidationIssue[] = [];

  /** Records one broken rule. */
  add(path: string, message: string): void {
    if (this.#issues.length < MAX_ISSUES) this.#issues.push({ path, message });
  }

  /** Whether enough issues are known that checking further is pointless. */
  get full(): boolean {
    return this.#issues.length >= MAX_ISSUES;
  }

  /** Throws the collected issues, if any, as one {@link ValidationError}. */
  throwIfAny(label: string): void {
    if (this.#issues.length > 0) throw new ValidationError(this.#issues, { label });
  }
}

/** A short rendering of a value for an error message. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing (undefined)';
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

/**
 * Checks that `rows` is an array; returns false (after recording the issue)
 * when it is not, so the caller stops.
 */
export function checkArray(rows: unknown, path: string, issues: IssueList): rows is readonly unknown[] {
  if (Array.isArray(rows)) return true;
  issues.add(path, `expected an array, got ${describeValue(rows)}`);
  return false;
}

/** Checks that a row is a plain object; returns false when it is not. */
export function checkObject(row: unknown, path: string, issues: IssueList): row is Record<string, unknown> {
  if (typeof row === 'object' && row !== null && !Array.isArray(row)) return true;
  issues.add(path, `expected an object, got ${describeValue(row)}`);
  return false;
}

/** Checks a customer id against the library's id rules (`IdSchema`). */
export function checkCustomerId(value: unknown, path: string, issues: IssueList): value is string {
  if (IdSchema.safeParse(value).success) return true;
  issues.add(
    path,
    `expected a customer id (a non-empty string of at most 128 characters, no control characters or surrounding spaces), got ${describeValue(value)}`,
  );
  return false;
}

/**
 * Checks an amount in integer minor units; `nonNegative` also rejects
 * amounts below zero. `hint` is appended to the message (what to pass instead).
 */
export function checkMinorUnits(
  value: unknown,
  path: string,
  issues: IssueList,
  options: { readonly nonNegative?: boolean; readonly hint?: string } = {},
): value is number {
  const hint = options.hint === undefined ? '' : `; ${options.hint}`;
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    issues.add(path, `expected an integer amount in minor units (fen, cents), got ${describeValue(value)}${hint}`);
    return false;
  }
  if (options.nonNegative === true && value < 0) {
    issues.add(path, `expected a non-negative amount in minor units, got ${value}${hint}`);
    return false;
  }
  return true;
}

/** Checks a count: a non-negative safe integer. */
export function checkCount(value: unknown, path: string, issues: IssueList): value is number {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return true;
  issues.add(path, `expected a non-negative whole number, got ${describeValue(value)}`);
  return false;
}

/**
 * Remembers customer ids and records a duplicate as an issue naming both
 * places, e.g. `values[7].customerId: duplicate customer id "C-1" (first at values[2])`.
 */
export class UniqueIds {
  readonly #firstIndex = new Map<string, number>();
  readonly #arrayPath: string;
  readonly #field: string;
  readonly #noun: string;

  /**
   * `field` is appended to the row path (`.customerId` for rows, `''` for a
   * plain list of ids); `noun` names the id in the message.
   */
  constructor(arrayPath: string, field = '.customerId', noun = 'customer id') {
    this.#arrayPath = arrayPath;
    this.#field = field;
    this.#noun = noun;
  }

  /** Records `id` at `index`; returns false (after recording the issue) when it was seen before. */
  check(id: string, index: number, issues: IssueList): boolean {
    const first = this.#firstIndex.get(id);
    if (first === undefined) {
      this.#firstIndex.set(id, index);
      return true;
    }
    issues.add(
      `${this.#arrayPath}[${index}]${this.#field}`,
      `duplicate ${this.#noun} ${JSON.stringify(id)} (first at ${this.#arrayPath}[${first}]); each may appear once`,
    );
    return false;
  }
}

/**
 * Checks that an optional field is given on every row or on none: `present`
 * is whether this row has it, `firstPresent` whether row 0 had it.
 */
export function checkAllOrNone(
  present: boolean,
  firstPresent: boolean,
  path: string,
  field: string,
  arrayPath: string,
  issues: IssueList,
): void {
  if (present === firstPresent) return;
  issues.add(
    path,
    present
      ? `${field} is given here but missing on ${arrayPath}[0]; give it for every customer or for none`
      : `${field} is missing here but given on ${arrayPath}[0]; give it for every customer or for none`,
  );
}
