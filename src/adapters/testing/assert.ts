import { CrmError, ValidationError, type CrmErrorCode } from '../../core/index.js';

/*
 * The kit's own assertions, so that it needs no assertion library: it runs
 * under vitest, node:test or any runner with describe and test. A failure
 * throws a plain Error with a message that says what was expected.
 */

/** Thrown by a failed conformance assertion. */
export class ConformanceFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConformanceFailure';
  }
}

/** Fails unless `condition` holds. */
export function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new ConformanceFailure(message);
}

/** Fails unless `actual` deep-equals `expected` (Dates by instant, and a Date never equals a string). */
export function equal(actual: unknown, expected: unknown, message: string): void {
  const difference = differ(actual, expected, '');
  if (difference !== undefined) throw new ConformanceFailure(`${message}: ${difference}`);
}

function show(value: unknown): string {
  if (value instanceof Date) return `Date(${Number.isNaN(value.getTime()) ? 'Invalid' : value.toISOString()})`;
  if (value === undefined) return 'undefined';
  try {
    const text = JSON.stringify(value);
    return text.length > 120 ? `${text.slice(0, 117)}...` : text;
  } catch {
    return String(value);
  }
}

function differ(actual: unknown, expected: unknown, path: string): string | undefined {
  const at = path === '' ? '' : ` at ${path}`;
  if (expected instanceof Date || actual instanceof Date) {
    if (!(actual instanceof Date) || !(expected instanceof Date) || actual.getTime() !== expected.getTime()) {
      return `expected ${show(expected)}${at}, got ${show(actual)}`;
    }
    return undefined;
  }
  if (Array.isArray(expected) || Array.isArray(actual)) {
    if (!Array.isArray(actual) || !Array.isArray(expected)) return `expected ${show(expected)}${at}, got ${show(actual)}`;
    if (actual.length !== expected.length) return `expected ${expected.length} items${at}, got ${actual.length}: ${show(actual)}`;
    for (let i = 0; i < expected.length; i++) {
      const inner = differ(actual[i], expected[i], `${path}[${i}]`);
      if (inner !== undefined) return inner;
    }
    return undefined;
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object') return `expected an object${at}, got ${show(actual)}`;
    const keys = new Set([...Object.keys(expected), ...Object.keys(actual)]);
    for (const key of [...keys].sort()) {
      const a = (actual as Record<string, unknown>)[key];
      const e = (expected as Record<string, unknown>)[key];
      if (a === undefined && e === undefined) continue;
      const inner = differ(a, e, path === '' ? key : `${path}.${key}`);
      if (inner !== undefined) return inner;
    }
    return undefined;
  }
  if (!Object.is(actual, expected) && !(actual === 0 && expected === 0)) return `expected ${show(expected)}${at}, got ${show(actual)}`;
  return undefined;
}

/**
 * Awaits `promise`, fails unless it rejects with a `CrmError` of `code`
 * (a `ValidationError` for `VALIDATION_FAILED`), and returns the error.
 */
export async function rejects(promise: Promise<unknown>, code: CrmErrorCode, message: string): Promise<CrmError> {
  let outcome: unknown;
  try {
    outcome = await promise;
  } catch (error) {
    if (!(error instanceof CrmError)) {
      throw new ConformanceFailure(`${message}: expected a CrmError ${code}, got ${error instanceof Error ? `${error.name}: ${error.message}` : show(error)}`);
    }
    if (error.code !== code) throw new ConformanceFailure(`${message}: expected CrmError ${code}, got ${error.code}: ${error.message}`);
    if (code === 'VALIDATION_FAILED' && !(error instanceof ValidationError)) {
      throw new ConformanceFailure(`${message}: expected a ValidationError, got a plain CrmError`);
    }
    return error;
  }
  throw new ConformanceFailure(`${message}: expected CrmError ${code}, but the call succeeded with ${show(outcome)}`);
}

/** Fails unless a ValidationError names an issue whose path starts with `path`. */
export function namesPath(error: CrmError, path: string, message: string): void {
  const issues = error instanceof ValidationError ? error.issues : [];
  check(
    issues.some((issue) => issue.path === path || issue.path.startsWith(`${path}.`) || issue.path.startsWith(`${path}[`)),
    `${message}: expected an issue at ${path}, got ${issues.map((issue) => issue.path || '(root)').join(', ') || 'no issues'}`,
  );
}
