import { CrmError, InstantSchema, ValidationError, invalid, parse, payloadHash, type ValidationIssue } from '../../core/index.js';
import { LoyaltyWriteOptionsSchema, type LoyaltyWriteOptions } from '../events.js';
import type { LedgerEntry } from '../ledger-entry.js';
import { LoyaltyMemberSchema, loyaltyAccountId, type LoyaltyMember, type LoyaltyMemberInput } from '../member.js';
import type { LoyaltyProgram } from '../program.js';
import { contextFor, type ProgramContext } from './context.js';
import { checkEntries } from './ledger-index.js';
import { quickAsOfOnly, quickMember } from './quick-parse.js';
import type { LedgerReplay } from './replay.js';
import { LedgerWriter, type WriteMeta, type WriteOutcome } from './writer.js';

/**
 * What every ledger write returns. `entries` are the new entries to append
 * to the account's stream, all under `idempotencyKey` with `payloadHash`;
 * they are empty when the same event was written before (`replayed`), and
 * `recorded` then holds what the first write produced.
 */
export interface LoyaltyWriteResult {
  /** New entries to append (none when replayed). */
  readonly entries: readonly LedgerEntry[];
  /** Whether the key was already written with the same payload (nothing new). */
  readonly replayed: boolean;
  readonly idempotencyKey: string;
  readonly payloadHash: string;
  /** The account (stream) the entries belong to. */
  readonly accountId: string;
  /** Every entry under the key: the new ones, or those of the first write. */
  readonly recorded: readonly LedgerEntry[];
  /**
   * How many entries restate effects of earlier events because this one
   * arrived late (dated before entries already written): moved lot draws,
   * changed expiries, re-rated earnings, settled debts.
   */
  readonly restatements: number;
}

/** Checks that `program` came from `defineLoyaltyProgram`. @internal */
export function checkProgram(program: LoyaltyProgram): ProgramContext {
  if (program === null || typeof program !== 'object' || !Object.isFrozen(program) || program.tiers === undefined) {
    invalid('program', 'expected a program returned by defineLoyaltyProgram');
  }
  return contextFor(program);
}

/** Parses a member and checks it against the program. @internal */
export function checkMember(ctx: ProgramContext, member: LoyaltyMemberInput, path = 'member'): LoyaltyMember {
  const parsed = quickMember(member) ?? parse(LoyaltyMemberSchema, member, { path, label: 'loyalty member' });
  const issues: ValidationIssue[] = [];
  if (parsed.programId !== ctx.program.id) {
    issues.push({ path: `${path}.programId`, message: `expected a member of program ${JSON.stringify(ctx.program.id)}, got ${JSON.stringify(parsed.programId)}` });
  }
  parsed.tierOverrides.forEach((override, index) => {
    if (!ctx.tierIndex.has(override.tierId)) {
      issues.push({ path: `${path}.tierOverrides[${index}].tierId`, message: `expected one of the program's tiers (${[...ctx.tierIndex.keys()].join(', ')}), got ${JSON.stringify(override.tierId)}` });
    }
  });
  if (issues.length > 0) throw new ValidationError(issues, { label: 'loyalty member' });
  return parsed;
}

/** A parsed `asOf`-style instant. @internal */
export function parseInstantOption(value: unknown, path: string): Date {
  return parse(InstantSchema, value, { path });
}

/** Everything a write needs, checked. @internal */
export interface WriteSetup {
  readonly ctx: ProgramContext;
  readonly member: LoyaltyMember;
  readonly asOf: Date;
  readonly writer: LedgerWriter;
}

/**
 * Checks the program, the member, the ledger and the options of a write and
 * opens a writer on the member's account.
 *
 * @internal
 */
