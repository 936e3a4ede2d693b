import { parse } from '../../core/index.js';
import { CustomerSchema, type CustomerInput } from '../models/customer.js';
import { parseInstant } from '../internal/util.js';
import { listConsentsInForce, type ConsentInForce } from './consent-state.js';

/**
 * Every consent of a customer in force at `at`, under the same rules as
 * {@link canContact}: for each purpose and channel, each contact point able to
 * carry the channel whose latest decision at or before `at` is an unexpired
 * grant. Ordered by purpose, then channel (in the order of their schemas),
 * then contact point (primary first).
 *
 * @throws `ValidationError` for a malformed customer or an `at` that is not an instant.
 * @example
 * ```ts
 * consentsInForce(customer, '2024-06-01T00:00:00+08:00').map((c) => `${c.purpose}/${c.channel}`);
 * // ['marketing/sms', 'service_reminder/sms', 'service_reminder/phone']
 * ```
 */
export function consentsInForce(customer: CustomerInput, at: Date | string): ConsentInForce[] {
  const parsed = parse(CustomerSchema, customer, { path: 'customer', label: 'customer' });
  return listConsentsInForce(parsed, parseInstant(at, 'at').getTime());
}
