import { z } from 'zod';
import { CrmError, InstantSchema, invalid, parse } from '../core/index.js';
import { LoyaltyBenefitUseSchema, type LoyaltyBenefitUseInput, type LoyaltyWriteOptions } from './events.js';
import type { LedgerEntry } from './ledger-entry.js';
import { LoyaltyMemberSchema, loyaltyAccountId, type LoyaltyMember, type LoyaltyMemberInput } from './member.js';
import type { LoyaltyProgram } from './program.js';
import type { ProgramContext } from './internal/context.js';
import { checkEntries, factsOf } from './internal/ledger-index.js';
import { checkEventTime, checkMember, checkProgram, replayResult, setupWrite, writeMeta, writeResult, type LoyaltyWriteResult } from './internal/operation.js';
import { sortFacts } from './internal/ledger-index.js';
import { contributeFact, makeFact, type ReplayFact } from './internal/replay.js';
import { TierEngine } from './internal/tier-engine.js';
import { tiersAt } from './internal/tier-replay.js';

/** A quota period: its first instant and the first instant of the next one. */
export interface LoyaltyQuotaPeriod {
  readonly start: Date;
  readonly end: Date;
}

/** What {@link useBenefit} returns: the write, and the quota left after it. */
export interface BenefitUseResult extends LoyaltyWriteResult {
  readonly benefitId: string;
  readonly tierId: string;
  readonly quota: number;
  readonly used: number;
  readonly remaining: number;
  readonly period: LoyaltyQuotaPeriod;
}

/**
 * Records that a member used a benefit (a wash, a wax, a multi-point
 * inspection), counted against the yearly quota of the tier the member
 * holds at the time. The quota period is the calendar year in the program's
 * time zone (or the membership year), so quotas reset at the local year
 * boundary. Taking a use back is a `reverse` of its key.
 *
 * @throws `ValidationError` for a benefit not in the catalogue, an event dated before the member joined or after `asOf`.
 * @throws `CrmError` `FORBIDDEN` when the member's tier grants no such
 * benefit or its quota for the period is used up (nothing written);
 * `IDEMPOTENCY_CONFLICT` when the key was used for another event.
 * @example
 * ```ts
 * useBenefit(program, member, ledger, { key: 'RO-88:wax', at, benefitId: 'wax' }, { asOf: at });
 * ```
 */
export function useBenefit(
  program: LoyaltyProgram,
  member: LoyaltyMemberInput,
  entries: readonly LedgerEntry[],
  use: LoyaltyBenefitUseInput,
  options: LoyaltyWriteOptions,
): BenefitUseResult {
  const setup = setupWrite(program, member, entries, options);
  const { ctx, writer, asOf } = setup;
  const request = parse(LoyaltyBenefitUseSchema, use, { path: 'use', label: 'benefit use' });
  const benefit = ctx.program.benefits.catalogue.find((item) => item.id === request.benefitId);
  if (benefit === undefined) {
    invalid('use.benefitId', `expected a benefit of the catalogue (${ctx.program.benefits.catalogue.map((item) => item.id).join(', ') || 'the catalogue is empty'}), got ${JSON.stringify(request.benefitId)}`);
  }
  checkEventTime(setup.member, request.at, asOf, 'use.at');
  const meta = writeMeta(request.key, { type: 'benefit', memberId: setup.member.id, at: request.at, benefitId: request.benefitId, quantity: request.quantity }, asOf);
  const atMs = request.at.getTime();
  const members = new Map<string, LoyaltyMember>([[setup.member.id, setup.member]]);
  const period = quotaPeriod(ctx, setup.member, atMs);
  const isReversed = (key: string) => writer.reversalOf(key) !== undefined;
  const fact = makeFact({
    key: meta.key,
    kind: 'benefit',
    memberId: setup.member.id,
    atMs,
    lot: null,
    credit: 0,
    rating: null,
    spend: 0,
    targetKey: null,
    qualifyingPoints: 0,
    qualifyingSpendMinor: 0,
    benefit: { benefitId: request.benefitId, quantity: request.quantity },
    entry: null,
  });
  const lookup = writer.lookup(meta.key, meta.payloadHash);
  const check = checkQuota(ctx, writer.allFacts(), members, lookup.status === 'replay' ? null : fact, { memberId: setup.member.id, benefitId: request.benefitId, period, atMs, isReversed });
  const summary = { benefitId: request.benefitId, tierId: check.tierId, quota: check.quota, used: check.used, remaining: Math.max(0, check.quota - check.used), period: dates(period) };
  if (lookup.status === 'replay') return { ...replayResult(setup, meta, lookup.entries), ...summary };
  if (check.violation !== null) {
    const { tierId, quota, usedBefore } = check.violation;
    throw new CrmError(
      'FORBIDDEN',
      quota === 0
        ? `tier ${tierId} grants no ${benefit.name} (${benefit.id}); nothing was written`
        : `the ${tierId} quota of ${benefit.name} is ${quota} for ${ctx.calendar.isoDay(period.startMs)} to ${ctx.calendar.isoDay(period.endMs - 1)}; ${usedBefore} used by then, ${request.quantity} more asked; nothing was written`,
      { details: { benefitId: benefit.id, tierId, quota, used: usedBefore, requested: request.quantity } },
    );
  }
  const outcome = writer.write(fact, { reason: `${benefit.name} used (${check.tierId} quota)`, qualifyingPoints: 0, qualifyingSpendMinor: 0, benefit: { benefitId: request.benefitId, quantity: request.quantity } }, meta);
  return { ...writeResult(setup, meta, outcome), ...summary };
}