export function setupWrite(program: LoyaltyProgram, member: LoyaltyMemberInput, entries: readonly LedgerEntry[], options: LoyaltyWriteOptions): WriteSetup {
  const ctx = checkProgram(program);
  const parsedMember = checkMember(ctx, member);
  const quickAsOf = quickAsOfOnly(options);
  const parsedOptions: { readonly asOf: Date; readonly members?: readonly LoyaltyMember[] | undefined } = quickAsOf !== null ? { asOf: quickAsOf } : parse(LoyaltyWriteOptionsSchema, options, { path: 'options' });
  const accountId = loyaltyAccountId(ctx.program, parsedMember);
  const checked = checkEntries(entries, 'entries', ctx.program.id);
  const first = checked[0];
  if (first !== undefined && first.accountId !== accountId) {
    invalid('entries[0].accountId', `expected the ledger of account ${JSON.stringify(accountId)} (member ${parsedMember.id}), got ${JSON.stringify(first.accountId)}`);
  }
  const members = new Map<string, LoyaltyMember>([[parsedMember.id, parsedMember]]);
  (parsedOptions.members ?? []).forEach((other, index) => {
    if (other.programId !== ctx.program.id) invalid(`options.members[${index}].programId`, `expected a member of program ${JSON.stringify(ctx.program.id)}, got ${JSON.stringify(other.programId)}`);
    if (loyaltyAccountId(ctx.program, other) !== accountId) invalid(`options.members[${index}]`, `member ${other.id} does not share account ${accountId}`);
    if (other.id !== parsedMember.id) members.set(other.id, other);
  });
  return { ctx, member: parsedMember, asOf: parsedOptions.asOf, writer: new LedgerWriter(ctx, checked, accountId, members) };
}

/**
 * Refuses an event dated before the member joined or after `asOf`.
 *
 * @throws `ValidationError`
 * @internal
 */
export function checkEventTime(member: LoyaltyMember, at: Date, asOf: Date, path: string): void {
  if (at.getTime() < member.joinedAt.getTime()) {
    invalid(path, `the event is dated ${at.toISOString()}, before member ${member.id} joined at ${member.joinedAt.toISOString()}; credit earlier activity with a manual adjustment`);
  }
  if (at.getTime() > asOf.getTime()) {
    invalid(path, `the event is dated ${at.toISOString()}, after asOf ${asOf.toISOString()}; future-dated events are refused`);
  }
}

/** The idempotency identity of a write. @internal */
export function writeMeta(key: string, payload: unknown, asOf: Date): WriteMeta {
  return { key, payloadHash: payloadHash(payload), asOf };
}

/** The result of a write from its outcome. @internal */
export function writeResult(setup: Pick<WriteSetup, 'writer'>, meta: WriteMeta, outcome: Pick<WriteOutcome, 'entries' | 'late'>): LoyaltyWriteResult {
  return {
    entries: outcome.entries,
    replayed: false,
    idempotencyKey: meta.key,
    payloadHash: meta.payloadHash,
    accountId: setup.writer.accountId,
    recorded: outcome.entries,
    restatements: outcome.late ? outcome.entries.filter((entry) => entry.role === 'effect').length : 0,
  };
}

/** The result of a replayed write: nothing new. @internal */
export function replayResult(setup: Pick<WriteSetup, 'writer'>, meta: WriteMeta, recorded: readonly LedgerEntry[]): LoyaltyWriteResult {
  return { entries: [], replayed: true, idempotencyKey: meta.key, payloadHash: meta.payloadHash, accountId: setup.writer.accountId, recorded, restatements: 0 };
}

/**
 * Refuses a spend the replay could not fund.
 *
 * @throws `CrmError` `INSUFFICIENT_POINTS`
 * @internal
 */
export function refuseShortfall(replay: LedgerReplay, key: string, points: number, at: Date): void {
  const short = replay.shortfalls.get(key) ?? 0;
  if (short <= 0) return;
  const available = replay.availableBefore.get(key) ?? points - short;
  throw new CrmError('INSUFFICIENT_POINTS', `cannot spend ${points} points at ${at.toISOString()}: only ${available} are available; nothing was written`, {
    details: { requested: points, available, key },
  });
}
