import { sha256Hex } from '../../core/index.js';
import type { Transaction } from '../../customer/models/index.js';

/**
 * What the engine reads from a transaction event, as a compact value whose
 * `JSON.stringify` is its canonical JSON (no objects to sort: arrays keep
 * their order): the member, then the transaction's type, id, time, currency,
 * customer, dealer, service or sale kind, revenue and lines (category, pay
 * type, revenue). A DMS that resends an order with a changed description is
 * replaying it; one that resends it with changed amounts, lines or date is a
 * conflict.
 *
 * @internal
 */
export function transactionPayload(memberId: string, transaction: Transaction): unknown {
  const kind = transaction.type === 'vehicle_sale' ? transaction.saleKind : transaction.type === 'repair_order' ? transaction.serviceKind : null;
  const lines = transaction.type === 'vehicle_sale' ? null : transaction.lines.map((line) => [line.category, line.payType, line.revenueMinor]);
  return [
    'transaction',
    memberId,
    transaction.type,
    transaction.id,
    transaction.at.toISOString(),
    transaction.currency,
    transaction.customerId,
    transaction.dealerId,
    kind,
    transaction.revenueMinor,
    lines,
  ];
}

/**
 * The payload hash of a transaction event: core `payloadHash` of
 * {@link transactionPayload} (the tests check the two agree).
 *
 * @internal
 */
export function transactionPayloadHash(memberId: string, transaction: Transaction): string {
  return sha256Hex(JSON.stringify(transactionPayload(memberId, transaction)));
}
