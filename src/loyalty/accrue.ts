import { CrmError, invalid, parse, payloadHash } from '../core/index.js';
import type { Transaction } from '../customer/models/index.js';
import { LoyaltyAccrualEventSchema, type LoyaltyAccrualEvent, type LoyaltyAccrualEventInput, type LoyaltyWriteOptions } from './events.js';
import type { EarningBreakdown, LedgerEntry } from './ledger-entry.js';
import type { LoyaltyMemberInput } from './member.js';
import type { LoyaltyProgram } from './program.js';
import { checkCurrency, transactionBase, type CreditBasis } from './internal/earning-rules.js';
import type { ProgramContext } from './internal/context.js';
import { lotDatesOf } from './internal/lots.js';
import { naturalIdentity } from './internal/ledger-index.js';
import { checkEventTime, replayResult, setupWrite, writeResult, type LoyaltyWriteResult, type WriteSetup } from './internal/operation.js';
import { makeFact, type ReplayFact } from './internal/replay.js';
import { checkNestedTransaction } from './internal/transaction-check.js';
import { TransactionPayloadWriter } from './internal/fingerprint.js';
import type { FactTemplate, InOrderEarn, WriteMeta } from './internal/writer.js';

/** What {@link accrue} returns: the write, and what the event earned. */
export interface AccrualResult extends LoyaltyWriteResult {
  /** Points credited by the event (its lot). */
  readonly points: number;
  /** Points counted toward tiers. */
  readonly qualifyingPoints: number;
  /** Spend counted toward tiers, minor units. */
  readonly qualifyingSpendMinor: number;
  /** How the points were computed. */
  readonly breakdown: EarningBreakdown | null;
  /** Points of this event that went straight to settle an earlier debt. */
  readonly settledDebtPoints: number;
}

/**
 * Turns a transaction or bonus event into an earn entry: a lot with its own
 * expiry, earned in the member's tier at the event's time (tier multiplier,
 * campaign multiplier, cap, exclusions). Pure: returns the entries to append,
 * never changes `entries`.
 *
 * The same event key twice yields the entries once (`replayed: true` the
 * second time). An event dated before entries already written is welcome:
 * the ledger is replayed in time order and the result restates what the late
 * event changed (see `restatements`).
 *
 * @param entries - the account's ledger so far (see `loyaltyAccountId`)
 * @param options.asOf - the time of the write; events may not be dated after it
 * @throws `ValidationError` for a bad event (unknown transaction type,
 * negative amounts, a transaction of another customer, an event dated before
 * the member joined or after `asOf`, a bonus the program does not offer or
 * outside its window).
 * @throws `CrmError` `IDEMPOTENCY_CONFLICT` when the key (or the same
 * transaction under another key) was already written with another payload;
 * `CURRENCY_MISMATCH` for a transaction in another currency.
 * @example
 * ```ts
 * const { entries: added, points } = accrue(program, member, ledger, { type: 'transaction', transaction: ro }, { asOf: ro.at });
 * ledger = [...ledger, ...added];
 * ```
 */
export function accrue(
  program: LoyaltyProgram,
  member: LoyaltyMemberInput,
  entries: readonly LedgerEntry[],
  event: LoyaltyAccrualEventInput,
  options: LoyaltyWriteOptions,
): AccrualResult {
  const setup = setupWrite(program, member, entries, options);
  const parsed = parse(LoyaltyAccrualEventSchema, event, { path: 'event', label: 'accrual event' });
  const outcome = accrueOne(setup, prepareAccrual(setup, new TransactionPayloadWriter(setup.member.id, setup.ctx.iso), parsed, 'event'));
  const base = outcome.replayed
    ? replayResult(setup, outcome.meta, outcome.recorded)
    : writeResult(setup, outcome.meta, { entries: outcome.entries, late: outcome.late });
  return accrualResult(base, outcome.recorded);
}

/** What {@link accrueMany} returns: all new entries, and one result per event in input order. */
export interface AccrualBatchResult {
  /** Every new entry, in write order. */
  readonly entries: readonly LedgerEntry[];
  /** One result per event, in the order given. */
  readonly results: readonly {
    readonly idempotencyKey: string;
    readonly replayed: boolean;
    readonly points: number;
  }[];
}

