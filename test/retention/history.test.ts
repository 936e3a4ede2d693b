import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { ValidationError } from 'dealer-crm/core';
import { distinctValues, groupRows, packHistories } from '../../src/retention/history.js';

describe('grouping customers with the same history', () => {
  test('groupRows puts two rows in one group exactly when every column is equal', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.constantFrom(0, -0, 0.5, 1e300, 7)), { maxLength: 200 }), (rows) => {
        const a = Float64Array.from(rows.map((r) => r[0]));
        const b = Float64Array.from(rows.map((r) => r[1]));
        const groups = groupRows([a, b], rows.length);
        for (let i = 0; i < rows.length; i++) {
          for (let j = 0; j < rows.length; j++) {
            const same = a[i] === a[j] && b[i] === b[j];
            expect(groups.groupOf[i] === groups.groupOf[j]).toBe(same);
          }
        }
        expect(groups.count).toBe(new Set(rows.map(([x, y]) => `${x}|${y + 0}`)).size);
      }),
    );
  });

  test('packHistories keeps one row per distinct (x, t_x, T) with the customer count as weight', () => {
    const packed = packHistories(
      [
        { frequency: 1, recency: 2, age: 5 },
        { frequency: 0, recency: 0, age: 5 },
        { frequency: 1, recency: 2, age: 5 },
        { frequency: 1, recency: 2, age: 6 },
      ],
      'histories',
    );
    expect(packed.customers).toBe(4);
    expect([...packed.weight]).toEqual([2, 1, 1]);
    expect([...packed.rowOf]).toEqual([0, 1, 0, 2]);
    expect([...distinctValues(packed.age).values]).toEqual([5, 6]);
  });

  test('packHistories names the bad field of a bad history', () => {
    expect(() => packHistories([{ frequency: 1, recency: Number.NaN, age: 5 }], 'histories')).toThrow(
      expect.objectContaining({ issues: [expect.objectContaining({ path: 'histories[0].recency' })] }),
    );
    expect(() => packHistories([null as never], 'histories')).toThrow(ValidationError);
  });
});
