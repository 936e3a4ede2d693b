import { z } from 'zod';
import { CrmError, IdSchema, InstantSchema } from '../../core/index.js';
import {
  ConsentSchema,
  CustomerSchema,
  InteractionSchema,
  SurvivorshipPolicySchema,
  VinSchema,
  buildCustomerView,
  mergeCustomers,
  toE164,
  type ContactPointKind,
  type Customer,
  type CustomerView,
  type Interaction,
} from '../../customer/index.js';
import { balance, tierStatus } from '../../loyalty/index.js';
import type { CrmDataVisibility } from '../access-policy.js';
import { boundedId } from '../bounded-id.js';
import { lookupDigests, normaliseIdNumber } from '../blind-index.js';
import {
  checkLive,
  getStoredCustomer,
  openStoredCustomer,
  replaceLookups,
  requireDealer,
  requireLiveCustomer,
  requireStoredCustomer,
  seesDealer,
  writeCustomer,
  type StoredCustomerRecord,
} from '../customer-records.js';
import { defineMethod, staleRequest, type CrmMethod, type OperationScope } from '../operation.js';
import { personalFieldsOf, presentCustomer, seenFields, type CrmCustomer } from '../present-customer.js';
import { queryAll, readWholeStream } from '../reads.js';
import type { CrmRuntime, CrmTx } from '../runtime.js';
import { openTexts, sealTexts, textsOfCustomer } from '../sealed-texts.js';
import type { StoredCustomer } from '../stored-customer.js';
import type { LookupKind } from '../stored-records.js';
import { createCustomerImport, type CrmCustomerImportAnswer, type CrmImportCustomersInput } from './customer-import.js';
import { createCustomerList, type CrmCustomerPage, type CrmListCustomersInput } from './customer-list.js';
import { ledgerStreamId, loadLedger } from './loyalty-ledger.js';

const IdempotencyKeySchema = IdSchema;

/** Input of `customers.upsert`: the customer (customer model) and optionally the version it must be at (0: create only). */
export const CrmUpsertCustomerInputSchema = z.strictObject({
  idempotencyKey: IdempotencyKeySchema,
  customer: CustomerSchema,
  expectedVersion: z.number().int().min(0).optional(),
});
/** Input of `customers.get`. */
export const CrmGetCustomerInputSchema = z.strictObject({ customerId: IdSchema });
/** Input of `customers.findByMobile`: any spelling of a mainland mobile or an international number with `+`. */
export const CrmFindByMobileInputSchema = z.strictObject({
  mobile: z
    .string()
    .max(64)
    .transform((value, ctx) => {
      const e164 = toE164(value);
      if (e164 === undefined) {
        ctx.addIssue({ code: 'custom', message: `expected a mobile number, got ${JSON.stringify(value.slice(0, 40))}` });
        return z.NEVER;
      }
      return e164;
    }),
});
/** Input of `customers.findByIdNumber`: an identity document number (resident identity numbers in 15 or 18 characters). */
export const CrmFindByIdNumberInputSchema = z.strictObject({ idNumber: z.string().trim().min(1).max(32) });
/** Input of `customers.findByVin`. */
export const CrmFindByVinInputSchema = z.strictObject({ vin: VinSchema });
/** Input of `customers.merge`: 2–20 distinct customers and optionally the survivorship rules (default: the facade's). */
export const CrmMergeCustomersInputSchema = z.strictObject({
  idempotencyKey: IdempotencyKeySchema,
  customerIds: z
    .array(IdSchema)
    .min(2, { error: 'a merge needs at least two customers' })
    .max(20)
    .refine((ids) => new Set(ids).size === ids.length, { error: 'customer ids may not repeat' }),
  survivorship: SurvivorshipPolicySchema.optional(),
});
/** Input of `customers.view`: the 360° view as of an instant (default now). */
export const CrmCustomerViewInputSchema = z.strictObject({
  customerId: IdSchema,
  asOf: InstantSchema.optional(),
  recentInteractionLimit: z.number().int().min(0).max(200).optional(),
});
/** Input of `customers.recordConsent`: a consent decision for the customer's contact point of a kind (the primary one, or the one with `value`). */
export const CrmRecordConsentInputSchema = z.strictObject({
  idempotencyKey: IdempotencyKeySchema,
  customerId: IdSchema,
  contactPoint: z.strictObject({ kind: z.enum(['mobile', 'phone', 'email', 'wechat', 'address']), value: z.string().min(1).max(254).optional() }),
  consent: ConsentSchema,
});
/** Input of `customers.recordInteraction`: an interaction (its notes are encrypted apart from the stream when configured). */
export const CrmRecordInteractionInputSchema = z.strictObject({ idempotencyKey: IdempotencyKeySchema, interaction: InteractionSchema });

