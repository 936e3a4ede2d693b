import { describe, expect, it } from 'vitest';
import { isCrmError } from 'dealer-crm/core';
import type { PostgresSqlDriver } from 'dealer-crm/adapters/postgres';
import { autocommitScope } from '../../../src/adapters/postgres/scope.js';

/** A SQL driver whose statements fail with `codes`, one per call, then succeed. */
function flaky(codes: readonly string[]): PostgresSqlDriver & { calls: number } {
  const driver = {
    name: 'flaky',
    calls: 0,
    async query() {
      const code = codes[driver.calls++];
      if (code !== undefined) throw Object.assign(new Error(`failed with ${code}`), { code });
      return [{ ok: true }];
    },
    async transaction<T>(fn: (session: PostgresSqlDriver) => Promise<T>): Promise<T> {
      return await fn(driver);
    },
    async close() {},
  };
  return driver;
}

describe('statements outside a transaction', () => {
  it('run again after a deadlock or serialisation failure, which had no effect', async () => {
    const sql = flaky(['40P01', '40001', '40P01']);
    expect(await autocommitScope(sql).query('SELECT 1', [], 'testing')).toEqual([{ ok: true }]);
    expect(sql.calls).toBe(4); // three failures, then the statement that went through
  });

  it('give up after eight attempts with VERSION_CONFLICT, and never retry other failures', async () => {
    const stuck = flaky(Array.from({ length: 20 }, () => '40P01'));
    const error = await autocommitScope(stuck).atomic('testing', (session) => session.query('SELECT 1')).catch((caught: unknown) => caught);
    expect([isCrmError(error, 'VERSION_CONFLICT'), stuck.calls]).toEqual([true, 8]);
    const broken = flaky(['23505']);
    await expect(autocommitScope(broken).query('SELECT 1', [], 'testing')).rejects.toMatchObject({ code: '23505' });
    expect(broken.calls).toBe(1);
  });
});
