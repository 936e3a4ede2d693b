import { describe, expect, it } from 'vitest';
import {
  defaultPyramidPolicy,
  definePyramidPolicy,
  fourTierPyramidPolicy,
  pyramidStrategyDescriptions,
  PyramidStrategySchema,
} from 'dealer-crm/segmentation';
import { issuesOf } from '../support/errors.js';

describe('definePyramidPolicy', () => {
  it('ships the five-zone default with the shares and strategies of dealer practice', () => {
    expect(defaultPyramidPolicy.cut).toBe('customer_share');
    expect(defaultPyramidPolicy.ties).toBe('by_customer_id');
    expect(defaultPyramidPolicy.zones.map((zone) => [zone.id, zone.strategy, zone.customerShare])).toEqual([
      ['top', 'keep', 0.05],
      ['high', 'grow', 0.1],
      ['middle', 'develop', 0.2],
      ['low', 'serve_passively', 0.25],
      ['loss_making', 'reduce_cost_or_exit', 0.4],
    ]);
    expect(fourTierPyramidPolicy.zones.map((zone) => zone.id)).toEqual(['platinum', 'gold', 'iron', 'lead']);
  });

  it('returns deeply frozen policies that callers can spread into new ones', () => {
    expect(Object.isFrozen(defaultPyramidPolicy)).toBe(true);
    expect(Object.isFrozen(defaultPyramidPolicy.zones)).toBe(true);
    expect(Object.isFrozen(defaultPyramidPolicy.zones[0])).toBe(true);
    const custom = definePyramidPolicy({ ...defaultPyramidPolicy, name: 'mine', ties: 'same_zone' });
    expect(custom.name).toBe('mine');
    expect(custom.ties).toBe('same_zone');
    expect(JSON.parse(JSON.stringify(custom))).toEqual(custom);
  });

  it('defaults ties to by_customer_id', () => {
    const policy = definePyramidPolicy({
      name: 'two',
      cut: 'customer_share',
      zones: [
        { id: 'a', label: 'A', strategy: 'keep', customerShare: 0.5 },
        { id: 'b', label: 'B', strategy: 'serve_passively', customerShare: 0.5 },
      ],
    });
    expect(policy.ties).toBe('by_customer_id');
  });

  it('rejects customer shares that do not sum to 1', () => {
    const issues = issuesOf(() =>
      definePyramidPolicy({ ...defaultPyramidPolicy, zones: defaultPyramidPolicy.zones.map((zone) => ({ ...zone, customerShare: 0.3 })) }),
    );
    expect(issues).toEqual([{ path: 'zones', message: expect.stringContaining('must sum to 1, got 1.5') }]);
  });

  it('rejects profit shares that do not sum to 1', () => {
    const issues = issuesOf(() =>
      definePyramidPolicy({
        name: 'x',
        cut: 'cumulative_profit_share',
        zones: [
          { id: 'a', label: 'A', strategy: 'keep', profitShare: 0.5 },
          { id: 'b', label: 'B', strategy: 'grow', profitShare: 0.4 },
        ],
      }),
    );
    expect(issues[0]!.message).toContain('profitShare values must sum to 1, got 0.9');
  });

  it('rejects percentages given for fractions', () => {
    const issues = issuesOf(() =>
      definePyramidPolicy({
        name: 'x',
        cut: 'customer_share',
        zones: [
          { id: 'a', label: 'A', strategy: 'keep', customerShare: 5 },
          { id: 'b', label: 'B', strategy: 'grow', customerShare: 95 },
        ],
      }),
    );
    // Both shares are out of range, and 5 + 95 does not sum to 1 either.
    expect(issues.map((issue) => issue.path)).toEqual(['zones[0].customerShare', 'zones[1].customerShare', 'zones']);
    expect(issues[0]!.message).toContain('not a percentage');
  });

  it('rejects thresholds that do not strictly decrease, and a last zone with a minimum', () => {
    const issues = issuesOf(() =>
      definePyramidPolicy({
        name: 'x',
        cut: 'profit_threshold',
        zones: [
          { id: 'a', label: 'A', strategy: 'keep', minProfitMinor: 100 },
          { id: 'b', label: 'B', strategy: 'grow', minProfitMinor: 100 },
          { id: 'c', label: 'C', strategy: 'grow', minProfitMinor: null },
          { id: 'd', label: 'D', strategy: 'grow', minProfitMinor: 0 },
        ],
      }),
    );
    expect(issues.map((issue) => issue.path)).toEqual(['zones[1].minProfitMinor', 'zones[2].minProfitMinor', 'zones[3].minProfitMinor']);
  });

  it('rejects duplicate zone ids, unknown cuts, strategies and keys', () => {
    expect(
      issuesOf(() =>
        definePyramidPolicy({
          name: 'x',
          cut: 'customer_share',
          zones: [
            { id: 'a', label: 'A', strategy: 'keep', customerShare: 0.5 },
            { id: 'a', label: 'B', strategy: 'grow', customerShare: 0.5 },
          ],
        }),
      )[0],
    ).toEqual({ path: 'zones[1].id', message: 'duplicate zone id "a" (first at zones[0])' });
    expect(issuesOf(() => definePyramidPolicy({ ...defaultPyramidPolicy, cut: 'by_magic' } as never))[0]!.path).toBe('cut');
    expect(
      issuesOf(() => definePyramidPolicy({ ...defaultPyramidPolicy, zones: [{ ...defaultPyramidPolicy.zones[0]!, strategy: 'pray' }] } as never))[0]!.path,
    ).toBe('zones[0].strategy');
    expect(issuesOf(() => definePyramidPolicy({ ...defaultPyramidPolicy, colour: 'red' } as never))[0]!.message).toContain('colour');
  });

  it('describes every strategy', () => {
    for (const strategy of PyramidStrategySchema.options) expect(pyramidStrategyDescriptions[strategy].length).toBeGreaterThan(20);
  });
});