/** Input of `customers.upsert`, as accepted. */
export type CrmUpsertCustomerInput = z.input<typeof CrmUpsertCustomerInputSchema>;
/** Input of `customers.get`, as accepted. */
export type CrmGetCustomerInput = z.input<typeof CrmGetCustomerInputSchema>;
/** Input of `customers.findByMobile`, as accepted. */
export type CrmFindByMobileInput = z.input<typeof CrmFindByMobileInputSchema>;
/** Input of `customers.findByIdNumber`, as accepted. */
export type CrmFindByIdNumberInput = z.input<typeof CrmFindByIdNumberInputSchema>;
/** Input of `customers.findByVin`, as accepted. */
export type CrmFindByVinInput = z.input<typeof CrmFindByVinInputSchema>;
/** Input of `customers.merge`, as accepted. */
export type CrmMergeCustomersInput = z.input<typeof CrmMergeCustomersInputSchema>;
/** Input of `customers.view`, as accepted. */
export type CrmCustomerViewInput = z.input<typeof CrmCustomerViewInputSchema>;
/** Input of `customers.recordConsent`, as accepted. */
export type CrmRecordConsentInput = z.input<typeof CrmRecordConsentInputSchema>;
/** Input of `customers.recordInteraction`, as accepted. */
export type CrmRecordInteractionInput = z.input<typeof CrmRecordInteractionInputSchema>;

/** What a customer write returns. */
export interface CrmCustomerWriteAnswer {
  readonly customerId: string;
  /** The record's version after the write. */
  readonly version: number;
  /** Whether the write created the customer. */
  readonly created: boolean;
}

/** A customer as read through the facade: its status, and its data as the actor may see it. */
export interface CrmCustomerRecord {
  readonly customerId: string;
  /** `active`; `merged` into another record; `erased` (only a pseudonymous id remains). */
  readonly status: 'active' | 'merged' | 'erased';
  readonly version: number;
  /** How much personal data the actor saw. */
  readonly visibility: CrmDataVisibility;
  /** The customer; `null` when merged or erased. */
  readonly customer: CrmCustomer | null;
  /** The record it was merged into. */
  readonly mergedInto?: string;
  /** When its personal data was erased. */
  readonly erasedAt?: Date;
}

/** The customers a lookup found (only those the actor may see). */
export interface CrmCustomerMatches {
  readonly customers: readonly CrmCustomerRecord[];
}

/** What a merge returns: the golden record and where each of its fields came from. */
export interface CrmMergeAnswer {
  /** The golden record's id (chosen by survivorship). */
  readonly customerId: string;
  /** The records merged into it (now tombstones with `mergedInto`). */
  readonly mergedIds: readonly string[];
  readonly version: number;
  /** Per field: the record it came from and the survivorship rule that chose it. */
  readonly fields: Readonly<Record<string, { readonly sourceId: string; readonly reason: string }>>;
  /** Per contact point of the golden record (in order): its kind and the records that had it. */
  readonly contactPoints: readonly { readonly kind: ContactPointKind; readonly sourceIds: readonly string[] }[];
}

/** A loyalty membership in the 360° view. */
export interface CrmLoyaltySummary {
  readonly memberId: string;
  readonly programId: string;
  readonly tierId: string;
  readonly available: number;
  readonly pending: number;
}

/** The 360° view of a customer through the facade: the customer module's view with personal data as the actor may see it, and loyalty. */
export interface CrmCustomerView extends Omit<CustomerView, 'customer' | 'recentInteractions' | 'consents'> {
  readonly customer: CrmCustomer;
  /** The consents in force at `asOf`, by purpose and channel. */
  readonly consents: CustomerView['consents'];
  readonly visibility: CrmDataVisibility;
  /** The most recent interactions; notes only with full visibility. */
  readonly recentInteractions: readonly Interaction[];
  readonly loyalty: readonly CrmLoyaltySummary[];
}

