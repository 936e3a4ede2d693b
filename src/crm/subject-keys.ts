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
  const currentKeyId = await rt.ring.currentKeyId();
  if (!('customerId' in subject)) return new SubjectCipher(rt.ring, tenantId, subject.subjectId, currentKeyId, undefined);
  const customerId = subject.customerId;
  const stored = await tx.get(tenantId, 'customer_keys', customerId);
  if (stored !== null) {
    const { key } = await unwrapDataKey(rt.ring, tenantId, customerId, stored.record.wrappedKey);
    return new SubjectCipher(rt.ring, tenantId, customerId, currentKeyId, key);
  }
  if (!rt.perCustomerKeys || !create) {
    // Without a data key: values sealed under the ring stay readable; values sealed under a destroyed data key read as absent.
    return new SubjectCipher(rt.ring, tenantId, customerId, currentKeyId, rt.perCustomerKeys ? null : undefined);
  }
  const raw = randomKeyBytes();
  const wrappedKey = await wrapDataKey(rt.ring, tenantId, customerId, currentKeyId, raw);
  await tx.put(tenantId, 'customer_keys', { id: customerId, keyId: currentKeyId, wrappedKey, createdAt: rt.clock.now() }, { expectedVersion: 0 });
  const { key } = await unwrapDataKey(rt.ring, tenantId, customerId, wrappedKey);
  return new SubjectCipher(rt.ring, tenantId, customerId, currentKeyId, key);
}
