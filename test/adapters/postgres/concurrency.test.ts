import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isCrmError } from 'dealer-crm/core';
import { createCrmStorage, type CrmStorage } from 'dealer-crm/adapters';
import { createPostgresDriver, type PostgresStorageDriver } from 'dealer-crm/adapters/postgres';
import { customerInput } from '../../../src/adapters/testing/fixtures.js';
import { databaseTargets, databaseUrl, migratedDriver, openPglite, openServer, type TestDatabase } from './support.js';

/** A promise with its resolver, to hold a transaction open. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

/** Polls `check` until it holds (at most ~10 s); a bound, not a timed assertion. */
async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`gave up waiting until ${what}`);
}

const outcomes = (results: PromiseSettledResult<unknown>[]) => ({
  fulfilled: results.filter((result) => result.status === 'fulfilled').length,
  reasons: results.filter((result): result is PromiseRejectedResult => result.status === 'rejected').map((result) => result.reason as unknown),
});

describe.each(databaseTargets)('concurrency on $name', ({ open }) => {
  let database: TestDatabase;
  let driver: PostgresStorageDriver;
  let storage: CrmStorage;
  let tenantCount = 0;
  const tenant = () => `t-${tenantCount++}-${Math.random().toString(36).slice(2)}`;

  beforeAll(async () => {
    database = await open();
    driver = await migratedDriver(database);
    storage = createCrmStorage(driver);
  });
  afterAll(() => database.dispose());

  it('a statement that fails inside a transaction fails the whole transaction, even when the callback swallows the error', async () => {
    const table = `${database.schema}.swallow_probe`;
    await database.sql.query(`CREATE TABLE ${table} (id integer PRIMARY KEY)`);
    const result = database.sql.transaction(async (session) => {
      await session.query(`INSERT INTO ${table} VALUES (1)`);
      await session.query('SELECT 1 / 0').catch(() => undefined);
      return 'the callback thinks all is well';
    });
    await expect(result).rejects.toMatchObject({ code: '22012' }); // division_by_zero, the statement that failed
    expect(await database.sql.query(`SELECT id FROM ${table}`)).toEqual([]);
  });

  it('concurrent batches over the same records in different orders all apply, each version exactly once', async () => {
    const t = tenant();
    const ids = Array.from({ length: 12 }, (_, i) => `C-${i}`);
    const batches = 10;
    // Batch k writes the ids rotated by k, so that any two batches meet the shared rows in different orders.
    const results = await Promise.all(
      Array.from({ length: batches }, (_, k) => storage.putMany(t, 'customers', [...ids.slice(k), ...ids.slice(0, k)].map((id) => ({ record: customerInput(id, { name: `批${k}` }) })))),
    );
    for (const id of ids) {
      const versions = results.map((written) => written.find((item) => item.record.id === id)!.version).sort((a, b) => a - b);
      expect(versions).toEqual(Array.from({ length: batches }, (_, i) => i + 1));
    }
  });

  it('concurrent create-only batches of the same new ids: one wins whole, the others write nothing', async () => {
    const t = tenant();
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, k) => storage.putMany(t, 'customers', ['X', 'Y', `own-${k}`].map((id) => ({ record: customerInput(id, { name: `赢${k}` }), expectedVersion: 0 })))),
    );
    const { fulfilled, reasons } = outcomes(results);
    expect(fulfilled).toBe(1);
    expect(reasons.every((reason) => isCrmError(reason, 'VERSION_CONFLICT'))).toBe(true);
    const own = await storage.getMany(t, 'customers', Array.from({ length: 10 }, (_, k) => `own-${k}`));
    expect(own.filter((item) => item !== null)).toHaveLength(1); // the losers' own new ids were not written either
  });

  it('two outbox workers deliver every entry exactly once', async () => {
    const t = tenant();
    const second = createCrmStorage(createPostgresDriver({ sql: database.sql, schema: database.schema }));
    const entries = 60;
    await storage.append(t, 'outbox', 'webhooks', Array.from({ length: entries }, (_, n) => ({ type: 'loyalty.points_earned', occurredAt: new Date(0), data: { n } })));
    const deliveries = new Map<number, string[]>();
    const worker = async (name: string, store: CrmStorage) => {
      for (let round = 0; ; round++) {
        const now = new Date(Date.UTC(2024, 4, 1) + round);
        const claims = await store.claimOutbox(t, { streamId: 'webhooks', limit: 4, leaseMs: 600_000, now });
        if (claims.length === 0) return;
        for (const claim of claims) {
          deliveries.set(claim.entry.position, [...(deliveries.get(claim.entry.position) ?? []), name]);
          const applied = await store.completeOutbox(t, { streamId: 'webhooks', position: claim.entry.position, attempt: claim.attempt, outcome: { status: 'delivered', at: now } });
          expect(applied).toBe(true);
        }
      }
    };
    await Promise.all([worker('a', storage), worker('b', second)]);
    expect([...deliveries.keys()].sort((x, y) => x - y)).toEqual(Array.from({ length: entries }, (_, i) => i + 1));
    expect([...deliveries.values()].every((workers) => workers.length === 1)).toBe(true);
    for (let position = 1; position <= entries; position++) expect((await storage.readOutboxDelivery(t, 'webhooks', position))?.status).toBe('delivered');
  });
});