/** What recording a consent returns. */
export interface CrmConsentAnswer {
  readonly customerId: string;
  readonly version: number;
  /** The contact point (index in the customer's list) the decision was recorded on. */
  readonly contactPointIndex: number;
}

/** What recording an interaction returns. */
export interface CrmInteractionAnswer {
  readonly interactionId: string;
  readonly customerId: string;
  /** The interaction's position in the customer's stream. */
  readonly position: number;
  /** Whether the same interaction was recorded before (nothing new). */
  readonly replayed: boolean;
}

/** The customer service of the facade. */
export interface CrmCustomerService {
  /** Creates or replaces a customer; personal fields are encrypted and blind-indexed. Needs `customers.write`. */
  readonly upsert: CrmMethod<CrmUpsertCustomerInput, CrmCustomerWriteAnswer>;
  /**
   * Creates or replaces many customers, a batch to a storage transaction —
   * each encrypted and blind-indexed as by `upsert`, one audit entry and one
   * outbox event per batch; replayed or resumed by its idempotency key.
   * Needs `customers.write`.
   */
  readonly import: CrmMethod<CrmImportCustomersInput, CrmCustomerImportAnswer>;
  /**
   * Lists the tenant's customers a page at a time (id order, stable under
   * concurrent inserts), as the actor may see them; one audit entry per page
   * naming every customer on it. For nightly jobs that need the records
   * themselves. Needs `customers.read`.
   */
  readonly list: CrmMethod<CrmListCustomersInput, CrmCustomerPage>;
  /** Reads a customer as the actor may see it. Needs `customers.read`. */
  readonly get: CrmMethod<CrmGetCustomerInput, CrmCustomerRecord>;
  /** Finds customers by mobile through the blind index. Needs `customers.read`. */
  readonly findByMobile: CrmMethod<CrmFindByMobileInput, CrmCustomerMatches>;
  /** Finds customers by identity number through the blind index. Needs `customers.read`. */
  readonly findByIdNumber: CrmMethod<CrmFindByIdNumberInput, CrmCustomerMatches>;
  /** Finds the current owners, drivers and lessees of a VIN. Needs `customers.read`. */
  readonly findByVin: CrmMethod<CrmFindByVinInput, CrmCustomerMatches>;
  /** Merges duplicates into a golden record with lineage. Needs `customers.merge`. */
  readonly merge: CrmMethod<CrmMergeCustomersInput, CrmMergeAnswer>;
  /** The 360° view. Needs `customers.read`. */
  readonly view: CrmMethod<CrmCustomerViewInput, CrmCustomerView>;
  /** Records a consent decision (a grant, an opt-out). Needs `customers.write`. */
  readonly recordConsent: CrmMethod<CrmRecordConsentInput, CrmConsentAnswer>;
  /** Records an interaction in the customer's stream. Needs `customers.write`. */
  readonly recordInteraction: CrmMethod<CrmRecordInteractionInput, CrmInteractionAnswer>;
}

/** A stored customer as the actor may see it. Internal to the facade. */
export async function presentRecord(scope: OperationScope<unknown>, tx: CrmTx, found: StoredCustomerRecord): Promise<{ answer: CrmCustomerRecord; fields: string[] }> {
  const stored = found.record;
  const base = { customerId: stored.id, version: found.version, visibility: scope.visibility };
  if (stored.erasedAt !== undefined) return { answer: { ...base, status: 'erased', customer: null, erasedAt: stored.erasedAt }, fields: [] };
  if (stored.mergedInto !== undefined) return { answer: { ...base, status: 'merged', customer: null, mergedInto: stored.mergedInto }, fields: [] };
  const customer = await openStoredCustomer(scope, tx, stored);
  return { answer: { ...base, status: 'active', customer: presentCustomer(customer, scope.visibility) }, fields: seenFields(customer, scope.visibility) };
}

