import { describe, expect, it } from 'vitest';
import { defaultLoyaltyProgram, defaultLoyaltyProgramConfig, defineLoyaltyProgram } from 'dealer-crm/loyalty';
import { issuesOf, testProgram, testProgramConfig } from './fixtures.js';

const levels = testProgramConfig.tiers.levels;

describe('defineLoyaltyProgram', () => {
  it('fills defaults and freezes the program deeply', () => {
    const program = testProgram();
    expect(program.timeZone).toBe('Asia/Shanghai');
    expect(program.earning.excludedPayTypes).toEqual(['warranty', 'internal']);
    expect(program.reversal.shortfall).toBe('claw_back');
    expect(program.pooling).toEqual({ points: 'member', tiers: 'member' });
    expect(program.tiers.levels[0]!.earnMultiplier).toBe(1);
    expect(Object.isFrozen(program)).toBe(true);
    expect(Object.isFrozen(program.tiers.levels[1]!.quotas)).toBe(true);
  });

  it('defines the exported default program, which users can spread and change', () => {
    expect(defaultLoyaltyProgram.tiers.levels.map((level) => level.id)).toEqual(['silver', 'gold', 'platinum']);
    const changed = defineLoyaltyProgram({ ...defaultLoyaltyProgramConfig, id: 'gz', expiry: { kind: 'never' } });
    expect(changed.expiry).toEqual({ kind: 'never' });
    expect(defaultLoyaltyProgram.expiry).toEqual({ kind: 'after_months', months: 24, at: 'end_of_month' });
  });

  it('refuses tiers that overlap: two tiers starting at the same threshold', () => {
    const issues = issuesOf(() =>
      defineLoyaltyProgram({ ...testProgramConfig, tiers: { ...testProgramConfig.tiers, levels: [levels[0]!, levels[1]!, { ...levels[2]!, threshold: 5000 }] } }),
    );
    expect(issues).toEqual([{ path: 'tiers.levels[2].threshold', message: 'tiers overlap: "gold" and "platinum" both start at 5000' }]);
  });

  it('refuses tiers listed out of order and a base tier above zero', () => {
    const issues = issuesOf(() =>
      defineLoyaltyProgram({ ...testProgramConfig, tiers: { ...testProgramConfig.tiers, levels: [{ ...levels[0]!, threshold: 10 }, levels[2]!, levels[1]!] } }),
    );
    expect(issues.map((issue) => issue.path)).toEqual(['tiers.levels[0].threshold', 'tiers.levels[2].threshold']);
    expect(issues[1]!.message).toContain('tiers overlap');
  });

  it('refuses duplicate ids, quotas of unknown benefits and campaigns that end before they start', () => {
    const issues = issuesOf(() =>
      defineLoyaltyProgram({
        ...testProgramConfig,
        rewards: [
          { id: 'voucher', name: 'A', points: 10 },
          { id: 'voucher', name: 'B', points: 20 },
        ],
        tiers: { ...testProgramConfig.tiers, levels: [{ ...levels[0]!, quotas: { polish: 1 } }, levels[1]!] },
        bonuses: { campaigns: [{ id: 'spring', name: 'Spring', from: '2024-04-30', to: '2024-04-01', multiplier: 2 }] },
      }),
    );
    expect(issues.map((issue) => issue.path).sort()).toEqual(['bonuses.campaigns[0].to', 'rewards[1].id', 'tiers.levels[0].quotas.polish']);
  });

  it('refuses discounts given as percentages and rates with too many decimals', () => {
    const issues = issuesOf(() =>
      defineLoyaltyProgram({
        ...testProgramConfig,
        earning: { ...testProgramConfig.earning, rates: { repair_order: { labor: 0.1234567 } } },
        tiers: { ...testProgramConfig.tiers, levels: [{ ...levels[0]!, discounts: { labor: 30 } }] },
      }),
    );
    expect(issues).toContainEqual({ path: 'earning.rates.repair_order.labor', message: 'expected a rate with at most 6 decimal places' });
    expect(issues).toContainEqual({ path: 'tiers.levels[0].discounts.labor', message: 'expected a fraction of at most 1 (0.3 for 30 %, not 30)' });
  });

  it('refuses an unknown time zone and household tiers without household points', () => {
    const issues = issuesOf(() => defineLoyaltyProgram({ ...testProgramConfig, timeZone: 'Mars/Olympus', pooling: { tiers: 'household' } }));
    expect(issues.map((issue) => issue.path).sort()).toEqual(['pooling.tiers', 'timeZone']);
  });
});
