import { describe, expect, test } from 'vitest';
import type { CustomerInput } from 'dealer-crm/customer';
import { CRM_DEFAULT_BATCH_SIZE, CRM_MAX_BATCH_SIZE } from 'dealer-crm/crm';
import { auditChain, contexts, customerInput, freshTenant, instrumentedMemory, makeCrm, outboxEvents } from './support/fixtures.js';
import type { TenantDump } from './support/instrumented-driver.js';

// What every bulk method shares (customers.import, transactions.recordMany,
// loyalty.enrollMany), shown on customers.import: batches, idempotency per
// batch and per call, validation of arrays and iterables, read-ahead.

/** Customer N-<i> of D-1 with a mobile of its own. */
const customer = (i: number, overrides: Partial<CustomerInput> = {}): CustomerInput =>
  customerInput(`N-${i}`, { idNumber: undefined, contactPoints: [{ kind: 'mobile', value: `136${String(i).padStart(8, '0')}` }], ...overrides });
const customers = (n: number, from = 0) => Array.from({ length: n }, (_, i) => customer(from + i));

function setup() {
  const { storage, driver } = instrumentedMemory();
  const tenantId = freshTenant();
  return { storage, driver, tenantId, crm: makeCrm(storage), staff: contexts(tenantId).staff() };
}

const withoutAudit = (dump: TenantDump): TenantDump => ({ ...dump, streams: Object.fromEntries(Object.entries(dump.streams).filter(([key]) => !key.startsWith('audit_log/'))) });

async function* slowly<T>(items: readonly T[], onPull?: (index: number) => Promise<void>): AsyncGenerator<T> {
  for (const [index, item] of items.entries()) {
    await onPull?.(index);
    yield item;
  }
}

