import { canonicalJson, CrmError, sha256Hex, type JsonValue } from '../core/index.js';
import type { CrmDataVisibility } from './access-policy.js';
import { boundedId } from './bounded-id.js';
import type { CrmTx } from './runtime.js';
import { appendToStreams } from './stream-appends.js';

/** The audit stream every facade call appends to: one hash-chained stream per tenant (kind `audit_log`). */
export const CRM_AUDIT_CHAIN_STREAM = 'chain';

/** The `prevHash` of the first entry of a chain: 64 zeros. */
export const CRM_AUDIT_GENESIS_HASH = '0'.repeat(64);

/** The most customer ids one audit entry lists; `customerCount` gives the true number. */
const MAX_LISTED_CUSTOMERS = 1000;

/**
 * How a call ended, as the audit records it: `ok` (done), `replayed` (an
 * idempotent replay answered from the first call) or `forbidden` (the
 * access policy refused it; nothing else was done).
 */
export type CrmAuditOutcome = 'ok' | 'replayed' | 'forbidden';

/**
 * One entry of a tenant's audit chain: who (actor, role, dealer), what
 * (`action`: the facade method), which customers and which personal fields,
 * for which purpose, when, with what outcome; chained to the entry before it
 * by `prevHash`, and sealed by `hash` = SHA-256 of the canonical JSON of
 * every other field.
 */
export interface CrmAuditEntry {
  /** The facade method, e.g. `customers.get`. */
  readonly action: string;
  /** When the call was made (the facade clock). */
  readonly at: Date;
  readonly actorId: string;
  readonly role: string;
  /** The actor's dealer, when the actor names one. */
  readonly actorDealerId?: string;
  /** The purpose of processing the call declared. */
  readonly purpose: string;
  readonly outcome: CrmAuditOutcome;
  /** The id of the call (the first call's, on a replay). */
  readonly requestId: string;
  /** The client's idempotency key of a write. */
  readonly idempotencyKey?: string;
  /** The customers whose data the call read or wrote (at most 1000 listed). */
  readonly customerIds: readonly string[];
  /** How many customers the call touched. */
  readonly customerCount: number;
  /** The personal fields read or written (`name`, `mobile`, `idNumber`, …). */
  readonly fields: readonly string[];
  /** How much of those fields the actor saw. */
  readonly visibility?: CrmDataVisibility;
  /** Facts of the call (a lookup kind, counts, the reason of a refusal); never personal data. */
  readonly details?: Readonly<Record<string, JsonValue>>;
  /** The entry's position in the chain (1 for the first). */
  readonly seq: number;
  /** The hash of the entry before (64 zeros for the first). */
  readonly prevHash: string;
  /** SHA-256 of the canonical JSON of the entry without this field. */
  readonly hash: string;
}

/** What a call tells the audit about itself, besides who and when. Internal to the facade. */
export interface AuditFacts {
  readonly customerIds?: readonly string[];
  readonly fields?: readonly string[];
  readonly visibility?: CrmDataVisibility;
  readonly details?: Readonly<Record<string, JsonValue>>;
}

/** The entry as a call drafts it, before it is chained. Internal to the facade. */
export type AuditDraft = Omit<CrmAuditEntry, 'seq' | 'prevHash' | 'hash'>;

/**
 * The hash of an audit entry: SHA-256 over the canonical JSON of every field
 * but `hash` (keys sorted, instants as ISO strings).
 *
 * @example
 * ```ts
 * crmAuditEntryHash(entry) === entry.hash; // for an entry nobody changed
 * ```
 */
export function crmAuditEntryHash(entry: Omit<CrmAuditEntry, 'hash'> | CrmAuditEntry): string {
  const { hash: _hash, ...body } = entry as CrmAuditEntry;
  return sha256Hex(canonicalJson(body));
}

/** The audit index stream of a customer: summaries of every entry that names the customer. Internal to the facade. */
export function customerAuditStream(customerId: string): string {
  return boundedId('customer', customerId);
}

/** The audit index stream of a user: summaries of every entry the user caused. Internal to the facade. */
export function actorAuditStream(userId: string): string {
  return boundedId('actor', userId);
}

/** Builds a draft from the call's facts, capping the listed customers. Internal to the facade. */
export function auditDraft(base: Omit<AuditDraft, 'customerIds' | 'customerCount' | 'fields' | 'visibility' | 'details'>, facts: AuditFacts): AuditDraft {
  const unique = [...new Set(facts.customerIds ?? [])];
  return {
    ...base,
    customerIds: unique.slice(0, MAX_LISTED_CUSTOMERS),
    customerCount: unique.length,
    fields: [...new Set(facts.fields ?? [])].sort(),
    ...(facts.visibility === undefined ? {} : { visibility: facts.visibility }),
    ...(facts.details === undefined ? {} : { details: facts.details }),
  };
}

/**
 * Appends an entry to the tenant's audit chain inside a transaction: reads
 * the head, links to its hash, and appends conditionally on the version it
 * read, so that concurrent calls keep the chain linear (the loser of a race
 * gets a `VERSION_CONFLICT` and its whole transaction is run again). Then
 * appends a summary to the index stream of every customer named and of the
 * actor. Internal to the facade.
 */
export async function appendAuditEntry(tx: CrmTx, tenantId: string, draft: AuditDraft): Promise<CrmAuditEntry> {
  const version = await tx.streamVersion(tenantId, 'audit_log', CRM_AUDIT_CHAIN_STREAM);
  let prevHash = CRM_AUDIT_GENESIS_HASH;
  if (version > 0) {
    const head = await tx.readStream(tenantId, 'audit_log', CRM_AUDIT_CHAIN_STREAM, { fromPosition: version, limit: 1 });
    const hash = head.entries[0]?.payload.hash;
    if (typeof hash !== 'string') throw new CrmError('BAD_RESPONSE', `the head of the audit chain (position ${version}) has no hash`, { details: { position: version } });
    prevHash = hash;
  }
  const body = { ...draft, seq: version + 1, prevHash };
  const entry: CrmAuditEntry = { ...body, hash: crmAuditEntryHash(body) };
  await tx.append(tenantId, 'audit_log', CRM_AUDIT_CHAIN_STREAM, [entry as unknown as JsonAuditPayload], { expectedVersion: version });
  const summary = {
    action: entry.action,
    at: entry.at,
    actorId: entry.actorId,
    role: entry.role,
    purpose: entry.purpose,
    outcome: entry.outcome,
    requestId: entry.requestId,
    fields: [...entry.fields],
    ...(entry.visibility === undefined ? {} : { visibility: entry.visibility }),
    chainPosition: entry.seq,
    hash: entry.hash,
  };
  await appendToStreams(tx, tenantId, 'audit_log', [
    ...entry.customerIds.map((customerId) => ({ streamId: customerAuditStream(customerId), payloads: [{ ...summary, customerId }] })),
    { streamId: actorAuditStream(entry.actorId), payloads: [{ ...summary, customerIds: [...entry.customerIds], customerCount: entry.customerCount }] },
  ]);
  return entry;
}

/** The payload type of the audit stream kind, for the cast above. */
type JsonAuditPayload = { readonly action: string; readonly at: Date; readonly [field: string]: unknown };
