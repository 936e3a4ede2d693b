import { sha256Hex } from '../core/index.js';
import { toE164, validateResidentId, type Customer } from '../customer/index.js';
import { digestId } from './bounded-id.js';
import type { CrmKeyRing } from './field-crypto.js';
import type { CustomerLookup, LookupKind } from './stored-records.js';

/**
 * The normalised form of an identity number for its blind index: a valid
 * resident identity number as its 18 characters in upper case (a legacy
 * 15-digit number converted); anything else upper case without spaces and
 * hyphens. Internal to the facade.
 */
export function normaliseIdNumber(value: string): string {
  const resident = validateResidentId(value);
  if (resident.valid) return resident.idNumber.toUpperCase();
  return value.normalize('NFKC').replace(/[\s-]/g, '').toUpperCase();
}

/** A phone number in E.164, or undefined when it is not one. Internal to the facade. */
export function normalisePhone(value: string): string | undefined {
  return toE164(value);
}

/** The values of a customer that get a blind index, normalised. Internal to the facade. */
export function lookupValues(customer: Customer): { readonly kind: LookupKind; readonly value: string }[] {
  const values = new Map<string, { kind: LookupKind; value: string }>();
  const add = (kind: LookupKind, value: string) => values.set(`${kind}\u0000${value}`, { kind, value });
  if (customer.idNumber !== undefined) add('id_number', normaliseIdNumber(customer.idNumber));
  for (const point of customer.contactPoints) {
    if (point.kind === 'mobile' || point.kind === 'phone') add('phone', point.value);
    else if (point.kind === 'email') add('email', point.value.trim().toLowerCase());
  }
  return [...values.values()];
}

/** The key id of lookup entries written without a key ring (encryption configured off). */
export const KEYLESS = 'none';

/**
 * The digest of a normalised value under one key: HMAC-SHA256 under the
 * tenant's blind-index key, or a plain SHA-256 when the facade runs without
 * keys (no encrypted fields). Internal to the facade.
 */
export async function blindDigest(ring: CrmKeyRing | null, tenantId: string, keyId: string, kind: LookupKind, value: string): Promise<string> {
  const message = `${kind}\u0000${value}`;
  return ring === null ? sha256Hex(`${tenantId}\u0000${message}`) : ring.blindDigest(tenantId, keyId, message);
}

/** The blind-index entries of a customer under the current key. Internal to the facade. */
export async function lookupEntries(ring: CrmKeyRing | null, tenantId: string, customer: Customer): Promise<CustomerLookup[]> {
  const keyId = ring === null ? KEYLESS : await ring.currentKeyId();
  return Promise.all(
    lookupValues(customer).map(async ({ kind, value }) => {
      const digest = await blindDigest(ring, tenantId, keyId, kind, value);
      return { id: digestId(kind, digest, customer.id), kind, digest, customerId: customer.id, keyId };
    }),
  );
}

/** The digests of a value under every key of the ring, for a lookup during a rotation. Internal to the facade. */
export async function lookupDigests(ring: CrmKeyRing | null, tenantId: string, kind: LookupKind, value: string): Promise<string[]> {
  const keyIds = ring === null ? [KEYLESS] : await ring.keyIds();
  return Promise.all(keyIds.map((keyId) => blindDigest(ring, tenantId, keyId, kind, value)));
}