/** Presents the live customers among stored ones that the actor may see. Internal to the facade. */
async function presentMatches(scope: OperationScope<unknown>, tx: CrmTx, customerIds: readonly string[], details: Record<string, string | number>) {
  const unique = [...new Set(customerIds)].sort();
  const found = unique.length === 0 ? [] : await tx.getMany(scope.tenantId, 'customers', unique.slice(0, 1000));
  const customers: CrmCustomerRecord[] = [];
  const fields = new Set<string>();
  let hidden = 0;
  for (const item of found) {
    if (item === null || item.record.erasedAt !== undefined || item.record.mergedInto !== undefined) continue;
    if (!seesDealer(scope, item.record.dealerId)) {
      hidden += 1;
      continue;
    }
    const presented = await presentRecord(scope, tx, item);
    customers.push(presented.answer);
    for (const field of presented.fields) fields.add(field);
  }
  const customerIdsSeen = customers.map((record) => record.customerId);
  return {
    answer: { customers },
    audit: { customerIds: customerIdsSeen, fields: [...fields], visibility: scope.visibility, details: { ...details, matches: customers.length, hiddenOtherDealers: hidden } },
    event: { customerIds: customerIdsSeen },
  };
}

async function findByLookup(scope: OperationScope<unknown>, tx: CrmTx, kind: LookupKind, value: string) {
  const digests = await lookupDigests(scope.rt.ring, scope.tenantId, kind, value);
  const entries = await queryAll(tx, scope.tenantId, 'customer_lookup', { digest: { in: digests } });
  return presentMatches(scope, tx, entries.map((entry) => entry.record.customerId), { lookup: kind });
}

function sameContactValue(kind: ContactPointKind, stored: unknown, wanted: string): boolean {
  if (typeof stored !== 'string') return false;
  if (kind === 'mobile' || kind === 'phone') return toE164(wanted) === stored;
  if (kind === 'email') return wanted.trim().toLowerCase() === stored;
  return wanted === stored;
}

/** A tombstone of a merged-away or erased record: only what reports need. Internal to the facade. */
export function tombstone(stored: StoredCustomer, now: Date, mark: { readonly mergedInto: string } | { readonly erasedAt: Date }): StoredCustomer {
  return {
    id: stored.id,
    kind: stored.kind,
    type: stored.type,
    contactPoints: [],
    dealerId: stored.dealerId,
    source: stored.source,
    lifecycleStage: stored.lifecycleStage,
    tags: [],
    createdAt: stored.createdAt,
    updatedAt: now.getTime() > stored.createdAt.getTime() ? now : stored.createdAt,
    sealed: {},
    ...mark,
  };
}

