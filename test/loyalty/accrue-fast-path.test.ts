/**
 * `accrueMany` writes a batch of new earns, in time order after everything
 * recorded, in one pass (`LedgerWriter.appendEarnsInOrder`), and falls back to
 * the general path — one write at a time, replay and effect groups — for any
 * other batch. The general path is the oracle: on random programs, members,
 * ledgers and batches, both must give exactly the same entries (field by
 * field, in the same order), results, balances and tier status, or the same
 * error.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TransactionInput } from 'dealer-crm/customer';
import {
  accrue,
  adjust,
  balance,
  defineLoyaltyProgram,
  expire,
  redeem,
  reverse,
  tierStatus,
  type LedgerEntry,
  type LoyaltyAccrualEventInput,
  type LoyaltyMemberInput,
  type LoyaltyProgram,
} from 'dealer-crm/loyalty';
import { payloadHash, sha256Hex } from 'dealer-crm/core';
import type { Transaction } from 'dealer-crm/customer';
import { accrueBatch } from '../../src/loyalty/accrue.js';
import { TransactionPayloadWriter, transactionPayload } from '../../src/loyalty/internal/fingerprint.js';
import { LedgerWriter } from '../../src/loyalty/internal/writer.js';
import { alice, repairOrder, testProgramConfig } from './fixtures.js';

const START = Date.parse('2024-01-01T00:00:00+08:00');
const DAY = 86_400_000;
const MINUTE = 60_000;
const ASOF = new Date(START + 900 * DAY);
const iso = (ms: number) => new Date(ms).toISOString();

const programs = fc
  .record({
    pendingDays: fc.constantFrom(0, 7),
    graceDays: fc.constantFrom(0, 30),
    review: fc.constantFrom({ kind: 'yearly' as const, month: 1, day: 1 }, { kind: 'anniversary' as const, months: 6 }),
    basis: fc.constantFrom('qualifying_points' as const, 'qualifying_spend' as const),
    expiry: fc.constantFrom(
      { kind: 'after_months' as const, months: 24, at: 'end_of_month' as const },
      { kind: 'after_months' as const, months: 3, at: 'end_of_day' as const },
      { kind: 'never' as const },
    ),
    campaign: fc.constantFrom('none', 'all', 'repairs'),
    cap: fc.boolean(),
    excludeAccidents: fc.boolean(),
    rounding: fc.constantFrom('floor' as const, 'half_up' as const, 'ceil' as const),
    shortfall: fc.constantFrom('claw_back' as const, 'debt' as const, 'forgive' as const),
    pooling: fc.constantFrom('none', 'points', 'points and tiers'),
  })
  .map((variant) =>
    defineLoyaltyProgram({
      ...testProgramConfig,
      earning: {
        ...testProgramConfig.earning,
        rounding: variant.rounding,
        pendingDays: variant.pendingDays,
        maxPointsPerTransaction: variant.cap ? { repair_order: 800, vehicle_sale: 5000 } : {},
        excludedServiceKinds: variant.excludeAccidents ? ['accident'] : [],
      },
      bonuses: {
        ...testProgramConfig.bonuses,
        campaigns:
          variant.campaign === 'none'
            ? []
            : [{ id: 'summer', name: 'Summer', from: '2024-06-01', to: '2024-09-30', multiplier: 2, ...(variant.campaign === 'repairs' ? { transactionTypes: ['repair_order' as const] } : {}) }],
      },
      expiry: variant.expiry,
      tiers: {
        ...testProgramConfig.tiers,
        basis: variant.basis,
        graceDays: variant.graceDays,
        review: variant.review,
        levels:
          variant.basis === 'qualifying_points'
            ? testProgramConfig.tiers.levels
            : testProgramConfig.tiers.levels.map((level) => ({ ...level, threshold: level.threshold * 100 })),
      },
      reversal: { shortfall: variant.shortfall },
      pooling: variant.pooling === 'none' ? { points: 'member', tiers: 'member' } : { points: 'household', tiers: variant.pooling === 'points' ? 'member' : 'household' },
    }),
  );

/** Another member of alice's household (in pooled programs, her earns share the ledger and perhaps the tier). */
const mum: LoyaltyMemberInput = { id: 'M-2', programId: 'club', customerId: 'C-2', joinedAt: '2024-01-01T00:00:00+08:00', householdId: 'H-1' };
const pooled = (program: LoyaltyProgram) => program.pooling.points === 'household';
const optionsFor = (program: LoyaltyProgram) => (pooled(program) ? { asOf: ASOF, members: [mum] } : { asOf: ASOF });

