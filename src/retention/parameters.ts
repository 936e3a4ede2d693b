import { ValidationError, type ValidationIssue } from '../core/index.js';

/**
 * Checks that every named parameter is a positive finite number; throws one
 * {@link ValidationError} listing each that is not.
 *
 * @internal
 */
export function checkPositiveParameters<K extends string>(value: unknown, names: readonly K[], label: string): Readonly<Record<K, number>> {
  if (typeof value !== 'object' || value === null) {
    throw new ValidationError([{ path: label, message: `expected ${label} { ${names.join(', ')} }, got ${value === null ? 'null' : typeof value}` }]);
  }
  const record = value as Record<string, unknown>;
  const issues: ValidationIssue[] = [];
  for (const name of names) {
    const v = record[name];
    if (!(typeof v === 'number' && Number.isFinite(v) && v > 0)) {
      issues.push({ path: `${label}.${name}`, message: `${name} must be a positive finite number, got ${String(v)}` });
    }
  }
  if (issues.length > 0) throw new ValidationError(issues, { label });
  return value as Record<K, number>;
}

/** Checks a time span (a horizon `t`) is finite and at least 0. */
export function checkDuration(value: unknown, path: string): number {
  if (!(typeof value === 'number' && Number.isFinite(value) && value >= 0)) {
    throw new ValidationError([{ path, message: `${path} must be a finite time of at least 0 in the model's unit, got ${String(value)}` }]);
  }
  return value;
}

/** Checks a visit count `n` is a non-negative integer. */
export function checkCount(value: unknown, path: string): number {
  if (!(typeof value === 'number' && Number.isInteger(value) && value >= 0)) {
    throw new ValidationError([{ path, message: `${path} must be a non-negative integer number of visits, got ${String(value)}` }]);
  }
  return value;
}
