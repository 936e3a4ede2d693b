/**
 * The headers of the storage protocol over HTTP (lower case, as `Headers`
 * reports them).
 *
 * - `idempotency-key` — on an append: the idempotency key, percent-encoded
 *   (`encodeURIComponent`) so that any id, Chinese text included, fits a
 *   header. An append that carries one is safe to retry.
 * - `crm-transaction` — on a call inside a transaction: the session id that
 *   `POST …/transactions` returned.
 */
export const crmHttpHeaders = Object.freeze({
  idempotencyKey: 'idempotency-key',
  transaction: 'crm-transaction',
} as const);
