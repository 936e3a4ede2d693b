import { z } from 'zod';
import { CrmError, IdSchema, InstantSchema, type JsonValue } from '../../core/index.js';
import { balance } from '../../loyalty/index.js';
import { toJsonSafe } from '../answer-codec.js';
import { customerAuditStream } from '../audit-chain.js';
import { openStoredCustomer, replaceLookups, requireStoredCustomer, type StoredCustomerRecord } from '../customer-records.js';
import { defineMethod, forbidden, type CrmMethod, type OperationScope } from '../operation.js';
import { personalFieldsOf } from '../present-customer.js';
import { queryAll, readWholeStream } from '../reads.js';
import type { CrmRuntime, CrmTx } from '../runtime.js';
import { openTexts, textsOfCustomer } from '../sealed-texts.js';
import { tombstone } from './customer-service.js';
import { ledgerStreamId, loadLedger } from './loyalty-ledger.js';
import { latestInteraction, customerTransactions, JOB_PAGE_SIZE } from './tenant-scan.js';

/** Input of `privacy.exportCustomerData`: the person's customer id. */
export const CrmExportCustomerInputSchema = z.strictObject({ customerId: IdSchema });
/** Input of `privacy.eraseCustomer`: the person's customer id and the request's reference. */
export const CrmEraseCustomerInputSchema = z.strictObject({ idempotencyKey: IdSchema, customerId: IdSchema, reason: z.string().trim().min(1).max(500) });
/**
 * Input of `privacy.enforceRetentionLimits`: erase the personal data of
 * prospects with no activity (record update, interaction, transaction) for
 * `inactiveDays` (default the facade's policy) before `asOf`, at most
 * `limit` per call (run it again while `remaining` > 0).
 */
export const CrmRetentionLimitsInputSchema = z.strictObject({
  idempotencyKey: IdSchema,
  inactiveDays: z.number().int().min(1).max(36_600).optional(),
  asOf: InstantSchema.optional(),
  dealerId: IdSchema.optional(),
  limit: z.number().int().min(1).max(1000).default(100),
});

/** Input of `privacy.exportCustomerData`, as accepted. */
export type CrmExportCustomerInput = z.input<typeof CrmExportCustomerInputSchema>;
/** Input of `privacy.eraseCustomer`, as accepted. */
export type CrmEraseCustomerInput = z.input<typeof CrmEraseCustomerInputSchema>;
/** Input of `privacy.enforceRetentionLimits`, as accepted. */
export type CrmRetentionLimitsInput = z.input<typeof CrmRetentionLimitsInputSchema>;

/**
 * Everything the CRM holds about a person (PIPL access and portability), as
 * JSON: instants are ISO 8601 strings, money integer minor units.
 */
export interface CrmCustomerExport {
  readonly format: 'dealer-crm/customer-export@1';
  readonly exportedAt: string;
  readonly customerId: string;
  readonly status: 'active' | 'erased';
  /** The customer record with every personal field in clear; null once erased. */
  readonly customer: JsonValue;
  /** Records merged into this one. */
  readonly mergedFrom: readonly string[];
  readonly vehicles: JsonValue;
  readonly ownerships: JsonValue;
  readonly transactions: JsonValue;
  /** Interactions, with their notes. */
  readonly interactions: JsonValue;
  /** Complaint cases with their events and texts. */
  readonly complaints: JsonValue;
  readonly leads: JsonValue;
  /** Loyalty memberships with their ledgers and balances. */
  readonly loyalty: JsonValue;
  /** What the jobs derived: segments and retention scores. */
  readonly profiling: JsonValue;
  /** Merges that produced this record, with their lineage. */
  readonly merges: JsonValue;
  /** Who accessed the record, when and for what purpose (the audit trail of the person). */
  readonly accessLog: JsonValue;
}

/** What an erasure did. */
export interface CrmErasureAnswer {
  readonly customerId: string;
  readonly erasedAt: Date;
  /** Whether the customer had been erased before (nothing new was done). */
  readonly alreadyErased: boolean;
  /** Per-customer data keys destroyed (crypto-shredding). */
  readonly keysDestroyed: number;
  readonly textsDeleted: number;
  readonly lookupsDeleted: number;
  readonly ownershipsDeleted: number;
}

