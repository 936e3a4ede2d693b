import { z } from 'zod';
import { IdSchema, InstantSchema, MetadataSchema } from '../../core/index.js';
import {
  LoyaltyAccrualEventSchema,
  LoyaltyTierOverrideSchema,
  accrue,
  adjust,
  balance,
  benefitUsage,
  redeem,
  reverse,
  tierStatus,
  useBenefit,
  type LedgerEntry,
  type LoyaltyAccrualEventInput,
  type LoyaltyBalance,
  type LoyaltyBenefitUsage,
  type LoyaltyMember,
  type LoyaltyTierStatus,
  type LoyaltyWriteResult,
} from '../../loyalty/index.js';
import { checkLive, openStoredCustomer, requireStoredCustomer } from '../customer-records.js';
import { defineMethod, staleRequest, type CrmMethod, type OperationScope } from '../operation.js';
import type { CrmRuntime, CrmTx } from '../runtime.js';
import { appendLedger, householdMembers, loadLedger, requireMember, type LoadedMember } from './loyalty-ledger.js';
import { definedOnly } from '../defined-only.js';

const Key = IdSchema;
const MemberRef = { memberId: IdSchema };

/** Input of `loyalty.enroll`: the member (without birthday: the facade reads it from the customer when a birthday bonus needs it). */
export const CrmEnrollMemberInputSchema = z.strictObject({
  idempotencyKey: Key,
  member: z.strictObject({
    id: IdSchema,
    programId: IdSchema,
    customerId: IdSchema,
    joinedAt: InstantSchema.optional(),
    householdId: IdSchema.optional(),
    tierOverrides: z.array(LoyaltyTierOverrideSchema).default([]),
    metadata: MetadataSchema.optional(),
  }),
});
/** Input of `loyalty.accrue`: a bonus event (welcome, birthday, referral) or a transaction already recorded elsewhere. */
export const CrmAccrueInputSchema = z.strictObject({ idempotencyKey: Key, ...MemberRef, event: LoyaltyAccrualEventSchema });
/** Input of `loyalty.redeem`: a reward of the catalogue or a number of points; the ledger key is the idempotency key. */
export const CrmRedeemInputSchema = z.strictObject({
  idempotencyKey: Key,
  ...MemberRef,
  rewardId: IdSchema.optional(),
  quantity: z.number().int().positive().max(1000).optional(),
  points: z.number().int().positive().max(1_000_000_000).optional(),
  at: InstantSchema.optional(),
  reason: z.string().trim().min(1).max(500).optional(),
});
/** Input of `loyalty.reverse`: undo the ledger event with key `targetKey` (a refunded order `transaction:<id>`, a redemption's key). */
export const CrmReverseInputSchema = z.strictObject({
  idempotencyKey: Key,
  ...MemberRef,
  targetKey: z.string().min(1).max(256),
  reason: z.string().trim().min(1).max(500),
  at: InstantSchema.optional(),
});
/** Input of `loyalty.adjust`: a manual correction by the actor; the ledger key is the idempotency key. */
export const CrmAdjustInputSchema = z.strictObject({
  idempotencyKey: Key,
  ...MemberRef,
  points: z.number().int(),
  qualifyingPoints: z.number().int().optional(),
  qualifyingSpendMinor: z.number().int().optional(),
  reason: z.string().trim().min(1).max(500),
  expiresAt: InstantSchema.nullable().optional(),
  at: InstantSchema.optional(),
});
/** Input of `loyalty.useBenefit`: a member benefit used (a wash, a wax) against the tier's quota. */
export const CrmUseBenefitInputSchema = z.strictObject({
  idempotencyKey: Key,
  ...MemberRef,
  benefitId: IdSchema,
  quantity: z.number().int().positive().max(1000).optional(),
  at: InstantSchema.optional(),
});
/** Input of `loyalty.balance`. */
export const CrmBalanceInputSchema = z.strictObject({ ...MemberRef, asOf: InstantSchema.optional(), expiringWithinDays: z.number().int().min(0).max(3660).optional() });
/** Input of `loyalty.tier` and `loyalty.benefits`. */
export const CrmMemberStatusInputSchema = z.strictObject({ ...MemberRef, asOf: InstantSchema.optional() });

