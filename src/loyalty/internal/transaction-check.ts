import { isCurrencyCode, parse, parseIsoInstant } from '../../core/index.js';
import { TransactionSchema, type Transaction } from '../../customer/models/index.js';

// Control characters (C0, DEL, C1) are never part of an id.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

const BASE_KEYS = ['type', 'id', 'dealerId', 'customerId', 'at', 'currency', 'revenueMinor', 'grossProfitMinor'];
const KEYS: Readonly<Record<string, ReadonlySet<string>>> = {
  vehicle_sale: new Set([...BASE_KEYS, 'vehicleId', 'saleKind', 'financed']),
  repair_order: new Set([...BASE_KEYS, 'vehicleId', 'roNumber', 'odometerKm', 'serviceKind', 'lines']),
  parts_sale: new Set([...BASE_KEYS, 'vehicleId', 'lines']),
};
const LINE_KEYS: ReadonlySet<string> = new Set(['category', 'code', 'description', 'quantity', 'revenueMinor', 'costMinor', 'payType']);
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

function fastTransaction(value: unknown): Transaction | null {
  if (value === null || typeof value !== 'object') return null;
  const t = value as Record<string, unknown>;
  const allowed = KEYS[t.type as string];
  if (allowed === undefined) return null;
  for (const key in t) if (!allowed.has(key) || t[key] === undefined) return null;
  if (!isId(t.id) || !isId(t.dealerId) || !isId(t.customerId)) return null;
  if (typeof t.currency !== 'string' || !isCurrencyCode(t.currency)) return null;
  if (!isAmount(t.revenueMinor) || !Number.isSafeInteger(t.grossProfitMinor)) return null;
  const at = instant(t.at);
  if (at === null) return null;
  let normalised = at !== t.at;
  if (t.type === 'vehicle_sale') {
    if (!isId(t.vehicleId) || !SALE_KINDS.has(t.saleKind)) return null;
    if (t.financed !== undefined && typeof t.financed !== 'boolean') return null;
  } else {
    if (t.type === 'repair_order') {
      if (!isId(t.vehicleId) || !SERVICE_KINDS.has(t.serviceKind)) return null;
      if (t.roNumber !== undefined && !isShort(t.roNumber, 64)) return null;
      if (t.odometerKm !== undefined && !(typeof t.odometerKm === 'number' && t.odometerKm >= 0 && t.odometerKm <= 5_000_000)) return null;
    } else if (t.vehicleId !== undefined && !isId(t.vehicleId)) return null;
    const lines = t.lines;
    if (!Array.isArray(lines) || lines.length === 0) return null;
    let revenue = 0;
    let profit = 0;
    for (const raw of lines) {
      if (raw === null || typeof raw !== 'object') return null;
      const line = raw as Record<string, unknown>;
      for (const key in line) if (!LINE_KEYS.has(key) || line[key] === undefined) return null;
      if (!CATEGORIES.has(line.category)) return null;
      if (line.payType === undefined) normalised = true;
      else if (!PAY_TYPES.has(line.payType)) return null;
      if (typeof line.quantity !== 'number' || !(line.quantity > 0) || !Number.isFinite(line.quantity)) return null;
      if (!isAmount(line.revenueMinor) || !isAmount(line.costMinor)) return null;
      if (line.code !== undefined && !isShort(line.code, 64)) return null;
      if (line.description !== undefined && !isShort(line.description, 500)) return null;
      revenue += line.revenueMinor;
      profit += line.revenueMinor - line.costMinor;
    }
    if (revenue !== t.revenueMinor || profit !== t.grossProfitMinor) return null;
  }
  if (!normalised) return value as Transaction;
  const copy: Record<string, unknown> = { ...t, at };
  if (Array.isArray(t.lines)) copy.lines = (t.lines as Record<string, unknown>[]).map((line) => (line.payType === undefined ? { ...line, payType: 'customer' } : line));
  return copy as unknown as Transaction;
}

function isId(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= 128 && !CONTROL.test(value) && value.trim() === value;
}

function isShort(value: unknown, max: number): boolean {
  return typeof value === 'string' && value.length <= max;
}

function isAmount(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

function instant(value: unknown): Date | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value;
  if (typeof value === 'string') return parseIsoInstant(value) ?? null;
  return null;
}
