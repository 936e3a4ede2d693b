import { z } from 'zod';
import { CrmError, CurrencyCodeSchema, IdSchema, InstantSchema, invalid, parse } from '../core/index.js';
import type { Transaction, TransactionType } from '../customer/models/index.js';
import { IssueList, UniqueIds, checkArray, checkCustomerId, checkMinorUnits, checkObject, describeValue } from './input-checks.js';

/**
 * One customer's totals over a window: what {@link assignPyramid},
 * {@link classifyAbc} and {@link classifyPurchaseQuadrants} take.
 */
export interface CustomerValue {
  readonly customerId: string;
  /** Revenue over the window, integer minor units. */
  readonly revenueMinor: number;
  /** Gross profit over the window, integer minor units (negative for a loss). */
  readonly profitMinor: number;
  /** How many transactions fell in the window. */
  readonly purchaseCount: number;
}

/** The fields of a transaction that {@link customerValuesFromTransactions} reads. */
export type TransactionForValues = Pick<Transaction, 'customerId' | 'dealerId' | 'type' | 'at' | 'currency' | 'revenueMinor' | 'grossProfitMinor'>;

const TransactionTypeSchema = z.enum(['vehicle_sale', 'repair_order', 'parts_sale']);

/** Options of {@link customerValuesFromTransactions}. */
export const CustomerValuesOptionsSchema = z
  .strictObject({
    /** The window's start, inclusive. */
    from: InstantSchema,
    /** The window's end, exclusive. */
    to: InstantSchema,
    /**
     * The base: customers listed here get a row even with no transaction in the
     * window (zeros), and transactions of other customers are ignored. Without
     * it, the base is every customer with a transaction in the window.
     */
    customerIds: z.array(IdSchema).optional(),
    /** Only transactions of this dealer (4S store). */
    dealerId: IdSchema.optional(),
    /** Only transactions of these types, e.g. `['repair_order', 'parts_sale']` for an after-sales pyramid. */
    types: z.array(TransactionTypeSchema).min(1).optional(),
    /** The currency every transaction in the window must be in; default: that of the first one. */
    currency: CurrencyCodeSchema.optional(),
  })
  .refine((options) => options.from.getTime() < options.to.getTime(), {
    path: ['to'],
    error: 'expected the window end `to` after its start `from`',
  });

/** Options of {@link customerValuesFromTransactions} as accepted on input. */
export type CustomerValuesOptions = z.input<typeof CustomerValuesOptionsSchema>;

/**
 * Sums transactions per customer over a window `[from, to)`: revenue, gross
 * profit and the number of transactions. Rows come out sorted by customer id.
 * Transactions outside the window, of other dealers or types, or of customers
 * outside `customerIds` are skipped; customers of `customerIds` with nothing
 * in the window get zeros (they are part of the base, e.g. the pyramid's
 * loss-making zone needs them).
 *
 * Transactions are checked by hand (not re-parsed with zod), as parsed
 * `Transaction` values from the customer module: `at` must be a `Date`.
 *
 * @throws ValidationError for bad options (a window that ends before
 * it starts), a transaction with a bad customer id, time or amount (paths such
 * as `transactions[12].at`), or a duplicate id in `customerIds`.
 * @throws CrmError `CURRENCY_MISMATCH` when transactions in the window
 * are in more than one currency.
 * @example
 * ```ts
 * declare const transactions: Transaction[]; // parsed with TransactionSchema
 * const values = customerValuesFromTransactions(transactions, {
 *   from: '2024-01-01T00:00:00+08:00',
 *   to: '2025-01-01T00:00:00+08:00',
 * });
 * const pyramid = assignPyramid(values);
 * ```
 */
export function customerValuesFromTransactions(
  transactions: readonly TransactionForValues[],
  options: CustomerValuesOptions,
): CustomerValue[] {
  const parsed = parse(CustomerValuesOptionsSchema, options, { label: 'customer values options', path: 'options' });
  const from = parsed.from.getTime();
  const to = parsed.to.getTime();
  const types = parsed.types === undefined ? null : new Set<TransactionType>(parsed.types);
  const totals = new Map<string, { revenue: number; profit: number; count: number }>();
  if (parsed.customerIds !== undefined) {
    const issues = new IssueList();
    const unique = new UniqueIds('options.customerIds', '');
    parsed.customerIds.forEach((id, index) => {
      if (unique.check(id, index, issues)) totals.set(id, { revenue: 0, profit: 0, count: 0 });
    });
    issues.throwIfAny('customer values options');
  }
  const closedBase = parsed.customerIds !== undefined;
  let currency = parsed.currency;
  let currencySource = 'options.currency';

  const issues = new IssueList();
  if (!checkArray(transactions, 'transactions', issues)) issues.throwIfAny('transactions');
  for (let index = 0; index < transactions.length && !issues.full; index++) {
    const transaction: unknown = transactions[index];
    const path = `transactions[${index}]`;
    if (!checkObject(transaction, path, issues)) continue;
    const at = transaction.at;
    if (!(at instanceof Date) || Number.isNaN(at.getTime())) {
      issues.add(`${path}.at`, `expected a valid Date (parse transactions with TransactionSchema first), got ${describeValue(at)}`);
      continue;
    }
    const time = at.getTime();
    if (time < from || time >= to) continue;
    if (parsed.dealerId !== undefined && transaction.dealerId !== parsed.dealerId) continue;
    if (types !== null && !types.has(transaction.type as TransactionType)) continue;
    const customerId = transaction.customerId;
    if (!checkCustomerId(customerId, `${path}.customerId`, issues)) continue;
    if (closedBase && !totals.has(customerId)) continue;
    const revenue = transaction.revenueMinor;
    const profit = transaction.grossProfitMinor;
    const revenueOk = checkMinorUnits(revenue, `${path}.revenueMinor`, issues, { nonNegative: true });
    const profitOk = checkMinorUnits(profit, `${path}.grossProfitMinor`, issues);
    if (!revenueOk || !profitOk) continue;
    if (typeof transaction.currency !== 'string') {
      issues.add(`${path}.currency`, `expected an ISO 4217 currency code, got ${describeValue(transaction.currency)}`);
      continue;
    }
    if (currency === undefined) {
      currency = transaction.currency;
      currencySource = path;
    } else if (transaction.currency !== currency) {
      throw new CrmError('CURRENCY_MISMATCH', `${path} is in ${transaction.currency} but ${currencySource} is in ${currency}; sum one currency at a time`, {
        details: { path, expected: currency, actual: transaction.currency },
      });
    }
    const total = totals.get(customerId);
    if (total === undefined) totals.set(customerId, { revenue, profit, count: 1 });
    else {
      total.revenue += revenue;
      total.profit += profit;
      total.count += 1;
    }
  }
  issues.throwIfAny('transactions');

  const ids = [...totals.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return ids.map((customerId) => {
    const total = totals.get(customerId)!;
    if (!Number.isSafeInteger(total.revenue) || !Number.isSafeInteger(total.profit)) {
      invalid('transactions', `the totals of customer ${JSON.stringify(customerId)} exceed the safe integer range of minor units`, 'transactions');
    }
    return { customerId, revenueMinor: total.revenue, profitMinor: total.profit, purchaseCount: total.count };
  });
}
