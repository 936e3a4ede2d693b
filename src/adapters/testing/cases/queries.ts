import type { Customer } from '../../../customer/models/index.js';
import type { RecordPage, RecordQuery } from '../../storage.js';
import { check, equal, namesPath, rejects } from '../assert.js';
import { customerInput } from '../fixtures.js';
import { codePointOrder, oracleCompare, oracleSort, type OracleValue } from '../oracle.js';
import type { ConformanceCase, ConformanceContext } from '../types.js';

interface Row {
  id: string;
  dealerId: string;
  lifecycleStage: string;
  name: string;
  householdId: string | null;
  createdAtMs: number;
}

const stages = ['prospect', 'customer', 'loyal', 'dormant', 'lost'] as const;
const dealers = ['D-1', 'D-2', 'D-3'] as const;
const names = ['王芳', '李雷', '䶮', '𠮷野家', '～波浪', 'Zoe', 'zoe', 'Émile', 'a', '张伟'] as const;
const households = [null, 'H-1', 'H-2', 'H-10'] as const;
// Eight instants in 2024 (with +08:00 offsets and milliseconds), so that many records share one.
const instants = [
  '2024-01-05T08:00:00.001+08:00',
  '2024-01-05T08:00:00.002+08:00',
  '2024-02-29T23:59:59.999+08:00',
  '2024-03-01T00:00:00.000+08:00',
  '2024-06-15T12:30:00.500+08:00',
  '2024-10-01T00:00:00.000+08:00',
  '2024-12-31T23:59:59.999+08:00',
  '2025-01-01T00:00:00.000+08:00',
] as const;

/** Writes a random population of customers and returns the oracle's view of it. */
async function populate(ctx: ConformanceContext, count = 60): Promise<Row[]> {
  const { storage, tenant, random } = ctx;
  const rows: Row[] = [];
  for (let i = 0; i < count; i++) {
    rows.push({
      id: ctx.id('Q'),
      dealerId: random.pick(dealers),
      lifecycleStage: random.pick(stages),
      name: random.pick(names),
      householdId: random.pick(households),
      createdAtMs: Date.parse(random.pick(instants)),
    });
  }
  await storage.putMany(
    tenant,
    'customers',
    rows.map((row) => ({
      record: customerInput(row.id, {
        dealerId: row.dealerId,
        lifecycleStage: row.lifecycleStage,
        name: row.name,
        ...(row.householdId === null ? {} : { householdId: row.householdId }),
        createdAt: new Date(row.createdAtMs),
        updatedAt: '2030-01-01T00:00:00Z',
      }),
    })),
  );
  return rows;
}

interface Case {
  readonly query: NonNullable<RecordQuery['where']>;
  readonly keep: (row: Row) => boolean;
}

function cases(): Case[] {
  const from = Date.parse(instants[2]);
  const to = Date.parse(instants[6]);
  return [
    { query: {}, keep: () => true },
    { query: { dealerId: 'D-2' }, keep: (row) => row.dealerId === 'D-2' },
    { query: { lifecycleStage: { in: ['loyal', 'dormant'] } }, keep: (row) => row.lifecycleStage === 'loyal' || row.lifecycleStage === 'dormant' },
    { query: { createdAt: { gte: new Date(from), lt: new Date(to) } }, keep: (row) => row.createdAtMs >= from && row.createdAtMs < to },
    { query: { createdAt: { gt: instants[4] } }, keep: (row) => row.createdAtMs > Date.parse(instants[4]) },
    { query: { householdId: null }, keep: (row) => row.householdId === null },
    { query: { name: { gte: '王', lt: '𠮷' } }, keep: (row) => codePointOrder(row.name, '王') >= 0 && codePointOrder(row.name, '𠮷') < 0 },
    { query: { dealerId: { in: ['D-1', 'D-3'] }, householdId: 'H-1' }, keep: (row) => row.dealerId !== 'D-2' && row.householdId === 'H-1' },
    { query: { lifecycleStage: { eq: 'customer' }, createdAt: { lte: instants[3] } }, keep: (row) => row.lifecycleStage === 'customer' && row.createdAtMs <= Date.parse(instants[3]) },
  ];
}

