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
import type { CrmBulkSource } from '../bulk-items.js';
import { bulkEnvelopeShape, defineBulkMethod } from '../bulk-operation.js';
import { checkLive, openStoredCustomer, requireLiveCustomers, requireStoredCustomer } from '../customer-records.js';
import { defineMethod, staleRequest, type CrmMethod, type OperationScope } from '../operation.js';
import type { CrmRuntime, CrmTx } from '../runtime.js';
import { appendLedger, householdMembers, latestRecorded, loadLedger, requireMember, type LoadedMember } from './loyalty-ledger.js';
import { definedOnly } from '../defined-only.js';

const Key = IdSchema;
const MemberRef = { memberId: IdSchema };

/** A member to enrol: without birthday (the facade reads it from the customer when a birthday bonus needs it); `joinedAt` defaults to now. */
export const CrmLoyaltyEnrollmentSchema = z.strictObject({
  id: IdSchema,
  programId: IdSchema,
  customerId: IdSchema,
  joinedAt: InstantSchema.optional(),
  householdId: IdSchema.optional(),
  tierOverrides: z.array(LoyaltyTierOverrideSchema).default([]),
  metadata: MetadataSchema.optional(),
});
/** Input of `loyalty.enroll`: the member (see {@link CrmLoyaltyEnrollmentSchema}). */
export const CrmEnrollMemberInputSchema = z.strictObject({ idempotencyKey: Key, member: CrmLoyaltyEnrollmentSchema });
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
/** A member to enrol, as accepted; see {@link CrmLoyaltyEnrollmentSchema}. */
export type CrmLoyaltyEnrollmentInput = z.input<typeof CrmLoyaltyEnrollmentSchema>;

/**
 * Input of `loyalty.enrollMany`: many members to enrol (an array, or an
 * iterable read a batch at a time), `batchSize` to a storage transaction
 * (default 250, at most 1000).
 */
export interface CrmEnrollMembersInput {
  readonly idempotencyKey: string;
  readonly members: CrmBulkSource<CrmLoyaltyEnrollmentInput>;
  readonly batchSize?: number;
}
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

/** What `loyalty.enrollMany` returns: counts over every batch of the call. */
export interface CrmEnrollManyAnswer {
  /** Storage transactions the call was written in. */
  readonly batches: number;
  /** Members enrolled. */
  readonly members: number;
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
  /** Enrols many customers, a batch to a storage transaction; replayed or resumed by its idempotency key. Needs `loyalty.write`. */
  readonly enrollMany: CrmMethod<CrmEnrollMembersInput, CrmEnrollManyAnswer>;
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

/**
 * Enrols up to 1000 members: their customers must exist, be the actor's to
 * see and be live; no member may exist yet (a `VERSION_CONFLICT` naming the
 * first that does, nothing written); `joinedAt` defaults to now. One read of
 * the customers, one of the members, one write. Internal to the facade.
 */
async function enrollMembers(scope: OperationScope<unknown>, tx: CrmTx, members: readonly z.output<typeof CrmLoyaltyEnrollmentSchema>[]) {
  const { tenantId, now } = scope;
  if (members.length === 0) return [];
  await requireLiveCustomers(scope, tx, members.map((member) => member.customerId));
  const existing = await tx.getMany(tenantId, 'loyalty_members', members.map((member) => member.id));
  existing.forEach((found, index) => {
    if (found === null) return;
    const id = members[index]!.id;
    throw staleRequest(`loyalty member ${id} already exists; nothing was written`, { collection: 'loyalty_members', id, expectedVersion: 0, actualVersion: found.version });
  });
  return tx.putMany(tenantId, 'loyalty_members', members.map((member) => ({ record: { ...member, joinedAt: member.joinedAt ?? now }, expectedVersion: 0 })));
}

/** The loyalty methods of a facade. Internal to the facade. */
export function createLoyaltyService(rt: CrmRuntime): CrmLoyaltyService {
  const enrollment = CrmLoyaltyEnrollmentSchema.superRefine((member, ctx) => {
    if (!rt.programs.has(member.programId)) {
      ctx.addIssue({ code: 'custom', path: ['programId'], message: `expected one of the facade's programs (${[...rt.programs.keys()].join(', ') || 'none'}), got ${JSON.stringify(member.programId)}` });
    }
  });
  return {
    enroll: defineMethod(rt, {
      name: 'loyalty.enroll',
      permission: 'loyalty.write',
      input: z.strictObject({ idempotencyKey: Key, member: enrollment }),
      write: true,
      event: 'crm.loyalty.enrolled',
      customerIdsOf: (input) => [input.member.customerId],
      async run(scope) {
        const [written] = await enrollMembers(scope, scope.tx, [scope.input.member]);
        const member = written!.record;
        const answer: CrmEnrollAnswer = { memberId: member.id, programId: member.programId, customerId: member.customerId, version: written!.version };
        return { answer, audit: { customerIds: [member.customerId], details: { memberId: member.id } }, event: { ...answer } };
      },
    }),

    enrollMany: defineBulkMethod(rt, {
      name: 'loyalty.enrollMany',
      permission: 'loyalty.write',
      event: 'crm.loyalty.batch_enrolled',
      envelope: z.strictObject(bulkEnvelopeShape),
      items: { field: 'members', noun: 'member', schema: enrollment, identity: (member) => member.id },
      customerIdsOf: (members) => members.map((member) => member.customerId),
      async run(scope) {
        const written = await enrollMembers(scope, scope.tx, scope.items);
        const customerIds = written.map((item) => item.record.customerId);
        return {
          answer: { members: written.length },
          audit: { customerIds, details: { members: written.length } },
          event: { customerIds, memberIds: written.map((item) => item.record.id) },
        };
      },
      summary: {
        empty: { batches: 0, members: 0 } satisfies CrmEnrollManyAnswer,
        add: (sum: CrmEnrollManyAnswer, batch: Omit<CrmEnrollManyAnswer, 'batches'>): CrmEnrollManyAnswer => ({ batches: sum.batches + 1, members: sum.members + batch.members }),
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