const members = fc.oneof(
  { weight: 3, arbitrary: fc.constant(alice) },
  {
    weight: 1,
    arbitrary: fc.record({ mode: fc.constantFrom('fixed' as const, 'floor' as const), tier: fc.constantFrom('silver', 'gold', 'platinum'), fromDay: fc.integer({ min: 0, max: 600 }), days: fc.option(fc.integer({ min: 1, max: 300 })) }).map(
      (override): LoyaltyMemberInput => ({
        ...alice,
        tierOverrides: [
          {
            tierId: override.tier,
            mode: override.mode,
            from: iso(START + override.fromDay * DAY),
            ...(override.days === null ? {} : { until: iso(START + (override.fromDay + override.days) * DAY) }),
            reason: 'goodwill',
            actor: 'U-1',
          },
        ],
      }),
    ),
  },
);

/** Writes to the ledger before the batch, through the public API (refused writes are skipped). */
type Prior =
  | { readonly kind: 'earn'; readonly id: number; readonly day: number; readonly laborMinor: number; readonly partsMinor: number; readonly byMum: boolean }
  | { readonly kind: 'redeem'; readonly day: number; readonly points: number }
  | { readonly kind: 'adjust'; readonly day: number; readonly points: number }
  | { readonly kind: 'reverse'; readonly day: number; readonly target: number }
  | { readonly kind: 'expire'; readonly day: number };

// Days 600 and 601 (at 00:00) are instants some batch events have too.
const priorDay = fc.oneof({ weight: 8, arbitrary: fc.integer({ min: 0, max: 400 }) }, { weight: 1, arbitrary: fc.constantFrom(600, 601) });
const priors = fc.array(
  fc.oneof(
    {
      weight: 4,
      arbitrary: fc.record({ kind: fc.constant('earn' as const), id: fc.integer({ min: 0, max: 9 }), day: priorDay, laborMinor: fc.integer({ min: 0, max: 400_000 }), partsMinor: fc.integer({ min: 0, max: 400_000 }), byMum: fc.boolean() }),
    },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('redeem' as const), day: priorDay, points: fc.integer({ min: 1, max: 3000 }) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('adjust' as const), day: priorDay, points: fc.integer({ min: -1500, max: 1500 }).filter((p) => p !== 0) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('reverse' as const), day: priorDay, target: fc.nat() }) },
    // An expiry run may be dated after the batch's events: they then come before its horizon.
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('expire' as const), day: fc.integer({ min: 0, max: 880 }) }) },
  ),
  { maxLength: 8 },
);

function priorLedger(program: LoyaltyProgram, member: LoyaltyMemberInput, commands: readonly Prior[]): LedgerEntry[] {
  let entries: LedgerEntry[] = [];
  const targets: string[] = [];
  commands.forEach((command, index) => {
    const at = iso(START + command.day * DAY + (command.day >= 600 ? 0 : index * MINUTE));
    try {
      let added: readonly LedgerEntry[] = [];
      if (command.kind === 'earn') {
        const result =
          pooled(program) && command.byMum
            ? accrue(program, mum, entries, { type: 'transaction', transaction: repairOrder(`RO-${command.id}`, at, command.laborMinor, command.partsMinor, { customerId: 'C-2' }) }, { asOf: ASOF, members: [member] })
            : accrue(program, member, entries, { type: 'transaction', transaction: repairOrder(`RO-${command.id}`, at, command.laborMinor, command.partsMinor) }, optionsFor(program));
        added = result.entries;
        targets.push(result.idempotencyKey);
      } else if (command.kind === 'redeem') {
        added = redeem(program, member, entries, { key: `redeem-${index}`, at, points: command.points }, optionsFor(program)).entries;
        targets.push(`redeem-${index}`);
      } else if (command.kind === 'adjust') {
        added = adjust(program, member, entries, { key: `adjust-${index}`, at, points: command.points, reason: 'test', actor: 'U-1' }, optionsFor(program)).entries;
      } else if (command.kind === 'reverse') {
        if (targets.length === 0) return;
        added = reverse(program, member, entries, { key: `reverse-${index}`, targetKey: targets[command.target % targets.length]!, at, reason: 'refund' }, optionsFor(program)).entries;
      } else {
        added = expire(program, member, entries, { asOf: at, key: `expire-${index}` }).entries;
      }
      entries = [...entries, ...added];
    } catch {
      // A refused write (not enough points, a reversal of a reversed event…) leaves the ledger as it was.
    }
  });
  return entries;
}

