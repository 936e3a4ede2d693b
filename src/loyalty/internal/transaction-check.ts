import { isCurrencyCode, parse } from '../../core/index.js';
import { TransactionSchema, type Transaction } from '../../customer/models/index.js';
import { isId, quickInstant } from './quick-parse.js';

/** type, id, dealerId, customerId, at, currency, revenueMinor, grossProfitMinor: every transaction has them. */
const BASE_FIELDS = 8;
const SALE_KINDS: ReadonlySet<unknown> = new Set(['new', 'used', 'demo']);
const SERVICE_KINDS: ReadonlySet<unknown> = new Set(['maintenance', 'repair', 'warranty', 'accident', 'recall', 'inspection', 'other']);
const CATEGORIES: ReadonlySet<unknown> = new Set(['labor', 'parts', 'sublet', 'other']);
const PAY_TYPES: ReadonlySet<unknown> = new Set(['customer', 'warranty', 'internal', 'insurance']);

/**
 * Checks a transaction for a batch, fast: a conservative hand-written check
 * that accepts only what `TransactionSchema` accepts (no metadata, short
 * plain strings), returning the same parsed value. Anything it is not sure
 * of goes through the schema, so errors are the schema's, with their paths.
 *
 * @throws `ValidationError` naming `path`.
 * @internal
 */
export function checkTransaction(value: unknown, path: string): Transaction {
  const fast = fastTransaction(value);
  return fast ?? parse(TransactionSchema, value, { path, label: 'transaction' });
}

/**
 * {@link checkTransaction} for a transaction at `${parentPath}.transaction`,
 * building that path only when the schema has to be asked.
 *
 * @throws `ValidationError`
 * @internal
 */
export function checkNestedTransaction(value: unknown, parentPath: string): Transaction {
  return fastTransaction(value) ?? parse(TransactionSchema, value, { path: `${parentPath}.transaction`, label: 'transaction' });
}

/**
 * The fields are checked one by one, each against its rule, counting the
 * optional ones that are set; then the object's keys are counted. Equal
 * counts mean no unknown key and no key set to `undefined` (both of which
 * the schema treats in its own way, so they go through it).
 */
function fastTransaction(value: unknown): Transaction | null {
  if (value === null || typeof value !== 'object') return null;
  const t = value as Record<string, unknown>;
  if (t.type !== 'vehicle_sale' && t.type !== 'repair_order' && t.type !== 'parts_sale') return null;
  let fields = BASE_FIELDS;
  if (!isId(t.id) || !isId(t.dealerId) || !isId(t.customerId)) return null;
  if (typeof t.currency !== 'string' || !isCurrencyCode(t.currency)) return null;
  if (!isAmount(t.revenueMinor) || !Number.isSafeInteger(t.grossProfitMinor)) return null;
  const at = quickInstant(t.at);
  if (at === null) return null;
  let normalised = at !== t.at;
  if (t.type === 'vehicle_sale') {
    if (!isId(t.vehicleId) || !SALE_KINDS.has(t.saleKind)) return null;
    fields += 2;
    if (t.financed !== undefined) {
      if (typeof t.financed !== 'boolean') return null;
      fields++;
    }
  } else {
    if (t.type === 'repair_order') {
      if (!isId(t.vehicleId) || !SERVICE_KINDS.has(t.serviceKind)) return null;
      fields += 2;
      if (t.roNumber !== undefined) {
        if (!isShort(t.roNumber, 64)) return null;
        fields++;
      }
      if (t.odometerKm !== undefined) {
        if (!(typeof t.odometerKm === 'number' && t.odometerKm >= 0 && t.odometerKm <= 5_000_000)) return null;
        fields++;
      }
    } else if (t.vehicleId !== undefined) {
      if (!isId(t.vehicleId)) return null;
      fields++;
    }
    const lines = t.lines;
    if (!Array.isArray(lines) || lines.length === 0) return null;
    fields++;
    let revenue = 0;
    let profit = 0;
    for (const raw of lines) {
      if (raw === null || typeof raw !== 'object') return null;
      const line = raw as Record<string, unknown>;
      // category, quantity, revenueMinor, costMinor; then the optional ones set.
      let lineFields = 4;
      if (!CATEGORIES.has(line.category)) return null;
      if (line.payType === undefined) normalised = true;
      else if (!PAY_TYPES.has(line.payType)) return null;
      else lineFields++;
      if (typeof line.quantity !== 'number' || !(line.quantity > 0) || !Number.isFinite(line.quantity)) return null;
      if (!isAmount(line.revenueMinor) || !isAmount(line.costMinor)) return null;
      if (line.code !== undefined) {
        if (!isShort(line.code, 64)) return null;
        lineFields++;
      }
      if (line.description !== undefined) {
        if (!isShort(line.description, 500)) return null;
        lineFields++;
      }
      if (keyCount(line) !== lineFields) return null;
      revenue += line.revenueMinor;
      profit += line.revenueMinor - line.costMinor;
    }
    if (revenue !== t.revenueMinor || profit !== t.grossProfitMinor) return null;
  }
  if (keyCount(t) !== fields) return null;
  if (!normalised) return value as Transaction;
  const copy: Record<string, unknown> = { ...t, at };
  if (Array.isArray(t.lines)) copy.lines = (t.lines as Record<string, unknown>[]).map((line) => (line.payType === undefined ? { ...line, payType: 'customer' } : line));
  return copy as unknown as Transaction;
}

/** The number of enumerable keys of an object (as `for…in` sees them). */
function keyCount(value: object): number {
  let count = 0;
  for (const _ in value) count++;
  return count;
}

function isShort(value: unknown, max: number): boolean {
  return typeof value === 'string' && value.length <= max;
}

function isAmount(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}
