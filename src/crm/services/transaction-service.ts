import { z } from 'zod';
import { IdSchema } from '../../core/index.js';
import { TransactionSchema } from '../../customer/index.js';
import { accrue } from '../../loyalty/index.js';
import { boundedId } from '../bounded-id.js';
import { checkLive, requireDealer, requireStoredCustomer } from '../customer-records.js';
import { defineMethod, type CrmMethod } from '../operation.js';
import { queryAll } from '../reads.js';
import type { CrmRuntime } from '../runtime.js';
import { ledgerStreamId, type LoadedMember } from './loyalty-ledger.js';
import { writeLedger } from './loyalty-service.js';

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

/** The transaction service of the facade. */
export interface CrmTransactionService {
  /** Records a sale or repair order and accrues loyalty points in the same transaction. Needs `transactions.write`. */
  readonly record: CrmMethod<CrmRecordTransactionInput, CrmTransactionAnswer>;
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
        const customer = await requireStoredCustomer(scope, tx, transaction.customerId);
        checkLive(customer.record);
        const appended = await tx.append(tenantId, 'transactions', transaction.customerId, [transaction], { idempotencyKey: boundedId('transaction', transaction.id) });
        const accruals = [];
        if (input.accrueLoyalty) {
          for (const { record: member, version } of await queryAll(tx, tenantId, 'loyalty_members', { customerId: transaction.customerId })) {
            const program = rt.programs.get(member.programId);
            if (program === undefined || program.currency !== transaction.currency) continue;
            const loaded: LoadedMember = { member, version, program, streamId: ledgerStreamId(program, member) };
            const answer = await writeLedger(scope, tx, loaded, (m, entries, options) => accrue(program, m, entries, { type: 'transaction', transaction }, options));
            accruals.push({ memberId: member.id, programId: program.id, points: answer.points, replayed: answer.replayed, ledgerKey: answer.ledgerKey });
          }
        }
        const answer: CrmTransactionAnswer = {
          transactionId: transaction.id,
          customerId: transaction.customerId,
          replayed: appended.replayed,
          position: appended.entries[0]!.position,
          accruals,
        };
        return {
          answer,
          audit: { customerIds: [transaction.customerId], details: { transactionId: transaction.id, type: transaction.type } },
          event: { transactionId: transaction.id, customerId: transaction.customerId, dealerId: transaction.dealerId, type: transaction.type, accruals },
        };
      },
    }),
  };
}