/**
 * Accrues many events for one member (or pooled household) in one call —
 * a DMS history import, a nightly batch. Every event is checked first (a fast
 * hand-written check of transactions, with the schema's errors and paths such
 * as `events[12].transaction.at`), so a bad event writes nothing; events are
 * then written in time order, which keeps the work linear.
 *
 * @throws `ValidationError` / `CrmError` as {@link accrue}, for the first bad event; nothing is written.
 * @example
 * ```ts
 * const { entries } = accrueMany(program, member, [], history.map((transaction) => ({ type: 'transaction', transaction })), { asOf });
 * ```
 */
export function accrueMany(
  program: LoyaltyProgram,
  member: LoyaltyMemberInput,
  entries: readonly LedgerEntry[],
  events: readonly LoyaltyAccrualEventInput[],
  options: LoyaltyWriteOptions,
): AccrualBatchResult {
  return accrueBatch(program, member, entries, events, options, true);
}

/**
 * {@link accrueMany} with its in-order fast path (`LedgerWriter.appendEarnsInOrder`)
 * switched on or off: off, every event is written by the general path, one
 * write at a time. The results are the same either way (the tests check).
 *
 * @internal
 */
export function accrueBatch(
  program: LoyaltyProgram,
  member: LoyaltyMemberInput,
  entries: readonly LedgerEntry[],
  events: readonly LoyaltyAccrualEventInput[],
  options: LoyaltyWriteOptions,
  fastPath: boolean,
): AccrualBatchResult {
  const setup = setupWrite(program, member, entries, options);
  if (!Array.isArray(events)) invalid('events', 'expected an array of accrual events');
  const payloads = new TransactionPayloadWriter(setup.member.id, setup.ctx.iso);
  const prepared = new Array<PreparedAccrual>(events.length);
  const order = new Array<number>(events.length);
  for (let index = 0; index < events.length; index++) {
    const path = eventPath(index);
    const event = events[index]!;
    // A plain transaction event (the bulk of an import) goes straight to its fast check, with no event object made.
    prepared[index] = isPlainTransactionEvent(event)
      ? prepareTransaction(setup, payloads, fastTransactionOf(event, path), event.key, path)
      : prepareAccrual(setup, payloads, parse(LoyaltyAccrualEventSchema, event, { path, label: 'accrual event' }), path);
    order[index] = index;
  }
  sortByTime(order, prepared);
  const results = new Array<AccrualBatchResult['results'][number]>(prepared.length);
  // The common case — new earns, in time order after everything recorded — in one pass with no replay objects.
  const appended = fastPath ? setup.writer.appendEarnsInOrder(prepared, order, setup.member.id, setup.asOf) : null;
  if (appended !== null) {
    for (let i = 0; i < order.length; i++) {
      const entry = appended[i]!;
      results[order[i]!] = { idempotencyKey: entry.idempotencyKey, replayed: false, points: entry.points };
    }
    return { entries: appended, results };
  }
  const written: LedgerEntry[] = [];
  for (const index of order) {
    const outcome = accrueOne(setup, prepared[index]!);
    for (const entry of outcome.entries) written.push(entry);
    const primary = outcome.recorded[0];
    results[index] = { idempotencyKey: outcome.meta.key, replayed: outcome.replayed, points: primary?.role === 'fact' ? primary.points : 0 };
  }
  return { entries: written, results };
}

/**
 * Sorts event indexes by event time, then index — one total order, so any
 * sort gives the same result. A batch of a few events (one member's night) is
 * sorted by insertion, with no scratch arrays.
 */
function sortByTime(order: number[], prepared: readonly PreparedAccrual[]): void {
  if (order.length > 32) {
    order.sort((a, b) => prepared[a]!.atMs - prepared[b]!.atMs || a - b);
    return;
  }
  for (let i = 1; i < order.length; i++) {
    const index = order[i]!;
    const atMs = prepared[index]!.atMs;
    let j = i - 1;
    // Indexes start ascending, so an equal time never needs a move.
    while (j >= 0 && prepared[order[j]!]!.atMs > atMs) {
      order[j + 1] = order[j]!;
      j--;
    }
    order[j + 1] = index;
  }
}

