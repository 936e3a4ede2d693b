/**
 * The stable error codes every `CrmError` carries. Callers switch on these;
 * they never change meaning between releases.
 *
 * - `VALIDATION_FAILED` — an input broke a rule; see {@link ValidationError.issues}.
 * - `NOT_FOUND` — a record the call needs does not exist.
 * - `VERSION_CONFLICT` — an optimistic-concurrency check failed (a stale write).
 * - `IDEMPOTENCY_CONFLICT` — an idempotency key was reused with a different payload.
 * - `INSUFFICIENT_POINTS` — a redemption asks for more points than are available.
 * - `INVALID_TRANSITION` — a state machine (e.g. a complaint case) refused a transition.
 * - `FORBIDDEN` — the actor may not do this.
 * - `UNAUTHENTICATED` — the caller could not be identified.
 * - `CURRENCY_MISMATCH` — money in two currencies was combined.
 * - `MODEL_NOT_FITTED` — a statistical model cannot be fitted to the data given.
 * - `NOT_CONVERGED` — an optimiser stopped before it converged.
 * - `RATE_LIMITED` — a remote service asked the caller to slow down.
 * - `TIMEOUT` — an operation did not finish in time.
 * - `UNAVAILABLE` — a remote service or database could not be reached.
 * - `BAD_RESPONSE` — a remote service answered with something malformed.
 * - `CRYPTO_FAILED` — encryption or decryption failed (wrong key, tampered data).
 * - `UNSUPPORTED` — the adapter or configuration does not offer this feature.
 * - `INTERNAL` — a bug or an unexpected failure; the `cause` says more.
 */
export type CrmErrorCode =
  | 'VALIDATION_FAILED'
  | 'NOT_FOUND'
  | 'VERSION_CONFLICT'
  | 'IDEMPOTENCY_CONFLICT'
  | 'INSUFFICIENT_POINTS'
  | 'INVALID_TRANSITION'
  | 'FORBIDDEN'
  | 'UNAUTHENTICATED'
  | 'CURRENCY_MISMATCH'
  | 'MODEL_NOT_FITTED'
  | 'NOT_CONVERGED'
  | 'RATE_LIMITED'
  | 'TIMEOUT'
  | 'UNAVAILABLE'
  | 'BAD_RESPONSE'
  | 'CRYPTO_FAILED'
  | 'UNSUPPORTED'
  | 'INTERNAL';

/** Every code in {@link CrmErrorCode}, for validation and exhaustive checks. */
export const crmErrorCodes: readonly CrmErrorCode[] = Object.freeze([
  'VALIDATION_FAILED',
  'NOT_FOUND',
  'VERSION_CONFLICT',
  'IDEMPOTENCY_CONFLICT',
  'INSUFFICIENT_POINTS',
  'INVALID_TRANSITION',
  'FORBIDDEN',
  'UNAUTHENTICATED',
  'CURRENCY_MISMATCH',
  'MODEL_NOT_FITTED',
  'NOT_CONVERGED',
  'RATE_LIMITED',
  'TIMEOUT',
  'UNAVAILABLE',
  'BAD_RESPONSE',
  'CRYPTO_FAILED',
  'UNSUPPORTED',
  'INTERNAL',
]);

/** Options accepted by the {@link CrmError} constructor. */
export interface CrmErrorOptions {
  /** Structured, JSON-serialisable facts about the failure (ids, expected and actual values). */
  readonly details?: Readonly<Record<string, unknown>>;
  /** The underlying error, when this one wraps another. */
  readonly cause?: unknown;
}

/**
 * The one error class of dealer-crm. Every failure the library reports on
 * purpose is a `CrmError` with a stable {@link CrmErrorCode}.
 *
 * @example
 * ```ts
 * try {
 *   await storage.put(tenant, 'customers', record, { expectedVersion: 3 });
 * } catch (error) {
 *   if (isCrmError(error) && error.code === 'VERSION_CONFLICT') {
 *     // reload and retry
 *   }
 * }
 * ```
 */
export class CrmError extends Error {
  /** The stable code to switch on. */
  readonly code: CrmErrorCode;
  /** Structured facts about the failure; empty when there are none. */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: CrmErrorCode, message: string, options: CrmErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CrmError';
    this.code = code;
    this.details = Object.freeze({ ...(options.details ?? {}) });
  }

  /** A plain object for logs and HTTP bodies: `{ name, code, message, details }`. */
  toJSON(): { name: string; code: CrmErrorCode; message: string; details: Readonly<Record<string, unknown>> } {
    return { name: this.name, code: this.code, message: this.message, details: this.details };
  }
}

/** One broken rule of a {@link ValidationError}: where in the input, and what was wrong. */
export interface ValidationIssue {
  /**
   * Where in the input the rule broke, as a readable path such as
   * `lines[2].quantity`; the empty string means the input as a whole.
   */
  readonly path: string;
  /** What was expected and what arrived, in words. */
  readonly message: string;
}

/**
 * A {@link CrmError} with `code: 'VALIDATION_FAILED'` that lists every broken
 * rule of an input. Thrown by {@link parse} and by every public function that
 * is handed bad input, before anything is computed or written.
 *
 * @example
 * ```ts
 * try {
 *   parse(VehicleSchema, { vin: 'not a vin' });
 * } catch (error) {
 *   if (error instanceof ValidationError) console.log(error.issues);
 *   // [{ path: 'vin', message: 'VIN must be 17 characters, got 9' }, ...]
 * }
 * ```
 */
export class ValidationError extends CrmError {
  /** Every broken rule, in the order found. Never empty. */
  readonly issues: readonly ValidationIssue[];

  constructor(issues: readonly ValidationIssue[], options: { readonly label?: string; readonly cause?: unknown } = {}) {
    const list = issues.length > 0 ? issues : [{ path: '', message: 'invalid input' }];
    const head = options.label ? `Invalid ${options.label}` : 'Invalid input';
    const summary = list
      .slice(0, 5)
      .map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message))
      .join('; ');
    const more = list.length > 5 ? ` (and ${list.length - 5} more)` : '';
    super('VALIDATION_FAILED', `${head}: ${summary}${more}`, {
      details: { issues: list },
      cause: options.cause,
    });
    this.name = 'ValidationError';
    this.issues = Object.freeze(list.map((issue) => Object.freeze({ ...issue })));
  }
}

/**
 * Whether `value` is a {@link CrmError}, optionally with the given code.
 *
 * @example
 * ```ts
 * if (isCrmError(error, 'NOT_FOUND')) return null;
 * ```
 */
export function isCrmError(value: unknown, code?: CrmErrorCode): value is CrmError {
  return value instanceof CrmError && (code === undefined || value.code === code);
}

/**
 * Throws a {@link ValidationError} with one issue. A shorthand for rules that
 * are checked by hand rather than by a schema.
 *
 * @throws {@link ValidationError} always.
 */
export function invalid(path: string, message: string, label?: string): never {
  throw new ValidationError([{ path, message }], label === undefined ? {} : { label });
}