describe('a bulk call', () => {
  test('replayed with the same key and items returns the first answer and writes nothing but one replayed audit entry per batch', async () => {
    const { crm, staff, driver, tenantId, storage } = setup();
    const first = await crm.customers.import(staff, { idempotencyKey: 'load', customers: customers(7), batchSize: 3 });
    expect(first).toEqual({ batches: 3, customers: 7, created: 7, replaced: 0 });
    const afterFirst = await driver.dump(tenantId);
    // An hour later, from an iterable this time: the same request (the same customers in the same batches).
    const again = await makeCrm(storage).customers.import(staff, { idempotencyKey: 'load', customers: slowly(customers(7)), batchSize: 3 });
    expect(again).toEqual(first);
    expect(withoutAudit(await driver.dump(tenantId))).toEqual(withoutAudit(afterFirst));
    const chain = await auditChain(storage, tenantId);
    expect(chain.map((entry) => [entry.outcome, entry.details?.batch])).toEqual([
      ['ok', 0],
      ['ok', 1],
      ['ok', 2],
      ['replayed', 0],
      ['replayed', 1],
      ['replayed', 2],
    ]);
    expect(chain[3]!.details).toMatchObject({ firstRequestId: chain[0]!.requestId });
  });

  test('under a key used before for another request is IDEMPOTENCY_CONFLICT and writes nothing: other items, another batch size or actor, more batches or fewer', async () => {
    const { crm, staff, driver, tenantId } = setup();
    await crm.customers.import(staff, { idempotencyKey: 'load', customers: customers(7), batchSize: 3 });
    const before = withoutAudit(await driver.dump(tenantId));
    const attempts = [
      { customers: [customer(0, { name: '王小芳' }), ...customers(6, 1)], batchSize: 3 }, // batch 0 differs
      { customers: customers(7), batchSize: 2 }, // other batches
      { customers: customers(8), batchSize: 3 }, // batch 2 differs
      { customers: customers(9), batchSize: 3 }, // one batch more
      { customers: customers(6), batchSize: 3 }, // one batch fewer: batches 0 and 1 are replays, then the call ends early
    ];
    for (const attempt of attempts) {
      await expect(crm.customers.import(staff, { idempotencyKey: 'load', ...attempt }), JSON.stringify(attempt.batchSize)).rejects.toMatchObject({ code: 'IDEMPOTENCY_CONFLICT' });
      expect(withoutAudit(await driver.dump(tenantId))).toEqual(before);
    }
    await expect(crm.customers.import(contexts(tenantId).manager(), { idempotencyKey: 'load', customers: customers(7), batchSize: 3 })).rejects.toMatchObject({ code: 'IDEMPOTENCY_CONFLICT' });
    expect(withoutAudit(await driver.dump(tenantId))).toEqual(before);
  });

  test('with a bad record anywhere in an array is a ValidationError naming every bad record at input.customers[i]…, before storage is touched', async () => {
    const { crm, staff, driver, tenantId } = setup();
    const list = customers(400);
    list[399] = customer(399, { contactPoints: [{ kind: 'mobile', value: '12345' }] });
    list[7] = { ...customer(7), lifecycleStage: 'vip' } as unknown as CustomerInput;
    list[250] = customer(3); // N-3 twice
    const error = await crm.customers.import(staff, { idempotencyKey: 'load', customers: list, batchSize: 100 }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect((error as { issues: { path: string; message: string }[] }).issues.map((issue) => issue.path)).toEqual(['input.customers[7].lifecycleStage', 'input.customers[250]', 'input.customers[399].contactPoints[0].value']);
    expect((error as { issues: { message: string }[] }).issues[1]!.message).toBe('the same customer as input.customers[3]: each customer may appear once in a call');
    expect(await driver.dump(tenantId)).toEqual({ records: {}, streams: {}, deliveries: {} });
  });

  test('with more than 100 bad records lists the first 100 and counts the rest', async () => {
    const { crm, staff } = setup();
    const list = Array.from({ length: 150 }, (_, i) => ({ ...customer(i), dealerId: '' }));
    const error = (await crm.customers.import(staff, { idempotencyKey: 'load', customers: list }).catch((caught: unknown) => caught)) as { issues: { path: string; message: string }[] };
    expect(error.issues).toHaveLength(101);
    expect(error.issues[99]!.path).toBe('input.customers[99].dealerId');
    expect(error.issues[100]).toEqual({ path: 'input.customers', message: '150 customer records are invalid; the first 100 are listed' });
  });

  test('checks the rest of its input before storage is touched: unknown fields, a batch size outside 1–1000, items that are neither an array nor an iterable', async () => {
    const { crm, staff, driver, tenantId } = setup();
    const issues = async (input: unknown) =>
      ((await crm.customers.import(staff, input as never).catch((caught: unknown) => caught)) as { issues: { path: string }[] }).issues.map((issue) => issue.path).sort();
    expect(await issues({ idempotencyKey: 'a', customers: customers(1), batchSize: 0 })).toEqual(['input.batchSize']);
    expect(await issues({ idempotencyKey: 'a', customers: customers(1), batchSize: CRM_MAX_BATCH_SIZE + 1 })).toEqual(['input.batchSize']);
    expect(await issues({ idempotencyKey: 'a', customers: customers(1), batchSize: 2.5 })).toEqual(['input.batchSize']);
    expect(await issues({ idempotencyKey: 'a', customers: 'N-1,N-2' })).toEqual(['input.customers']);
    expect(await issues({ idempotencyKey: 'a', customers: { 0: customer(0) } })).toEqual(['input.customers']);
    expect(await issues({ idempotencyKey: ' a', customer: customer(0) })).toEqual(['input', 'input.customers', 'input.idempotencyKey']);
    expect(await issues([customer(0)])).toEqual(['input']);
    expect(await driver.dump(tenantId)).toEqual({ records: {}, streams: {}, deliveries: {} });
    expect(CRM_DEFAULT_BATCH_SIZE).toBeLessThanOrEqual(CRM_MAX_BATCH_SIZE);
  });

  test('reads an async iterable one batch ahead of what it writes, at most: memory stays bounded by the batch size', async () => {
    const { crm, staff, storage, tenantId } = setup();
    const batchSize = 4;
    let furthestAhead = 0;
    // Before each record is pulled: how far past the customers already written does the reading run?
    const source = slowly(customers(23), async (index) => {
      const written = (await storage.streamVersion(tenantId, 'outbox', 'crm-events')) * batchSize;
      furthestAhead = Math.max(furthestAhead, index - written);
    });
    expect(await crm.customers.import(staff, { idempotencyKey: 'load', customers: source, batchSize })).toEqual({ batches: 6, customers: 23, created: 23, replaced: 0 });
    // The batch being written (4) and one record of read-ahead, which tells whether that batch is the last.
    expect(furthestAhead).toBe(batchSize);
  });

  test('from an iterable stops at a bad batch: the batches before stay written; the corrected call with the same key resumes after them', async () => {
    const { crm, staff, storage, tenantId } = setup();
    const list = customers(10);
    const broken = [...list];
    broken[7] = customer(7, { contactPoints: [{ kind: 'mobile', value: '12345' }] });
    const error = await crm.customers.import(staff, { idempotencyKey: 'load', customers: slowly(broken), batchSize: 3 }).catch((caught: unknown) => caught);
    // Only the batch holding record 7 is checked when it is read: records 0–5 were written by then.
    expect(error).toMatchObject({ code: 'VALIDATION_FAILED', issues: [{ path: 'input.customers[7].contactPoints[0].value' }] });
    const present = async () => (await Promise.all(list.map((item) => storage.get(tenantId, 'customers', item.id)))).map((found) => found !== null);
    expect(await present()).toEqual([true, true, true, true, true, true, false, false, false, false]);
    expect(await crm.customers.import(staff, { idempotencyKey: 'load', customers: slowly(list), batchSize: 3 })).toEqual({ batches: 4, customers: 10, created: 10, replaced: 0 });
    expect(await present()).toEqual(Array(10).fill(true));
    expect((await auditChain(storage, tenantId)).map((entry) => [entry.outcome, entry.details?.batch])).toEqual([
      ['ok', 0],
      ['ok', 1],
      ['replayed', 0],
      ['replayed', 1],
      ['ok', 2],
      ['ok', 3],
    ]);
    // Repeats are refused within a batch (the call does not remember every id it read).
    await expect(crm.customers.import(staff, { idempotencyKey: 'again', customers: slowly([customer(20), customer(20)]), batchSize: 3 })).rejects.toMatchObject({ issues: [{ path: 'input.customers[1]' }] });
  });

  test('from a source that fails is a ValidationError saying how many records were read; the batches before stay written', async () => {
    const { crm, staff, storage, tenantId } = setup();
    function* source() {
      yield* customers(5);
      throw new Error('the CSV file ended in the middle of a line');
    }
    const error = await crm.customers.import(staff, { idempotencyKey: 'load', customers: source(), batchSize: 2 }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'VALIDATION_FAILED', issues: [{ path: 'input.customers', message: 'reading the customer records failed after 5 of them: the CSV file ended in the middle of a line' }] });
    expect(await storage.streamVersion(tenantId, 'outbox', 'crm-events')).toBe(2); // batches [0, 1] and [2, 3]; [4] was never complete
  });

  test('with no items is one empty batch: audited, and replayable', async () => {
    const { crm, staff, storage, tenantId } = setup();
    expect(await crm.customers.import(staff, { idempotencyKey: 'none', customers: [] })).toEqual({ batches: 1, customers: 0, created: 0, replaced: 0 });
    expect(await crm.customers.import(staff, { idempotencyKey: 'none', customers: slowly([]) })).toEqual({ batches: 1, customers: 0, created: 0, replaced: 0 });
    expect((await auditChain(storage, tenantId)).map((entry) => [entry.outcome, entry.customerCount])).toEqual([
      ['ok', 0],
      ['replayed', 0],
    ]);
    expect((await outboxEvents(storage, tenantId)).map((event) => event.data)).toEqual([expect.objectContaining({ batch: 0, items: 0, last: true, customerIds: [] })]);
  });
});