/** The customer methods of a facade. Internal to the facade. */
export function createCustomerService(rt: CrmRuntime): CrmCustomerService {
  return {
    upsert: defineMethod(rt, {
      name: 'customers.upsert',
      permission: 'customers.write',
      input: CrmUpsertCustomerInputSchema,
      write: true,
      event: 'crm.customer.upserted',
      customerIdsOf: (input) => [input.customer.id],
      async run(scope) {
        const { tx, input, tenantId } = scope;
        const customer = input.customer;
        requireDealer(scope, customer.dealerId, `customer ${customer.id}`, [customer.id]);
        const existing = await getStoredCustomer(tx, tenantId, customer.id);
        if (existing !== null) {
          requireDealer(scope, existing.record.dealerId, `customer ${customer.id}`, [customer.id]);
          checkLive(existing.record);
        }
        const current = existing?.version ?? 0;
        if (input.expectedVersion !== undefined && input.expectedVersion !== current) {
          throw staleRequest(`customer ${customer.id} is at version ${current}, not ${input.expectedVersion}; nothing was written`, {
            collection: 'customers',
            id: customer.id,
            expectedVersion: input.expectedVersion,
            actualVersion: existing === null ? null : current,
          });
        }
        const mergedFrom = existing?.record.mergedFrom;
        const version = await writeCustomer(scope, tx, customer, current, mergedFrom === undefined ? {} : { mergedFrom });
        const answer: CrmCustomerWriteAnswer = { customerId: customer.id, version, created: existing === null };
        return { answer, audit: { customerIds: [customer.id], fields: personalFieldsOf(customer) }, event: { ...answer, dealerId: customer.dealerId } };
      },
    }),

    import: createCustomerImport(rt),

    list: createCustomerList(rt),

    get: defineMethod(rt, {
      name: 'customers.get',
      permission: 'customers.read',
      input: CrmGetCustomerInputSchema,
      write: false,
      event: 'crm.customer.viewed',
      customerIdsOf: (input) => [input.customerId],
      async run(scope) {
        const found = await requireStoredCustomer(scope, scope.tx, scope.input.customerId);
        const { answer, fields } = await presentRecord(scope, scope.tx, found);
        return { answer, audit: { customerIds: [answer.customerId], fields, visibility: scope.visibility }, event: { customerIds: [answer.customerId] } };
      },
    }),

    findByMobile: defineMethod(rt, {
      name: 'customers.findByMobile',
      permission: 'customers.read',
      input: CrmFindByMobileInputSchema,
      write: false,
      event: 'crm.customer.looked_up',
      run: (scope) => findByLookup(scope, scope.tx, 'phone', scope.input.mobile),
    }),

    findByIdNumber: defineMethod(rt, {
      name: 'customers.findByIdNumber',
      permission: 'customers.read',
      input: CrmFindByIdNumberInputSchema,
      write: false,
      event: 'crm.customer.looked_up',
      run: (scope) => findByLookup(scope, scope.tx, 'id_number', normaliseIdNumber(scope.input.idNumber)),
    }),

    findByVin: defineMethod(rt, {
      name: 'customers.findByVin',
      permission: 'customers.read',
      input: CrmFindByVinInputSchema,
      write: false,
      event: 'crm.customer.looked_up',
      async run(scope) {
        const { tx, tenantId, now } = scope;
        const vehicles = await queryAll(tx, tenantId, 'vehicles', { vin: scope.input.vin });
        const vehicleIds = vehicles.map((item) => item.record.id);
        const ownerships = vehicleIds.length === 0 ? [] : await queryAll(tx, tenantId, 'ownerships', { vehicleId: { in: vehicleIds } });
        const current = ownerships
          .map((item) => item.record)
          .filter((ownership) => ownership.from.getTime() <= now.getTime() && (ownership.to === undefined || ownership.to.getTime() > now.getTime()));
        return presentMatches(scope, tx, current.map((ownership) => ownership.customerId), { lookup: 'vin', vehicles: vehicleIds.length });
      },
    }),

    merge: defineMethod(rt, {
      name: 'customers.merge',
      permission: 'customers.merge',
      input: CrmMergeCustomersInputSchema,
      write: true,
      event: 'crm.customer.merged',
      customerIdsOf: (input) => input.customerIds,
      async run(scope) {
        const { tx, input, tenantId, now } = scope;
        const live = [];
        for (const customerId of input.customerIds) live.push(await requireLiveCustomer(scope, tx, customerId));
        const merged = mergeCustomers(
          live.map((item) => item.customer),
          input.survivorship ?? rt.survivorship,
        );
        const golden: Customer = merged.customer;
        const survivor = live.find((item) => item.customer.id === golden.id)!;
        const others = live.filter((item) => item !== survivor);
        requireDealer(scope, golden.dealerId, `the golden record ${golden.id}`, input.customerIds);
        const mergedIds = others.map((item) => item.customer.id);
        const mergedFrom = [...new Set([...live.flatMap((item) => item.stored.mergedFrom ?? []), ...mergedIds])];
        const version = await writeCustomer(scope, tx, golden, survivor.version, { mergedFrom });
        for (const other of others) {
          await tx.put(tenantId, 'customers', tombstone(other.stored, now, { mergedInto: golden.id }), { expectedVersion: other.version });
          await replaceLookups(scope, tx, other.customer.id, null);
        }
        const fields: Record<string, { sourceId: string; reason: string; candidateIds: string[]; unanimous: boolean }> = {};
        for (const [field, lineage] of Object.entries(merged.fields)) {
          if (lineage !== undefined) fields[field] = { sourceId: lineage.sourceId, reason: lineage.reason, candidateIds: [...lineage.candidateIds], unanimous: lineage.unanimous };
        }
        const contactPoints = merged.contactPoints.map((point) => ({ kind: point.kind, sourceIds: [...point.sourceIds], consentCount: point.consentCount }));
        await tx.put(tenantId, 'customer_merges', { id: scope.requestId, survivorId: golden.id, mergedIds, at: now, actorId: scope.context.actor.userId, fields, contactPoints }, { expectedVersion: 0 });
        const answer: CrmMergeAnswer = {
          customerId: golden.id,
          mergedIds,
          version,
          fields: Object.fromEntries(Object.entries(fields).map(([field, lineage]) => [field, { sourceId: lineage.sourceId, reason: lineage.reason }])),
          contactPoints: contactPoints.map(({ kind, sourceIds }) => ({ kind, sourceIds })),
        };
        return { answer, audit: { customerIds: input.customerIds, fields: personalFieldsOf(golden), details: { survivorId: golden.id } }, event: { customerId: golden.id, mergedIds } };
      },
    }),

    view: defineMethod(rt, {
      name: 'customers.view',
      permission: 'customers.read',
      input: CrmCustomerViewInputSchema,
      write: false,
      event: 'crm.customer.viewed',
      customerIdsOf: (input) => [input.customerId],
      async run(scope) {
        const { tx, input, tenantId } = scope;
        const live = await requireLiveCustomer(scope, tx, input.customerId);
        const asOf = input.asOf ?? scope.now;
        const view = await customerView(scope, tx, live.customer, live.stored.mergedFrom ?? [], asOf, input.recentInteractionLimit);
        const loyalty: CrmLoyaltySummary[] = [];
        for (const { record: member } of await queryAll(tx, tenantId, 'loyalty_members', { customerId: live.customer.id })) {
          const program = rt.programs.get(member.programId);
          if (program === undefined) continue;
          const ledger = await loadLedger(tx, tenantId, ledgerStreamId(program, member));
          const points = balance(program, ledger.entries, { asOf });
          const tier = tierStatus(program, member, ledger.entries, { asOf });
          loyalty.push({ memberId: member.id, programId: program.id, tierId: tier.tierId, available: points.available, pending: points.pending });
        }
        const showNotes = scope.visibility === 'full';
        const recentInteractions = view.recentInteractions.map((interaction) => (showNotes ? interaction : withoutNotes(interaction)));
        const fields = seenFields(live.customer, scope.visibility);
        if (showNotes && recentInteractions.some((interaction) => interaction.notes !== undefined)) fields.push('interactionNotes');
        const answer: CrmCustomerView = { ...view, customer: presentCustomer(view.customer, scope.visibility), visibility: scope.visibility, recentInteractions, loyalty };
        return { answer, audit: { customerIds: [live.customer.id], fields, visibility: scope.visibility }, event: { customerIds: [live.customer.id] } };
      },
    }),

    recordConsent: defineMethod(rt, {
      name: 'customers.recordConsent',
      permission: 'customers.write',
      input: CrmRecordConsentInputSchema,
      write: true,
      event: 'crm.customer.consent_recorded',
      customerIdsOf: (input) => [input.customerId],
      async run(scope) {
        const { tx, input, now } = scope;
        const live = await requireLiveCustomer(scope, tx, input.customerId);
        const { kind, value } = input.contactPoint;
        const candidates = live.customer.contactPoints
          .map((point, index) => ({ point, index }))
          .filter(({ point }) => point.kind === kind && (value === undefined || sameContactValue(kind, point.value, value)));
        const chosen = candidates.find(({ point }) => point.primary === true) ?? candidates[0];
        if (chosen === undefined) {
          throw new CrmError('NOT_FOUND', `customer ${input.customerId} has no ${kind} contact point${value === undefined ? '' : ' with that value'}`, { details: { customerId: input.customerId, kind } });
        }
        const contactPoints = live.customer.contactPoints.map((point, index) => (index === chosen.index ? { ...point, consents: [...point.consents, input.consent] } : point));
        const updatedAt = now.getTime() > live.customer.updatedAt.getTime() ? now : live.customer.updatedAt;
        const mergedFrom = live.stored.mergedFrom;
        const version = await writeCustomer(scope, tx, { ...live.customer, contactPoints, updatedAt } as Customer, live.version, mergedFrom === undefined ? {} : { mergedFrom });
        const answer: CrmConsentAnswer = { customerId: input.customerId, version, contactPointIndex: chosen.index };
        return {
          answer,
          audit: { customerIds: [input.customerId], fields: ['consents', kind] },
          event: { customerId: input.customerId, purpose: input.consent.purpose, channel: input.consent.channel, status: input.consent.status },
        };
      },
    }),

    recordInteraction: defineMethod(rt, {
      name: 'customers.recordInteraction',
      permission: 'customers.write',
      input: CrmRecordInteractionInputSchema,
      write: true,
      event: 'crm.interaction.recorded',
      customerIdsOf: (input) => [input.interaction.customerId],
      async run(scope) {
        const { tx, input, tenantId } = scope;
        const interaction = input.interaction;
        const found = await requireStoredCustomer(scope, tx, interaction.customerId);
        checkLive(found.record);
        if (interaction.dealerId !== undefined) requireDealer(scope, interaction.dealerId, `interaction ${interaction.id}`, [interaction.customerId]);
        const sealNotes = rt.encrypted.has('interactionNotes') && interaction.notes !== undefined;
        const payload = sealNotes ? withoutNotes(interaction) : interaction;
        const appended = await tx.append(tenantId, 'interactions', interaction.customerId, [payload], { idempotencyKey: boundedId('interaction', interaction.id) });
        if (sealNotes && !appended.replayed) {
          await sealTexts(scope, tx, { owner: 'interaction', ownerId: interaction.id, itemId: null, customerId: interaction.customerId }, { notes: interaction.notes });
        }
        const answer: CrmInteractionAnswer = { interactionId: interaction.id, customerId: interaction.customerId, position: appended.entries[0]!.position, replayed: appended.replayed };
        return {
          answer,
          audit: { customerIds: [interaction.customerId], fields: interaction.notes === undefined ? [] : ['interactionNotes'] },
          event: { interactionId: interaction.id, customerId: interaction.customerId, channel: interaction.channel, purpose: interaction.purpose },
        };
      },
    }),
  };
}

