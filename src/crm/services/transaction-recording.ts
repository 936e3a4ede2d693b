import { CrmError, ValidationError, payloadHash } from '../../core/index.js';
import type { Transaction } from '../../customer/index.js';
import { accrueMany, type LedgerEntry, type LoyaltyMember } from '../../loyalty/index.js';
import type { OperationScope } from '../operation.js';
import { queryAll, readWholeStreams } from '../reads.js';
import type { CrmTx } from '../runtime.js';
import { appendToStreams, type StreamAppend } from '../stream-appends.js';
import { householdMembers, latestRecorded, ledgerStreamId, type LoadedMember } from './loyalty-ledger.js';

/** A transaction of a batch with its position in the call's input (for error paths). Internal to the facade. */
export interface PlacedTransaction {
  readonly transaction: Transaction;
  /** Its position in the call's input: accrual follows this order, as recording one by one would. */
  readonly order: number;
  /** The error path of the transaction: `input.transaction` or `input.transactions[i]`. */
  readonly path: string;
}

/** Where a transaction landed in its customer's stream. Internal to the facade. */
export interface StreamPlacement {
  /** Its position in the customer's transaction stream. */
  readonly position: number;
  /** Whether the stream held it already (same id, same content): nothing was appended. */
  readonly replayed: boolean;
}

/**
 * Appends customers' transactions to their streams, each once: a
 * transaction whose id its customer's stream already holds with the same
 * content is a replay at its position; with other content it is
 * `IDEMPOTENCY_CONFLICT`. Every stream is read first, then the new
 * transactions are appended, each customer's together, conditionally on the
 * version its stream was read at — a concurrent append of the same
 * transaction loses the race and its call runs again. Internal to the facade.
 */
export async function appendTransactions(tx: CrmTx, tenantId: string, byCustomer: ReadonlyMap<string, readonly PlacedTransaction[]>): Promise<Map<string, StreamPlacement[]>> {
  const streams = await readWholeStreams(tx, tenantId, 'transactions', [...byCustomer.keys()]);
  const placements = new Map<string, StreamPlacement[]>();
  const appends: StreamAppend<Transaction>[] = [];
  for (const [customerId, placed] of byCustomer) {
    const { payloads, version } = streams.get(customerId)!;
    const positions = new Map<string, number>();
    payloads.forEach((payload, index) => {
      if (!positions.has(payload.id)) positions.set(payload.id, index + 1);
    });
    const fresh: Transaction[] = [];
    placements.set(
      customerId,
      placed.map(({ transaction, path }): StreamPlacement => {
        const position = positions.get(transaction.id);
        if (position === undefined) {
          fresh.push(transaction);
          return { position: version + fresh.length, replayed: false };
        }
        if (payloadHash(payloads[position - 1]) !== payloadHash(transaction)) {
          throw new CrmError('IDEMPOTENCY_CONFLICT', `transaction ${transaction.id} of customer ${customerId} was recorded before with other content (position ${position}); record a correction under a new id`, {
            details: { customerId, transactionId: transaction.id, position, path },
          });
        }
        return { position, replayed: true };
      }),
    );
    appends.push({ streamId: customerId, payloads: fresh, expectedVersion: version });
  }
  await appendToStreams(tx, tenantId, 'transactions', appends);
  return placements;
}

/** What one membership earned for one transaction. Internal to the facade. */
export interface TransactionAccrual {
  readonly memberId: string;
  readonly programId: string;
  readonly customerId: string;
  readonly transactionId: string;
  /** Points credited (0 on a replay). */
  readonly points: number;
  /** Whether the ledger held the event already. */
  readonly replayed: boolean;
  /** The ledger key of the event (`transaction:<id>`). */
  readonly ledgerKey: string;
}

/**
 * Accrues transactions for every loyalty membership of their customers, in
 * programs of the facade with the transaction's currency: the ledgers of
 * the accounts concerned are read, then each account's events are written
 * with one `accrueMany` per run of one member's consecutive events in input
 * order (a pooled household's other members passed along), then each
 * account's new entries are appended conditionally on the version read — a
 * concurrent write to the account makes the call run again on the new
 * ledger. Each run is written live at the latest of now and just
 * after the ledger's latest entry, as `transactions.record` does for one
 * event. Internal to the facade.
 *
 * @throws `ValidationError` from the loyalty engine (an event before the
 * member joined or after now), with the transaction's input path.
 */
