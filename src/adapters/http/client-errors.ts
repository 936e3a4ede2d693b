import { isHTTPError, isTimeoutError } from 'ky';
import { CrmError, type CrmErrorCode } from '../../core/index.js';
import type { CrmHttpOperation } from './routes.js';
import { errorBodySchema, errorFromBody, retryAfterMs } from './wire-errors.js';

/*
 * Every failure of an HTTP call becomes a CrmError with the underlying error
 * as its cause: the server's own error when its body carries one, else a code
 * for what happened on the way (TIMEOUT, UNAVAILABLE, RATE_LIMITED,
 * BAD_RESPONSE).
 */

/** What the client was doing when a call failed, for messages and details. */
export interface CallContext {
  /** The protocol operation. */
  readonly operation: CrmHttpOperation;
  /** The HTTP method. */
  readonly method: string;
  /** The URL called. */
  readonly url: string;
  /** The per-attempt timeout. */
  readonly timeoutMs: number;
  /** Whether the call is safe to retry (a failed unsafe call may still have been applied). */
  readonly idempotent: boolean;
}

const DRIVER = 'http';

function details(context: CallContext, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const base: Record<string, unknown> = { driver: DRIVER, operation: context.operation, method: context.method, url: context.url, ...extra };
  // A write that failed in transit may or may not have reached the storage.
  if (!context.idempotent) base.outcomeUnknown = true;
  return base;
}

function unknownOutcome(context: CallContext): string {
  return context.idempotent ? '' : '; the call is not safe to retry blindly and may or may not have been applied';
}

/** A `BAD_RESPONSE` for a response that is not what the protocol promises. */
export function badResponseError(context: CallContext, message: string, cause?: unknown, extra: Record<string, unknown> = {}): CrmError {
  return new CrmError('BAD_RESPONSE', `the HTTP storage server answered ${context.operation} (${context.method} ${context.url}) with ${message}`, {
    details: details(context, extra),
    cause,
  });
}

/** A `TIMEOUT` for a call that did not finish in time. */
export function timeoutError(context: CallContext, cause?: unknown): CrmError {
  return new CrmError(
    'TIMEOUT',
    `the HTTP storage server did not answer ${context.operation} (${context.method} ${context.url}) within ${context.timeoutMs} ms${unknownOutcome(context)}`,
    { details: details(context, { timeoutMs: context.timeoutMs }), cause },
  );
}

const statusCodes: readonly [number, CrmErrorCode][] = [
  [401, 'UNAUTHENTICATED'],
  [403, 'FORBIDDEN'],
  [408, 'TIMEOUT'],
  [429, 'RATE_LIMITED'],
  [504, 'TIMEOUT'],
];

/** The code of an error response that does not carry the protocol's error body. */
function codeOfStatus(status: number): CrmErrorCode {
  const known = statusCodes.find(([code]) => code === status);
  if (known !== undefined) return known[1];
  return status >= 500 ? 'UNAVAILABLE' : 'BAD_RESPONSE';
}

/** Reads a failed response's body as the protocol's error, or `undefined`. */
async function serverError(response: Response, cause: unknown): Promise<CrmError | undefined> {
  let text: string;
  try {
    text = await response.text();
  } catch {
    return undefined;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = errorBodySchema.safeParse(json);
  return parsed.success ? errorFromBody(parsed.data, cause) : undefined;
}

/**
 * Turns whatever an HTTP call threw into a `CrmError` with the original as
 * its `cause`. `CrmError`s (from hooks or the client itself) pass unchanged.
 */
export async function toCrmError(error: unknown, context: CallContext): Promise<CrmError> {
  if (error instanceof CrmError) return error;
  if (isTimeoutError(error)) return timeoutError(context, error);
  if (isHTTPError(error)) {
    const { response } = error;
    const fromServer = await serverError(response, error);
    if (fromServer !== undefined) return fromServer;
    const code = codeOfStatus(response.status);
    const wait = retryAfterMs(response.headers.get('retry-after'), Date.now());
    const extra: Record<string, unknown> = { status: response.status };
    if (wait !== undefined) extra.retryAfterMs = wait;
    return new CrmError(
      code,
      `the HTTP storage server answered ${context.operation} (${context.method} ${context.url}) with status ${response.status}${
        wait === undefined ? '' : ` and Retry-After ${Math.ceil(wait / 1000)} s`
      }, without an error body${code === 'BAD_RESPONSE' ? ' (is the base URL right?)' : ''}${unknownOutcome(context)}`,
      { details: details(context, extra), cause: error },
    );
  }
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof TypeError || (error instanceof Error && error.name === 'AbortError')) {
    const reason = error.cause instanceof Error ? ` (${error.cause.message})` : '';
    return new CrmError('UNAVAILABLE', `the HTTP storage server could not be reached for ${context.operation} (${context.method} ${context.url}): ${message}${reason}${unknownOutcome(context)}`, {
      details: details(context),
      cause: error,
    });
  }
  return new CrmError('INTERNAL', `the HTTP storage client failed in ${context.operation}: ${message}`, { details: details(context), cause: error });
}
