/** Helpers for asserting the errors the library throws, shared by the modules' tests. */
import { CrmError, ValidationError, type ValidationIssue } from 'dealer-crm/core';

/**
 * Runs `fn`, expects a ValidationError, and returns its issues. Fails the
 * test when `fn` throws nothing, and rethrows any other error.
 */
export function issuesOf(fn: () => unknown): readonly ValidationIssue[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof ValidationError) return error.issues;
    throw error;
  }
  throw new Error('expected a ValidationError, but nothing was thrown');
}

/**
 * Runs `fn`, expects a CrmError, and returns it. Fails the test when `fn`
 * throws nothing, and rethrows any other error.
 */
export function crmErrorOf(fn: () => unknown): CrmError {
  try {
    fn();
  } catch (error) {
    if (error instanceof CrmError) return error;
    throw error;
  }
  throw new Error('expected a CrmError, but nothing was thrown');
}