/** The checked transaction of a plain transaction event (its key checked too). */
function fastTransactionOf(event: Extract<LoyaltyAccrualEventInput, { type: 'transaction' }>, path: string): Transaction {
  if (event.key !== undefined) parse(LoyaltyAccrualEventSchema.options[0].shape.key, event.key, { path: `${path}.key` });
  return checkNestedTransaction(event.transaction, path);
}

/** `events[<index>]`, made once per index (up to a bound) rather than once per event of every batch. */
const EVENT_PATHS: string[] = [];
const EVENT_PATH_LIMIT = 4096;

function eventPath(index: number): string {
  if (index >= EVENT_PATH_LIMIT) return `events[${index}]`;
  let path = EVENT_PATHS[index];
  if (path === undefined) {
    for (let i = EVENT_PATHS.length; i <= index; i++) EVENT_PATHS.push(`events[${i}]`);
    path = EVENT_PATHS[index]!;
  }
  return path;
}

/** A transaction event with no other fields than `type`, `key` and `transaction`. */
function isPlainTransactionEvent(event: LoyaltyAccrualEventInput): event is Extract<LoyaltyAccrualEventInput, { type: 'transaction' }> {
  if (event === null || typeof event !== 'object' || event.type !== 'transaction') return false;
  for (const key in event) if (key !== 'type' && key !== 'key' && key !== 'transaction') return false;
  return true;
}

/**
 * A checked accrual, ready to write: its key and payload hash, its natural
 * identity, its time and lot, how it is credited and its fact entry's data.
 * The general path makes its replay fact and write meta from it
 * ({@link factOf}); the fast path needs neither.
 */
interface PreparedAccrual extends InOrderEarn {
  readonly path: string;
  readonly availableAtMs: number;
  readonly expiresAtMs: number;
  readonly qualifyingPoints: number;
  readonly qualifyingSpendMinor: number;
}

/** The write meta of a prepared accrual (the general path's). */
function metaOf(item: PreparedAccrual, asOf: Date): WriteMeta {
  return { key: item.key, payloadHash: item.payloadHash, asOf };
}

/** The replay fact of a prepared accrual. */
function factOf(setup: WriteSetup, item: PreparedAccrual): ReplayFact {
  return makeFact({
    key: item.key,
    kind: 'earn',
    memberId: setup.member.id,
    atMs: item.atMs,
    lot: { availableAtMs: item.availableAtMs, expiresAtMs: item.expiresAtMs },
    credit: item.basis === null ? item.credit : 0,
    rating: item.basis === null ? null : { basis: item.basis, recordedTierId: null },
    spend: 0,
    targetKey: null,
    qualifyingPoints: item.qualifyingPoints,
    qualifyingSpendMinor: item.qualifyingSpendMinor,
    benefit: null,
    entry: null,
  });
}

/** A prepared accrual from its parts, in one object shape. */
function prepared(
  key: string,
  payloadHash: string,
  identity: string,
  path: string,
  atMs: number,
  availableAtMs: number,
  expiresAtMs: number,
  basis: CreditBasis | null,
  credit: number,
  template: FactTemplate,
): PreparedAccrual {
  return {
    key,
    payloadHash,
    identity,
    atMs,
    basis,
    credit,
    template,
    path,
    availableAtMs,
    expiresAtMs,
    qualifyingPoints: template.qualifyingPoints,
    qualifyingSpendMinor: template.qualifyingSpendMinor,
  };
}

