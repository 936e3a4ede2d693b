import { ConsentPurposeSchema, type Consent, type ConsentPurpose } from '../models/consent.js';
import { ContactChannelSchema, type ContactChannel } from '../models/channels.js';
import type { ContactPoint, ContactPointKind } from '../models/contact-point.js';
import type { Customer } from '../models/customer.js';

/**
 * The state of one purpose-and-channel consent at an instant:
 * `granted` (in force), `withdrawn`, `expired` (the latest decision was a
 * grant that had lapsed) or `none` (no decision at or before the instant).
 */
export type ConsentStatus = 'granted' | 'withdrawn' | 'expired' | 'none';

/** A consent decision and the index of the contact point it was recorded on. */
export interface LocatedConsent {
  readonly consent: Consent;
  readonly contactPointIndex: number;
}

/** The state of a consent history at an instant, with the deciding decision. */
export interface ConsentStateAt {
  readonly status: ConsentStatus;
  /** The decision in force (absent when the status is `none`). */
  readonly decision?: LocatedConsent;
}

/**
 * Restrictiveness of a decision at one instant, for breaking ties between
 * decisions recorded at the same instant: a withdrawal beats any grant, and a
 * grant that lapses sooner beats one that lapses later.
 */
function moreRestrictive(a: Consent, b: Consent): boolean {
  if (a.status !== b.status) return a.status === 'withdrawn';
  const aEnd = a.expiresAt?.getTime() ?? Number.POSITIVE_INFINITY;
  const bEnd = b.expiresAt?.getTime() ?? Number.POSITIVE_INFINITY;
  return aEnd < bEnd;
}

/**
 * The consent in force for `purpose` on `channel` at `atMs`: the latest
 * decision at or before that instant wins (decisions recorded later do not
 * count); of decisions at the same instant the most restrictive wins; a grant
 * whose `expiresAt` is at or before the instant has expired.
 */
export function consentStateAt(
  history: readonly LocatedConsent[],
  purpose: ConsentPurpose,
  channel: ContactChannel,
  atMs: number,
): ConsentStateAt {
  let best: LocatedConsent | undefined;
  for (const entry of history) {
    const consent = entry.consent;
    if (consent.purpose !== purpose || consent.channel !== channel) continue;
    const when = consent.at.getTime();
    if (when > atMs) continue;
    if (best === undefined) {
      best = entry;
      continue;
    }
    const bestWhen = best.consent.at.getTime();
    if (when > bestWhen || (when === bestWhen && moreRestrictive(consent, best.consent))) best = entry;
  }
  if (best === undefined) return { status: 'none' };
  if (best.consent.status === 'withdrawn') return { status: 'withdrawn', decision: best };
  const expiresAt = best.consent.expiresAt;
  if (expiresAt !== undefined && expiresAt.getTime() <= atMs) return { status: 'expired', decision: best };
  return { status: 'granted', decision: best };
}

/** What {@link canContact} found on one contact point (or, for `app`, on the pooled app consents). */
export interface ContactPointCheck {
  /** The index of the contact point in `customer.contactPoints` (for `app`: where the deciding decision was recorded, or the first point). */
  readonly contactPointIndex: number;
  /** The kind of the contact point. */
  readonly kind: ContactPointKind;
  /** The consent state there at the instant. */
  readonly status: ConsentStatus;
  /** The deciding decision, when there is one. */
  readonly consent?: Consent;
}

/**
 * The kinds of contact point able to carry each channel. `app` is `undefined`:
 * app push is not tied to a contact point, so the app consents recorded on any
 * of them are read together as one history.
 */
export const CARRIERS: Readonly<Record<ContactChannel, readonly ContactPointKind[] | undefined>> = {
  sms: ['mobile'],
  phone: ['mobile', 'phone'],
  email: ['email'],
  wechat: ['wechat'],
  direct_mail: ['address'],
  app: undefined,
};

/** Contact point indexes in preference order: primary points first, then input order. */
function preferenceOrder(points: readonly ContactPoint[], kinds: readonly ContactPointKind[]): number[] {
  const indexes: number[] = [];
  points.forEach((point, index) => {
    if (kinds.includes(point.kind)) indexes.push(index);
  });
  return indexes.sort((a, b) => Number(points[b]!.primary === true) - Number(points[a]!.primary === true) || a - b);
}

/** Checks every capable contact point of a parsed customer; shared with the 360° view. */
export function checkContactPoints(customer: Customer, purpose: ConsentPurpose, channel: ContactChannel, atMs: number): ContactPointCheck[] {
  const points = customer.contactPoints;
  const kinds = CARRIERS[channel];
  if (kinds === undefined) {
    if (points.length === 0) return [];
    const pooled: LocatedConsent[] = [];
    points.forEach((point, contactPointIndex) => {
      for (const consent of point.consents) if (consent.channel === 'app') pooled.push({ consent, contactPointIndex });
    });
    const state = consentStateAt(pooled, purpose, channel, atMs);
    const index = state.decision?.contactPointIndex ?? preferenceOrder(points, ['mobile', 'phone', 'email', 'wechat', 'address'])[0]!;
    return [check(points, index, state.status, state.decision?.consent)];
  }
  return preferenceOrder(points, kinds).map((index) => {
    const history = points[index]!.consents.map((consent) => ({ consent, contactPointIndex: index }));
    const state = consentStateAt(history, purpose, channel, atMs);
    return check(points, index, state.status, state.decision?.consent);
  });
}

function check(points: readonly ContactPoint[], index: number, status: ConsentStatus, consent: Consent | undefined): ContactPointCheck {
  const kind = points[index]!.kind;
  return consent === undefined ? { contactPointIndex: index, kind, status } : { contactPointIndex: index, kind, status, consent };
}

/** One consent in force: a purpose and channel the customer may be contacted for, and where. */
export interface ConsentInForce {
  readonly purpose: ConsentPurpose;
  readonly channel: ContactChannel;
  /** The index in `customer.contactPoints` of the contact point the grant was recorded on. */
  readonly contactPointIndex: number;
  /** That contact point. */
  readonly contactPoint: ContactPoint;
  /** The grant in force. */
  readonly consent: Consent;
}

/** Lists the consents in force of a parsed customer; shared with the 360° view. */
export function listConsentsInForce(customer: Customer, atMs: number): ConsentInForce[] {
  const out: ConsentInForce[] = [];
  for (const purpose of ConsentPurposeSchema.options) {
    for (const channel of ContactChannelSchema.options) {
      for (const check of checkContactPoints(customer, purpose, channel, atMs)) {
        if (check.status !== 'granted') continue;
        const contactPointIndex = check.contactPointIndex;
        out.push({ purpose, channel, contactPointIndex, contactPoint: customer.contactPoints[contactPointIndex]!, consent: check.consent! });
      }
    }
  }
  return out;
}