export async function accrueTransactions(scope: OperationScope<unknown>, tx: CrmTx, byCustomer: ReadonlyMap<string, readonly PlacedTransaction[]>): Promise<TransactionAccrual[]> {
  const { rt, tenantId, now } = scope;
  const customerIds = [...byCustomer.keys()];
  if (customerIds.length === 0) return [];
  const members = await queryAll(tx, tenantId, 'loyalty_members', { customerId: customerIds.length === 1 ? customerIds[0]! : { in: customerIds } });
  const accounts = new Map<string, LoadedMember[]>();
  for (const { record: member, version } of members) {
    const program = rt.programs.get(member.programId);
    if (program === undefined) continue;
    const streamId = ledgerStreamId(program, member);
    const loaded: LoadedMember = { member, version, program, streamId };
    const account = accounts.get(streamId);
    if (account === undefined) accounts.set(streamId, [loaded]);
    else account.push(loaded);
  }
  // Each account's events in input order (a pooled household's members interleaved as they come).
  const pending = [...accounts].flatMap(([streamId, account]) => {
    const events = account.flatMap((loaded, memberOrder) =>
      (byCustomer.get(loaded.member.customerId) ?? []).filter(({ transaction }) => transaction.currency === loaded.program.currency).map((placed) => ({ loaded, placed, memberOrder })),
    );
    events.sort((a, b) => a.placed.order - b.placed.order || a.memberOrder - b.memberOrder);
    return events.length === 0 ? [] : [{ streamId, events }];
  });
  const ledgers = await readWholeStreams(tx, tenantId, 'loyalty_ledger', pending.map(({ streamId }) => streamId));
  const accruals: TransactionAccrual[] = [];
  const appends: StreamAppend<LedgerEntry>[] = [];
  for (const { streamId, events } of pending) {
    const ledger = ledgers.get(streamId)!;
    const entries: LedgerEntry[] = [...ledger.payloads];
    const written: LedgerEntry[] = [];
    const households = new Map<LoadedMember, LoyaltyMember[]>();
    // A run of one member's consecutive events at a time.
    for (let start = 0; start < events.length; ) {
      const { loaded } = events[start]!;
      let end = start + 1;
      while (end < events.length && events[end]!.loaded === loaded) end += 1;
      const run = events.slice(start, end).map((event) => event.placed);
      start = end;
      const { member, program } = loaded;
      let household = households.get(loaded);
      if (household === undefined) households.set(loaded, (household = await householdMembers(tx, tenantId, loaded)));
      const liveAt = new Date(Math.max(now.getTime(), latestRecorded(entries) + 1));
      const result = withPaths(run, () =>
        accrueMany(
          program,
          member,
          entries,
          run.map(({ transaction }) => ({ type: 'transaction' as const, transaction })),
          { asOf: liveAt, ...(household.length === 0 ? {} : { members: household }) },
        ),
      );
      for (const entry of result.entries) {
        entries.push(entry);
        written.push(entry);
      }
      result.results.forEach((outcome, index) => {
        const { transaction } = run[index]!;
        accruals.push({
          memberId: member.id,
          programId: program.id,
          customerId: member.customerId,
          transactionId: transaction.id,
          points: outcome.replayed ? 0 : outcome.points,
          replayed: outcome.replayed,
          ledgerKey: outcome.idempotencyKey,
        });
      });
    }
    appends.push({ streamId, payloads: written, expectedVersion: ledger.version });
  }
  await appendToStreams(tx, tenantId, 'loyalty_ledger', appends);
  return accruals;
}

/** Runs a loyalty write, turning the `events[k]…` paths of its ValidationError into the transactions' input paths. */
function withPaths<T>(events: readonly PlacedTransaction[], write: () => T): T {
  try {
    return write();
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    const issues = error.issues.map((issue) => {
      const match = /^events\[(\d+)\]\.transaction(.*)$/.exec(issue.path);
      const event = match === null ? undefined : events[Number(match[1])];
      return event === undefined ? issue : { path: `${event.path}${match![2]}`, message: issue.message };
    });
    throw new ValidationError(issues, { label: 'transaction for loyalty accrual', cause: error });
  }
}
