import { sha256Hex } from '../../core/index.js';
import { LineCategorySchema, PayTypeSchema, type LineCategory, type PayType, type Transaction } from '../../customer/models/index.js';
import { IsoInstantFormatter, MAX_ISO_INSTANT_MS, MIN_ISO_INSTANT_MS } from './iso-instant.js';

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
    const middle = this.middleOf(transaction, kind);
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
    return `${this.heads[transaction.type]}${jsonString(transaction.id)},"${at}${middle}${jsonNumber(transaction.revenueMinor)},${lines}`;
  }

  /**
   * The payload hash of the event: core `payloadHash` of {@link transactionPayload}.
   * Where the runtime hashes bytes natively (Node's `crypto.hash`), an event
   * whose JSON is plain ASCII (ids and codes are) is written as bytes into a
   * scratch buffer and hashed from there — the same bytes as the UTF-8 of
   * {@link json}, with no strings made on the way; any other goes through
   * {@link json}.
   */
  hash(transaction: Transaction): string {
    if (nativeHash !== undefined) {
      const length = this.writeAscii(transaction);
      if (length > 0) return nativeHash('sha256', scratchView(length), 'hex');
    }
    return sha256Hex(this.json(transaction));
  }

  /** Writes {@link json} into {@link SCRATCH} as ASCII and returns its length, or -1 when it is not plain ASCII or does not fit. */
  private writeAscii(transaction: Transaction): number {
    const bytes = SCRATCH;
    let at = writeText(bytes, 0, this.heads[transaction.type]);
    if (at < 0) return -1;
    at = writeJsonText(bytes, at, transaction.id);
    if (at < 0 || at + 32 > SCRATCH_LIMIT) return -1;
    bytes[at++] = COMMA;
    bytes[at++] = QUOTE;
    at = writeIsoInstant(bytes, at, transaction.at.getTime(), this.iso ?? DEFAULT_ISO);
    if (at < 0) return -1;
    const kind = transaction.type === 'vehicle_sale' ? transaction.saleKind : transaction.type === 'repair_order' ? transaction.serviceKind : null;
    at = writeText(bytes, at, this.middleOf(transaction, kind));
    if (at < 0) return -1;
    at = writeNumber(bytes, at, transaction.revenueMinor);
    if (at < 0) return -1;
    bytes[at++] = COMMA;
    if (transaction.type === 'vehicle_sale') return writeText(bytes, at, 'null]');
    const lines = transaction.lines;
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      at = writeText(bytes, at, (i === 0 ? FIRST_LINE_HEADS : NEXT_LINE_HEADS)[line.category][line.payType]);
      if (at < 0) return -1;
      at = writeNumber(bytes, at, line.revenueMinor);
      if (at < 0) return -1;
    }
    return writeText(bytes, at, ']]]');
  }

  /** `","<currency>",<customer>,<dealer>,<kind>,` for a transaction, remade only when one of them changes. */
  private middleOf(transaction: Transaction, kind: string | null): string {
    if (transaction.currency !== this.currency || transaction.customerId !== this.customerId || transaction.dealerId !== this.dealerId || kind !== this.kind) {
      this.currency = transaction.currency;
      this.customerId = transaction.customerId;
      this.dealerId = transaction.dealerId;
      this.kind = kind;
      this.middle = `","${transaction.currency}",${jsonString(transaction.customerId)},${jsonString(transaction.dealerId)},${kind === null ? 'null' : `"${kind}"`},`;
    }
    return this.middle;
  }
}

type NativeHash = (algorithm: string, data: Uint8Array, outputEncoding: 'hex') => string;

/**
 * Node's one-shot `crypto.hash` over bytes, where the runtime has it and it
 * agrees with core `sha256Hex` on a sample (feature detection, resolved once).
 */