type EventSpec =
  | {
      readonly kind: 'transaction';
      readonly type: 'repair_order' | 'parts_sale' | 'vehicle_sale';
      readonly id: number;
      readonly minute: number;
      readonly amounts: readonly number[];
      readonly warranty: boolean;
      readonly accident: boolean;
      readonly key: number | null;
      readonly flaw: 'none' | 'customer' | 'future' | 'currency';
    }
  | { readonly kind: 'welcome'; readonly minute: number; readonly key: number | null }
  | { readonly kind: 'birthday'; readonly year: 2024 | 2025; readonly dayOffset: number; readonly key: number | null }
  | { readonly kind: 'referral'; readonly minute: number; readonly referred: number; readonly key: number | null };

// A few fixed instants make events at the same instant (ordered by key, not by arrival).
const eventMinute = fc.oneof(fc.integer({ min: 0, max: 850 * 24 * 60 }), fc.constantFrom(0, 600 * 24 * 60, 601 * 24 * 60));
const optionalKey = fc.option(fc.integer({ min: 0, max: 5 }), { freq: 8 });
const eventSpecs = fc.array(
  fc.oneof(
    {
      weight: 12,
      arbitrary: fc.record({
        kind: fc.constant('transaction' as const),
        type: fc.constantFrom('repair_order' as const, 'parts_sale' as const, 'vehicle_sale' as const),
        // Mostly distinct transactions; sometimes the same one twice (a replay or a conflict).
        id: fc.oneof({ weight: 1, arbitrary: fc.integer({ min: 0, max: 3 }) }, { weight: 6, arbitrary: fc.integer({ min: 4, max: 10_000 }) }),
        minute: eventMinute,
        amounts: fc.array(fc.oneof(fc.integer({ min: 0, max: 300_000 }), fc.integer({ min: 0, max: 3_000_000 })), { minLength: 1, maxLength: 3 }),
        warranty: fc.boolean(),
        accident: fc.boolean(),
        key: optionalKey,
        flaw: fc.oneof({ weight: 60, arbitrary: fc.constant('none' as const) }, { weight: 1, arbitrary: fc.constantFrom('customer' as const, 'future' as const, 'currency' as const) }),
      }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('welcome' as const), minute: eventMinute, key: optionalKey }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('birthday' as const), year: fc.constantFrom(2024 as const, 2025 as const), dayOffset: fc.integer({ min: 0, max: 29 }), key: optionalKey }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('referral' as const), minute: eventMinute, referred: fc.integer({ min: 0, max: 3 }), key: optionalKey }) },
  ),
  { maxLength: 14 },
);

/** Events from specs; `late: false` moves every event after the prior ledger (days 400+), so most batches take the fast path. */
function eventsOf(specs: readonly EventSpec[], late: boolean): LoyaltyAccrualEventInput[] {
  const at = (minute: number) => START + (late || minute >= 401 * 24 * 60 ? minute : 401 * 24 * 60 + (minute % (480 * 24 * 60))) * MINUTE;
  const keyOf = (key: number | null) => (key === null ? {} : { key: `k-${key}` });
  return specs.map((spec): LoyaltyAccrualEventInput => {
    switch (spec.kind) {
      case 'transaction': {
        const atMs = spec.flaw === 'future' ? ASOF.getTime() + DAY : at(spec.minute);
        const customerId = spec.flaw === 'customer' ? 'C-2' : 'C-1';
        const currency = spec.flaw === 'currency' ? 'USD' : 'CNY';
        const id = `T-${spec.id}`;
        const revenue = spec.amounts.reduce((sum, amount) => sum + amount, 0);
        let transaction: TransactionInput;
        if (spec.type === 'vehicle_sale') {
          transaction = { type: 'vehicle_sale', id, dealerId: 'D-1', customerId, vehicleId: 'V-1', at: new Date(atMs), currency, revenueMinor: revenue * 100, grossProfitMinor: revenue, saleKind: 'new' };
        } else {
          const lines = spec.amounts.map((amount, index) => ({
            category: index % 2 === 0 ? ('labor' as const) : ('parts' as const),
            quantity: 1,
            revenueMinor: amount,
            costMinor: 0,
            payType: spec.warranty && index === 0 ? ('warranty' as const) : ('customer' as const),
          }));
          transaction =
            spec.type === 'parts_sale'
              ? { type: 'parts_sale', id, dealerId: 'D-1', customerId, at: new Date(atMs), currency, revenueMinor: revenue, grossProfitMinor: revenue, lines }
              : { type: 'repair_order', id, dealerId: 'D-1', customerId, vehicleId: 'V-1', at: new Date(atMs), currency, serviceKind: spec.accident ? 'accident' : 'maintenance', revenueMinor: revenue, grossProfitMinor: revenue, lines };
        }
        return { type: 'transaction', ...keyOf(spec.key), transaction };
      }
      case 'welcome': {
        const atMs = at(spec.minute);
        return { type: 'welcome', ...keyOf(spec.key), at: new Date(atMs), purchase: { transactionId: 'VS-1', at: new Date(atMs - 3 * DAY) } };
      }
      case 'birthday':
        return { type: 'birthday', ...keyOf(spec.key), at: new Date(Date.parse(`${spec.year}-06-12T12:00:00+08:00`) + spec.dayOffset * DAY) };
      case 'referral': {
        const atMs = at(spec.minute);
        return { type: 'referral', ...keyOf(spec.key), at: new Date(atMs), referredCustomerId: `C-${10 + spec.referred}`, purchase: { transactionId: `VS-${spec.referred}`, at: new Date(atMs - DAY) } };
      }
    }
  });
}