const orders: { field: keyof Row | 'createdAt'; direction: 'asc' | 'desc' }[] = [
  { field: 'id', direction: 'asc' },
  { field: 'id', direction: 'desc' },
  { field: 'createdAt', direction: 'asc' },
  { field: 'createdAt', direction: 'desc' },
  { field: 'name', direction: 'asc' },
  { field: 'householdId', direction: 'asc' },
  { field: 'householdId', direction: 'desc' },
  { field: 'dealerId', direction: 'desc' },
];

const valueOf = (field: string) => (row: Row): OracleValue => (field === 'createdAt' ? row.createdAtMs : (row[field as keyof Row] as OracleValue));

async function allPages(ctx: ConformanceContext, query: RecordQuery): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 1000; pages++) {
    const page: RecordPage<Customer> = await ctx.storage.query(ctx.tenant, 'customers', { ...query, cursor });
    check(query.limit === undefined || page.items.length <= query.limit, `a page holds at most ${query.limit} records`);
    ids.push(...page.items.map((item) => item.record.id));
    if (page.nextCursor === null) return ids;
    check(page.items.length === query.limit, 'only the last page may be short');
    cursor = page.nextCursor;
  }
  throw new Error('the query did not end after 1000 pages');
}

/** Queries on indexed fields, ordering and cursor pagination, against an oracle. */
export const queryCases: ConformanceCase[] = [
  {
    area: 'queries',
    name: 'equality, in and range conditions return exactly the matching records',
    async run(ctx) {
      const rows = await populate(ctx);
      for (const { query, keep } of cases()) {
        const page = await ctx.storage.query(ctx.tenant, 'customers', { where: query, limit: 1000 });
        const expected = oracleSort(rows.filter(keep), (row) => row.id).map((row) => row.id);
        equal(
          page.items.map((item) => item.record.id),
          expected,
          `query ${JSON.stringify(query)} (seed ${ctx.random.seed})`,
        );
        equal(page.nextCursor, null, 'a page that holds every match has no next cursor');
      }
    },
  },
  {
    area: 'queries',
    name: 'records are ordered by the order field with the id as tie-breaker, nulls last ascending and first descending',
    async run(ctx) {
      const rows = await populate(ctx);
      for (const order of orders) {
        const page = await ctx.storage.query(ctx.tenant, 'customers', { orderBy: order, limit: 1000 });
        const expected = oracleSort(rows, valueOf(order.field), order.direction).map((row) => row.id);
        equal(
          page.items.map((item) => item.record.id),
          expected,
          `order ${order.field} ${order.direction} (seed ${ctx.random.seed})`,
        );
      }
    },
  },
  {
    area: 'queries',
    name: 'pages of a query together return every match exactly once, in order',
    async run(ctx) {
      const rows = await populate(ctx);
      const all = cases();
      for (let round = 0; round < 12; round++) {
        const { query, keep } = ctx.random.pick(all);
        const order = ctx.random.pick(orders);
        const limit = ctx.random.int(1, 9);
        const ids = await allPages(ctx, { where: query, orderBy: order, limit });
        const expected = oracleSort(rows.filter(keep), valueOf(order.field), order.direction).map((row) => row.id);
        equal(ids, expected, `pages of ${limit} for ${JSON.stringify(query)} by ${order.field} ${order.direction} (seed ${ctx.random.seed})`);
      }
    },
  },
  {
    area: 'queries',
    name: 'an empty in list matches nothing, never all records',
    async run(ctx) {
      await populate(ctx, 10);
      const page = await ctx.storage.query(ctx.tenant, 'customers', { where: { dealerId: { in: [] } } });
      equal(page.items, [], 'in: [] matches nothing');
      equal(page.nextCursor, null, 'and has no next page');
    },
  },
  {
    area: 'queries',
    name: 'null matches records without a value and range conditions never match them',
    async run(ctx) {
      const rows = await populate(ctx, 40);
      const nulls = await ctx.storage.query(ctx.tenant, 'customers', { where: { householdId: null }, limit: 1000 });
      equal(
        nulls.items.map((item) => item.record.id),
        oracleSort(rows.filter((row) => row.householdId === null), (row) => row.id).map((row) => row.id),
        'householdId: null finds the records without a household',
      );
      const ranged = await ctx.storage.query(ctx.tenant, 'customers', { where: { householdId: { gte: '' } }, limit: 1000 });
      equal(
        ranged.items.map((item) => item.record.id),
        oracleSort(rows.filter((row) => row.householdId !== null), (row) => row.id).map((row) => row.id),
        'a range from the empty string matches every value but no null',
      );
    },
  },
  {
    area: 'queries',
    name: 'strings order by code point, supplementary-plane characters included',
    async run(ctx) {
      // Code points: Z U+005A < a U+0061 < 䶮 U+4DAE < ～ U+FF5E < 𠮷 U+20BB7.
      // UTF-16 code-unit order would put 𠮷 (D842 DFB7) before ～ (FF5E).
      const names = ['𠮷', '～', 'a', '䶮', 'Z'];
      await ctx.storage.putMany(
        ctx.tenant,
        'customers',
        names.map((name, index) => ({ record: customerInput(`S-${index}`, { name }) })),
      );
      const page = await ctx.storage.query(ctx.tenant, 'customers', { orderBy: { field: 'name' } });
      equal(
        page.items.map((item) => item.record.name),
        ['Z', 'a', '䶮', '～', '𠮷'],
        'ascending by code point',
      );
      const below = await ctx.storage.query(ctx.tenant, 'customers', { where: { name: { lt: '𠮷', gt: '䶮' } } });
      equal(
        below.items.map((item) => item.record.name),
        ['～'],
        'ranges compare by code point too',
      );
    },
  },
  {
    area: 'queries',
    name: 'instant conditions accept Dates and ISO strings with offsets alike',
    async run(ctx) {
      await populate(ctx, 30);
      const byDate = await ctx.storage.query(ctx.tenant, 'customers', { where: { createdAt: { gte: new Date('2024-03-01T00:00:00.000+08:00') } }, limit: 1000 });
      const byText = await ctx.storage.query(ctx.tenant, 'customers', { where: { createdAt: { gte: '2024-02-29T16:00:00Z' } }, limit: 1000 });
      equal(
        byText.items.map((item) => item.record.id),
        byDate.items.map((item) => item.record.id),
        'the same instant as a Date and as text in another offset',
      );
      check(byDate.items.every((item) => item.record.createdAt.getTime() >= Date.parse('2024-02-29T16:00:00Z')), 'every result is at or after the instant');
    },
  },
  {
    area: 'queries',
    name: 'a cursor stays stable when records are inserted and deleted between pages',
    async run(ctx) {
      const rows = await populate(ctx, 30);
      const order = { field: 'createdAt', direction: 'asc' } as const;
      const first = await ctx.storage.query(ctx.tenant, 'customers', { orderBy: order, limit: 10 });
      check(first.nextCursor !== null, 'thirty records make more than one page of ten');
      const seen = first.items.map((item) => item.record.id);
      const last = first.items[first.items.length - 1]!;
      const lastPosition = { ms: last.record.createdAt.getTime(), id: last.record.id };
      const after = (row: { createdAtMs: number; id: string }) => oracleCompare(row.createdAtMs, lastPosition.ms) > 0 || (row.createdAtMs === lastPosition.ms && codePointOrder(row.id, lastPosition.id) > 0);
      // Insert records before and after the cursor, and delete one that is not yet returned.
      const inserted: Row[] = [instants[0], instants[7], instants[3]].map((instant) => ({
        id: ctx.id('N'),
        dealerId: 'D-1',
        lifecycleStage: 'customer',
        name: '新',
        householdId: null,
        createdAtMs: Date.parse(instant),
      }));
      for (const row of inserted) {
        await ctx.storage.put(ctx.tenant, 'customers', customerInput(row.id, { createdAt: new Date(row.createdAtMs), updatedAt: '2030-01-01T00:00:00Z' }));
      }
      const ahead = oracleSort(rows.filter(after), (row) => row.createdAtMs);
      const deleted = ahead[ctx.random.int(0, ahead.length - 1)]!;
      await ctx.storage.delete(ctx.tenant, 'customers', deleted.id);
      const rest: string[] = [];
      let cursor: string | null = first.nextCursor;
      while (cursor !== null) {
        const page: RecordPage<Customer> = await ctx.storage.query(ctx.tenant, 'customers', { orderBy: order, limit: 10, cursor });
        rest.push(...page.items.map((item) => item.record.id));
        cursor = page.nextCursor;
      }
      const expected = oracleSort([...rows, ...inserted].filter((row) => row.id !== deleted.id && after(row)), (row) => row.createdAtMs).map((row) => row.id);
      equal(rest, expected, `the pages after the cursor (seed ${ctx.random.seed})`);
      check(!rest.some((id) => seen.includes(id)), 'no record of the first page comes again');
    },
  },
  {
    area: 'queries',
    name: 'a cursor of one query is refused by another query',
    async run(ctx) {
      await populate(ctx, 12);
      const page = await ctx.storage.query(ctx.tenant, 'customers', { where: { householdId: null }, limit: 1 });
      const other = await ctx.storage.query(ctx.tenant, 'customers', { limit: 1 });
      check(other.nextCursor !== null, 'twelve records make more than one page of one');
      const wrong = await rejects(ctx.storage.query(ctx.tenant, 'customers', { orderBy: { field: 'name' }, limit: 1, cursor: other.nextCursor }), 'VALIDATION_FAILED', 'a cursor of another order');
      namesPath(wrong, 'cursor', 'the error names the cursor');
      if (page.nextCursor !== null) {
        await rejects(ctx.storage.query(ctx.tenant, 'customers', { limit: 1, cursor: page.nextCursor }), 'VALIDATION_FAILED', 'a cursor of other conditions');
      }
      await rejects(ctx.storage.query(ctx.tenant, 'customers', { cursor: 'not a cursor' }), 'VALIDATION_FAILED', 'a made-up cursor');
    },
  },
  {
    area: 'queries',
    name: 'a query on an undeclared field, a wrong type or an unknown operator is a ValidationError',
    async run(ctx) {
      const notIndexed = await rejects(ctx.storage.query(ctx.tenant, 'customers', { where: { email: 'a@b.cn' } }), 'VALIDATION_FAILED', 'a condition on a field that is not indexed');
      namesPath(notIndexed, 'where.email', 'the error names the field');
      await rejects(ctx.storage.query(ctx.tenant, 'customers', { orderBy: { field: 'tags' } }), 'VALIDATION_FAILED', 'an order on a field that is not indexed');
      await rejects(ctx.storage.query(ctx.tenant, 'customers', { where: { createdAt: 5 } }), 'VALIDATION_FAILED', 'a number for an instant field');
      await rejects(ctx.storage.query(ctx.tenant, 'customers', { where: { createdAt: '2024-01-01T00:00:00' } }), 'VALIDATION_FAILED', 'a local time without offset');
      await rejects(ctx.storage.query(ctx.tenant, 'customers', { where: { dealerId: { like: 'D%' } } as never }), 'VALIDATION_FAILED', 'an unknown operator');
      await rejects(ctx.storage.query(ctx.tenant, 'customers', { orderBy: { field: 'id', direction: 'up' as never } }), 'VALIDATION_FAILED', 'an unknown direction');
    },
  },
  {
    area: 'queries',
    name: 'conditions and order on id work like any indexed field',
    async run(ctx) {
      const rows = await populate(ctx, 20);
      const sorted = oracleSort(rows, (row) => row.id);
      const picked = [sorted[3]!.id, sorted[11]!.id, 'missing-id'];
      const inList = await ctx.storage.query(ctx.tenant, 'customers', { where: { id: { in: picked } }, orderBy: { field: 'id', direction: 'desc' } });
      equal(
        inList.items.map((item) => item.record.id),
        [sorted[11]!.id, sorted[3]!.id],
        'id in a list, descending',
      );
      const ranged = await ctx.storage.query(ctx.tenant, 'customers', { where: { id: { gt: sorted[15]!.id } }, limit: 1000 });
      equal(
        ranged.items.map((item) => item.record.id),
        sorted.slice(16).map((row) => row.id),
        'id greater than a value',
      );
    },
  },
];