/** Input of `loyalty.enroll`, as accepted. */
export type CrmEnrollMemberInput = z.input<typeof CrmEnrollMemberInputSchema>;
/** Input of `loyalty.accrue`, as accepted. */
export type CrmAccrueInput = z.input<typeof CrmAccrueInputSchema>;
/** Input of `loyalty.redeem`, as accepted. */
export type CrmRedeemInput = z.input<typeof CrmRedeemInputSchema>;
/** Input of `loyalty.reverse`, as accepted. */
export type CrmReverseInput = z.input<typeof CrmReverseInputSchema>;
/** Input of `loyalty.adjust`, as accepted. */
export type CrmAdjustInput = z.input<typeof CrmAdjustInputSchema>;
/** Input of `loyalty.useBenefit`, as accepted. */
export type CrmUseBenefitInput = z.input<typeof CrmUseBenefitInputSchema>;
/** Input of `loyalty.balance`, as accepted. */
export type CrmBalanceInput = z.input<typeof CrmBalanceInputSchema>;
/** Input of `loyalty.tier` and `loyalty.benefits`, as accepted. */
export type CrmMemberStatusInput = z.input<typeof CrmMemberStatusInputSchema>;

/** What enrolling returns. */
export interface CrmEnrollAnswer {
  readonly memberId: string;
  readonly programId: string;
  readonly customerId: string;
  readonly version: number;
}

/** What a ledger write returns: the points it moved and the balance right after. */
export interface CrmLedgerWriteAnswer {
  readonly memberId: string;
  /** The ledger account (`member:<id>` or `household:<id>`). */
  readonly accountId: string;
  /** The ledger key of the event: reverse it with `loyalty.reverse({ targetKey })`. */
  readonly ledgerKey: string;
  /** Whether the ledger already held the event (nothing new was written). */
  readonly replayed: boolean;
  /** Entries appended to the ledger. */
  readonly entriesWritten: number;
  /** The signed change of the account's points by the event's fact entry (0 on a replay or a benefit use). */
  readonly points: number;
  /** Points available and pending, and the debt, right after the write. */
  readonly balance: { readonly available: number; readonly pending: number; readonly debt: number };
}

/** The loyalty service of the facade. */
export interface CrmLoyaltyService {
  /** Enrols a customer in a program. Needs `loyalty.write`. */
  readonly enroll: CrmMethod<CrmEnrollMemberInput, CrmEnrollAnswer>;
  /** Credits a bonus or a transaction. Needs `loyalty.write`. */
  readonly accrue: CrmMethod<CrmAccrueInput, CrmLedgerWriteAnswer>;
  /** Spends points: never more than available, even under concurrency. Needs `loyalty.write`. */
  readonly redeem: CrmMethod<CrmRedeemInput, CrmLedgerWriteAnswer>;
  /** Undoes an earlier ledger event. Needs `loyalty.write`. */
  readonly reverse: CrmMethod<CrmReverseInput, CrmLedgerWriteAnswer>;
  /** A manual correction. Needs `loyalty.write`. */
  readonly adjust: CrmMethod<CrmAdjustInput, CrmLedgerWriteAnswer>;
  /** Uses a member benefit against its quota. Needs `loyalty.write`. */
  readonly useBenefit: CrmMethod<CrmUseBenefitInput, CrmLedgerWriteAnswer>;
  /** The balance. Needs `loyalty.read`. */
  readonly balance: CrmMethod<CrmBalanceInput, LoyaltyBalance>;
  /** The tier status. Needs `loyalty.read`. */
  readonly tier: CrmMethod<CrmMemberStatusInput, LoyaltyTierStatus>;
  /** Benefit quotas used and left. Needs `loyalty.read`. */
  readonly benefits: CrmMethod<CrmMemberStatusInput, LoyaltyBenefitUsage>;
}