type Outcome = { readonly ok: ReturnType<typeof accrueBatch> } | { readonly error: unknown };

function run(program: LoyaltyProgram, member: LoyaltyMemberInput, ledger: readonly LedgerEntry[], events: readonly LoyaltyAccrualEventInput[], fast: boolean): Outcome {
  try {
    return { ok: accrueBatch(program, member, ledger, events, optionsFor(program), fast) };
  } catch (error) {
    return { error: describeError(error) };
  }
}

function describeError(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  return { name: error.constructor.name, message: error.message, ...(error as unknown as Record<string, unknown>) };
}

describe('accrueMany: the in-order fast path gives exactly what the general path gives', () => {
  afterEach(() => vi.restoreAllMocks());

  it('on random programs, members, ledgers and batches: same entries, results, balance and tiers, or the same error', () => {
    const spy = vi.spyOn(LedgerWriter.prototype, 'appendEarnsInOrder');
    let taken = 0;
    let declined = 0;
    fc.assert(
      fc.property(programs, members, priors, eventSpecs, fc.boolean(), (program, someone, prior, specs, late) => {
        const member = pooled(program) ? { ...someone, householdId: 'H-1' } : someone;
        const ledger = priorLedger(program, member, prior);
        const events = eventsOf(specs, late);
        spy.mockClear();
        const fast = run(program, member, ledger, events, true);
        const fastReturned = spy.mock.results.map((result) => result.value as unknown);
        const general = run(program, member, ledger, events, false);
        expect(spy.mock.calls.length).toBe(fastReturned.length);
        if (fastReturned.some((value) => value !== null)) taken++;
        else declined++;
        expect(fast).toStrictEqual(general);
        // Field order too: stored JSON is byte-identical.
        expect(JSON.stringify(fast)).toBe(JSON.stringify(general));
        if ('ok' in fast && 'ok' in general) {
          const all = [...ledger, ...fast.ok.entries];
          const allGeneral = [...ledger, ...general.ok.entries];
          expect(balance(program, all, { asOf: ASOF })).toStrictEqual(balance(program, allGeneral, { asOf: ASOF }));
          expect(tierStatus(program, member, all, optionsFor(program))).toStrictEqual(tierStatus(program, member, allGeneral, optionsFor(program)));
          // The same batch again is a replay of every event, on either path.
          const again = run(program, member, all, events, true);
          expect(again).toStrictEqual(run(program, member, allGeneral, events, false));
          if ('ok' in again) expect(again.ok.entries).toEqual([]);
        }
      }),
      { numRuns: 1000 },
    );
    // Both paths were exercised.
    expect(taken).toBeGreaterThan(40);
    expect(declined).toBeGreaterThan(40);
  });

  it('takes the fast path for new earns in time order after the ledger, and declines the rest', () => {
    const program = defineLoyaltyProgram(testProgramConfig);
    const spy = vi.spyOn(LedgerWriter.prototype, 'appendEarnsInOrder');
    const order = (id: string, day: number) => ({ type: 'transaction' as const, transaction: repairOrder(id, iso(START + day * DAY), 100_000, 50_000) });
    const taken = (ledger: readonly LedgerEntry[], events: readonly LoyaltyAccrualEventInput[]) => {
      spy.mockClear();
      const fast = run(program, alice, ledger, events, true);
      expect(fast).toStrictEqual(run(program, alice, ledger, events, false));
      return spy.mock.results[0]?.value !== null;
    };
    const ledger = accrueBatch(program, alice, [], [order('RO-1', 10), order('RO-2', 20)], { asOf: ASOF }, false).entries;
    // Arrival order does not matter: the batch is sorted by time first.
    expect(taken([], [order('RO-2', 20), order('RO-1', 10), order('RO-3', 30)])).toBe(true);
    expect(taken(ledger, [order('RO-3', 30), order('RO-4', 40)])).toBe(true);
    // An event dated before the ledger's latest entry restates: the general path.
    expect(taken(ledger, [order('RO-3', 15)])).toBe(false);
    // A key already written (a replay), a transaction already credited, a key twice in the batch.
    expect(taken(ledger, [order('RO-2', 20), order('RO-3', 30)])).toBe(false);
    expect(taken(ledger, [{ ...order('RO-1', 30), key: 'other' }])).toBe(false);
    expect(taken([], [order('RO-1', 10), { ...order('RO-2', 20), key: 'transaction:RO-1' }])).toBe(false);
    // Outstanding debt: the next earn settles it, an effect the fast path does not write.
    const debtProgram = defineLoyaltyProgram({ ...testProgramConfig, reversal: { shortfall: 'debt' } });
    let debtLedger = accrue(debtProgram, alice, [], order('RO-1', 10), { asOf: ASOF }).entries;
    debtLedger = [...debtLedger, ...redeem(debtProgram, alice, debtLedger, { key: 'r-1', at: iso(START + 11 * DAY), points: 1500 }, { asOf: ASOF }).entries];
    debtLedger = [...debtLedger, ...reverse(debtProgram, alice, debtLedger, { key: 'x-1', targetKey: 'transaction:RO-1', at: iso(START + 12 * DAY), reason: 'refund' }, { asOf: ASOF }).entries];
    spy.mockClear();
    const settled = accrueBatch(debtProgram, alice, debtLedger, [order('RO-2', 20)], { asOf: ASOF }, true);
    expect(spy.mock.results[0]?.value).toBeNull();
    expect(settled).toStrictEqual(accrueBatch(debtProgram, alice, debtLedger, [order('RO-2', 20)], { asOf: ASOF }, false));
    expect(settled.entries.length).toBe(2);
  });
});

