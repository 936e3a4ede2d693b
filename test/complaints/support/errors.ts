/** Assertion helpers for the errors the complaints module throws (see also test/support/errors.ts). */
import type { ValidationIssue } from 'dealer-crm/core';
import { crmErrorOf, issuesOf } from '../../support/errors.js';

/** Asserts that `fn` throws a ValidationError and returns its first issue. */
export function firstIssue(fn: () => unknown): ValidationIssue {
  return issuesOf(fn)[0]!;
}

/** Asserts that `fn` throws a CrmError and returns its code. */
export function crmErrorCode(fn: () => unknown): string {
  return crmErrorOf(fn).code;
}