/** Options of {@link benefitUsage}: `asOf`. */
export const LoyaltyBenefitUsageOptionsSchema = z.strictObject({ asOf: InstantSchema, members: z.array(LoyaltyMemberSchema).optional() });

/** A member's benefit quotas for the current period; see {@link benefitUsage}. */
export interface LoyaltyBenefitUsage {
  readonly asOf: Date;
  readonly memberId: string;
  /** The tier held at `asOf`, whose quotas apply. */
  readonly tierId: string;
  readonly period: LoyaltyQuotaPeriod;
  /** Every benefit of the catalogue the tier grants or the member used this period. */
  readonly benefits: readonly { readonly benefitId: string; readonly name: string; readonly quota: number; readonly used: number; readonly remaining: number }[];
}

/**
 * How much of each benefit quota a member has left this period (the
 * calendar year in the program's zone, or the membership year): the quota of
 * the tier held at `asOf`, the uses recorded in the period (uses taken back
 * by a reversal do not count) and what remains.
 *
 * @throws `ValidationError` for a bad member, ledger or `asOf`.
 * @example
 * ```ts
 * benefitUsage(program, member, ledger, { asOf }).benefits; // [{ benefitId: 'wax', quota: 4, used: 1, remaining: 3, … }]
 * ```
 */
export function benefitUsage(program: LoyaltyProgram, member: LoyaltyMemberInput, entries: readonly LedgerEntry[], options: LoyaltyWriteOptions): LoyaltyBenefitUsage {
  const ctx = checkProgram(program);
  const parsedMember = checkMember(ctx, member);
  const parsed = parse(LoyaltyBenefitUsageOptionsSchema, options, { path: 'options' });
  const checked = checkEntries(entries, 'entries', ctx.program.id);
  const asOfMs = parsed.asOf.getTime();
  const facts = factsOf(checked, asOfMs);
  const members = new Map<string, LoyaltyMember>([[parsedMember.id, parsedMember]]);
  for (const other of parsed.members ?? []) if (loyaltyAccountId(ctx.program, other) === loyaltyAccountId(ctx.program, parsedMember)) members.set(other.id, other);
  const tier = ctx.program.tiers.levels[tiersAt(ctx, facts, members, asOfMs).effectiveIndex(parsedMember.id, asOfMs)]!;
  const period = quotaPeriod(ctx, parsedMember, asOfMs);
  const reversed = new Set<string>();
  for (const fact of facts) if (fact.kind === 'reverse' && fact.targetKey !== null) reversed.add(fact.targetKey);
  const benefits = ctx.program.benefits.catalogue.flatMap((benefit) => {
    const quota = tier.quotas[benefit.id] ?? 0;
    const used = usedIn(facts, parsedMember.id, benefit.id, period, (key) => reversed.has(key));
    return quota === 0 && used === 0 ? [] : [{ benefitId: benefit.id, name: benefit.name, quota, used, remaining: Math.max(0, quota - used) }];
  });
  return { asOf: parsed.asOf, memberId: parsedMember.id, tierId: tier.id, period: dates(period), benefits };
}