describe('payload hash of a transaction event, written as bytes', () => {
  // Any string: plain ids (the bytes path), and quotes, backslashes, controls, non-ASCII and lone surrogates (the string path).
  const text = fc.oneof(fc.stringMatching(/^[A-Za-z0-9-]{1,12}$/), fc.string({ maxLength: 8 }), fc.string({ unit: 'grapheme', maxLength: 4 }), fc.string({ unit: 'binary', maxLength: 4 }));
  const amount = fc.oneof(fc.nat(10_000_000), fc.constantFrom(0, 9, 10, 99, 100, 2 ** 31, Number.MAX_SAFE_INTEGER), fc.double({ noNaN: false }));
  const instant = fc.oneof(
    fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2030-01-01T00:00:00Z'), noInvalidDate: true }),
    fc.date({ min: new Date('0000-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59.999Z'), noInvalidDate: true }),
    fc.date({ noInvalidDate: true }),
  );
  const line = fc.record({ category: fc.constantFrom('labor', 'parts', 'sublet', 'other'), payType: fc.constantFrom('customer', 'warranty', 'internal', 'insurance'), revenueMinor: amount });
  const transactions = fc.record({
    type: fc.constantFrom('vehicle_sale', 'repair_order', 'parts_sale'),
    id: text,
    at: instant,
    currency: fc.constantFrom('CNY', 'USD'),
    customerId: text,
    dealerId: text,
    saleKind: fc.constantFrom('new', 'used'),
    serviceKind: fc.constantFrom('maintenance', 'repair'),
    revenueMinor: amount,
    lines: fc.array(line, { minLength: 1, maxLength: 6 }),
  });

  it('equals core payloadHash of the canonical payload, for every member and transaction, one writer over many events', () => {
    fc.assert(
      fc.property(text, fc.array(transactions, { minLength: 1, maxLength: 6 }), (memberId, list) => {
        const writer = new TransactionPayloadWriter(memberId);
        for (const value of list) {
          const transaction = value as unknown as Transaction;
          const expected = payloadHash(transactionPayload(memberId, transaction));
          expect(writer.hash(transaction)).toBe(expected);
          expect(sha256Hex(writer.json(transaction))).toBe(expected);
        }
      }),
      { numRuns: 500 },
    );
  });
});
