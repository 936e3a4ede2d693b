import { z } from 'zod';
import { IdSchema } from '../../core/index.js';
import { TransactionSchema, type TransactionInput } from '../../customer/index.js';
import type { CrmBulkSource } from '../bulk-items.js';
import { bulkEnvelopeShape, defineBulkMethod } from '../bulk-operation.js';
import { requireDealer, requireDealerOfAll, requireLiveCustomers } from '../customer-records.js';
import { defineMethod, type CrmMethod } from '../operation.js';
import type { CrmRuntime } from '../runtime.js';
import { accrueTransactions, appendTransactions, type PlacedTransaction } from './transaction-recording.js';

/**
 * Input of `transactions.record`: a vehicle sale, repair order or parts
 * sale (customer model). With `accrueLoyalty` (default true) every loyalty
 * membership of the customer earns for it in the same transaction.
 */
export const CrmRecordTransactionInputSchema = z.strictObject({
  idempotencyKey: IdSchema,
  transaction: TransactionSchema,
  accrueLoyalty: z.boolean().default(true),
});

/** Input of `transactions.record`, as accepted. */
export type CrmRecordTransactionInput = z.input<typeof CrmRecordTransactionInputSchema>;

/**
 * Input of `transactions.recordMany`: many sales and repair orders (an
 * array, or an iterable read a batch at a time), written `batchSize` to a
 * storage transaction (default 250, at most 1000), each batch with its
 * loyalty accrual when `accrueLoyalty` (default true).
 */
export interface CrmRecordTransactionsInput {
  readonly idempotencyKey: string;
  readonly transactions: CrmBulkSource<TransactionInput>;
  readonly batchSize?: number;
  readonly accrueLoyalty?: boolean;
}

/** What recording a transaction returns: whether it was new, and what each membership earned. */
export interface CrmTransactionAnswer {
  readonly transactionId: string;
  readonly customerId: string;
  /** Whether the customer's stream already held the same transaction (nothing new). */
  readonly replayed: boolean;
  /** Its position in the customer's transaction stream. */
  readonly position: number;
  /** One entry per membership of the customer in a program of the facade. */
  readonly accruals: readonly { readonly memberId: string; readonly programId: string; readonly points: number; readonly replayed: boolean; readonly ledgerKey: string }[];
}

/** What `transactions.recordMany` returns: counts over every batch of the call. */
export interface CrmTransactionsAnswer {
  /** Storage transactions the call was written in. */
  readonly batches: number;
  /** Transactions in the input. */
  readonly transactions: number;
  /** Transactions appended to their customer's stream. */
  readonly appended: number;
  /** Transactions their customer's stream already held (same id, same content): nothing appended. */
  readonly replayed: number;
  /** Loyalty accrual: events credited to a ledger, events a ledger already held, and the points credited. */
  readonly accrued: { readonly events: number; readonly replayed: number; readonly points: number };
}

/** The transaction service of the facade. */
export interface CrmTransactionService {
  /** Records a sale or repair order and accrues loyalty points in the same transaction. Needs `transactions.write`. */
  readonly record: CrmMethod<CrmRecordTransactionInput, CrmTransactionAnswer>;
  /**
   * Records many sales and repair orders, a batch to a storage transaction,
   * each batch with its loyalty accrual — the same streams, ledgers and
   * balances as `record` one by one. Needs `transactions.write`.
   */
  readonly recordMany: CrmMethod<CrmRecordTransactionsInput, CrmTransactionsAnswer>;
}

const RecordManyEnvelopeSchema = z.strictObject({ ...bulkEnvelopeShape, accrueLoyalty: z.boolean().default(true) });

/** Groups placed transactions by customer, in order of first appearance. */
function byCustomer(placed: readonly PlacedTransaction[]): Map<string, PlacedTransaction[]> {
  const groups = new Map<string, PlacedTransaction[]>();
  for (const item of placed) {
    const group = groups.get(item.transaction.customerId);
    if (group === undefined) groups.set(item.transaction.customerId, [item]);
    else group.push(item);
  }
  return groups;
}

