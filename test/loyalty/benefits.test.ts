import { describe, expect, it } from 'vitest';
import { accrue, benefitUsage, useBenefit } from 'dealer-crm/loyalty';
import { Ledger, alice, crmErrorOf, issuesOf, repairOrder, testProgram } from './fixtures.js';

const program = testProgram();
const asOf = '2026-01-01T00:00:00+08:00';

/** Gold from 10 March 2024 (¥6,000 of parts): 2 waxes and 6 washes a year. */
function goldLedger(): Ledger {
  const ledger = new Ledger();
  ledger.add(accrue(program, alice, ledger.entries, { type: 'transaction', transaction: repairOrder('RO-1', '2024-03-10T10:00:00+08:00', 0, 600_000) }, { asOf }));
  return ledger;
}

describe('useBenefit and benefitUsage', () => {
  it('counts uses against the tier’s yearly quota and resets it at the local year boundary', () => {
    const ledger = goldLedger();
    ledger.add(useBenefit(program, alice, ledger.entries, { key: 'WAX-1', at: '2024-06-01T10:00:00+08:00', benefitId: 'wax' }, { asOf }));
    // 31 Dec 2024 23:30 in Shanghai is still 2024 (15:30 UTC).
    const second = ledger.add(useBenefit(program, alice, ledger.entries, { key: 'WAX-2', at: '2024-12-31T23:30:00+08:00', benefitId: 'wax' }, { asOf }));
    expect(second).toMatchObject({ tierId: 'gold', quota: 2, used: 2, remaining: 0, period: { start: new Date('2023-12-31T16:00:00Z'), end: new Date('2024-12-31T16:00:00Z') } });
    expect(second.entries[0]).toMatchObject({ kind: 'benefit', role: 'fact', points: 0, benefit: { benefitId: 'wax', quantity: 1 } });
    const refused = crmErrorOf(() => useBenefit(program, alice, ledger.entries, { key: 'WAX-3', at: '2024-12-31T23:50:00+08:00', benefitId: 'wax' }, { asOf }), 'FORBIDDEN');
    expect(refused.details).toMatchObject({ quota: 2, used: 2, requested: 1 });
    expect(benefitUsage(program, alice, ledger.entries, { asOf: '2024-12-31T23:59:00+08:00' }).benefits).toEqual([
      { benefitId: 'wash', name: 'Car wash', quota: 6, used: 0, remaining: 6 },
      { benefitId: 'wax', name: 'Wax', quota: 2, used: 2, remaining: 0 },
    ]);
    // 1 Jan 2025 00:10 in Shanghai (still 31 Dec in UTC) is the new quota year; gold was kept at the review.
    const usage = benefitUsage(program, alice, ledger.entries, { asOf: '2025-01-01T00:10:00+08:00' });
    expect(usage).toMatchObject({ tierId: 'gold', period: { start: new Date('2024-12-31T16:00:00Z'), end: new Date('2025-12-31T16:00:00Z') } });
    expect(usage.benefits.find((benefit) => benefit.benefitId === 'wax')).toMatchObject({ used: 0, remaining: 2 });
    expect(useBenefit(program, alice, ledger.entries, { key: 'WAX-3', at: '2025-01-01T00:10:00+08:00', benefitId: 'wax' }, { asOf }).remaining).toBe(1);
  });

  it('refuses a benefit the tier does not grant, and one not in the catalogue', () => {
    crmErrorOf(() => useBenefit(program, alice, [], { key: 'WAX-1', at: '2024-02-01T10:00:00+08:00', benefitId: 'wax' }, { asOf }), 'FORBIDDEN');
    expect(issuesOf(() => useBenefit(program, alice, [], { key: 'X-1', at: '2024-02-01T10:00:00+08:00', benefitId: 'detailing' }, { asOf }))[0]!.path).toBe('use.benefitId');
  });

  it('counts quantities and replays the same use', () => {
    const ledger = goldLedger();
    const use = { key: 'WASH-1', at: '2024-04-01T10:00:00+08:00', benefitId: 'wash', quantity: 4 };
    ledger.add(useBenefit(program, alice, ledger.entries, use, { asOf }));
    const again = useBenefit(program, alice, ledger.entries, use, { asOf });
    expect([again.replayed, again.used, again.remaining]).toEqual([true, 4, 2]);
    crmErrorOf(() => useBenefit(program, alice, ledger.entries, { ...use, key: 'WASH-2', quantity: 3 }, { asOf }), 'FORBIDDEN');
  });

  it('runs quota years from the join date with membership years', () => {
    const membership = testProgram({ benefits: { catalogue: [{ id: 'wash', name: 'Car wash' }, { id: 'wax', name: 'Wax' }, { id: 'inspection', name: 'Inspection' }], quotaPeriod: 'membership_year' } });
    const member = { ...alice, joinedAt: '2024-04-15T15:00:00+08:00' };
    const usage = benefitUsage(membership, member, [], { asOf: '2025-04-14T23:00:00+08:00' });
    // Joined 15 Apr 2024: the membership year runs 15 Apr 2024 00:00 to 15 Apr 2025 00:00, Shanghai.
    expect(usage.period).toEqual({ start: new Date('2024-04-14T16:00:00Z'), end: new Date('2025-04-14T16:00:00Z') });
    expect(usage.benefits).toEqual([{ benefitId: 'wash', name: 'Car wash', quota: 2, used: 0, remaining: 2 }]);
  });
});
