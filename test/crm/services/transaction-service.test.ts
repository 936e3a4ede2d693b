import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { createMemoryStorage } from 'dealer-crm/adapters/memory';
import type { TransactionInput } from 'dealer-crm/customer';
import { crmStorageRegistry, type CrmFacadeStorage } from 'dealer-crm/crm';
import { defaultLoyaltyProgramConfig, defineLoyaltyProgram } from 'dealer-crm/loyalty';
import { auditChain, contexts, customerInput, freshTenant, makeCrm, outboxEvents, program, repairOrder, testClock } from '../support/fixtures.js';

// A household program: C-3 and C-4 share one ledger (points and tiers pooled
// by household H-1); C-2 is a member of both programs; C-5 of none.
const family = defineLoyaltyProgram({ ...defaultLoyaltyProgramConfig, id: 'family', name: 'Family Club', pooling: { points: 'household', tiers: 'household' } });
const MEMBERS = [
  { id: 'M-1', programId: 'club', customerId: 'C-1' },
  { id: 'M-2', programId: 'club', customerId: 'C-2' },
  { id: 'F-2', programId: 'family', customerId: 'C-2', householdId: 'H-2' },
  { id: 'F-3', programId: 'family', customerId: 'C-3', householdId: 'H-1' },
  { id: 'F-4', programId: 'family', customerId: 'C-4', householdId: 'H-1' },
] as const;
const CUSTOMERS = ['C-1', 'C-2', 'C-3', 'C-4', 'C-5'];
const NOW = '2024-06-01T10:00:00+08:00';

/** A tenant with five customers of D-1 and the members above, joined 2022-01-01. */
async function households(storage: CrmFacadeStorage = createMemoryStorage({ registry: crmStorageRegistry })) {
  const tenantId = freshTenant();
  const crm = makeCrm(storage, { programs: [program, family], clock: testClock(NOW) });
  const ctx = contexts(tenantId);
  await crm.customers.import(ctx.staff(), {
    idempotencyKey: 'customers',
    customers: CUSTOMERS.map((id, i) => customerInput(id, { idNumber: undefined, contactPoints: [{ kind: 'mobile', value: `1370000000${i}` }] })),
  });
  await crm.loyalty.enrollMany(ctx.staff('D-1', 'loyalty_administration'), { idempotencyKey: 'members', members: MEMBERS.map((member) => ({ ...member, joinedAt: '2022-01-01T00:00:00+08:00' })) });
  return { tenantId, crm, storage, ctx, service: ctx.staff('D-1', 'after_sales'), loyalty: ctx.staff('D-1', 'loyalty_administration') };
}

type Setup = Awaited<ReturnType<typeof households>>;

/** Everything recording can change, read back: each customer's stream, each account's ledger, each member's balance and tier a day after now. */
async function stateOf({ crm, storage, tenantId, loyalty }: Setup, options: { withoutRecordedAt?: boolean } = {}) {
  const streams: Record<string, unknown[]> = {};
  for (const customerId of CUSTOMERS) {
    streams[customerId] = [];
    for await (const entry of storage.iterateStream(tenantId, 'transactions', customerId)) streams[customerId]!.push(entry.payload);
  }
  const ledgers: Record<string, unknown[]> = {};
  for (const streamId of ['ledger:club/member:M-1', 'ledger:club/member:M-2', 'ledger:family/household:H-2', 'ledger:family/household:H-1']) {
    ledgers[streamId] = [];
    for await (const { payload } of storage.iterateStream(tenantId, 'loyalty_ledger', streamId)) {
      const { recordedAt: _recordedAt, ...rest } = payload;
      ledgers[streamId]!.push(options.withoutRecordedAt === true ? rest : payload);
    }
  }
  const asOf = '2024-06-02T10:00:00+08:00';
  const members: Record<string, unknown> = {};
  for (const { id } of MEMBERS) {
    members[id] = { balance: await crm.loyalty.balance(loyalty, { memberId: id, asOf }), tier: await crm.loyalty.tier(loyalty, { memberId: id, asOf }) };
  }
  return { streams, ledgers, members };
}

