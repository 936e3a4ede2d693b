import { ValidationError, type ValidationIssue } from '../../core/index.js';
import type { LedgerEntry, LedgerEntryKind } from '../ledger-entry.js';
import { NEVER } from './context.js';
import { MICRO, toMicro } from './exact.js';
import { compareFacts, makeFact, type FactKind, type ReplayFact } from './replay.js';

const KINDS: ReadonlySet<string> = new Set<LedgerEntryKind>(['earn', 'redeem', 'expire', 'reverse', 'adjust', 'benefit']);

/**
 * Checks, by hand and fast, that ledger entries have the shape the engine
 * reads (parse stored JSON with `LedgerEntrySchema` first: instants must be
 * `Date`s here). Throws a `ValidationError` naming `path[i].field`.
 *
 * @internal
 */
export function checkEntries(entries: unknown, path: string, programId: string): readonly LedgerEntry[] {
  if (!Array.isArray(entries)) throw new ValidationError([{ path, message: `expected an array of ledger entries, got ${typeOf(entries)}` }]);
  const issues: ValidationIssue[] = [];
  let accountId: string | undefined;
  // Paths are only built for issues: a valid ledger (the usual case) costs no strings.
  for (let i = 0; i < entries.length && issues.length < 20; i++) {
    const entry = entries[i] as Record<string, unknown> | null;
    if (entry === null || typeof entry !== 'object') {
      issues.push({ path: `${path}[${i}]`, message: `expected a ledger entry object, got ${typeOf(entry)}` });
      continue;
    }
    if (typeof entry.kind !== 'string' || !KINDS.has(entry.kind)) issues.push({ path: `${path}[${i}].kind`, message: `expected one of earn, redeem, expire, reverse, adjust, benefit, got ${JSON.stringify(entry.kind)}` });
    if (entry.role !== 'fact' && entry.role !== 'effect') issues.push({ path: `${path}[${i}].role`, message: `expected "fact" or "effect", got ${JSON.stringify(entry.role)}` });
    checkString(entry.id, path, i, 'id', issues);
    checkString(entry.idempotencyKey, path, i, 'idempotencyKey', issues);
    checkString(entry.eventKey, path, i, 'eventKey', issues);
    checkString(entry.memberId, path, i, 'memberId', issues);
    checkString(entry.accountId, path, i, 'accountId', issues);
    checkString(entry.payloadHash, path, i, 'payloadHash', issues);
    if (entry.programId !== programId) issues.push({ path: `${path}[${i}].programId`, message: `expected an entry of program ${JSON.stringify(programId)}, got ${JSON.stringify(entry.programId)}` });
    if (accountId === undefined && typeof entry.accountId === 'string') accountId = entry.accountId;
    else if (typeof entry.accountId === 'string' && entry.accountId !== accountId) {
      issues.push({ path: `${path}[${i}].accountId`, message: `one ledger holds one account's entries: expected ${JSON.stringify(accountId)}, got ${JSON.stringify(entry.accountId)}` });
    }
    if (!isDate(entry.at)) issues.push({ path: `${path}[${i}].at`, message: `expected a valid Date (parse stored entries with LedgerEntrySchema), got ${typeOf(entry.at)}` });
    if (!Number.isSafeInteger(entry.points)) issues.push({ path: `${path}[${i}].points`, message: `expected a whole number of points, got ${typeOf(entry.points)}` });
    const movements = entry.movements;
    if (!Array.isArray(movements)) issues.push({ path: `${path}[${i}].movements`, message: `expected an array of lot movements, got ${typeOf(movements)}` });
    else {
      for (let m = 0; m < movements.length; m++) {
        const item = movements[m] as { lotId?: unknown; points?: unknown } | null;
        if (item === null || typeof item !== 'object' || typeof item.lotId !== 'string' || !Number.isSafeInteger(item.points)) {
          issues.push({ path: `${path}[${i}].movements[${m}]`, message: 'expected { lotId: string, points: integer }' });
        }
      }
    }
    checkInteger(entry.debtPoints, path, i, 'debtPoints', issues);
    checkInteger(entry.forgivenPoints, path, i, 'forgivenPoints', issues);
    checkInteger(entry.qualifyingPoints, path, i, 'qualifyingPoints', issues);
    checkInteger(entry.qualifyingSpendMinor, path, i, 'qualifyingSpendMinor', issues);
    if (entry.role === 'fact') checkFactFields(entry, path, i, issues);
  }
  if (issues.length > 0) throw new ValidationError(issues, { label: 'ledger entries' });
  return entries as readonly LedgerEntry[];
}

function checkString(value: unknown, path: string, index: number, field: string, issues: ValidationIssue[]): void {
  if (typeof value !== 'string' || value === '') issues.push({ path: `${path}[${index}].${field}`, message: `expected a non-empty string, got ${typeOf(value)}` });
}

