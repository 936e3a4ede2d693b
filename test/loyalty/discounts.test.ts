import { describe, expect, it } from 'vitest';
import { applyMemberDiscounts } from 'dealer-crm/loyalty';
import { issuesOf, testProgram, testProgramConfig } from './fixtures.js';

const program = testProgram();
const line = (category: 'labor' | 'parts' | 'sublet', revenueMinor: number, payType: 'customer' | 'warranty' = 'customer') => ({ category, quantity: 1, revenueMinor, costMinor: 0, payType });

describe('applyMemberDiscounts', () => {
  it('takes 30 % off labor and 5 % off parts for platinum, rounded half up on each category’s total', () => {
    // Labor ¥123.45 × 0.3 = 3,703.5 fen → 3,704; parts ¥67.89 × 0.05 = 339.45 fen → 339; sublet is not discounted.
    const result = applyMemberDiscounts(program, { tierId: 'platinum', lines: [line('labor', 12_345), line('parts', 6_789), line('sublet', 5_000)] });
    expect(result.lines.map((item) => [item.discountRate, item.discountMinor, item.netMinor])).toEqual([
      [0.3, 3704, 8641],
      [0.05, 339, 6450],
      [0, 0, 5000],
    ]);
    expect(result).toMatchObject({ totalBeforeMinor: 24_134, discountMinor: 4043, totalAfterMinor: 20_091 });
    expect(result.byCategory).toEqual({ labor: { eligibleMinor: 12_345, rate: 0.3, discountMinor: 3704 }, parts: { eligibleMinor: 6789, rate: 0.05, discountMinor: 339 } });
  });

  it('rounds once per category and splits the discount over the lines by largest remainder, so the lines add up', () => {
    // Three labor lines of 1,001 fen: 3,003 × 0.3 = 900.9 → 901 on the total (per line 300.3 → 300 would lose a fen).
    // Largest remainder: 300 each (0.3 left over each), the remaining fen to the first line.
    const result = applyMemberDiscounts(program, { tierId: 'platinum', lines: [line('labor', 1001), line('labor', 1001), line('labor', 1001)] });
    expect(result.lines.map((item) => item.discountMinor)).toEqual([301, 300, 300]);
    expect(result.discountMinor).toBe(901);
  });

  it('leaves warranty lines alone (the OEM pays them) and gives silver nothing', () => {
    const result = applyMemberDiscounts(program, { tierId: 'platinum', lines: [line('labor', 10_000, 'warranty'), line('labor', 10_000)] });
    expect(result.lines.map((item) => item.discountMinor)).toEqual([0, 3000]);
    expect(applyMemberDiscounts(program, { tierId: 'silver', lines: [line('labor', 10_000)] }).discountMinor).toBe(0);
  });

  it('rounds down when the program says floor', () => {
    const floor = testProgram({ benefits: { ...testProgramConfig.benefits, discountRounding: 'floor' } });
    expect(applyMemberDiscounts(floor, { tierId: 'platinum', lines: [line('labor', 12_345)] }).discountMinor).toBe(3703);
  });

  it('refuses an unknown tier and a bad line', () => {
    expect(issuesOf(() => applyMemberDiscounts(program, { tierId: 'diamond', lines: [] }))[0]!.path).toBe('input.tierId');
    expect(issuesOf(() => applyMemberDiscounts(program, { tierId: 'gold', lines: [line('labor', -1)] }))[0]!.path).toBe('input.lines[0].revenueMinor');
  });
});
