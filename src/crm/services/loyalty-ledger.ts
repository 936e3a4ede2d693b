import { CrmError } from '../../core/index.js';
import { loyaltyAccountId, type LedgerEntry, type LoyaltyMember, type LoyaltyProgram, type LoyaltyWriteResult } from '../../loyalty/index.js';
import { boundedId } from '../bounded-id.js';
import { getStoredCustomer, requireDealer } from '../customer-records.js';
import { forbidden, type OperationScope } from '../operation.js';
import { queryAll, readWholeStream } from '../reads.js';
import type { CrmTx } from '../runtime.js';
import { appendToStreams } from '../stream-appends.js';

/** The stream of a member's ledger account: one per program and account (member, or household when pooled). Internal to the facade. */
export function ledgerStreamId(program: LoyaltyProgram, member: Pick<LoyaltyMember, 'id' | 'householdId'>): string {
  return boundedId('ledger', `${program.id}/${loyaltyAccountId(program, member)}`);
}

/** The latest instant a ledger's entries are dated or were recorded at, epoch ms (0 for an empty ledger). Internal to the facade. */
export function latestRecorded(entries: readonly LedgerEntry[]): number {
  return entries.reduce((max, entry) => Math.max(max, entry.at.getTime(), entry.recordedAt.getTime()), 0);
}

/** A ledger as read inside a transaction: its entries and the stream version they came at. Internal to the facade. */
export interface LoadedLedger {
  readonly entries: LedgerEntry[];
  readonly version: number;
}

/** Reads a whole ledger stream. Internal to the facade. */
export async function loadLedger(tx: CrmTx, tenantId: string, streamId: string): Promise<LoadedLedger> {
  const { payloads, version } = await readWholeStream(tx, tenantId, 'loyalty_ledger', streamId);
  return { entries: payloads, version };
}

/**
 * Appends a write's new entries to the ledger, conditionally on the version
 * the ledger was read at: a concurrent write to the same account makes this
 * a `VERSION_CONFLICT`, and the facade runs the call again on the new
 * ledger — so two redemptions can never spend the same points. Internal to
 * the facade.
 */
export async function appendLedger(tx: CrmTx, tenantId: string, streamId: string, result: LoyaltyWriteResult, readVersion: number): Promise<void> {
  await appendToStreams(tx, tenantId, 'loyalty_ledger', [{ streamId, payloads: result.entries, expectedVersion: readVersion, idempotencyKey: boundedId('ledger', result.idempotencyKey) }]);
}

/** A member with its program and ledger stream, checked against the actor's dealer. Internal to the facade. */
export interface LoadedMember {
  readonly member: LoyaltyMember;
  readonly version: number;
  readonly program: LoyaltyProgram;
  readonly streamId: string;
}

/**
 * Reads a member the actor may reach: NOT_FOUND when missing or of a
 * program the facade was not given, FORBIDDEN when the member's customer
 * belongs to another dealer than a dealer-scoped actor's. Internal to the facade.
 */
export async function requireMember(scope: OperationScope<unknown>, tx: CrmTx, memberId: string): Promise<LoadedMember> {
  const found = await tx.get(scope.tenantId, 'loyalty_members', memberId);
  if (found === null) throw new CrmError('NOT_FOUND', `loyalty member ${memberId} does not exist`, { details: { memberId } });
  const member = found.record;
  const program = scope.rt.programs.get(member.programId);
  if (program === undefined) {
    throw new CrmError('NOT_FOUND', `member ${memberId} belongs to program ${member.programId}, which this facade was not given (createCrm({ programs }))`, {
      details: { memberId, programId: member.programId },
    });
  }
  const customer = await getStoredCustomer(tx, scope.tenantId, member.customerId);
  if (customer !== null) requireDealer(scope, customer.record.dealerId, `member ${memberId}`, [member.customerId]);
  else if (scope.role.scope === 'dealer') throw forbidden(`member ${memberId}'s customer ${member.customerId} is unknown, so its dealer cannot be checked`, [member.customerId], { reason: 'other_dealer' });
  return { member, version: found.version, program, streamId: ledgerStreamId(program, member) };
}

/** The other members sharing a pooled household account, for restating their tiers. Internal to the facade. */
export async function householdMembers(tx: CrmTx, tenantId: string, loaded: LoadedMember): Promise<LoyaltyMember[]> {
  const { program, member } = loaded;
  if (program.pooling.points !== 'household' || member.householdId === undefined) return [];
  const all = await queryAll(tx, tenantId, 'loyalty_members', { householdId: member.householdId, programId: program.id });
  return all.map((item) => item.record).filter((other) => other.id !== member.id);
}