interface QuotaCheck {
  /** The tier held at the new use, and its quota. */
  readonly tierId: string;
  readonly quota: number;
  /** Units used in the period, the new use included. */
  readonly used: number;
  /** The first use whose running count the new use pushes over its tier's quota. */
  readonly violation: { readonly tierId: string; readonly quota: number; readonly usedBefore: number } | null;
}

/**
 * Checks a new benefit use against the quotas in time order: for every use
 * of the period, the units used up to and including it may not exceed the
 * quota of the tier held at that moment. The new use is refused if it breaks
 * that rule for itself or for a later use that kept it before — so the same
 * uses are accepted whatever order they arrive in.
 */
function checkQuota(
  ctx: ProgramContext,
  facts: readonly ReplayFact[],
  members: ReadonlyMap<string, LoyaltyMember>,
  added: ReplayFact | null,
  scope: { readonly memberId: string; readonly benefitId: string; readonly period: PeriodMs; readonly atMs: number; readonly isReversed: (key: string) => boolean },
): QuotaCheck {
  const all = added === null ? facts : sortFacts([...facts, added]);
  const engine = new TierEngine(ctx, members);
  const seen = new Map<string, ReplayFact>();
  const levels = ctx.program.tiers.levels;
  const relevant = (fact: ReplayFact) =>
    fact.kind === 'benefit' && fact.memberId === scope.memberId && fact.benefit?.benefitId === scope.benefitId && fact.atMs >= scope.period.startMs && fact.atMs < scope.period.endMs && !scope.isReversed(fact.key);
  let running = 0;
  let passedNew = false;
  let atNew: { tierId: string; quota: number } | null = null;
  let violation: QuotaCheck['violation'] = null;
  for (const fact of all) {
    engine.advanceTo(fact.atMs);
    if (relevant(fact)) {
      const tier = levels[engine.effectiveIndex(scope.memberId, fact.atMs)]!;
      const quota = tier.quotas[scope.benefitId] ?? 0;
      const quantity = fact.benefit!.quantity;
      running += quantity;
      if (fact === added) {
        passedNew = true;
        atNew = { tierId: tier.id, quota };
        if (running > quota) violation ??= { tierId: tier.id, quota, usedBefore: running - quantity };
      } else if (passedNew && running > quota && running - added!.benefit!.quantity <= quota) {
        violation ??= { tierId: tier.id, quota, usedBefore: running - added!.benefit!.quantity - quantity };
      }
    }
    seen.set(fact.key, fact);
    contributeFact(ctx, engine, fact, seen);
  }
  if (atNew === null) {
    const tier = levels[tiersAt(ctx, facts, members, scope.atMs).effectiveIndex(scope.memberId, scope.atMs)]!;
    atNew = { tierId: tier.id, quota: tier.quotas[scope.benefitId] ?? 0 };
  }
  return { tierId: atNew.tierId, quota: atNew.quota, used: running, violation };
}

interface PeriodMs {
  readonly startMs: number;
  readonly endMs: number;
}

function quotaPeriod(ctx: ProgramContext, member: LoyaltyMember, atMs: number): PeriodMs {
  const calendar = ctx.calendar;
  if (ctx.program.benefits.quotaPeriod === 'calendar_year') {
    return { startMs: calendar.startOfYearAfterYears(atMs, 0), endMs: calendar.startOfYearAfterYears(atMs, 1) };
  }
  const joined = calendar.startOfDay(member.joinedAt.getTime());
  let years = Math.max(0, calendar.day(atMs).year - calendar.day(joined).year);
  let start = calendar.startOfDayAfterMonths(joined, 12 * years);
  while (start > atMs && years > 0) {
    years -= 1;
    start = calendar.startOfDayAfterMonths(joined, 12 * years);
  }
  return { startMs: start, endMs: calendar.startOfDayAfterMonths(joined, 12 * (years + 1)) };
}

function usedIn(facts: readonly ReplayFact[], memberId: string, benefitId: string, period: PeriodMs, isReversed: (key: string) => boolean): number {
  let used = 0;
  for (const fact of facts) {
    if (fact.kind !== 'benefit' || fact.memberId !== memberId || fact.benefit?.benefitId !== benefitId) continue;
    if (fact.atMs < period.startMs || fact.atMs >= period.endMs || isReversed(fact.key)) continue;
    used += fact.benefit.quantity;
  }
  return used;
}

function dates(period: PeriodMs): LoyaltyQuotaPeriod {
  return { start: new Date(period.startMs), end: new Date(period.endMs) };
}