/** What the retention-limits job did. */
export interface CrmRetentionLimitsAnswer {
  readonly asOf: Date;
  readonly inactiveDays: number;
  /** The prospects erased by this call. */
  readonly erased: readonly string[];
  /** Inactive prospects left for the next call. */
  readonly remaining: number;
}

/** The PIPL rights service of the facade. */
export interface CrmPrivacyService {
  /** Everything held about a person, as JSON. Needs `rights.export` and full visibility. */
  readonly exportCustomerData: CrmMethod<CrmExportCustomerInput, CrmCustomerExport>;
  /** Erases a person's personal data; ledgers and reports stay under the pseudonymous id. Needs `rights.erase`. */
  readonly eraseCustomer: CrmMethod<CrmEraseCustomerInput, CrmErasureAnswer>;
  /** Erases inactive prospects past the retention limit. Needs `rights.erase`. */
  readonly enforceRetentionLimits: CrmMethod<CrmRetentionLimitsInput, CrmRetentionLimitsAnswer>;
}

/**
 * Erases one live customer inside a transaction: the record becomes a
 * tombstone with no personal data; its blind indexes, per-customer data
 * keys (so ciphertext anywhere becomes unreadable), encrypted texts and
 * ownerships are deleted; loyalty members and leads lose their metadata;
 * complaint cases lose their subject. Transactions, interactions, ledgers,
 * cases and job results stay under the now pseudonymous id, so totals stay
 * right. Internal to the facade.
 */
async function eraseOne(scope: OperationScope<unknown>, tx: CrmTx, found: StoredCustomerRecord): Promise<Omit<CrmErasureAnswer, 'alreadyErased'>> {
  const { tenantId, now } = scope;
  const stored = found.record;
  const ids = [stored.id, ...(stored.mergedFrom ?? [])];
  await tx.put(tenantId, 'customers', tombstone(stored, now, { erasedAt: now }), { expectedVersion: found.version });
  const lookups = await queryAll(tx, tenantId, 'customer_lookup', { customerId: stored.id });
  await replaceLookups(scope, tx, stored.id, null);
  let keysDestroyed = 0;
  let textsDeleted = 0;
  for (const id of ids) {
    if (await tx.delete(tenantId, 'customer_keys', id)) keysDestroyed += 1;
    for (const text of await textsOfCustomer(scope, tx, id)) if (await tx.delete(tenantId, 'sealed_texts', text.id)) textsDeleted += 1;
  }
  const where = { customerId: { in: ids } };
  const ownerships = await queryAll(tx, tenantId, 'ownerships', where);
  for (const { record } of ownerships) await tx.delete(tenantId, 'ownerships', record.id);
  for (const { record, version } of await queryAll(tx, tenantId, 'loyalty_members', where)) {
    if (record.metadata !== undefined || record.birthday !== undefined) {
      const { metadata: _metadata, birthday: _birthday, ...rest } = record;
      await tx.put(tenantId, 'loyalty_members', rest, { expectedVersion: version });
    }
  }
  for (const { record, version } of await queryAll(tx, tenantId, 'leads', where)) {
    if (record.metadata !== undefined) {
      const { metadata: _metadata, ...rest } = record;
      await tx.put(tenantId, 'leads', rest, { expectedVersion: version });
    }
  }
  for (const { record, version } of await queryAll(tx, tenantId, 'complaints', where)) {
    if (record.subject !== null) await tx.put(tenantId, 'complaints', { ...record, subject: null }, { expectedVersion: version });
  }
  return { customerId: stored.id, erasedAt: now, keysDestroyed, textsDeleted, lookupsDeleted: lookups.length, ownershipsDeleted: ownerships.length };
}

