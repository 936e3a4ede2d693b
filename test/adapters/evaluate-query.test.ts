import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateQueryPlan, type IndexFilter, type IndexScalar, type QueryPlan } from 'dealer-crm/adapters';

interface Row {
  id: string;
  index: { n: number | null; s: string | null };
}

/** The brute-force oracle: filter every row, sort everything, skip to the position, take the limit. */
function oracle(rows: Row[], plan: QueryPlan): string[] {
  const cp = (a: string, b: string) => {
    const x = Array.from(a, (c) => c.codePointAt(0)!);
    const y = Array.from(b, (c) => c.codePointAt(0)!);
    for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
    return x.length - y.length;
  };
  const compareValue = (a: IndexScalar, b: IndexScalar) => {
    if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
    return typeof a === 'string' ? cp(a, b as string) : (a as number) - (b as number);
  };
  const value = (row: Row, field: string): IndexScalar => (field === 'id' ? row.id : row.index[field as 'n' | 's']);
  const matches = (row: Row, filter: IndexFilter) => {
    const v = value(row, filter.field);
    if (filter.op === 'isNull') return v === null;
    if (v === null) return false;
    if (filter.op === 'in') return filter.values.some((candidate) => compareValue(v, candidate) === 0);
    const c = compareValue(v, filter.value);
    return { eq: c === 0, gt: c > 0, gte: c >= 0, lt: c < 0, lte: c <= 0 }[filter.op];
  };
  const sign = plan.order.direction === 'asc' ? 1 : -1;
  const order = (a: { value: IndexScalar; id: string }, b: { value: IndexScalar; id: string }) => sign * (compareValue(a.value, b.value) || cp(a.id, b.id));
  return rows
    .filter((row) => plan.filters.every((filter) => matches(row, filter)))
    .map((row) => ({ value: value(row, plan.order.field), id: row.id }))
    .sort(order)
    .filter((position) => plan.after === null || order(position, plan.after) > 0)
    .slice(0, plan.limit)
    .map((position) => position.id);
}

const small = fc.integer({ min: -3, max: 3 });
const letters = fc.constantFrom('a', 'b', 'Z', '䶮', '～', '𠮷', 'ab');
const rowsArb = fc.uniqueArray(
  fc.record({ id: fc.string({ unit: 'binary', minLength: 1, maxLength: 3 }), index: fc.record({ n: fc.option(small, { nil: null }), s: fc.option(letters, { nil: null }) }) }),
  { selector: (row) => row.id, maxLength: 40 },
);
const filterArb: fc.Arbitrary<IndexFilter> = fc.oneof(
  fc.record({ field: fc.constant('n'), type: fc.constant('number' as const), op: fc.constantFrom('eq' as const, 'gt' as const, 'gte' as const, 'lt' as const, 'lte' as const), value: small }),
  fc.record({ field: fc.constant('s'), type: fc.constant('string' as const), op: fc.constantFrom('eq' as const, 'gt' as const, 'lte' as const), value: letters }),
  fc.record({ field: fc.constant('s'), type: fc.constant('string' as const), op: fc.constant('in' as const), values: fc.array(letters, { minLength: 1, maxLength: 3 }) }),
  fc.record({ field: fc.constantFrom('n', 's'), type: fc.constant('string' as const), op: fc.constant('isNull' as const) }),
);
const orderArb = fc.record({
  field: fc.constantFrom('id', 'n', 's'),
  type: fc.constant('string' as const),
  direction: fc.constantFrom('asc' as const, 'desc' as const),
});

describe('evaluateQueryPlan', () => {
  it('returns what a brute-force filter, sort, skip and slice returns', () => {
    fc.assert(
      fc.property(rowsArb, fc.array(filterArb, { maxLength: 2 }), orderArb, fc.integer({ min: 1, max: 10 }), (rows, filters, order, limit) => {
        const plan: QueryPlan = { filters, order, after: null, limit };
        expect(evaluateQueryPlan(rows, plan).map((row) => row.id)).toEqual(oracle(rows, plan));
      }),
      { numRuns: 500 },
    );
  });

  it('walks every match exactly once in order when paged by keyset from each last row', () => {
    fc.assert(
      fc.property(rowsArb, fc.array(filterArb, { maxLength: 1 }), orderArb, fc.integer({ min: 1, max: 4 }), (rows, filters, order, limit) => {
        const all = oracle(rows, { filters, order, after: null, limit: 1000 });
        const walked: string[] = [];
        let after: QueryPlan['after'] = null;
        for (;;) {
          const page: Row[] = evaluateQueryPlan(rows, { filters, order, after, limit });
          walked.push(...page.map((row) => row.id));
          if (page.length < limit) break;
          const last: Row = page[page.length - 1]!;
          after = { value: order.field === 'id' ? last.id : last.index[order.field as 'n' | 's'], id: last.id };
        }
        expect(walked).toEqual(all);
      }),
      { numRuns: 300 },
    );
  });

  it('returns nothing for a limit of 0', () => {
    expect(evaluateQueryPlan([{ id: 'a', index: {} }], { filters: [], order: { field: 'id', type: 'string', direction: 'asc' }, after: null, limit: 0 })).toEqual([]);
  });
});
