import { z } from 'zod';
import { InstantSchema, parse } from '../../core/index.js';
import { ContactChannelSchema, type ContactChannel } from '../models/channels.js';
import { ConsentPurposeSchema, type Consent, type ConsentPurpose } from '../models/consent.js';
import type { ContactPoint, ContactPointKind } from '../models/contact-point.js';
import { CustomerSchema, type CustomerInput } from '../models/customer.js';
import { CARRIERS, checkContactPoints, type ConsentStatus, type ContactPointCheck } from './consent-state.js';

/**
 * Why {@link canContact} allowed or refused a contact. Stable codes to switch on:
 * - `consent_in_force` — allowed: a grant for the purpose and channel is in force;
 * - `no_capable_contact_point` — the customer has no contact point that can carry the channel;
 * - `no_consent` — no decision for the purpose and channel at or before the instant
 *   (one recorded later does not count);
 * - `consent_withdrawn` — the latest decision withdrew consent;
 * - `consent_expired` — the latest decision was a grant that has lapsed.
 */
export type ContactDecisionReason =
  | 'consent_in_force'
  | 'no_capable_contact_point'
  | 'no_consent'
  | 'consent_withdrawn'
  | 'consent_expired';

/** The answer of {@link canContact}. */
export interface ContactDecision {
  /** Whether the contact is allowed. */
  readonly allowed: boolean;
  /** Why, as a stable code. */
  readonly reason: ContactDecisionReason;
  /** Why, in words. */
  readonly message: string;
  /** The purpose asked about. */
  readonly purpose: ConsentPurpose;
  /** The channel asked about. */
  readonly channel: ContactChannel;
  /** The instant asked about. */
  readonly at: Date;
  /** The index in `customer.contactPoints` of the contact point that decided (absent for `no_capable_contact_point`). */
  readonly contactPointIndex?: number;
  /** The contact point that decided: for an allowed contact, the one to use. */
  readonly contactPoint?: ContactPoint;
  /** The consent decision that decided (absent for `no_consent` and `no_capable_contact_point`). */
  readonly consent?: Consent;
  /** Every capable contact point that was checked, in preference order (primary first). */
  readonly checked: readonly ContactPointCheck[];
}

/** What {@link canContact} is asked: may we contact the customer for `purpose` on `channel` at `at`? */
export interface ContactRequest {
  readonly purpose: ConsentPurpose;
  readonly channel: ContactChannel;
  /** The instant of the contact (a Date or an ISO string with offset). */
  readonly at: Date | string;
}

const ContactRequestSchema = z.strictObject({
  purpose: ConsentPurposeSchema,
  channel: ContactChannelSchema,
  at: InstantSchema,
});

/** How strongly a denial speaks: an explicit withdrawal first, then a lapse, then silence. */
const DENIAL_RANK: Readonly<Record<ConsentStatus, number>> = { withdrawn: 3, expired: 2, none: 1, granted: 0 };

const REASON: Readonly<Record<ConsentStatus, ContactDecisionReason>> = {
  granted: 'consent_in_force',
  withdrawn: 'consent_withdrawn',
  expired: 'consent_expired',
  none: 'no_consent',
};

function describe(status: ConsentStatus, purpose: ConsentPurpose, channel: ContactChannel, kind: ContactPointKind | undefined, consent?: Consent): string {
  const what = `${purpose} on ${channel}`;
  const where = kind === undefined ? '' : ` (${kind} contact point)`;
  switch (status) {
    case 'granted':
      return `consent for ${what} granted ${consent!.at.toISOString()}${consent!.expiresAt ? `, in force until ${consent!.expiresAt.toISOString()}` : ''}${where}`;
    case 'withdrawn':
      return `consent for ${what} was withdrawn ${consent!.at.toISOString()}${where}`;
    case 'expired':
      return `consent for ${what} granted ${consent!.at.toISOString()} expired ${consent!.expiresAt!.toISOString()}${where}`;
    case 'none':
      return `no consent decision for ${what} at or before the instant${where}`;
  }
}

/**
 * Permission marketing: may the dealer contact this customer for `purpose` on
 * `channel` at `at`? Only if a consent for that purpose **and** channel is in
 * force at that instant on a contact point able to carry the channel (a mobile
 * carries SMS and calls, a phone calls, an e-mail address e-mail, a WeChat id
 * WeChat, an address direct mail; app consents may be recorded on any contact
 * point and are read together). On each contact point the latest decision at
 * or before `at` wins; decisions recorded after `at` do not count; a grant
 * lapses at its `expiresAt`; of decisions at the same instant a withdrawal
 * wins. When several contact points qualify, an allowed one is chosen primary
 * first, then in input order; a refusal reports the strongest reason found
 * (withdrawn, then expired, then no consent).
 *
 * @param customer - the customer record (parsed with `CustomerSchema`)
 * @throws `ValidationError` for a malformed customer (`customer.…`) or request (`request.purpose`, `request.at`, …).
 * @example
 * ```ts
 * const decision = canContact(customer, { purpose: 'marketing', channel: 'sms', at: '2024-06-01T09:00:00+08:00' });
 * if (decision.allowed) send(decision.contactPoint!.value);
 * else console.log(decision.reason, decision.message); // 'consent_withdrawn', '…'
 * ```
 */
export function canContact(customer: CustomerInput, request: ContactRequest): ContactDecision {
  const parsed = parse(CustomerSchema, customer, { path: 'customer', label: 'customer' });
  const { purpose, channel, at } = parse(ContactRequestSchema, request, { path: 'request', label: 'contact request' });
  const checked = checkContactPoints(parsed, purpose, channel, at.getTime());
  const base = { purpose, channel, at, checked };
  if (checked.length === 0) {
    const kinds = CARRIERS[channel];
    return {
      ...base,
      allowed: false,
      reason: 'no_capable_contact_point',
      message: kinds === undefined ? 'the customer has no contact point to hold app consents' : `the customer has no ${kinds.join(' or ')} contact point to carry ${channel}`,
    };
  }
  const granted = checked.find((entry) => entry.status === 'granted');
  let decisive = granted;
  if (decisive === undefined) {
    decisive = checked[0]!;
    for (const entry of checked) if (DENIAL_RANK[entry.status] > DENIAL_RANK[decisive.status]) decisive = entry;
  }
  const contactPoint = parsed.contactPoints[decisive.contactPointIndex]!;
  return {
    ...base,
    allowed: decisive.status === 'granted',
    reason: REASON[decisive.status],
    message: describe(decisive.status, purpose, channel, contactPoint.kind, decisive.consent),
    contactPointIndex: decisive.contactPointIndex,
    contactPoint,
    ...(decisive.consent === undefined ? {} : { consent: decisive.consent }),
  };
}
