import { isCalendarDate, parseIsoInstant } from '../../core/index.js';
import type { LoyaltyMember } from '../member.js';
import { MAX_ISO_INSTANT_MS, MIN_ISO_INSTANT_MS } from './iso-instant.js';

/**
 * Hand-written checks for the small inputs every call parses — ids,
 * instants, a member, an options object — so that a batch of small calls
 * (a nightly job: one `accrueMany` and one `balance` per member) does not
 * spend its time in zod. Each accepts only plain values its schema accepts
 * and returns what the schema would; anything else returns `null` (or
 * `false`), and the caller parses it with the schema, whose errors and paths
 * are the ones users see.
 */

// Control characters (C0, DEL, C1) are never part of an id.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** Whether `value` passes core `IdSchema`: 1–128 characters, no control characters, no surrounding spaces. @internal */
export function isId(value: unknown): value is string {
  // A batch checks the same dealer, customer and vehicle ids over and over: the last id accepted is remembered
  // (strings are immutable, so an equal string gets the same answer).
  if (value === lastId) return true;
  if (typeof value === 'string' && value.length > 0 && value.length <= 128 && !CONTROL.test(value) && value.trim() === value) {
    lastId = value;
    return true;
  }
  return false;
}

/** The last string {@link isId} accepted (a cache of one; any valid id to start). */
let lastId: string = 'id';

/** What core `InstantSchema` makes of `value` (a valid `Date` in years 0000–9999, or an ISO string with an offset), else null. @internal */
export function quickInstant(value: unknown): Date | null {
  if (value instanceof Date) {
    const ms = value.getTime();
    return ms >= MIN_ISO_INSTANT_MS && ms <= MAX_ISO_INSTANT_MS ? value : null;
  }
  if (typeof value === 'string') return parseIsoInstant(value) ?? null;
  return null;
}

const MEMBER_KEYS: ReadonlySet<string> = new Set(['id', 'programId', 'customerId', 'joinedAt', 'birthday', 'householdId', 'tierOverrides']);

/**
 * `LoyaltyMemberSchema`'s output for a plain member without tier overrides
 * or metadata, else null.
 *
 * @internal
 */
export function quickMember(value: unknown): LoyaltyMember | null {
  if (value === null || typeof value !== 'object') return null;
  const m = value as Record<string, unknown>;
  for (const key in m) if (!MEMBER_KEYS.has(key) || m[key] === undefined) return null;
  if (!isId(m.id) || !isId(m.programId) || !isId(m.customerId)) return null;
  const joinedAt = quickInstant(m.joinedAt);
  if (joinedAt === null) return null;
  if (m.tierOverrides !== undefined && !(Array.isArray(m.tierOverrides) && m.tierOverrides.length === 0)) return null;
  const member: { -readonly [K in keyof LoyaltyMember]: LoyaltyMember[K] } = { id: m.id, programId: m.programId, customerId: m.customerId, joinedAt, tierOverrides: [] };
  if (m.birthday !== undefined) {
    if (typeof m.birthday !== 'string' || !isCalendarDate(m.birthday)) return null;
    member.birthday = m.birthday;
  }
  if (m.householdId !== undefined) {
    if (!isId(m.householdId)) return null;
    member.householdId = m.householdId;
  }
  return member;
}

/**
 * The `asOf` of an options object that holds nothing else (`{ asOf }`,
 * the usual options of a write or a read), else null.
 *
 * @internal
 */
export function quickAsOfOnly(value: unknown): Date | null {
  if (value === null || typeof value !== 'object') return null;
  for (const key in value) if (key !== 'asOf') return null;
  return quickInstant((value as { asOf?: unknown }).asOf);
}