/** The member as the domain functions take it: with the customer's birthday when a birthday bonus needs it. */
async function memberWithBirthday(scope: OperationScope<unknown>, tx: CrmTx, member: LoyaltyMember): Promise<LoyaltyMember> {
  const found = await requireStoredCustomer(scope, tx, member.customerId);
  checkLive(found.record);
  const customer = await openStoredCustomer(scope, tx, found.record);
  return customer.birthday === undefined ? member : { ...member, birthday: customer.birthday };
}

/** The latest instant a ledger's entries are dated or were recorded at, epoch ms (0 for an empty ledger). */
function latestRecorded(entries: readonly LedgerEntry[]): number {
  return entries.reduce((max, entry) => Math.max(max, entry.at.getTime(), entry.recordedAt.getTime()), 0);
}

/** The instant a read without `asOf` is made at: now, or the ledger's latest entry when live writes were dated past a clock that stood still. */
function readAsOf(asOf: Date | undefined, now: Date, entries: readonly LedgerEntry[]): Date {
  return asOf ?? new Date(Math.max(now.getTime(), latestRecorded(entries)));
}

/** A domain ledger write, given the member, the ledger so far, the write options and the instant of a live event. */
type LedgerWriteFn = (member: LoyaltyMember, entries: readonly LedgerEntry[], options: { asOf: Date; members?: LoyaltyMember[] }, liveAt: Date) => LoyaltyWriteResult & { readonly points?: number };

/**
 * Reads the member's ledger, runs a domain write on it, appends the new
 * entries conditionally on the version read, and answers with the balance
 * after. Internal to the facade.
 */
export async function writeLedger(scope: OperationScope<unknown>, tx: CrmTx, loaded: LoadedMember, write: LedgerWriteFn, member: LoyaltyMember = loaded.member): Promise<CrmLedgerWriteAnswer> {
  const { tenantId } = scope;
  const ledger = await loadLedger(tx, tenantId, loaded.streamId);
  const members = await householdMembers(tx, tenantId, loaded);
  // A live event (no time given) is dated now — or just after the ledger's latest
  // entry when the clock has not moved past it — so that it never lands before
  // entries already recorded and restates them.
  const liveAt = new Date(Math.max(scope.now.getTime(), latestRecorded(ledger.entries) + 1));
  const result = write(member, ledger.entries, { asOf: liveAt, ...(members.length === 0 ? {} : { members }) }, liveAt);
  await appendLedger(tx, tenantId, loaded.streamId, result, ledger.version);
  const after = balance(loaded.program, [...ledger.entries, ...result.entries], { asOf: liveAt });
  return {
    memberId: loaded.member.id,
    accountId: result.accountId,
    ledgerKey: result.idempotencyKey,
    replayed: result.replayed,
    entriesWritten: result.entries.length,
    points: result.replayed ? 0 : (result.points ?? 0),
    balance: { available: after.available, pending: after.pending, debt: after.debt },
  };
}

/** A ledger write method, declared: its input names the member and maybe the event's time. */
interface LedgerMethodSpec<I extends { readonly memberId: string; readonly at?: Date | undefined }> {
  readonly name: string;
  readonly input: z.ZodType<I>;
  readonly event: string;
  /** The member as the domain write needs it (default: as stored). */
  readonly member?: (scope: OperationScope<I>, tx: CrmTx, member: LoyaltyMember) => Promise<LoyaltyMember>;
  /** Personal fields the write reads, for the audit. */
  readonly fields?: (input: I) => readonly string[];
  /** The domain write; `at` is the input's time or, for a live event, the instant {@link writeLedger} chose. */
  readonly write: (call: { readonly input: I; readonly scope: OperationScope<I>; readonly program: LoadedMember['program']; readonly at: Date }, member: LoyaltyMember, entries: readonly LedgerEntry[], options: { asOf: Date; members?: LoyaltyMember[] }) => LoyaltyWriteResult & { readonly points?: number };
}

