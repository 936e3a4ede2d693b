import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assignPyramid, defaultPyramidPolicy, tierMigration } from 'dealer-crm/segmentation';
import { issuesOf } from '../support/errors.js';
import { rowsArbitrary } from './helpers.js';

const order = defaultPyramidPolicy.zones.map((zone) => zone.id);

const before = [
  { customerId: 'a', segment: 'top', profitMinor: 100 },
  { customerId: 'b', segment: 'high', profitMinor: 50 },
  { customerId: 'c', segment: 'high', profitMinor: 40 },
  { customerId: 'd', segment: 'low', profitMinor: 10 },
  { customerId: 'e', segment: 'loss_making', profitMinor: -5 },
];
const after = [
  { customerId: 'b', segment: 'top', profitMinor: 120 },
  { customerId: 'a', segment: 'high', profitMinor: 60 },
  { customerId: 'c', segment: 'high', profitMinor: 45 },
  { customerId: 'f', segment: 'low', profitMinor: 5 },
  { customerId: 'd', segment: 'loss_making', profitMinor: -10 },
];

describe('tierMigration', () => {
  it('counts moves between zones with the profit they carry, and tells up from down', () => {
    const result = tierMigration(before, after, { order });
    expect(result.segments).toEqual(['top', 'high', 'middle', 'low', 'loss_making']);
    expect(result.counts).toEqual([
      [0, 1, 0, 0, 0], // top → high: a
      [1, 1, 0, 0, 0], // high → top: b; high → high: c
      [0, 0, 0, 0, 0],
      [0, 0, 0, 0, 1], // low → loss-making: d
      [0, 0, 0, 0, 0], // e left
    ]);
    expect(result.cells).toEqual([
      { from: 'top', to: 'high', customerCount: 1, profitBeforeMinor: 100, profitAfterMinor: 60 },
      { from: 'high', to: 'top', customerCount: 1, profitBeforeMinor: 50, profitAfterMinor: 120 },
      { from: 'high', to: 'high', customerCount: 1, profitBeforeMinor: 40, profitAfterMinor: 45 },
      { from: 'low', to: 'loss_making', customerCount: 1, profitBeforeMinor: 10, profitAfterMinor: -10 },
      { from: 'loss_making', to: null, customerCount: 1, profitBeforeMinor: -5, profitAfterMinor: null },
      { from: null, to: 'low', customerCount: 1, profitBeforeMinor: null, profitAfterMinor: 5 },
    ]);
    expect(result.moves.map((move) => [move.customerId, move.from, move.to, move.direction])).toEqual([
      ['a', 'top', 'high', 'down'],
      ['b', 'high', 'top', 'up'],
      ['d', 'low', 'loss_making', 'down'],
      ['e', 'loss_making', null, 'left'],
      ['f', null, 'low', 'entered'],
    ]);
    expect(result.summary).toEqual({
      customerCount: 6,
      stayed: 1,
      movedUp: 1,
      movedDown: 2,
      changed: 0,
      entered: 1,
      left: 1,
      movedDownProfitBeforeMinor: 110, // a 100 + d 10
      movedDownProfitAfterMinor: 50, // a 60 + d −10
    });
  });

  it('without an order, lists segments by first appearance and calls changes "changed"', () => {
    const result = tierMigration(before, after);
    expect(result.segments).toEqual(['top', 'high', 'low', 'loss_making']);
    expect(result.summary).toMatchObject({ movedUp: 0, movedDown: 0, changed: 3, stayed: 1 });
    expect(result.moves.find((move) => move.customerId === 'a')!.direction).toBe('changed');
  });

  it('reports profits as null when a period has none', () => {
    const result = tierMigration(
      before.map(({ customerId, segment }) => ({ customerId, segment })),
      after,
      { order },
    );
    expect(result.cells[0]).toEqual({ from: 'top', to: 'high', customerCount: 1, profitBeforeMinor: null, profitAfterMinor: 60 });
    expect(result.summary.movedDownProfitBeforeMinor).toBeNull();
    expect(result.summary.movedDownProfitAfterMinor).toBe(50);
  });

  it('answers "who moved down the pyramid this quarter?" from two pyramid runs', () => {
    // Q1: a 1000, b 500, then 18 customers below. Q2: a drops to 1, b is unchanged.
    const others = Array.from({ length: 18 }, (_, i) => ({ customerId: `x${String(i).padStart(2, '0')}`, profitMinor: 100 - i }));
    const q1 = assignPyramid([{ customerId: 'a', profitMinor: 1000 }, { customerId: 'b', profitMinor: 500 }, ...others]);
    const q2 = assignPyramid([{ customerId: 'a', profitMinor: 1 }, { customerId: 'b', profitMinor: 500 }, ...others]);
    const result = tierMigration(q1.assignments, q2.assignments, { order });
    const down = result.moves.filter((move) => move.direction === 'down');
    expect(down[0]).toEqual({ customerId: 'a', from: 'top', to: 'loss_making', direction: 'down', profitBeforeMinor: 1000, profitAfterMinor: 1 });
    // a's drop lets b into the top zone and moves the others up by one rank.
    expect(result.moves.find((move) => move.customerId === 'b')!.direction).toBe('up');
  });

  it('handles empty periods', () => {
    const result = tierMigration([], [], { order });
    expect(result.cells).toEqual([]);
    expect(result.summary.customerCount).toBe(0);
    expect(tierMigration([], after, { order }).summary.entered).toBe(5);
  });

  it('rejects unknown segments, duplicates, partial profits and empty segments', () => {
    expect(issuesOf(() => tierMigration(before, [{ customerId: 'a', segment: 'diamond' }], { order }))[0]).toEqual({
      path: 'after[0].segment',
      message: 'segment "diamond" is not in options.order',
    });
    expect(issuesOf(() => tierMigration([...before, before[0]!], after))[0]!.path).toBe('before[5].customerId');
    expect(issuesOf(() => tierMigration([{ customerId: 'a', segment: 'top', profitMinor: 1 }, { customerId: 'b', segment: 'top' }], []))[0]!.path).toBe(
      'before[1].profitMinor',
    );
    expect(issuesOf(() => tierMigration([{ customerId: 'a', segment: '' }], []))[0]!.path).toBe('before[0].segment');
    expect(issuesOf(() => tierMigration([], [], { order: ['a', 'a'] }))[0]!.path).toBe('options.order[1]');
  });

  it('accounts for every customer exactly once', () => {
    const segment = fc.constantFrom(...order);
    fc.assert(
      fc.property(rowsArbitrary(segment), rowsArbitrary(segment), (first, second) => {
        const result = tierMigration(
          first.map((row) => ({ customerId: row.customerId, segment: row.value })),
          second.map((row) => ({ customerId: row.customerId, segment: row.value })),
          { order },
        );
        const ids = new Set([...first, ...second].map((row) => row.customerId));
        const matrixTotal = result.counts.flat().reduce((a, b) => a + b, 0);
        const { stayed, movedUp, movedDown, entered, left } = result.summary;
        expect(result.cells.reduce((sum, cell) => sum + cell.customerCount, 0)).toBe(ids.size);
        expect(matrixTotal + entered + left).toBe(ids.size);
        expect(stayed + movedUp + movedDown + entered + left).toBe(ids.size);
        expect(result.counts.reduce((sum, row, i) => sum + row[i]!, 0)).toBe(stayed);
        expect(result.moves).toHaveLength(ids.size - stayed);
      }),
    );
  });
});
