import type { CrmError } from '../../core/index.js';
import { crmHttpErrorStatus } from './wire-errors.js';

/**
 * A `CrmError` that answers with a more precise status than its code's
 * (413 and 415 are `VALIDATION_FAILED`, 405 is `UNSUPPORTED`). Thrown
 * inside the handler only, which answers it with `error` and `status`.
 */
export class StatusFailure extends Error {
  constructor(
    /** The error the response body carries. */
    readonly error: CrmError,
    /** The HTTP status to answer with. */
    readonly status: number,
    /** Extra response headers (`Allow` for a 405). */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(error.message, { cause: error });
    this.name = 'StatusFailure';
  }
}

/** The HTTP status of an error code. */
export function statusOf(error: CrmError): number {
  return crmHttpErrorStatus[error.code];
}
