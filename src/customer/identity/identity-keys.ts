import { normalizeCnMobile } from '../identifiers/mobile.js';
import { validateResidentId } from '../identifiers/resident-id.js';
import type { Customer } from '../models/customer.js';

/**
 * A key that can tie records of one real person together:
 * - `idNumber` — the identity document number (resident identity numbers
 *   validated and 15-digit legacy numbers converted to 18; other document
 *   types compared as `type:NUMBER`);
 * - `mobile` — a mainland mobile number in E.164, on a `mobile` or `phone` contact point;
 * - `email` — the e-mail address, lower-cased;
 * - `vin` — owning the same VIN over overlapping periods (needs ownerships and vehicles).
 */
export type IdentityKey = 'idNumber' | 'mobile' | 'email' | 'vin';

/** Every identity key, in the order links are reported. */
export const identityKeys: readonly IdentityKey[] = Object.freeze(['idNumber', 'mobile', 'email', 'vin']);

/** The identity-document key of a customer: the 18-digit resident number, or `type:NUMBER` for other documents. */
export function idNumberKey(customer: Pick<Customer, 'idNumber' | 'idType'>): string | undefined {
  if (customer.idNumber === undefined) return undefined;
  const type = customer.idType ?? 'resident_id';
  if (type === 'resident_id') {
    const result = validateResidentId(customer.idNumber);
    return result.valid ? result.idNumber : undefined;
  }
  return `${type}:${customer.idNumber.normalize('NFKC').replace(/[\s-]/g, '').toUpperCase()}`;
}

/** The mainland mobile numbers (E.164) on a customer's mobile and phone contact points. */
export function mobileKeys(customer: Customer): string[] {
  const out: string[] = [];
  for (const point of customer.contactPoints) {
    if (point.kind !== 'mobile' && point.kind !== 'phone') continue;
    const mobile = normalizeCnMobile(point.value);
    if (mobile.valid) out.push(mobile.e164);
  }
  return out;
}

/** The key values of a customer for the record-level keys (`vin` comes from ownerships instead). */
export function recordKeyValues(customer: Customer, keys: ReadonlySet<IdentityKey>): { key: IdentityKey; value: string }[] {
  const out: { key: IdentityKey; value: string }[] = [];
  if (keys.has('idNumber')) {
    const value = idNumberKey(customer);
    if (value !== undefined) out.push({ key: 'idNumber', value });
  }
  if (keys.has('mobile')) for (const value of mobileKeys(customer)) out.push({ key: 'mobile', value });
  if (keys.has('email')) {
    for (const point of customer.contactPoints) if (point.kind === 'email') out.push({ key: 'email', value: point.value });
  }
  return out;
}
