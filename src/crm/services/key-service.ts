import { z } from 'zod';
import { IdSchema, type JsonValue } from '../../core/index.js';
import { openStoredCustomer, replaceLookups, writeCustomer } from '../customer-records.js';
import { unwrapDataKey, wrapDataKey } from '../field-crypto.js';
import { keyFailure } from '../key-provider.js';
import { defineMethod, type CrmMethod } from '../operation.js';
import { queryAll } from '../reads.js';
import type { CrmRuntime } from '../runtime.js';
import { parseSealed } from '../sealed-value.js';
import { sealedValuesOf } from '../stored-customer.js';
import { cipherFor } from '../subject-keys.js';
import { JOB_PAGE_SIZE } from './tenant-scan.js';

/** Input of `keys.reencrypt`: move at most `limit` customers (and their texts) to the current key per call. */
export const CrmReencryptInputSchema = z.strictObject({ idempotencyKey: IdSchema, limit: z.number().int().min(1).max(1000).default(200) });

/** Input of `keys.reencrypt`, as accepted. */
export type CrmReencryptInput = z.input<typeof CrmReencryptInputSchema>;

/** What a re-encryption call did. */
export interface CrmReencryptAnswer {
  /** The key everything moved to. */
  readonly keyId: string;
  /** Customers whose data was moved by this call. */
  readonly customers: number;
  readonly dataKeysRewrapped: number;
  readonly recordsReencrypted: number;
  readonly lookupsRebuilt: number;
  readonly textsReencrypted: number;
  /** Customers (or cases) still under an old key: call again while this is above 0. */
  readonly remaining: number;
}

/** The key-management service of the facade. */
export interface CrmKeyService {
  /** The re-encryption job after a rotation. Needs `keys.manage`. */
  readonly reencrypt: CrmMethod<CrmReencryptInput, CrmReencryptAnswer>;
}

/**
 * Whether a sealed value should move: with per-customer keys, anything not
 * under the customer's data key; otherwise anything not under the current
 * key of the ring.
 */
function isStale(sealed: string, currentKeyId: string, perCustomerKeys: boolean): boolean {
  const parts = parseSealed(sealed);
  if (parts === null) return true;
  return perCustomerKeys ? parts.scheme !== 'c' : parts.scheme === 'c' || parts.keyId !== currentKeyId;
}

/** The key methods of a facade. Internal to the facade. */
export function createKeyService(rt: CrmRuntime): CrmKeyService {
  return {
    reencrypt: defineMethod(rt, {
      name: 'keys.reencrypt',
      permission: 'keys.manage',
      input: CrmReencryptInputSchema,
      write: true,
      event: 'crm.keys.reencrypted',
      // Finds what is under an old key with scans, outside the transaction.
      async prepare(scope) {
        const { tenantId } = scope;
        if (rt.ring === null) throw keyFailure('the facade was created without keys: there is nothing to re-encrypt');
        const currentKeyId = await rt.ring.currentKeyId();
        const subjects = new Set<string>();
        for await (const { record } of rt.storage.scan(tenantId, 'customer_keys', { pageSize: JOB_PAGE_SIZE })) {
          if (record.keyId !== currentKeyId) subjects.add(record.id);
        }
        for await (const { record } of rt.storage.scan(tenantId, 'customers', { pageSize: JOB_PAGE_SIZE })) {
          if (sealedValuesOf(record).some((sealed) => isStale(sealed, currentKeyId, rt.perCustomerKeys))) subjects.add(record.id);
        }
        for await (const { record } of rt.storage.scan(tenantId, 'customer_lookup', { pageSize: JOB_PAGE_SIZE })) {
          if (record.keyId !== currentKeyId) subjects.add(record.customerId);
        }
        for await (const { record } of rt.storage.scan(tenantId, 'sealed_texts', { pageSize: JOB_PAGE_SIZE })) {
          if (isStale(record.value, currentKeyId, rt.perCustomerKeys && record.customerId !== null)) subjects.add(record.customerId ?? record.subjectId);
        }
        const all = [...subjects].sort();
        return { currentKeyId, subjects: all.slice(0, scope.input.limit), total: all.length };
      },
      async run(scope) {
        const { tx, tenantId, prepared } = scope;
        const ring = rt.ring!;
        const { currentKeyId } = prepared;
        let dataKeysRewrapped = 0;
        let recordsReencrypted = 0;
        let lookupsRebuilt = 0;
        let textsReencrypted = 0;
        for (const subject of prepared.subjects) {
          const isCase = subject.startsWith('case:');
          const customerId = isCase ? null : subject;
          if (customerId !== null) {
            const dataKey = await tx.get(tenantId, 'customer_keys', customerId);
            if (dataKey !== null && dataKey.record.keyId !== currentKeyId) {
              const { raw } = await unwrapDataKey(ring, tenantId, customerId, dataKey.record.wrappedKey);
              const wrappedKey = await wrapDataKey(ring, tenantId, customerId, currentKeyId, raw);
              await tx.put(tenantId, 'customer_keys', { ...dataKey.record, keyId: currentKeyId, wrappedKey }, { expectedVersion: dataKey.version });
              dataKeysRewrapped += 1;
            }
            const found = await tx.get(tenantId, 'customers', customerId);
            if (found !== null && found.record.erasedAt === undefined && found.record.mergedInto === undefined) {
              const customer = await openStoredCustomer(scope, tx, found.record);
              if (sealedValuesOf(found.record).some((sealed) => isStale(sealed, currentKeyId, rt.perCustomerKeys))) {
                const mergedFrom = found.record.mergedFrom;
                await writeCustomer(scope, tx, customer, found.version, mergedFrom === undefined ? {} : { mergedFrom });
                recordsReencrypted += 1;
              } else {
                await replaceLookups(scope, tx, customerId, customer);
              }
              lookupsRebuilt += 1;
            }
          }
          const texts = await queryAll(tx, tenantId, 'sealed_texts', customerId === null ? { ownerId: subject.slice('case:'.length), customerId: null } : { customerId });
          for (const { record, version } of texts) {
            if (!isStale(record.value, currentKeyId, rt.perCustomerKeys && record.customerId !== null)) continue;
            const from = await cipherFor(rt, tx, tenantId, record.customerId === null ? { subjectId: record.subjectId } : { customerId: record.customerId }, false);
            const to = await cipherFor(rt, tx, tenantId, record.customerId === null ? { subjectId: record.subjectId } : { customerId: record.customerId }, true);
            const field = `${record.owner}.${record.field}`;
            const text = await from.open(field, record.value);
            if (text === undefined) continue;
            await tx.put(tenantId, 'sealed_texts', { ...record, value: await to.seal(field, text as JsonValue) }, { expectedVersion: version });
            textsReencrypted += 1;
          }
        }
        const answer: CrmReencryptAnswer = {
          keyId: currentKeyId,
          customers: prepared.subjects.filter((subject) => !subject.startsWith('case:')).length,
          dataKeysRewrapped,
          recordsReencrypted,
          lookupsRebuilt,
          textsReencrypted,
          remaining: prepared.total - prepared.subjects.length,
        };
        return { answer, audit: { details: { ...answer } }, event: { ...answer } };
      },
    }),
  };
}
