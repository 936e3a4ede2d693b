/**
 * The owners' club over the demo history: every buyer is a member from the
 * day of their first purchase, every transaction accrues, and some members
 * redeem rewards when their balance allows. The ledgers are what the loyalty
 * engine wrote, ready to be appended to storage streams.
 */
import type { Customer, Transaction } from '../../customer/index.js';
import { accrueMany, balance, redeem, type LedgerEntry, type LoyaltyMember, type LoyaltyProgram } from '../../loyalty/index.js';
import { SeededRandom } from './random.js';

/** One member and its ledger. */
export interface DemoMembership {
  readonly member: LoyaltyMember;
  readonly entries: LedgerEntry[];
}

/** Options of {@link simulateLoyalty}. */
export interface SimulateLoyaltyOptions {
  readonly seed: number;
  readonly asOf: Date;
  readonly program: LoyaltyProgram;
  readonly customers: readonly Customer[];
  /** Transactions grouped by customer, in time order. */
  readonly transactionsByCustomer: ReadonlyMap<string, readonly Transaction[]>;
  /** Called after each member, for a progress bar. */
  readonly onMember?: (done: number, total: number) => void;
}

/** Runs the program over the history; returns the members with their ledgers. */
export function simulateLoyalty(options: SimulateLoyaltyOptions): DemoMembership[] {
  const rng = new SeededRandom(options.seed ^ 0x10ca1);
  const { program, asOf } = options;
  const buyers = options.customers.filter((c) => (options.transactionsByCustomer.get(c.id)?.length ?? 0) > 0);
  const memberships: DemoMembership[] = [];
  buyers.forEach((customer, index) => {
    const transactions = options.transactionsByCustomer.get(customer.id)!;
    const member: LoyaltyMember = {
      id: `M-${customer.id.slice(2)}`,
      programId: program.id,
      customerId: customer.id,
      joinedAt: transactions[0]!.at,
      ...(customer.birthday === undefined ? {} : { birthday: customer.birthday }),
      tierOverrides: [],
    };
    const entries: LedgerEntry[] = [...accrueMany(program, member, [], transactions.map((transaction) => ({ type: 'transaction' as const, transaction })), { asOf }).entries];
    // Some members spend their points: a reward at a service visit, if the points are there.
    for (const visit of transactions) {
      if (visit.type !== 'repair_order' || !rng.chance(0.25)) continue;
      const available = balance(program, entries, { asOf: visit.at }).available;
      const rewardId = available >= 8000 ? 'oil-service' : available >= 5000 ? 'floor-mats' : undefined;
      if (rewardId === undefined) continue;
      entries.push(...redeem(program, member, entries, { key: `redeem:${visit.id}`, at: visit.at, rewardId }, { asOf }).entries);
    }
    memberships.push({ member, entries });
    options.onMember?.(index + 1, buyers.length);
  });
  return memberships;
}
