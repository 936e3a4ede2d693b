import { sha256Hex } from '../../core/index.js';
import { LineCategorySchema, PayTypeSchema, type LineCategory, type PayType, type Transaction } from '../../customer/models/index.js';
import type { IsoInstantFormatter } from './iso-instant.js';

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
 * Writes the canonical JSON of {@link transactionPayload} for one member's
 * transaction events directly, as one string with no intermediate arrays:
 * every accrual hashes this. The parts that repeat from one event to the
 * next (the member and type; the currency, customer, dealer and kind; each
 * line's category and pay type) are kept as ready-made strings, so an event
 * costs a handful of concatenations. Byte-identical to
 * `canonicalJson(transactionPayload(…))` (the tests check). `iso` formats
 * the time faster than `toISOString`, with the same result.
 *
 * @internal
 */
export class TransactionPayloadWriter {
  /** `["transaction",<member>,"<type>",` by transaction type. */
  private readonly heads: Readonly<Record<Transaction['type'], string>>;
  private readonly iso: IsoInstantFormatter | undefined;
  /** `","<currency>",<customer>,<dealer>,<kind>,` for the values last seen. */
  private middle = '';
  private currency = '';
  private customerId = '';
  private dealerId = '';
  private kind: string | null = '';

  constructor(memberId: string, iso?: IsoInstantFormatter) {
    const member = jsonString(memberId);
    this.heads = { vehicle_sale: `["transaction",${member},"vehicle_sale",`, repair_order: `["transaction",${member},"repair_order",`, parts_sale: `["transaction",${member},"parts_sale",` };
    this.iso = iso;
  }

  /** The canonical JSON of the event's payload. */
  json(transaction: Transaction): string {
    // Type, currency, kinds, categories and pay types are schema enums (plain ASCII): written as they are.
    const kind = transaction.type === 'vehicle_sale' ? transaction.saleKind : transaction.type === 'repair_order' ? transaction.serviceKind : null;
    if (transaction.currency !== this.currency || transaction.customerId !== this.customerId || transaction.dealerId !== this.dealerId || kind !== this.kind) {
      this.currency = transaction.currency;
      this.customerId = transaction.customerId;
      this.dealerId = transaction.dealerId;
      this.kind = kind;
      this.middle = `","${transaction.currency}",${jsonString(transaction.customerId)},${jsonString(transaction.dealerId)},${kind === null ? 'null' : `"${kind}"`},`;
    }
    let lines = 'null]';
    if (transaction.type !== 'vehicle_sale') {
      const first = transaction.lines[0]!;
      lines = `${FIRST_LINE_HEADS[first.category][first.payType]}${jsonNumber(first.revenueMinor)}`;
      for (let i = 1; i < transaction.lines.length; i++) {
        const line = transaction.lines[i]!;
        lines = `${lines}${NEXT_LINE_HEADS[line.category][line.payType]}${jsonNumber(line.revenueMinor)}`;
      }
      lines = `${lines}]]]`;
    }
    const at = this.iso === undefined ? transaction.at.toISOString() : this.iso.format(transaction.at.getTime());
    return `${this.heads[transaction.type]}${jsonString(transaction.id)},"${at}${this.middle}${jsonNumber(transaction.revenueMinor)},${lines}`;
  }

  /** The payload hash of the event: core `payloadHash` of {@link transactionPayload}. */
  hash(transaction: Transaction): string {
    return sha256Hex(this.json(transaction));
  }
}

/** `[["<category>","<payType>",` (the first line) and `],["<category>","<payType>",` (the next ones) for every line category and pay type. */
const FIRST_LINE_HEADS = lineHeads('[[');
const NEXT_LINE_HEADS = lineHeads('],[');

function lineHeads(opening: string): Readonly<Record<LineCategory, Readonly<Record<PayType, string>>>> {
  return Object.fromEntries(
    LineCategorySchema.options.map((category) => [category, Object.fromEntries(PayTypeSchema.options.map((payType) => [payType, `${opening}${JSON.stringify(category)},${JSON.stringify(payType)},`]))]),
  ) as Readonly<Record<LineCategory, Readonly<Record<PayType, string>>>>;
}

/** The canonical JSON of {@link transactionPayload} (see {@link TransactionPayloadWriter}). @internal */
export function transactionPayloadJson(memberId: string, transaction: Transaction): string {
  return new TransactionPayloadWriter(memberId).json(transaction);
}

/**
 * The payload hash of a transaction event: core `payloadHash` of
 * {@link transactionPayload} (the tests check the two agree).
 *
 * @internal
 */
export function transactionPayloadHash(memberId: string, transaction: Transaction): string {
  return new TransactionPayloadWriter(memberId).hash(transaction);
}

/** Characters `JSON.stringify` escapes (quote, backslash, controls) or may (any surrogate: lone ones are escaped). */
// eslint-disable-next-line no-control-regex
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** `JSON.stringify(text)`, without its cost for the plain strings ids and codes are. */
function jsonString(text: string): string {
  return NEEDS_ESCAPE.test(text) ? JSON.stringify(text) : `"${text}"`;
}

/** `JSON.stringify(value)` of a number: the shortest round-trip form, `null` for a non-finite one. */
function jsonNumber(value: number): string {
  return Number.isFinite(value) ? String(value) : 'null';
}
