import { CrmError, ValidationError } from 'dealer-crm/core';
import type { CustomerInput } from 'dealer-crm/customer';

/** Runs `fn`, expects a ValidationError, and returns its issues. */
export function issuesOf(fn: () => unknown): readonly { path: string; message: string }[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof ValidationError) return error.issues;
    throw error;
  }
  throw new Error('expected a ValidationError, but nothing was thrown');
}

/** Runs `fn` and returns the CrmError it throws. */
export function crmErrorOf(fn: () => unknown): CrmError {
  try {
    fn();
  } catch (error) {
    if (error instanceof CrmError) return error;
    throw error;
  }
  throw new Error('expected a CrmError, but nothing was thrown');
}

/** A minimal valid private customer; override what the test is about. */
export function person(overrides: Partial<CustomerInput> & { id: string }): CustomerInput {
  return {
    kind: 'person',
    type: 'private',
    name: '王芳',
    dealerId: 'D-1',
    source: 'walk_in',
    lifecycleStage: 'customer',
    createdAt: '2023-01-01T00:00:00+08:00',
    updatedAt: '2023-01-01T00:00:00+08:00',
    ...overrides,
  } as CustomerInput;
}
