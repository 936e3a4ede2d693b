import { z } from 'zod';
import { CrmError, ValidationError, crmErrorCodes, type CrmErrorCode, type ValidationIssue } from '../../core/index.js';

/*
 * Errors on the wire: the handler answers every failure with
 * `{ error: { code, message, details } }` and the HTTP status of its code;
 * the client turns that body back into the same CrmError.
 */

/**
 * The HTTP status the handler answers each error code with. Contract
 * outcomes (a stale write, an idempotent replay) are not errors on the wire:
 * they travel as results, exactly as the driver protocol returns them.
 */
export const crmHttpErrorStatus: Readonly<Record<CrmErrorCode, number>> = Object.freeze({
  VALIDATION_FAILED: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  VERSION_CONFLICT: 409,
  IDEMPOTENCY_CONFLICT: 409,
  INSUFFICIENT_POINTS: 422,
  INVALID_TRANSITION: 422,
  CURRENCY_MISMATCH: 422,
  MODEL_NOT_FITTED: 422,
  NOT_CONVERGED: 422,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  CRYPTO_FAILED: 500,
  UNSUPPORTED: 501,
  BAD_RESPONSE: 502,
  UNAVAILABLE: 503,
  TIMEOUT: 504,
});

/** The JSON body of every error response. */
export interface CrmHttpErrorBody {
  /** The error. */
  readonly error: {
    /** Its stable code. */
    readonly code: CrmErrorCode;
    /** What was expected and what arrived. */
    readonly message: string;
    /** Structured facts (for `VALIDATION_FAILED`: `issues: { path, message }[]`). */
    readonly details: Readonly<Record<string, unknown>>;
  };
}

/** The schema of {@link CrmHttpErrorBody}, for the client. */
export const errorBodySchema = z.object({
  error: z.object({
    code: z.enum(crmErrorCodes as [CrmErrorCode, ...CrmErrorCode[]]),
    message: z.string(),
    details: z.record(z.string(), z.unknown()).optional(),
  }),
});

const issuesSchema = z.array(z.object({ path: z.string(), message: z.string() })).min(1);

/** The body of an error response. */
export function errorBody(error: CrmError): CrmHttpErrorBody {
  return { error: { code: error.code, message: error.message, details: error.details } };
}

/**
 * Rebuilds the server's error from its body: a `ValidationError` (with its
 * issues) for `VALIDATION_FAILED`, a `CrmError` with the same code, message
 * and details otherwise; `cause` is the transport error that carried it.
 */
export function errorFromBody(body: z.output<typeof errorBodySchema>, cause: unknown): CrmError {
  const { code, message } = body.error;
  const details = body.error.details ?? {};
  if (code === 'VALIDATION_FAILED') {
    const parsed = issuesSchema.safeParse(details.issues);
    const issues: ValidationIssue[] = parsed.success ? parsed.data : [{ path: '', message }];
    const error = new ValidationError(issues, { cause });
    error.message = message;
    return error;
  }
  return new CrmError(code, message, { details, cause });
}

/**
 * The time a `Retry-After` header asks to wait, in ms: delay-seconds or an
 * HTTP date (measured from `nowMs`); `undefined` when absent or unreadable.
 */
export function retryAfterMs(header: string | null, nowMs: number): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const text = header.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}
