import { sha256 } from '@noble/hashes/sha2';
import type { Transaction } from '../../customer/models/index.js';

const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

/**
 * SHA-256 as lower-case hex, like core `sha256Hex`, but encoding into a
 * reused buffer: the same digest, without the per-call allocations that
 * dominate on short inputs. One hasher per program context.
 *
 * @internal
 */
export class PayloadHasher {
  private readonly encoder = new TextEncoder();
  private buffer = new Uint8Array(1024);
  private readonly digest = new Uint8Array(32);

  hex(text: string): string {
    // UTF-8 takes at most 3 bytes per UTF-16 code unit.
    if (this.buffer.length < text.length * 3) this.buffer = new Uint8Array(text.length * 3);
    const { written } = this.encoder.encodeInto(text, this.buffer);
    const hash = sha256.create();
    hash.update(this.buffer.subarray(0, written));
    hash.digestInto(this.digest);
    let hex = '';
    for (let i = 0; i < 32; i++) hex += HEX[this.digest[i]!]!;
    return hex;
  }
}

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
export function transactionPayloadHash(hasher: PayloadHasher, memberId: string, transaction: Transaction): string {
  return hasher.hex(JSON.stringify(transactionPayload(memberId, transaction)));
}
