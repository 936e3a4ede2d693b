import { describe, expect, it } from 'vitest';
import { quoteTransactionPoints } from 'dealer-crm/loyalty';
import { issuesOf, repairOrder, testProgram } from './fixtures.js';

describe('quoteTransactionPoints', () => {
  const program = testProgram();
  const order = repairOrder('RO-1', '2024-03-15T10:00:00+08:00', 35_000, 82_550);

  it('quotes the points of an order in a tier without touching a ledger', () => {
    // 1,175.5 → 1,175 base; platinum ×2 → +1,175.
    expect(quoteTransactionPoints(program, order, { tierId: 'platinum' })).toMatchObject({ points: 2350, basePoints: 1175, tierBonusPoints: 1175, qualifyingPoints: 1175, qualifyingSpendMinor: 117_550 });
  });

  it('rounds bonuses exactly, without binary fractions', () => {
    // Base 10 at ×1.1 (a 0.1 tier bonus): 10 × 0.1 = 1 exactly, where 10 × (1.1 − 1) in floating point is 1.0000000000000009.
    const tenth = testProgram({ tiers: { ...program.tiers, levels: [program.tiers.levels[0]!, { ...program.tiers.levels[1]!, earnMultiplier: 1.1 }] } });
    const quote = quoteTransactionPoints(tenth, repairOrder('RO-1', '2024-03-15T10:00:00+08:00', 0, 1000), { tierId: 'gold' });
    expect([quote.basePoints, quote.tierBonusPoints]).toEqual([10, 1]);
    const ceil = testProgram({ earning: { ...program.earning, rounding: 'ceil' }, tiers: tenth.tiers });
    expect(quoteTransactionPoints(ceil, repairOrder('RO-1', '2024-03-15T10:00:00+08:00', 0, 1000), { tierId: 'gold' }).tierBonusPoints).toBe(1);
  });

  it('refuses a program that did not come from defineLoyaltyProgram', () => {
    expect(issuesOf(() => quoteTransactionPoints({ ...program }, order, { tierId: 'gold' }))[0]).toEqual({ path: 'program', message: 'expected a program returned by defineLoyaltyProgram' });
  });

  it('refuses an unknown tier', () => {
    expect(issuesOf(() => quoteTransactionPoints(program, order, { tierId: 'diamond' }))[0]).toEqual({ path: 'options.tierId', message: 'expected one of the program\'s tiers (silver, gold, platinum), got "diamond"' });
  });
});