describe('PGlite, one connection', () => {
  let database: TestDatabase;
  let storage: CrmStorage;

  beforeAll(async () => {
    database = await openPglite();
    storage = createCrmStorage(await migratedDriver(database));
  });
  afterAll(() => database.dispose());

  it('makes a call from outside wait for an open transaction, so it never runs inside it or sees its uncommitted writes', async () => {
    const events: string[] = [];
    const held = gate();
    const transaction = storage.transaction('t', async (tx) => {
      await tx.put('t', 'customers', customerInput('C-9'));
      events.push('written');
      await held.promise;
      events.push('committing');
    });
    await until(() => events.includes('written'), 'the transaction has written');
    const outside = storage.get('t', 'customers', 'C-9').then((found) => {
      events.push('read');
      return found;
    });
    // Give the outside read every chance to run before the transaction ends: it must not.
    await new Promise((resolve) => setTimeout(resolve, 50));
    held.open();
    await transaction;
    expect((await outside)?.version).toBe(1);
    expect(events).toEqual(['written', 'committing', 'read']);
  });
});

describe.skipIf(databaseUrl === undefined)('the PostgreSQL server, many connections', () => {
  let database: TestDatabase;
  let storage: CrmStorage;
  let schema: string;

  beforeAll(async () => {
    database = openServer(8);
    schema = database.schema;
    storage = createCrmStorage(await migratedDriver(database));
  });
  afterAll(() => database.dispose());

  const waitingOnLocks = async () => {
    const rows = await database.sql.query(
      "SELECT count(*)::integer AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE $1::text",
      [`%${schema}%`],
    );
    return Number(rows[0]!.n);
  };

  it('reads outside an open transaction see only committed data, on another connection', async () => {
    const held = gate();
    let written = false;
    const transaction = storage.transaction('t', async (tx) => {
      await tx.put('t', 'customers', customerInput('R-1'));
      written = true;
      await held.promise;
    });
    await until(() => written, 'the transaction has written');
    expect(await storage.get('t', 'customers', 'R-1')).toBeNull();
    held.open();
    await transaction;
    expect((await storage.get('t', 'customers', 'R-1'))?.version).toBe(1);
  });

  it('a conditional write on another connection waits for the row lock of an open transaction, then loses', async () => {
    await storage.put('t', 'customers', customerInput('L-1', { name: '原' }));
    const held = gate();
    let locked = false;
    const winner = storage.transaction('t', async (tx) => {
      await tx.put('t', 'customers', customerInput('L-1', { name: '事务' }), { expectedVersion: 1 });
      locked = true;
      await held.promise;
    });
    await until(() => locked, 'the transaction holds the row');
    const loser = storage.put('t', 'customers', customerInput('L-1', { name: '外' }), { expectedVersion: 1 }).catch((error: unknown) => error);
    await until(async () => (await waitingOnLocks()) === 1, 'the conditional write waits on the row lock');
    held.open();
    await winner;
    const error = await loser;
    expect(isCrmError(error, 'VERSION_CONFLICT') && error.details).toMatchObject({ expectedVersion: 1, actualVersion: 2 });
    const read = await storage.get('t', 'customers', 'L-1');
    expect([read?.version, read?.record.name]).toEqual([2, '事务']);
  });

  it('a deadlock between two transactions aborts one with VERSION_CONFLICT and lets the other commit', async () => {
    await storage.putMany('t', 'customers', [{ record: customerInput('D-A') }, { record: customerInput('D-B') }]);
    const flags = { a: false, b: false };
    const cross = (first: 'D-A' | 'D-B', second: 'D-A' | 'D-B', mine: 'a' | 'b', theirs: 'a' | 'b') =>
      storage.transaction('t', async (tx) => {
        await tx.put('t', 'customers', customerInput(first, { name: mine }));
        flags[mine] = true;
        await until(() => flags[theirs], 'the other transaction holds its first row');
        await tx.put('t', 'customers', customerInput(second, { name: mine }));
      });
    const { fulfilled, reasons } = outcomes(await Promise.allSettled([cross('D-A', 'D-B', 'a', 'b'), cross('D-B', 'D-A', 'b', 'a')]));
    expect(fulfilled).toBe(1);
    expect(reasons).toHaveLength(1);
    expect(isCrmError(reasons[0], 'VERSION_CONFLICT') && reasons[0].details).toMatchObject({ sqlState: '40P01' });
    const [a, b] = await storage.getMany('t', 'customers', ['D-A', 'D-B']);
    expect(a?.record.name).toBe(b?.record.name); // both rows carry the winner's name: its writes committed together
    expect([a?.version, b?.version]).toEqual([2, 2]);
  });

  it('many workers on separate pools claim the outbox without ever sharing an entry', async () => {
    const pools = Array.from({ length: 3 }, () => openServer(2));
    try {
      const stores = pools.map((pool) => createCrmStorage(createPostgresDriver({ sql: pool.sql, schema })));
      await storage.append('t', 'outbox', 'many', Array.from({ length: 200 }, (_, n) => ({ type: 'x', occurredAt: new Date(0), data: { n } })));
      const claimed = (
        await Promise.all(
          stores.flatMap((store) =>
            Array.from({ length: 4 }, async () => {
              const positions: number[] = [];
              for (;;) {
                const claims = await store.claimOutbox('t', { streamId: 'many', limit: 7, leaseMs: 600_000, now: new Date(1000) });
                if (claims.length === 0) return positions;
                positions.push(...claims.map((claim) => claim.entry.position));
              }
            }),
          ),
        )
      ).flat();
      expect(claimed.sort((x, y) => x - y)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    } finally {
      // Schemas of these pools are never created: only the connections need closing.
      for (const pool of pools) await pool.sql.close();
    }
  });
});