/** A facade method that writes to one member's ledger. Internal to the facade. */
function ledgerMethod<I extends { readonly memberId: string; readonly at?: Date | undefined }>(rt: CrmRuntime, spec: LedgerMethodSpec<I>): CrmMethod<unknown, CrmLedgerWriteAnswer> {
  return defineMethod(rt, {
    name: spec.name,
    permission: 'loyalty.write',
    input: spec.input,
    write: true,
    event: spec.event,
    async run(scope) {
      const { tx, input } = scope;
      const loaded = await requireMember(scope, tx, input.memberId);
      const member = spec.member === undefined ? loaded.member : await spec.member(scope, tx, loaded.member);
      const answer = await writeLedger(scope, tx, loaded, (m, entries, options, liveAt) => spec.write({ input, scope, program: loaded.program, at: input.at ?? liveAt }, m, entries, options), member);
      const { customerId, id: memberId } = loaded.member;
      return {
        answer,
        audit: { customerIds: [customerId], fields: spec.fields?.(input) ?? [], details: { memberId, ledgerKey: answer.ledgerKey } },
        event: { memberId, customerId, ledgerKey: answer.ledgerKey, points: answer.points, replayed: answer.replayed },
      };
    },
  });
}

/** A facade method that reads one member's ledger as of an instant (default now). Internal to the facade. */
function ledgerRead<I extends { readonly memberId: string; readonly asOf?: Date | undefined }, O>(
  rt: CrmRuntime,
  spec: {
    readonly name: string;
    readonly input: z.ZodType<I>;
    readonly event: string;
    readonly read: (call: { readonly input: I; readonly loaded: LoadedMember; readonly entries: readonly LedgerEntry[]; readonly asOf: Date; readonly options: { asOf: Date; members?: LoyaltyMember[] } }) => O;
  },
): CrmMethod<unknown, O> {
  return defineMethod(rt, {
    name: spec.name,
    permission: 'loyalty.read',
    input: spec.input,
    write: false,
    event: spec.event,
    async run(scope) {
      const { tx, input, tenantId } = scope;
      const loaded = await requireMember(scope, tx, input.memberId);
      const { entries } = await loadLedger(tx, tenantId, loaded.streamId);
      const members = await householdMembers(tx, tenantId, loaded);
      const asOf = readAsOf(input.asOf, scope.now, entries);
      const answer = spec.read({ input, loaded, entries, asOf, options: { asOf, ...(members.length === 0 ? {} : { members }) } });
      const { customerId, id: memberId } = loaded.member;
      return { answer, audit: { customerIds: [customerId], details: { memberId } }, event: { memberId } };
    },
  });
}