function checkInteger(value: unknown, path: string, index: number, field: string, issues: ValidationIssue[]): void {
  if (!Number.isSafeInteger(value)) issues.push({ path: `${path}[${index}].${field}`, message: `expected an integer, got ${typeOf(value)}` });
}

/** The field each kind of fact carries its data in. */
const FACT_DATA: Readonly<Partial<Record<string, string>>> = { earn: 'earning', redeem: 'redemption', reverse: 'reversal', adjust: 'adjustment', benefit: 'benefit' };

function checkFactFields(entry: Record<string, unknown>, path: string, index: number, issues: ValidationIssue[]): void {
  const lot = entry.lot as { availableAt?: unknown; expiresAt?: unknown } | undefined;
  const needsLot = entry.kind === 'earn' || (entry.kind === 'adjust' && ((entry.adjustment as { points?: number } | undefined)?.points ?? 0) > 0);
  if (needsLot && (lot === undefined || !isDate(lot.availableAt) || (lot.expiresAt !== null && !isDate(lot.expiresAt)))) {
    issues.push({ path: `${path}[${index}].lot`, message: 'expected { availableAt: Date, expiresAt: Date | null }' });
  }
  const field = FACT_DATA[entry.kind as string];
  if (field !== undefined && (entry[field] === null || typeof entry[field] !== 'object')) issues.push({ path: `${path}[${index}].${field}`, message: `a ${String(entry.kind)} fact needs ${field}` });
  if (entry.kind === 'earn' && (entry.source === null || typeof entry.source !== 'object')) issues.push({ path: `${path}[${index}].source`, message: 'an earn fact needs its source' });
}