function prepareAccrual(setup: WriteSetup, payloads: TransactionPayloadWriter, event: LoyaltyAccrualEvent, path: string): PreparedAccrual {
  const { ctx, member, asOf } = setup;
  switch (event.type) {
    case 'transaction':
      return prepareTransaction(setup, payloads, event.transaction, event.key, path);
    case 'welcome': {
      const rule = ctx.program.bonuses.welcome;
      if (rule === undefined) invalid(`${path}.type`, `program ${ctx.program.id} offers no welcome bonus`);
      const purchaseAt = event.purchase.at.getTime();
      const lastMs = ctx.calendar.startOfDayAfterDays(purchaseAt, rule.withinDays + 1);
      if (event.at.getTime() < purchaseAt || event.at.getTime() >= lastMs) {
        invalid(`${path}.at`, `a welcome bonus is granted within ${rule.withinDays} days of the purchase (${ctx.calendar.isoDay(purchaseAt)} to ${ctx.calendar.isoDay(lastMs - 1)}), got ${event.at.toISOString()}`);
      }
      checkEventTime(member, event.at, asOf, `${path}.at`);
      return bonus(setup, event.key ?? `welcome:${member.id}`, event, path, rule.points, rule.countsTowardTier, `welcome bonus for purchase ${event.purchase.transactionId}`, {
        type: 'welcome',
        purchaseTransactionId: event.purchase.transactionId,
        purchaseAt: event.purchase.at,
      });
    }
    case 'birthday': {
      const rule = ctx.program.bonuses.birthday;
      if (rule === undefined) invalid(`${path}.type`, `program ${ctx.program.id} offers no birthday bonus`);
      if (member.birthday === undefined) invalid('member.birthday', `member ${member.id} has no birthday on record`);
      checkEventTime(member, event.at, asOf, `${path}.at`);
      const year = birthdayYear(ctx, member.birthday, event.at.getTime(), rule.windowDays);
      if (year === null) {
        invalid(`${path}.at`, `a birthday bonus is granted on the birthday (${member.birthday.slice(5)}) or within ${rule.windowDays} days after it, got ${ctx.calendar.isoDay(event.at.getTime())}`);
      }
      return bonus(setup, event.key ?? `birthday:${member.id}:${year}`, event, path, rule.points, rule.countsTowardTier, `birthday bonus ${year}`, { type: 'birthday', year });
    }
    case 'referral': {
      const rule = ctx.program.bonuses.referral;
      if (rule === undefined) invalid(`${path}.type`, `program ${ctx.program.id} offers no referral bonus`);
      if (event.referredCustomerId === member.customerId) invalid(`${path}.referredCustomerId`, 'a member cannot refer themselves');
      if (event.purchase.at.getTime() > event.at.getTime()) invalid(`${path}.at`, 'a referral bonus is granted after the referred customer buys, not before');
      checkEventTime(member, event.at, asOf, `${path}.at`);
      return bonus(setup, event.key ?? `referral:${event.referredCustomerId}`, event, path, rule.points, rule.countsTowardTier, `referral bonus: ${event.referredCustomerId} bought (${event.purchase.transactionId})`, {
        type: 'referral',
        referredCustomerId: event.referredCustomerId,
        purchaseTransactionId: event.purchase.transactionId,
      });
    }
  }
}

const TYPE_LABEL: Readonly<Record<Transaction['type'], string>> = { vehicle_sale: 'vehicle sale', repair_order: 'repair order', parts_sale: 'parts sale' };

function prepareTransaction(setup: WriteSetup, payloads: TransactionPayloadWriter, transaction: Transaction, key: string | undefined, path: string): PreparedAccrual {
  const { ctx, member, asOf } = setup;
  // The checks' paths are built only for an event that fails one.
  if (transaction.currency !== ctx.program.currency) checkCurrency(ctx, transaction, `${path}.transaction.currency`);
  if (transaction.customerId !== member.customerId) {
    invalid(`${path}.transaction.customerId`, `the transaction belongs to customer ${transaction.customerId}, but member ${member.id} is customer ${member.customerId}`);
  }
  const atMs = transaction.at.getTime();
  if (atMs < member.joinedAt.getTime() || atMs > asOf.getTime()) checkEventTime(member, transaction.at, asOf, `${path}.transaction.at`);
  const base = transactionBase(ctx, transaction);
  // The default key is the natural identity: one string for both.
  const identity = `transaction:${transaction.id}`;
  const eventKey = key ?? identity;
  const availableAtMs = ctx.availableAt(atMs);
  const expiresAtMs = ctx.expiresAt(atMs);
  return prepared(eventKey, payloads.hash(transaction), identity, path, atMs, availableAtMs, expiresAtMs, base, 0, {
    reason: `${TYPE_LABEL[transaction.type]} ${transaction.id}`,
    qualifyingPoints: base.basePoints,
    qualifyingSpendMinor: base.eligibleRevenueMinor,
    lot: lotDatesOf(availableAtMs, expiresAtMs),
    source: {
      type: 'transaction',
      transactionId: transaction.id,
      transactionType: transaction.type,
      dealerId: transaction.dealerId,
      currency: transaction.currency,
      revenueMinor: transaction.revenueMinor,
      eligibleRevenueMinor: base.eligibleRevenueMinor,
    },
  });
}

