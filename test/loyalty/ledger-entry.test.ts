import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parse, payloadHash } from 'dealer-crm/core';
import { TransactionSchema } from 'dealer-crm/customer';
import { LedgerEntrySchema, accrue, adjust, expire, loyaltyAccountId, redeem, reverse } from 'dealer-crm/loyalty';
import { transactionPayload, transactionPayloadHash } from '../../src/loyalty/internal/fingerprint.js';
import { Ledger, alice, issuesOf, repairOrder, testProgram } from './fixtures.js';

const program = testProgram();
const asOf = '2026-06-01T00:00:00+08:00';

describe('LedgerEntrySchema', () => {
  it('validates every kind of entry the engine writes, and survives a JSON round trip', () => {
    const ledger = new Ledger();
    ledger.add(accrue(program, alice, ledger.entries, { type: 'transaction', transaction: repairOrder('RO-1', '2024-01-10T10:00:00+08:00', 0, 100_000) }, { asOf }));
    ledger.add(redeem(program, alice, ledger.entries, { key: 'R-1', at: '2024-02-01T10:00:00+08:00', rewardId: 'voucher' }, { asOf }));
    ledger.add(adjust(program, alice, ledger.entries, { key: 'ADJ-1', at: '2024-02-02T10:00:00+08:00', points: 1500, reason: 'goodwill', actor: 'staff-1' }, { asOf }));
    ledger.add(reverse(program, alice, ledger.entries, { targetKey: 'transaction:RO-1', at: '2024-02-03T10:00:00+08:00', reason: 'refund' }, { asOf }));
    ledger.add(expire(program, alice, ledger.entries, { asOf }));
    expect(new Set(ledger.entries.map((entry) => entry.kind))).toEqual(new Set(['earn', 'redeem', 'adjust', 'reverse', 'expire']));
    for (const entry of ledger.entries) expect(parse(LedgerEntrySchema, JSON.parse(JSON.stringify(entry)))).toEqual(entry);
    expect(new Set(ledger.entries.map((entry) => entry.id)).size).toBe(ledger.entries.length);
    expect(ledger.entries.every((entry) => entry.accountId === loyaltyAccountId(program, { id: 'M-1' }))).toBe(true);
  });

  it('refuses an entry whose points do not equal its movements, or a fact without its data', () => {
    const [entry] = accrue(program, alice, [], { type: 'transaction', transaction: repairOrder('RO-1', '2024-01-10T10:00:00+08:00', 0, 100_000) }, { asOf }).entries;
    expect(issuesOf(() => parse(LedgerEntrySchema, { ...entry, points: 999 }))[0]).toEqual({ path: 'points', message: 'points is 999 but the movements sum to 1000' });
    const { lot: _lot, ...withoutLot } = entry!;
    expect(issuesOf(() => parse(LedgerEntrySchema, withoutLot))[0]!.path).toBe('lot');
  });

  it('derives ids from the idempotency key, never from a position in the stream', () => {
    const event = { type: 'transaction', transaction: repairOrder('RO-7', '2024-01-10T10:00:00+08:00', 0, 100_000) } as const;
    const alone = accrue(program, alice, [], event, { asOf }).entries[0]!;
    const ledger = new Ledger();
    ledger.add(accrue(program, alice, ledger.entries, { type: 'transaction', transaction: repairOrder('RO-1', '2024-01-05T10:00:00+08:00', 0, 100) }, { asOf }));
    const later = accrue(program, alice, ledger.entries, event, { asOf }).entries[0]!;
    expect([alone.id, later.id]).toEqual(['transaction:RO-7#0', 'transaction:RO-7#0']);
  });
});

describe('payload hash of a transaction event', () => {
  const transactions = fc.record({
    id: fc.stringMatching(/^[A-Z]{2}-[0-9]{1,6}$/),
    at: fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2030-01-01T00:00:00Z'), noInvalidDate: true }),
    lines: fc.array(fc.record({ category: fc.constantFrom('labor', 'parts', 'sublet', 'other'), payType: fc.constantFrom('customer', 'warranty', 'internal', 'insurance'), revenueMinor: fc.nat(10_000_000) }), { minLength: 1, maxLength: 5 }),
  });

  it('equals core payloadHash of the canonical event payload', () => {
    fc.assert(
      fc.property(transactions, ({ id, at, lines }) => {
        const revenue = lines.reduce((sum, line) => sum + line.revenueMinor, 0);
        const transaction = parse(TransactionSchema, {
          type: 'parts_sale', id, dealerId: 'D-1', customerId: 'C-1', at, currency: 'CNY', revenueMinor: revenue, grossProfitMinor: revenue,
          lines: lines.map((line) => ({ ...line, quantity: 1, costMinor: 0 })),
        });
        expect(transactionPayloadHash('M-1', transaction)).toBe(payloadHash(transactionPayload('M-1', transaction)));
      }),
      { numRuns: 200 },
    );
  });
});