/** The loyalty methods of a facade. Internal to the facade. */
export function createLoyaltyService(rt: CrmRuntime): CrmLoyaltyService {
  const enrollInput = CrmEnrollMemberInputSchema.superRefine((input, ctx) => {
    if (!rt.programs.has(input.member.programId)) {
      ctx.addIssue({ code: 'custom', path: ['member', 'programId'], message: `expected one of the facade's programs (${[...rt.programs.keys()].join(', ') || 'none'}), got ${JSON.stringify(input.member.programId)}` });
    }
  });
  return {
    enroll: defineMethod(rt, {
      name: 'loyalty.enroll',
      permission: 'loyalty.write',
      input: enrollInput,
      write: true,
      event: 'crm.loyalty.enrolled',
      customerIdsOf: (input) => [input.member.customerId],
      async run(scope) {
        const { tx, input, tenantId, now } = scope;
        const found = await requireStoredCustomer(scope, tx, input.member.customerId);
        checkLive(found.record);
        const existing = await tx.get(tenantId, 'loyalty_members', input.member.id);
        if (existing !== null) {
          throw staleRequest(`loyalty member ${input.member.id} already exists; nothing was written`, { collection: 'loyalty_members', id: input.member.id, expectedVersion: 0, actualVersion: existing.version });
        }
        const member = { ...input.member, joinedAt: input.member.joinedAt ?? now };
        const written = await tx.put(tenantId, 'loyalty_members', member, { expectedVersion: 0 });
        const answer: CrmEnrollAnswer = { memberId: member.id, programId: member.programId, customerId: member.customerId, version: written.version };
        return { answer, audit: { customerIds: [member.customerId], details: { memberId: member.id } }, event: { ...answer } };
      },
    }),

    accrue: ledgerMethod(rt, {
      name: 'loyalty.accrue',
      input: CrmAccrueInputSchema,
      event: 'crm.loyalty.accrued',
      member: (scope, tx, member) => (scope.input.event.type === 'birthday' ? memberWithBirthday(scope, tx, member) : Promise.resolve(member)),
      fields: (input) => (input.event.type === 'birthday' ? ['birthday'] : []),
      write: ({ input, program }, member, entries, options) => accrue(program, member, entries, input.event as LoyaltyAccrualEventInput, options),
    }),

    redeem: ledgerMethod(rt, {
      name: 'loyalty.redeem',
      input: CrmRedeemInputSchema,
      event: 'crm.loyalty.redeemed',
      write: ({ input, program, at }, member, entries, options) => {
        const { rewardId, quantity, points, reason } = input;
        const result = redeem(program, member, entries, { key: input.idempotencyKey, at, ...definedOnly({ rewardId, quantity, points, reason }) }, options);
        return { ...result, points: -result.points };
      },
    }),

    reverse: ledgerMethod(rt, {
      name: 'loyalty.reverse',
      input: CrmReverseInputSchema,
      event: 'crm.loyalty.reversed',
      write: ({ input, program, at, scope }, member, entries, options) => {
        const result = reverse(program, member, entries, { targetKey: input.targetKey, reason: input.reason, at, actor: scope.context.actor.userId }, options);
        return { ...result, points: -(result.reversedPoints + result.clawedBackPoints) };
      },
    }),

    adjust: ledgerMethod(rt, {
      name: 'loyalty.adjust',
      input: CrmAdjustInputSchema,
      event: 'crm.loyalty.adjusted',
      write: ({ input, program, at, scope }, member, entries, options) => {
        const { qualifyingPoints, qualifyingSpendMinor, expiresAt } = input;
        const adjustment = { key: input.idempotencyKey, at, points: input.points, reason: input.reason, actor: scope.context.actor.userId, ...definedOnly({ qualifyingPoints, qualifyingSpendMinor, expiresAt }) };
        return { ...adjust(program, member, entries, adjustment, options), points: input.points };
      },
    }),

    useBenefit: ledgerMethod(rt, {
      name: 'loyalty.useBenefit',
      input: CrmUseBenefitInputSchema,
      event: 'crm.loyalty.benefit_used',
      write: ({ input, program, at }, member, entries, options) =>
        useBenefit(program, member, entries, { key: input.idempotencyKey, at, benefitId: input.benefitId, ...definedOnly({ quantity: input.quantity }) }, options),
    }),

    balance: ledgerRead(rt, {
      name: 'loyalty.balance',
      input: CrmBalanceInputSchema,
      event: 'crm.loyalty.balance_read',
      read: ({ input, loaded, entries, asOf }) => balance(loaded.program, entries, { asOf, ...definedOnly({ expiringWithinDays: input.expiringWithinDays }) }),
    }),

    tier: ledgerRead(rt, {
      name: 'loyalty.tier',
      input: CrmMemberStatusInputSchema,
      event: 'crm.loyalty.tier_read',
      read: ({ loaded, entries, options }) => tierStatus(loaded.program, loaded.member, entries, options),
    }),

    benefits: ledgerRead(rt, {
      name: 'loyalty.benefits',
      input: CrmMemberStatusInputSchema,
      event: 'crm.loyalty.benefits_read',
      read: ({ loaded, entries, options }) => benefitUsage(loaded.program, loaded.member, entries, options),
    }),
  };
}
