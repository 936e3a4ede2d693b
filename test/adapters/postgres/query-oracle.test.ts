import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createCrmStorage,
  defaultStorageRegistry,
  defineRecordCollection,
  evaluateQueryPlan,
  extendStorageRegistry,
  jsonRecordSchema,
  type IndexFieldType,
  type IndexFilter,
  type IndexScalar,
  type IndexedRow,
  type QueryPlan,
} from 'dealer-crm/adapters';
import { createPostgresDriver, type PostgresStorageDriver } from 'dealer-crm/adapters/postgres';
import { databaseTargets, type TestDatabase } from './support.js';

// A collection with an index of every type, so that PostgreSQL's own comparisons and NULL ordering
// are checked against the contract's reference semantics (evaluateQueryPlan) for each of them.
const fields = { label: 'string', score: 'number', active: 'boolean', at: 'instant' } as const satisfies Record<string, IndexFieldType>;
type Field = keyof typeof fields;
const indexes = Object.fromEntries(Object.entries(fields).map(([field, type]) => [field, { type }]));
const registry = extendStorageRegistry(defaultStorageRegistry, {
  collections: {
    probes: defineRecordCollection({ description: 'probe records', schema: jsonRecordSchema(Object.fromEntries(Object.entries(fields).map(([f, type]) => [f, { type }]))), indexes }),
  },
});

// Values chosen to sit where orders disagree: code points vs UTF-16 (～ U+FF5E vs 𠮷 U+20BB7),
// case, accents; negative, fractional and huge numbers; instants from year 1 to 9999 (what the codec round-trips).
const strings = ['a', 'B', 'Z', 'é', '䶮', '～', '𠮷', 'a𠮷', 'aa', ''] as const;
const numbers = [-1e300, -2.5, -1, 0, 0.1, 1, 3, 1e300] as const;
const instants = [Date.parse('0001-01-01T00:00:00Z'), Date.UTC(1969, 11, 31, 23, 59, 59, 999), 0, Date.UTC(2024, 1, 29, 15, 59, 59, 999), Date.UTC(9999, 11, 31)] as const;
const ids = ['a', 'b', 'B', 'é', '䶮', '～', '𠮷', 'x1', 'x10', 'x2', 'Z', 'zz'] as const;
const pools: { [F in Field]: readonly IndexScalar[] } = { label: strings, score: numbers, active: [false, true], at: instants };

const valueOf = (field: Field) => fc.constantFrom(...pools[field]) as fc.Arbitrary<string | number | boolean>;
const maybe = (field: Field) => fc.option(valueOf(field), { nil: null });

const rowsArbitrary = fc.uniqueArray(
  fc.record({ id: fc.constantFrom(...ids), label: maybe('label'), score: maybe('score'), active: maybe('active'), at: maybe('at') }),
  { selector: (row) => row.id, minLength: 0, maxLength: ids.length },
);

const fieldArbitrary = fc.constantFrom<Field>('label', 'score', 'active', 'at');
const filterArbitrary: fc.Arbitrary<IndexFilter> = fieldArbitrary.chain((field) =>
  fc.oneof(
    fc.record({ op: fc.constantFrom('eq', 'gt', 'gte', 'lt', 'lte') as fc.Arbitrary<'eq'>, value: valueOf(field) }).map((f) => ({ field, type: fields[field], ...f })),
    fc.uniqueArray(valueOf(field), { minLength: 1, maxLength: 3 }).map((values): IndexFilter => ({ field, type: fields[field], op: 'in', values })),
    fc.constant<IndexFilter>({ field, type: fields[field], op: 'isNull' }),
  ),
);
const idFilterArbitrary: fc.Arbitrary<IndexFilter> = fc
  .record({ op: fc.constantFrom('eq', 'gt', 'gte', 'lt', 'lte') as fc.Arbitrary<'eq'>, value: fc.constantFrom(...ids) })
  .map((f) => ({ field: 'id', type: 'string', ...f }));

const planArbitrary: fc.Arbitrary<QueryPlan> = fc
  .record({
    filters: fc.array(fc.oneof({ weight: 4, arbitrary: filterArbitrary }, { weight: 1, arbitrary: idFilterArbitrary }), { maxLength: 2 }),
    field: fc.constantFrom<Field | 'id'>('label', 'score', 'active', 'at', 'id'),
    direction: fc.constantFrom<'asc' | 'desc'>('asc', 'desc'),
    afterId: fc.option(fc.constantFrom(...ids), { nil: null }),
    afterValue: fc.boolean(),
    limit: fc.integer({ min: 1, max: 15 }),
  })
  .chain((p) =>
    (p.field === 'id' || !p.afterValue ? fc.constant<IndexScalar>(null) : maybe(p.field)).map((value): QueryPlan => {
      const type = p.field === 'id' ? 'string' : fields[p.field];
      const after = p.afterId === null ? null : { value: p.field === 'id' ? p.afterId : value, id: p.afterId };
      return { filters: p.filters, order: { field: p.field, type, direction: p.direction }, after, limit: p.limit };
    }),
  );

describe.each(databaseTargets)('queries on $name', ({ open }) => {
  let database: TestDatabase;
  let driver: PostgresStorageDriver;

  beforeAll(async () => {
    database = await open();
    driver = createPostgresDriver({ sql: database.sql, schema: database.schema, registry });
    await driver.migrate();
  });
  afterAll(() => database.dispose());

  it('return exactly the rows, order and page of the contract’s reference semantics, for every index type', async () => {
    const storage = createCrmStorage(driver, { registry });
    let run = 0;
    await fc.assert(
      fc.asyncProperty(rowsArbitrary, fc.array(planArbitrary, { minLength: 1, maxLength: 12 }), async (rows, plans) => {
        const tenant = `oracle-${run++}`;
        if (rows.length > 0) {
          await storage.putMany(
            tenant,
            'probes',
            rows.map((row) => ({ record: { id: row.id, label: row.label, score: row.score, active: row.active, at: row.at === null ? null : new Date(row.at as number) } })),
          );
        }
        const indexed: IndexedRow[] = rows.map((row) => ({ id: row.id, index: { label: row.label, score: row.score, active: row.active, at: row.at } }));
        for (const plan of plans) {
          const got = (await driver.queryRecords(tenant, 'probes', plan)).map((row) => row.id);
          expect(got, JSON.stringify(plan)).toEqual(evaluateQueryPlan(indexed, plan).map((row) => row.id));
        }
      }),
      { numRuns: 40 },
    );
  });
});
