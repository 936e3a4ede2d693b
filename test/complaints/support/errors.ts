/** Assertion helpers for the errors the complaints module throws. */
import { expect } from 'vitest';
import { ValidationError, isCrmError } from 'dealer-crm/core';

/** Asserts that `fn` throws a ValidationError and returns its issues. */
export function validationIssues(fn: () => unknown): ValidationError['issues'] {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).issues;
  }
  throw new Error('expected a ValidationError');
}

/** Asserts that `fn` throws a ValidationError and returns its first issue. */
export function firstIssue(fn: () => unknown): ValidationError['issues'][number] {
  return validationIssues(fn)[0]!;
}

/** Asserts that `fn` throws a CrmError and returns its code. */
export function crmErrorCode(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (isCrmError(error)) return error.code;
    throw error;
  }
  throw new Error('expected a CrmError');
}