function withoutNotes(interaction: Interaction): Interaction {
  const { notes: _notes, ...rest } = interaction;
  return rest;
}

/**
 * The 360° view of a live customer from storage: its vehicles and
 * ownerships, transactions, interactions (with their notes decrypted) and
 * complaints, including the records merged into it. Internal to the facade.
 */
export async function customerView(scope: OperationScope<unknown>, tx: CrmTx, customer: Customer, mergedFrom: readonly string[], asOf: Date, recentInteractionLimit?: number): Promise<CustomerView> {
  const { tenantId } = scope;
  const ids = [customer.id, ...mergedFrom];
  const own = <T extends { customerId: string }>(item: T): T => (item.customerId === customer.id ? item : { ...item, customerId: customer.id });
  const ownerships = (await queryAll(tx, tenantId, 'ownerships', { customerId: { in: ids } })).map((item) => own(item.record));
  const vehicleIds = [...new Set(ownerships.map((ownership) => ownership.vehicleId))];
  const vehicles = [];
  for (let i = 0; i < vehicleIds.length; i += 1000) {
    for (const item of await tx.getMany(tenantId, 'vehicles', vehicleIds.slice(i, i + 1000))) if (item !== null) vehicles.push(item.record);
  }
  const transactions = [];
  const interactions: Interaction[] = [];
  for (const id of ids) {
    transactions.push(...(await readWholeStream(tx, tenantId, 'transactions', id)).payloads.map(own));
    interactions.push(...(await readWholeStream(tx, tenantId, 'interactions', id)).payloads.map(own));
  }
  const notes = new Map<string, Record<string, string>>();
  for (const id of ids) {
    const texts = (await textsOfCustomer(scope, tx, id)).filter((text) => text.owner === 'interaction');
    for (const [ownerId, fields] of await openTexts(scope, tx, texts)) notes.set(ownerId, fields);
  }
  const withNotes = interactions.map((interaction) => {
    const sealed = notes.get(interaction.id)?.notes;
    return sealed === undefined ? interaction : { ...interaction, notes: sealed };
  });
  const complaints = (await queryAll(tx, tenantId, 'complaints', { customerId: { in: ids } })).map((item) => ({ ...item.record, customerId: customer.id }));
  return buildCustomerView({
    customer,
    vehicles,
    ownerships,
    transactions,
    interactions: withNotes,
    complaints,
    asOf,
    afterAsOf: 'exclude',
    ...(recentInteractionLimit === undefined ? {} : { recentInteractionLimit }),
  });
}