/** The transaction methods of a facade. Internal to the facade. */
export function createTransactionService(rt: CrmRuntime): CrmTransactionService {
  return {
    record: defineMethod(rt, {
      name: 'transactions.record',
      permission: 'transactions.write',
      input: CrmRecordTransactionInputSchema,
      write: true,
      event: 'crm.transaction.recorded',
      customerIdsOf: (input) => [input.transaction.customerId],
      async run(scope) {
        const { tx, input, tenantId } = scope;
        const transaction = input.transaction;
        requireDealer(scope, transaction.dealerId, `transaction ${transaction.id}`, [transaction.customerId]);
        await requireLiveCustomers(scope, tx, [transaction.customerId]);
        const groups = byCustomer([{ transaction, order: 0, path: 'input.transaction' }]);
        const [placement] = (await appendTransactions(tx, tenantId, groups)).get(transaction.customerId)!;
        const accrued = input.accrueLoyalty ? await accrueTransactions(scope, tx, groups) : [];
        const accruals = accrued.map(({ memberId, programId, points, replayed, ledgerKey }) => ({ memberId, programId, points, replayed, ledgerKey }));
        const answer: CrmTransactionAnswer = { transactionId: transaction.id, customerId: transaction.customerId, replayed: placement!.replayed, position: placement!.position, accruals };
        return {
          answer,
          audit: { customerIds: [transaction.customerId], details: { transactionId: transaction.id, type: transaction.type } },
          event: { transactionId: transaction.id, customerId: transaction.customerId, dealerId: transaction.dealerId, type: transaction.type, accruals },
        };
      },
    }),

    recordMany: defineBulkMethod(rt, {
      name: 'transactions.recordMany',
      permission: 'transactions.write',
      event: 'crm.transaction.batch_recorded',
      envelope: RecordManyEnvelopeSchema,
      items: { field: 'transactions', noun: 'transaction', schema: TransactionSchema, identity: (transaction) => `${transaction.customerId}\u0000${transaction.id}` },
      customerIdsOf: (transactions) => transactions.map((transaction) => transaction.customerId),
      authoriseItems: (scope, transactions) => requireDealerOfAll(scope, transactions.map(({ dealerId, customerId }) => ({ dealerId, customerId })), 'transactions'),
      async run(scope) {
        const { tx, tenantId, items, first, input } = scope;
        const groups = byCustomer(items.map((transaction, offset) => ({ transaction, order: first + offset, path: `input.transactions[${first + offset}]` })));
        const customerIds = [...groups.keys()];
        await requireLiveCustomers(scope, tx, customerIds);
        let appended = 0;
        for (const placements of (await appendTransactions(tx, tenantId, groups)).values()) for (const placement of placements) if (!placement.replayed) appended += 1;
        const accruals = input.accrueLoyalty ? await accrueTransactions(scope, tx, groups) : [];
        const accrued = {
          events: accruals.filter((accrual) => !accrual.replayed).length,
          replayed: accruals.filter((accrual) => accrual.replayed).length,
          points: accruals.reduce((sum, accrual) => sum + accrual.points, 0),
        };
        const answer = { transactions: items.length, appended, replayed: items.length - appended, accrued };
        return {
          answer,
          audit: { customerIds, details: { transactions: items.length, appended } },
          event: { customerIds, transactionIds: items.map((transaction) => transaction.id), appended, accrued },
        };
      },
      summary: {
        empty: { batches: 0, transactions: 0, appended: 0, replayed: 0, accrued: { events: 0, replayed: 0, points: 0 } } satisfies CrmTransactionsAnswer,
        add: (sum: CrmTransactionsAnswer, batch: Omit<CrmTransactionsAnswer, 'batches'>): CrmTransactionsAnswer => ({
          batches: sum.batches + 1,
          transactions: sum.transactions + batch.transactions,
          appended: sum.appended + batch.appended,
          replayed: sum.replayed + batch.replayed,
          accrued: { events: sum.accrued.events + batch.accrued.events, replayed: sum.accrued.replayed + batch.accrued.replayed, points: sum.accrued.points + batch.accrued.points },
        }),
      },
    }),
  };
}