/** Random repair orders of the five customers between 2022 and May 2024; now and then one in US dollars (no program earns on it). */
const orderArb = fc.record({
  customer: fc.nat({ max: CUSTOMERS.length - 1 }),
  day: fc.nat({ max: 880 }),
  laborYuan: fc.nat({ max: 3000 }),
  partsYuan: fc.nat({ max: 6000 }),
  usd: fc.nat({ max: 9 }).map((n) => n === 0),
});

type OrderSpec = typeof orderArb extends fc.Arbitrary<infer T> ? T : never;

function orders(specs: readonly OrderSpec[]): TransactionInput[] {
  const start = Date.parse('2022-01-02T10:00:00+08:00');
  return specs.map((spec, i) => {
    const order = repairOrder(`RO-${i}`, CUSTOMERS[spec.customer]!, new Date(start + spec.day * 86_400_000 + i * 60_000).toISOString(), spec.laborYuan * 100, spec.partsYuan * 100);
    return spec.usd ? { ...order, currency: 'USD' } : order;
  });
}

async function* asAsync<T>(items: readonly T[]): AsyncGenerator<T> {
  for (const item of items) yield item;
}

describe('transactions.recordMany', () => {
  test('gives the same streams, ledgers and balances as transactions.record one by one, on random histories', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(orderArb, { minLength: 1, maxLength: 24 }),
        fc.array(fc.nat({ max: 23 }), { maxLength: 4 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 7 }),
        fc.boolean(),
        fc.boolean(),
        async (specs, replayPicks, calls, batchSize, iterable, sorted) => {
          let history = orders(specs);
          if (sorted) history = [...history].sort((a, b) => Date.parse(String(a.at)) - Date.parse(String(b.at)));
          // The history cut into `calls` calls; every call after the first also sends some transactions of earlier calls again.
          const size = Math.ceil(history.length / calls);
          const chunks = Array.from({ length: calls }, (_, c) => history.slice(c * size, (c + 1) * size)).filter((chunk) => chunk.length > 0);
          const sent = chunks.map((chunk, c) => {
            const earlier = chunks.slice(0, c).flat();
            const again = [...new Set(replayPicks.filter((pick) => pick < earlier.length))].map((pick) => earlier[pick]!);
            return [...chunk, ...again];
          });

          const one = await households();
          for (const [c, call] of sent.entries()) {
            for (const [i, transaction] of call.entries()) await one.crm.transactions.record(one.service, { idempotencyKey: `r-${c}-${i}`, transaction });
          }
          const many = await households();
          for (const [c, call] of sent.entries()) {
            const answer = await many.crm.transactions.recordMany(many.service, { idempotencyKey: `call-${c}`, transactions: iterable ? asAsync(call) : call, batchSize });
            // Every transaction sent again was recorded by an earlier call: a replay, appended nowhere.
            expect(answer.transactions).toBe(call.length);
            expect(answer.replayed).toBe(call.length - chunks[c]!.length);
            expect(answer.batches).toBe(Math.ceil(call.length / batchSize));
          }
          const expected = await stateOf(one, { withoutRecordedAt: true });
          const actual = await stateOf(many, { withoutRecordedAt: true });
          expect(actual.streams).toEqual(expected.streams);
          expect(actual.members).toEqual(expected.members);
          // Recorded one by one, a transaction dated before entries already in the ledger restates them; in a batch the
          // events are written in time order. In time order both write the very same entries (only the write times differ).
          if (sorted) expect(actual.ledgers).toEqual(expected.ledgers);
        },
      ),
      { numRuns: 25 },
    );
  }, 60_000);

  test('answers with counts over all batches, and writes one audit entry and one outbox event per batch', async () => {
    const setup = await households();
    const { crm, service, storage, tenantId } = setup;
    // C-1 (M-1): RO-1 ¥300 labour + ¥500 parts = 800 points; C-5 (no member): RO-2; C-2 (M-2 and F-2): RO-3 ¥100 + ¥200 = 300 points each.
    const transactions = [
      repairOrder('RO-1', 'C-1', '2024-05-01T10:00:00+08:00'),
      repairOrder('RO-2', 'C-5', '2024-05-02T10:00:00+08:00'),
      repairOrder('RO-3', 'C-2', '2024-05-03T10:00:00+08:00', 10_000, 20_000),
    ];
    const before = (await auditChain(storage, tenantId)).length;
    const answer = await crm.transactions.recordMany(service, { idempotencyKey: 'dms-1', transactions, batchSize: 2 });
    expect(answer).toEqual({ batches: 2, transactions: 3, appended: 3, replayed: 0, accrued: { events: 3, replayed: 0, points: 800 + 300 + 300 } });
    const entries = (await auditChain(storage, tenantId)).slice(before);
    expect(entries.map((entry) => [entry.action, entry.outcome, entry.customerIds, entry.details])).toEqual([
      ['transactions.recordMany', 'ok', ['C-1', 'C-5'], { transactions: 2, appended: 2, batch: 0, items: 2 }],
      ['transactions.recordMany', 'ok', ['C-2'], { transactions: 1, appended: 1, batch: 1, items: 1 }],
    ]);
    const events = (await outboxEvents(storage, tenantId)).filter((event) => event.type === 'crm.transaction.batch_recorded');
    expect(events.map((event) => event.data)).toEqual([
      expect.objectContaining({ batch: 0, last: false, customerIds: ['C-1', 'C-5'], transactionIds: ['RO-1', 'RO-2'], appended: 2, accrued: { events: 1, replayed: 0, points: 800 } }),
      expect.objectContaining({ batch: 1, last: true, customerIds: ['C-2'], transactionIds: ['RO-3'], appended: 1, accrued: { events: 2, replayed: 0, points: 600 } }),
    ]);
    // Recorded once more, one by one: a replay appending nothing and crediting nothing.
    expect(await crm.transactions.record(service, { idempotencyKey: 'single', transaction: transactions[0]! })).toMatchObject({ replayed: true, position: 1, accruals: [{ memberId: 'M-1', points: 0, replayed: true }] });
    expect(await storage.streamVersion(tenantId, 'transactions', 'C-1')).toBe(1);
  });

  test('a transaction recorded before with other content is IDEMPOTENCY_CONFLICT naming its input path; its batch writes nothing', async () => {
    const { crm, service, storage, tenantId } = await households();
    await crm.transactions.record(service, { idempotencyKey: 'ro-1', transaction: repairOrder('RO-1', 'C-1', '2024-05-01T10:00:00+08:00') });
    const error = await crm.transactions
      .recordMany(service, { idempotencyKey: 'dms', transactions: [repairOrder('RO-2', 'C-2', '2024-05-02T10:00:00+08:00'), repairOrder('RO-1', 'C-1', '2024-05-01T10:00:00+08:00', 30_000, 60_000)] })
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'IDEMPOTENCY_CONFLICT', details: { transactionId: 'RO-1', path: 'input.transactions[1]' } });
    expect(await storage.streamVersion(tenantId, 'transactions', 'C-2')).toBe(0);
    expect(await storage.streamVersion(tenantId, 'transactions', 'C-1')).toBe(1);
  });

  test('a failing batch keeps the batches before it; the call again with the same key resumes after them', async () => {
    const { crm, service, storage, tenantId } = await households();
    const transactions = [repairOrder('RO-1', 'C-1', '2024-05-01T10:00:00+08:00'), repairOrder('RO-2', 'C-9', '2024-05-02T10:00:00+08:00'), repairOrder('RO-3', 'C-2', '2024-05-03T10:00:00+08:00')];
    // Batch 1 names customer C-9, who does not exist yet: NOT_FOUND there, batch 0 stays written.
    await expect(crm.transactions.recordMany(service, { idempotencyKey: 'dms', transactions, batchSize: 1 })).rejects.toMatchObject({ code: 'NOT_FOUND', details: { customerId: 'C-9' } });
    expect(await storage.streamVersion(tenantId, 'transactions', 'C-1')).toBe(1);
    expect(await storage.streamVersion(tenantId, 'transactions', 'C-2')).toBe(0);
    await crm.customers.upsert(contexts(tenantId).staff(), { idempotencyKey: 'c-9', customer: customerInput('C-9', { idNumber: undefined, contactPoints: [] }) });
    const resumed = await crm.transactions.recordMany(service, { idempotencyKey: 'dms', transactions, batchSize: 1 });
    expect(resumed).toEqual({ batches: 3, transactions: 3, appended: 3, replayed: 0, accrued: { events: 3, replayed: 0, points: 800 * 3 } });
    const outcomes = (await auditChain(storage, tenantId)).filter((entry) => entry.action === 'transactions.recordMany').map((entry) => [entry.outcome, entry.details?.batch]);
    expect(outcomes).toEqual([
      ['ok', 0],
      ['replayed', 0],
      ['ok', 1],
      ['ok', 2],
    ]);
    for (const customerId of ['C-1', 'C-9', 'C-2']) expect(await storage.streamVersion(tenantId, 'transactions', customerId)).toBe(1);
  });

  test('a transaction dated before the member joined is a ValidationError at its input path, as with record', async () => {
    const { crm, service, storage, tenantId } = await households();
    const early = repairOrder('RO-0', 'C-1', '2021-12-01T10:00:00+08:00');
    await expect(crm.transactions.record(service, { idempotencyKey: 'early', transaction: early })).rejects.toMatchObject({ code: 'VALIDATION_FAILED', issues: [{ path: 'input.transaction.at' }] });
    await expect(crm.transactions.recordMany(service, { idempotencyKey: 'early', transactions: [repairOrder('RO-1', 'C-2', '2024-05-01T10:00:00+08:00'), early] })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      issues: [{ path: 'input.transactions[1].at' }],
    });
    expect(await storage.streamVersion(tenantId, 'transactions', 'C-2')).toBe(0);
    // Without accrual the history is recorded as it is.
    expect(await crm.transactions.recordMany(service, { idempotencyKey: 'early-2', transactions: [early], accrueLoyalty: false })).toMatchObject({ appended: 1, accrued: { events: 0 } });
  });

  test('bad input anywhere in an array is a ValidationError before storage is touched', async () => {
    const { crm, service, storage, tenantId } = await households();
    const before = await storage.streamVersion(tenantId, 'audit_log', 'chain');
    const good = repairOrder('RO-1', 'C-1', '2024-05-01T10:00:00+08:00');
    const error = await crm.transactions
      .recordMany(service, { idempotencyKey: 'bad', transactions: [good, { ...repairOrder('RO-2', 'C-1', '2024-05-02T10:00:00+08:00'), revenueMinor: -1 }, good], batchSize: 1 })
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'VALIDATION_FAILED' });
    const paths = (error as { issues: { path: string }[] }).issues.map((issue) => issue.path);
    expect(paths).toContain('input.transactions[1].revenueMinor');
    expect(paths).toContain('input.transactions[2]'); // RO-1 of C-1 twice
    expect(await storage.streamVersion(tenantId, 'audit_log', 'chain')).toBe(before);
    expect(await storage.streamVersion(tenantId, 'transactions', 'C-1')).toBe(0);
  });

  test('a dealer’s staff cannot record another dealer’s transactions: FORBIDDEN before anything is written, audited', async () => {
    const { crm, storage, tenantId, ctx } = await households();
    const other = { ...repairOrder('RO-2', 'C-2', '2024-05-02T10:00:00+08:00'), dealerId: 'D-2' };
    await expect(crm.transactions.recordMany(ctx.staff('D-1', 'after_sales'), { idempotencyKey: 'x', transactions: [repairOrder('RO-1', 'C-1', '2024-05-01T10:00:00+08:00'), other], batchSize: 1 })).rejects.toMatchObject({
      code: 'FORBIDDEN',
      details: { reason: 'other_dealer' },
    });
    expect(await storage.streamVersion(tenantId, 'transactions', 'C-1')).toBe(0);
    const refusal = (await auditChain(storage, tenantId)).at(-1)!;
    expect(refusal).toMatchObject({ action: 'transactions.recordMany', outcome: 'forbidden' });
    expect(refusal.customerIds).toContain('C-2');
    // D-2's staff may not record on D-1's customers either (the customer's dealer is checked in the batch).
    await expect(crm.transactions.recordMany(ctx.staff('D-2', 'after_sales'), { idempotencyKey: 'y', transactions: [{ ...repairOrder('RO-3', 'C-1', '2024-05-02T10:00:00+08:00'), dealerId: 'D-2' }] })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    expect(await storage.streamVersion(tenantId, 'transactions', 'C-1')).toBe(0);
  });
});