function bonus(
  setup: WriteSetup,
  key: string,
  event: LoyaltyAccrualEvent & { readonly at: Date },
  path: string,
  points: number,
  countsTowardTier: boolean,
  reason: string,
  source: NonNullable<LedgerEntry['source']>,
): PreparedAccrual {
  const { ctx, member } = setup;
  const atMs = event.at.getTime();
  const availableAtMs = ctx.availableAt(atMs);
  const expiresAtMs = ctx.expiresAt(atMs);
  const qualifying = countsTowardTier ? points : 0;
  const { key: _key, ...payload } = event;
  const identity = naturalIdentity({ kind: 'earn', memberId: member.id, source })!;
  return prepared(key, payloadHash({ ...payload, memberId: member.id }), identity, path, atMs, availableAtMs, expiresAtMs, null, points, {
    reason,
    qualifyingPoints: qualifying,
    qualifyingSpendMinor: 0,
    lot: lotDatesOf(availableAtMs, expiresAtMs),
    source,
  });
}

function birthdayYear(ctx: ProgramContext, birthday: string, atMs: number, windowDays: number): number | null {
  const { year } = ctx.calendar.day(atMs);
  const [, monthText, dayText] = birthday.split('-');
  const month = Number(monthText);
  const day = Number(dayText);
  for (const candidate of [year, year - 1]) {
    const leap = (candidate % 4 === 0 && candidate % 100 !== 0) || candidate % 400 === 0;
    const start = ctx.calendar.startOfLocalDay(candidate, month, month === 2 && day === 29 && !leap ? 28 : day);
    const end = ctx.calendar.startOfDayAfterDays(start, windowDays);
    if (atMs >= start && atMs < end) return candidate;
  }
  return null;
}

/** One accrual written (or replayed): what the batch needs, and what a full result is built from. */
interface AccrualOutcome {
  readonly meta: WriteMeta;
  readonly replayed: boolean;
  /** The new entries (empty when replayed). */
  readonly entries: readonly LedgerEntry[];
  /** Every entry under the key. */
  readonly recorded: readonly LedgerEntry[];
  readonly late: boolean;
}

function accrueOne(setup: WriteSetup, prepared: PreparedAccrual): AccrualOutcome {
  const { writer } = setup;
  const meta = metaOf(prepared, setup.asOf);
  const lookup = writer.lookup(meta.key, meta.payloadHash);
  if (lookup.status === 'replay') return { meta, replayed: true, entries: [], recorded: lookup.entries, late: false };
  const owner = writer.naturalOwner(prepared.identity);
  if (owner !== undefined) {
    throw new CrmError('IDEMPOTENCY_CONFLICT', `${prepared.identity} was already credited under key ${JSON.stringify(owner)}; reverse that event first to credit it again`, {
      details: { identity: prepared.identity, existingKey: owner, key: meta.key, path: prepared.path },
    });
  }
  const outcome = writer.write(factOf(setup, prepared), prepared.template, meta, undefined, prepared.identity);
  return { meta, replayed: false, entries: outcome.entries, recorded: outcome.entries, late: outcome.late };
}

function accrualResult(base: LoyaltyWriteResult, recorded: readonly LedgerEntry[]): AccrualResult {
  const primary = recorded.find((entry) => entry.role === 'fact');
  let settled = 0;
  for (const entry of recorded) if (entry.role === 'effect' && entry.debtPoints < 0 && entry.eventKey !== primary?.eventKey) settled -= entry.debtPoints;
  return {
    ...base,
    points: primary?.points ?? 0,
    qualifyingPoints: primary?.qualifyingPoints ?? 0,
    qualifyingSpendMinor: primary?.qualifyingSpendMinor ?? 0,
    breakdown: primary?.earning ?? null,
    settledDebtPoints: settled,
  };
}
