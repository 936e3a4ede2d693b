import { SubjectCipher, keylessCipher, randomKeyBytes, unwrapDataKey, wrapDataKey, type FieldCipher } from './field-crypto.js';
import type { CrmRuntime, CrmTx } from './runtime.js';

/**
 * The cipher for a customer's personal data (or a case's, `case:<id>`). With
 * per-customer keys, a customer's values are sealed under the customer's own
 * data key (created on first use when `create` is set), which is wrapped
 * under the current key of the ring and stored in `customer_keys`; deleting
 * that record crypto-shreds the customer. Otherwise, and for subjects that
 * are not customers, values are sealed under the current key of the ring.
 * Internal to the facade.
 */
export async function cipherFor(rt: CrmRuntime, tx: CrmTx, tenantId: string, subject: { readonly customerId: string } | { readonly subjectId: string }, create: boolean): Promise<FieldCipher> {
  if (rt.ring === null) return keylessCipher;
  if (!('customerId' in subject)) return new SubjectCipher(rt.ring, tenantId, subject.subjectId, await rt.ring.currentKeyId(), undefined);
  return (await customerCiphers(rt, tx, tenantId, [subject.customerId], create)).get(subject.customerId)!;
}

/**
 * The ciphers of many customers (at most 1000 distinct ids), as
 * {@link cipherFor} gives them one by one, with one read of their data keys
 * and one write of the keys it creates. Internal to the facade.
 */
export async function customerCiphers(rt: CrmRuntime, tx: CrmTx, tenantId: string, customerIds: readonly string[], create: boolean): Promise<Map<string, FieldCipher>> {
  const ciphers = new Map<string, FieldCipher>();
  const ring = rt.ring;
  if (ring === null) {
    for (const customerId of customerIds) ciphers.set(customerId, keylessCipher);
    return ciphers;
  }
  const currentKeyId = await ring.currentKeyId();
  const ids = [...new Set(customerIds)];
  const stored = ids.length === 0 ? [] : await tx.getMany(tenantId, 'customer_keys', ids);
  const fresh: { id: string; keyId: string; wrappedKey: string; createdAt: Date }[] = [];
  await Promise.all(
    ids.map(async (customerId, index) => {
      const found = stored[index] ?? null;
      if (found !== null) {
        const { key } = await unwrapDataKey(ring, tenantId, customerId, found.record.wrappedKey);
        ciphers.set(customerId, new SubjectCipher(ring, tenantId, customerId, currentKeyId, key));
      } else if (!rt.perCustomerKeys || !create) {
        // Without a data key: values sealed under the ring stay readable; values sealed under a destroyed data key read as absent.
        ciphers.set(customerId, new SubjectCipher(ring, tenantId, customerId, currentKeyId, rt.perCustomerKeys ? null : undefined));
      } else {
        const wrappedKey = await wrapDataKey(ring, tenantId, customerId, currentKeyId, randomKeyBytes());
        fresh.push({ id: customerId, keyId: currentKeyId, wrappedKey, createdAt: rt.clock.now() });
        const { key } = await unwrapDataKey(ring, tenantId, customerId, wrappedKey);
        ciphers.set(customerId, new SubjectCipher(ring, tenantId, customerId, currentKeyId, key));
      }
    }),
  );
  if (fresh.length > 0) {
    fresh.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    await tx.putMany(tenantId, 'customer_keys', fresh.map((record) => ({ record, expectedVersion: 0 })));
  }
  return ciphers;
}
