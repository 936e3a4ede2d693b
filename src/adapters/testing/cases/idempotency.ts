import { equal, rejects } from '../assert.js';
import type { ConformanceCase } from '../types.js';

const earn = (points: number) => ({ type: 'earn', points, at: '2024-05-01T09:00:00+08:00', reason: 'RO-1' });

/** Idempotency keys stored with the hash of their payloads. */
export const idempotencyCases: ConformanceCase[] = [
  {
    area: 'idempotency',
    name: 'an append repeated with the same key and payloads appends once and returns the first result',
    async run({ storage, tenant, id }) {
      const member = id('M');
      const first = await storage.append(tenant, 'loyalty_ledger', member, [earn(100), earn(20)], { idempotencyKey: 'RO-1:earn' });
      const again = await storage.append(tenant, 'loyalty_ledger', member, [earn(100), earn(20)], { idempotencyKey: 'RO-1:earn' });
      equal(again.replayed, true, 'the repeat is a replay');
      equal(first.replayed, false, 'the first append is not');
      equal(again.entries, first.entries, 'the replay returns the entries of the first append');
      equal(again.version, first.version, 'and its version');
      equal(await storage.streamVersion(tenant, 'loyalty_ledger', member), 2, 'the entries were stored once');
      equal(
        first.entries.map((entry) => entry.idempotencyKey),
        ['RO-1:earn', 'RO-1:earn'],
        'every entry of the append carries its key',
      );
    },
  },
  {
    area: 'idempotency',
    name: 'the same key with other payloads is IDEMPOTENCY_CONFLICT and appends nothing',
    async run({ storage, tenant, id }) {
      const member = id('M');
      await storage.append(tenant, 'loyalty_ledger', member, [earn(100)], { idempotencyKey: 'RO-1:earn' });
      const error = await rejects(
        storage.append(tenant, 'loyalty_ledger', member, [earn(101)], { idempotencyKey: 'RO-1:earn' }),
        'IDEMPOTENCY_CONFLICT',
        'a key reused with another payload',
      );
      equal([error.details.kind, error.details.streamId, error.details.idempotencyKey], ['loyalty_ledger', member, 'RO-1:earn'], 'the conflict details');
      await rejects(
        storage.append(tenant, 'loyalty_ledger', member, [earn(100), earn(100)], { idempotencyKey: 'RO-1:earn' }),
        'IDEMPOTENCY_CONFLICT',
        'a key reused with more payloads',
      );
      equal(await storage.streamVersion(tenant, 'loyalty_ledger', member), 1, 'nothing was appended');
    },
  },
  {
    area: 'idempotency',
    name: 'a replay returns the first result even after the stream moved on and with a stale expectedVersion',
    async run({ storage, tenant, id }) {
      const member = id('M');
      const first = await storage.append(tenant, 'loyalty_ledger', member, [earn(100)], { idempotencyKey: 'k1', expectedVersion: 0 });
      await storage.append(tenant, 'loyalty_ledger', member, [earn(5)], { idempotencyKey: 'k2' });
      const replay = await storage.append(tenant, 'loyalty_ledger', member, [earn(100)], { idempotencyKey: 'k1', expectedVersion: 0 });
      equal([replay.replayed, replay.version, replay.entries], [true, 1, first.entries], 'a retried conditional append is answered from its key, not refused');
    },
  },
  {
    area: 'idempotency',
    name: 'payloads that differ only in key order or instant notation count as the same payload',
    async run({ storage, tenant, id }) {
      const member = id('M');
      await storage.append(tenant, 'loyalty_ledger', member, [{ type: 'earn', points: 7, at: '2024-05-01T09:00:00+08:00' }], { idempotencyKey: 'same' });
      const replay = await storage.append(tenant, 'loyalty_ledger', member, [{ at: new Date('2024-05-01T01:00:00Z'), points: 7, type: 'earn' }], { idempotencyKey: 'same' });
      equal(replay.replayed, true, 'the same content is the same payload');
    },
  },
  {
    area: 'idempotency',
    name: 'idempotency keys are scoped to their stream',
    async run({ storage, tenant, id }) {
      const [a, b] = [id('M'), id('M')];
      await storage.append(tenant, 'loyalty_ledger', a, [earn(1)], { idempotencyKey: 'shared' });
      const other = await storage.append(tenant, 'loyalty_ledger', b, [earn(2)], { idempotencyKey: 'shared' });
      equal(other.replayed, false, 'the same key on another stream appends');
      equal(await storage.streamVersion(tenant, 'loyalty_ledger', b), 1, 'the other stream holds its entry');
    },
  },
];