function isDate(value: unknown): value is Date {
  return value instanceof Date && !Number.isNaN(value.getTime());
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : 'a Date';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value)}`;
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}

/**
 * The facts of a ledger (one per fact entry), sorted, with each lot's
 * credit summed from the earn and adjust entries on it (a restated earn adds
 * to its lot). Facts dated after `untilMs` are left out. Without `ratings`
 * the facts carry no rating (for a replay on recorded credits, which needs
 * none).
 *
 * @internal
 */
export function factsOf(entries: readonly LedgerEntry[], untilMs = NEVER, ratings = true): ReplayFact[] {
  // A lot's credit is what its own fact entry moved onto it, plus what restating entries moved since;
  // maps are only made for what a ledger has (restatements are rare, ratings only asked by writers).
  let restated: Map<string, number> | null = null;
  let tiers: Map<string, string> | null = null;
  const factEntries: LedgerEntry[] = [];
  for (const entry of entries) {
    if (entry.role === 'fact') {
      if (entry.at.getTime() <= untilMs) factEntries.push(entry);
    }
    if (entry.kind === 'earn' || entry.kind === 'adjust') {
      if (entry.role !== 'fact') {
        const credit = ownLotPoints(entry);
        if (credit !== 0) {
          restated ??= new Map();
          restated.set(entry.eventKey, (restated.get(entry.eventKey) ?? 0) + credit);
        }
      }
      if (ratings && entry.kind === 'earn' && entry.earning !== undefined) {
        tiers ??= new Map();
        tiers.set(entry.eventKey, entry.earning.tierId);
      }
    }
  }
  const facts = new Array<ReplayFact>(factEntries.length);
  for (let i = 0; i < factEntries.length; i++) {
    const entry = factEntries[i]!;
    const own = entry.kind === 'earn' || entry.kind === 'adjust' ? ownLotPoints(entry) : 0;
    facts[i] = factOfEntry(entry, own + (restated?.get(entry.eventKey) ?? 0), ratings, tiers?.get(entry.eventKey) ?? null);
  }
  return sortFacts(facts);
}

/** The points an entry moved on the lot named by its own event key. */
function ownLotPoints(entry: LedgerEntry): number {
  let points = 0;
  for (const movement of entry.movements) if (movement.lotId === entry.eventKey) points += movement.points;
  return points;
}

/** Sorts facts in replay order, skipping the sort when they already are. @internal */
export function sortFacts(facts: ReplayFact[]): ReplayFact[] {
  for (let i = 1; i < facts.length; i++) {
    if (compareFacts(facts[i - 1]!, facts[i]!) > 0) return facts.sort(compareFacts);
  }
  return facts;
}

function factOfEntry(entry: LedgerEntry, credit: number, ratings: boolean, recordedTierId: string | null): ReplayFact {
  const kind = entry.kind as FactKind;
  const adjustPoints = entry.adjustment?.points ?? 0;
  const hasLot = kind === 'earn' || (kind === 'adjust' && adjustPoints > 0);
  const earning = entry.earning;
  return makeFact({
    key: entry.eventKey,
    kind,
    memberId: entry.memberId,
    atMs: entry.at.getTime(),
    lot:
      hasLot && entry.lot !== undefined
        ? { availableAtMs: entry.lot.availableAt.getTime(), expiresAtMs: entry.lot.expiresAt === null ? NEVER : entry.lot.expiresAt.getTime() }
        : null,
    credit,
    rating:
      ratings && kind === 'earn' && entry.source?.type === 'transaction' && earning !== undefined
        ? {
            basis: {
              basePoints: earning.basePoints,
              campaignId: earning.campaignId,
              campaignMultiplierMicro: earning.campaignId === null ? MICRO : toMicro(earning.campaignMultiplier),
              capPoints: earning.capPoints,
            },
            recordedTierId,
          }
        : null,
    spend: kind === 'redeem' ? (entry.redemption?.points ?? 0) : kind === 'adjust' && adjustPoints < 0 ? -adjustPoints : 0,
    targetKey: entry.reversal?.targetKey ?? null,
    qualifyingPoints: entry.qualifyingPoints,
    qualifyingSpendMinor: entry.qualifyingSpendMinor,
    benefit: entry.benefit ?? null,
    entry,
  });
}

/**
 * Everything a write needs to know about the ledger so far: the facts, the
 * idempotency keys with their payload hashes, and the limits of the
 * in-order fast path.
 *
 * @internal
 */
export interface LedgerIndex {
  readonly facts: ReplayFact[];
  readonly factByKey: Map<string, ReplayFact>;
  /** The entries under each idempotency key (all written by one write, so with one payload hash). */
  readonly byKey: Map<string, LedgerEntry[]>;
  /** Live earn facts by natural identity (`transaction:RO-1`), to refuse crediting the same thing twice. */
  readonly natural: Map<string, string>;
  /** Reversed event keys → the reversal's key. */
  readonly reversed: Map<string, string>;
  readonly maxEntryAtMs: number;
  /** The `asOf` of the latest expiry run that wrote entries: every lapse up to it is in the ledger. */
  readonly horizonMs: number;
}

/** Builds the {@link LedgerIndex} of checked entries. @internal */
export function indexLedger(entries: readonly LedgerEntry[]): LedgerIndex {
  const facts = factsOf(entries);
  const factByKey = new Map(facts.map((fact) => [fact.key, fact]));
  const byKey = new Map<string, LedgerEntry[]>();
  let maxEntryAtMs = Number.NEGATIVE_INFINITY;
  let horizonMs = Number.NEGATIVE_INFINITY;
  for (const entry of entries) {
    const at = entry.at.getTime();
    if (at > maxEntryAtMs) maxEntryAtMs = at;
    // An expiry run (a write with no fact of its own) records every lapse up to its asOf.
    if (entry.kind === 'expire' && !factByKey.has(entry.idempotencyKey)) horizonMs = Math.max(horizonMs, entry.recordedAt.getTime());
    const known = byKey.get(entry.idempotencyKey);
    if (known === undefined) byKey.set(entry.idempotencyKey, [entry]);
    else known.push(entry);
  }
  const reversed = new Map<string, string>();
  for (const fact of facts) if (fact.kind === 'reverse' && fact.targetKey !== null) reversed.set(fact.targetKey, fact.key);
  const natural = new Map<string, string>();
  for (const fact of facts) {
    const identity = naturalIdentity(fact.entry);
    if (identity !== null && !reversed.has(fact.key)) natural.set(identity, fact.key);
  }
  return { facts, factByKey, byKey, natural, reversed, maxEntryAtMs, horizonMs };
}

/**
 * What an earn credits, independent of its idempotency key: a transaction,
 * a member's welcome or birthday of a year, a referred customer. Two live
 * earns may not share one.
 *
 * @internal
 */
export function naturalIdentity(entry: (Pick<LedgerEntry, 'kind' | 'memberId' | 'source'> & { readonly eventKey?: string }) | null): string | null {
  if (entry === null || entry.kind !== 'earn' || entry.source === undefined) return null;
  const source = entry.source;
  switch (source.type) {
    case 'transaction':
      return transactionIdentity(source.transactionId, entry.eventKey);
    case 'welcome':
      return `welcome:${entry.memberId}`;
    case 'birthday':
      return `birthday:${entry.memberId}:${source.year}`;
    case 'referral':
      return `referral:${source.referredCustomerId}`;
  }
}

/**
 * `transaction:<id>`. An earn under the default key has exactly that key:
 * that string is returned rather than a new equal one, so maps that already
 * hashed it do not hash another.
 */
function transactionIdentity(transactionId: string, eventKey: string | undefined): string {
  if (eventKey !== undefined && eventKey.length === transactionId.length + 12 && eventKey.startsWith('transaction:') && eventKey.endsWith(transactionId)) return eventKey;
  return `transaction:${transactionId}`;
}