const nativeHash: NativeHash | undefined = (() => {
  const runtime = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const hash = (runtime?.getBuiltinModule?.('node:crypto') as { hash?: unknown } | undefined)?.hash;
  if (typeof hash !== 'function') return undefined;
  try {
    const sample = '["transaction","M-1"]';
    const bytes = Uint8Array.from(sample, (char) => char.charCodeAt(0));
    return (hash as NativeHash)('sha256', bytes, 'hex') === sha256Hex(sample) ? (hash as NativeHash) : undefined;
  } catch {
    return undefined;
  }
})();

/** Scratch bytes for one payload at a time (written and hashed synchronously), and a view of each length used. */
const SCRATCH_LIMIT = 4096;
const SCRATCH = new Uint8Array(SCRATCH_LIMIT);
const VIEWS: (Uint8Array | undefined)[] = [];

function scratchView(length: number): Uint8Array {
  let view = VIEWS[length];
  if (view === undefined) {
    view = SCRATCH.subarray(0, length);
    VIEWS[length] = view;
  }
  return view;
}

const COMMA = 0x2c;
const QUOTE = 0x22;
const DEFAULT_ISO = new IsoInstantFormatter();

/** Writes ASCII `text` at `at`; -1 if it has any other character or does not fit. */
function writeText(bytes: Uint8Array, at: number, text: string): number {
  if (at < 0 || at + text.length > SCRATCH_LIMIT) return -1;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0x80) return -1;
    bytes[at++] = code;
  }
  return at;
}

/** Writes `JSON.stringify(text)` for a string that needs no escape and is ASCII; -1 for any other. */
function writeJsonText(bytes: Uint8Array, at: number, text: string): number {
  if (at < 0 || at + text.length + 2 > SCRATCH_LIMIT) return -1;
  bytes[at++] = QUOTE;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code >= 0x80 || code === QUOTE || code === 0x5c) return -1;
    bytes[at++] = code;
  }
  bytes[at++] = QUOTE;
  return at;
}

/** Writes {@link jsonNumber} of `value`: the digits of a safe non-negative integer, else its string. */
function writeNumber(bytes: Uint8Array, at: number, value: number): number {
  if (!(Number.isSafeInteger(value) && value >= 0)) return writeText(bytes, at, jsonNumber(value));
  let digits = 1;
  for (let rest = value; rest >= 10; rest = Math.floor(rest / 10)) digits++;
  if (at + digits > SCRATCH_LIMIT) return -1;
  let rest = value;
  for (let i = at + digits - 1; i >= at; i--) {
    bytes[i] = 0x30 + (rest % 10);
    rest = Math.floor(rest / 10);
  }
  return at + digits;
}

/** Writes `toISOString()` of `ms` (through `iso`, which memoises the date part); -1 outside the four-digit years. */
function writeIsoInstant(bytes: Uint8Array, at: number, ms: number, iso: IsoInstantFormatter): number {
  if (!(ms >= MIN_ISO_INSTANT_MS && ms <= MAX_ISO_INSTANT_MS) || !Number.isInteger(ms)) return -1;
  at = writeText(bytes, at, iso.datePart(ms));
  if (at < 0) return -1;
  const msOfDay = ms - Math.floor(ms / DAY_MS) * DAY_MS;
  const hours = Math.floor(msOfDay / 3_600_000);
  const minutes = Math.floor(msOfDay / 60_000) % 60;
  const seconds = Math.floor(msOfDay / 1000) % 60;
  const millis = msOfDay % 1000;
  bytes[at++] = 0x30 + Math.floor(hours / 10);
  bytes[at++] = 0x30 + (hours % 10);
  bytes[at++] = 0x3a;
  bytes[at++] = 0x30 + Math.floor(minutes / 10);
  bytes[at++] = 0x30 + (minutes % 10);
  bytes[at++] = 0x3a;
  bytes[at++] = 0x30 + Math.floor(seconds / 10);
  bytes[at++] = 0x30 + (seconds % 10);
  bytes[at++] = 0x2e;
  bytes[at++] = 0x30 + Math.floor(millis / 100);
  bytes[at++] = 0x30 + (Math.floor(millis / 10) % 10);
  bytes[at++] = 0x30 + (millis % 10);
  bytes[at++] = 0x5a;
  return at;
}

const DAY_MS = 86_400_000;

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