/** The privacy methods of a facade. Internal to the facade. */
export function createPrivacyService(rt: CrmRuntime): CrmPrivacyService {
  return {
    exportCustomerData: defineMethod(rt, {
      name: 'privacy.exportCustomerData',
      permission: 'rights.export',
      input: CrmExportCustomerInputSchema,
      write: false,
      event: 'crm.privacy.exported',
      customerIdsOf: (input) => [input.customerId],
      async run(scope) {
        const { tx, input, tenantId, now } = scope;
        if (scope.visibility !== 'full') {
          throw forbidden(`an export holds every personal field; role ${scope.context.actor.role} sees them ${scope.visibility} for purpose ${scope.context.purpose}`, [input.customerId], { reason: 'visibility' });
        }
        const found = await requireStoredCustomer(scope, tx, input.customerId);
        const stored = found.record;
        if (stored.mergedInto !== undefined) {
          throw new CrmError('INVALID_TRANSITION', `customer ${stored.id} was merged into ${stored.mergedInto}; export that record`, { details: { customerId: stored.id, mergedInto: stored.mergedInto } });
        }
        const erased = stored.erasedAt !== undefined;
        const customer = erased ? null : await openStoredCustomer(scope, tx, stored);
        const ids = [stored.id, ...(stored.mergedFrom ?? [])];
        const where = { customerId: { in: ids } };
        const ownerships = (await queryAll(tx, tenantId, 'ownerships', where)).map((item) => item.record);
        const vehicleIds = [...new Set(ownerships.map((ownership) => ownership.vehicleId))];
        const vehicles = [];
        for (let i = 0; i < vehicleIds.length; i += 1000) {
          for (const item of await tx.getMany(tenantId, 'vehicles', vehicleIds.slice(i, i + 1000))) if (item !== null) vehicles.push(item.record);
        }
        const texts = new Map<string, Record<string, string>>();
        const transactions = [];
        const interactions = [];
        for (const id of ids) {
          for (const [owner, fields] of await openTexts(scope, tx, await textsOfCustomer(scope, tx, id))) texts.set(owner, fields);
          transactions.push(...(await readWholeStream(tx, tenantId, 'transactions', id)).payloads);
          interactions.push(...(await readWholeStream(tx, tenantId, 'interactions', id)).payloads.map((interaction) => ({ ...interaction, ...(texts.get(interaction.id) ?? {}) })));
        }
        const complaints = [];
        for (const { record } of await queryAll(tx, tenantId, 'complaints', where)) {
          const events = (await readWholeStream(tx, tenantId, 'complaint_events', record.id)).payloads.map((event) => ({ ...event, ...(texts.get(event.id) ?? {}) }));
          complaints.push({ case: record, events });
        }
        const leads = (await queryAll(tx, tenantId, 'leads', where)).map((item) => item.record);
        const loyalty = [];
        for (const { record: member } of await queryAll(tx, tenantId, 'loyalty_members', where)) {
          const program = rt.programs.get(member.programId);
          const ledger = program === undefined ? { entries: [] } : await loadLedger(tx, tenantId, ledgerStreamId(program, member));
          loyalty.push({ member, ledger: ledger.entries, balance: program === undefined ? null : balance(program, ledger.entries, { asOf: now }) });
        }
        const segments = await tx.get(tenantId, 'customer_segments', stored.id);
        const retention = await tx.get(tenantId, 'customer_retention', stored.id);
        const merges = (await queryAll(tx, tenantId, 'customer_merges', { survivorId: stored.id })).map((item) => item.record);
        const accessLog = (await readWholeStream(tx, tenantId, 'audit_log', customerAuditStream(stored.id))).payloads.filter((entry) => entry.customerId === stored.id);
        const answer: CrmCustomerExport = {
          format: 'dealer-crm/customer-export@1',
          exportedAt: now.toISOString(),
          customerId: stored.id,
          status: erased ? 'erased' : 'active',
          customer: toJsonSafe(customer) as JsonValue,
          mergedFrom: [...(stored.mergedFrom ?? [])],
          vehicles: toJsonSafe(vehicles) as JsonValue,
          ownerships: toJsonSafe(ownerships) as JsonValue,
          transactions: toJsonSafe(transactions) as JsonValue,
          interactions: toJsonSafe(interactions) as JsonValue,
          complaints: toJsonSafe(complaints) as JsonValue,
          leads: toJsonSafe(leads) as JsonValue,
          loyalty: toJsonSafe(loyalty) as JsonValue,
          profiling: toJsonSafe({ segments: segments?.record ?? null, retention: retention?.record ?? null }) as JsonValue,
          merges: toJsonSafe(merges) as JsonValue,
          accessLog: toJsonSafe(accessLog) as JsonValue,
        };
        const fields = customer === null ? [] : personalFieldsOf(customer);
        if (texts.size > 0) fields.push('interactionNotes', 'complaintText');
        return { answer, audit: { customerIds: [stored.id], fields, visibility: 'full' }, event: { customerId: stored.id } };
      },
    }),

    eraseCustomer: defineMethod(rt, {
      name: 'privacy.eraseCustomer',
      permission: 'rights.erase',
      input: CrmEraseCustomerInputSchema,
      write: true,
      event: 'crm.privacy.erased',
      customerIdsOf: (input) => [input.customerId],
      async run(scope) {
        const { tx, input } = scope;
        const found = await requireStoredCustomer(scope, tx, input.customerId);
        if (found.record.mergedInto !== undefined) {
          throw new CrmError('INVALID_TRANSITION', `customer ${input.customerId} was merged into ${found.record.mergedInto}; erase that record (it erases the merged ones too)`, {
            details: { customerId: input.customerId, mergedInto: found.record.mergedInto },
          });
        }
        const erasedAt = found.record.erasedAt;
        const answer: CrmErasureAnswer =
          erasedAt !== undefined
            ? { customerId: input.customerId, erasedAt, alreadyErased: true, keysDestroyed: 0, textsDeleted: 0, lookupsDeleted: 0, ownershipsDeleted: 0 }
            : { ...(await eraseOne(scope, tx, found)), alreadyErased: false };
        return { answer, audit: { customerIds: [input.customerId], details: { reason: input.reason, alreadyErased: answer.alreadyErased } }, event: { customerId: input.customerId, alreadyErased: answer.alreadyErased } };
      },
    }),

    enforceRetentionLimits: defineMethod(rt, {
      name: 'privacy.enforceRetentionLimits',
      permission: 'rights.erase',
      input: CrmRetentionLimitsInputSchema,
      write: true,
      event: 'crm.privacy.retention_enforced',
      // Finds the inactive prospects with scans, outside the transaction.
      async prepare(scope) {
        const { input, tenantId } = scope;
        const asOf = input.asOf ?? scope.now;
        const inactiveDays = input.inactiveDays ?? rt.prospectRetentionDays;
        const cutoff = asOf.getTime() - inactiveDays * 86_400_000;
        const dealerId = scope.role.scope === 'dealer' ? scope.context.actor.dealerId : input.dealerId;
        const due: { id: string; updatedAt: number }[] = [];
        let found = 0;
        for await (const { record } of rt.storage.scan(tenantId, 'customers', { where: { lifecycleStage: 'prospect', ...(dealerId === undefined ? {} : { dealerId }) }, pageSize: JOB_PAGE_SIZE })) {
          if (record.erasedAt !== undefined || record.mergedInto !== undefined || record.updatedAt.getTime() >= cutoff) continue;
          const lastInteraction = await latestInteraction(rt, tenantId, record, asOf);
          if (lastInteraction !== null && lastInteraction.at.getTime() >= cutoff) continue;
          const transactions = await customerTransactions(rt, tenantId, record);
          if (transactions.some((transaction) => transaction.at.getTime() >= cutoff)) continue;
          found += 1;
          if (due.length < input.limit) due.push({ id: record.id, updatedAt: record.updatedAt.getTime() });
        }
        return { asOf, inactiveDays, due, found };
      },
      async run(scope) {
        const { tx, tenantId, prepared } = scope;
        const erased: string[] = [];
        for (const candidate of prepared.due) {
          const found = await tx.get(tenantId, 'customers', candidate.id);
          // Skip a record that changed since the scan (it may have become active).
          if (found === null || found.record.erasedAt !== undefined || found.record.mergedInto !== undefined || found.record.lifecycleStage !== 'prospect' || found.record.updatedAt.getTime() !== candidate.updatedAt) continue;
          await eraseOne(scope, tx, found);
          erased.push(candidate.id);
        }
        const answer: CrmRetentionLimitsAnswer = { asOf: prepared.asOf, inactiveDays: prepared.inactiveDays, erased, remaining: prepared.found - prepared.due.length };
        return { answer, audit: { customerIds: erased, details: { inactiveDays: prepared.inactiveDays, remaining: answer.remaining } }, event: { erased, remaining: answer.remaining } };
      },
    }),
  };
}
