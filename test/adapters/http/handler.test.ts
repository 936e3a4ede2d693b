import { afterEach, describe, expect, it, vi } from 'vitest';
import { createCrmStorage } from 'dealer-crm/adapters';
import { createCrmHttpHandler, crmHttpHeaders, crmHttpRoutes, type CrmHttpAuthorizeContext, type CrmHttpOperation } from 'dealer-crm/adapters/http';
import { createMemoryDriver } from 'dealer-crm/adapters/memory';
import type { ValidationError } from 'dealer-crm/core';
import { CrmError, isCrmError } from 'dealer-crm/core';
import { customer, read, request, spyDriver } from './support.js';

const allow = () => true;
const audit = { action: 'loyalty.tier_changed', at: '2024-05-01T02:00:00Z' };
const plan = { filters: [], order: { field: 'id', type: 'string', direction: 'asc' }, after: null, limit: 10 };

/** One valid request per route, for tenant `tenant`. */
function everyRoute(tenant: string): [CrmHttpOperation, Request][] {
  const t = `/v1/tenants/${encodeURIComponent(tenant)}`;
  return [
    ['describe', request('GET', '/v1/contract')],
    ['getRecords', request('POST', `${t}/collections/customers/get`, { ids: ['C-1'] })],
    ['putRecords', request('POST', `${t}/collections/customers/put`, { writes: [{ id: 'C-1', document: customer('C-1') }] })],
    ['deleteRecord', request('POST', `${t}/collections/customers/delete`, { id: 'C-1' })],
    ['queryRecords', request('POST', `${t}/collections/customers/query`, { plan })],
    ['importRows', request('POST', `${t}/collections/customers/import`, { rows: [{ id: 'C-2', document: customer('C-2') }] })],
    ['appendToStream', request('POST', `${t}/streams/audit_log/S-1/append`, { payloads: [audit], expectedVersion: null })],
    ['readStream', request('GET', `${t}/streams/audit_log/S-1?from=1&limit=10`)],
    ['claimOutbox', request('POST', `${t}/outbox/webhooks/claim`, { limit: 1, nowMs: 0, leaseExpiresAtMs: 1000 })],
    ['completeOutbox', request('POST', `${t}/outbox/webhooks/complete`, { position: 1, attempt: 1, outcome: { status: 'delivered', atMs: 0 } })],
    ['readOutboxDelivery', request('GET', `${t}/outbox/webhooks/deliveries/1`)],
    ['commitTransaction', request('POST', `${t}/transactions/no-such-session/commit`, {})],
    ['rollbackTransaction', request('POST', `${t}/transactions/no-such-session/rollback`, {})],
    // Last: an open transaction holds the memory driver's tenant lock until it ends.
    ['beginTransaction', request('POST', `${t}/transactions`, {})],
  ];
}

describe('createCrmHttpHandler', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('has one test request for every route of the protocol', () => {
    expect(everyRoute('g1').map(([operation]) => operation).sort()).toEqual(crmHttpRoutes.map((route) => route.operation).sort());
  });

  it('asks authorize about every route with the tenant, the operation and the resource', async () => {
    const seen: CrmHttpAuthorizeContext[] = [];
    const handler = createCrmHttpHandler(createCrmStorage(createMemoryDriver()), {
      authorize: (_request, context) => {
        seen.push(context);
        return true;
      },
    });
    const statuses: Record<string, number> = {};
    for (const [operation, req] of everyRoute('集团-上海/1')) statuses[operation] = (await handler(req)).status;
    await handler.close();
    // Every route answers (the commit and rollback of a session that does not exist: 404).
    expect(Object.entries(statuses).filter(([, status]) => status !== 200)).toEqual([
      ['commitTransaction', 404],
      ['rollbackTransaction', 404],
    ]);
    expect(seen[0]).toEqual({ tenantId: null, operation: 'describe' });
    expect(seen.find((context) => context.operation === 'putRecords')).toEqual({ tenantId: '集团-上海/1', operation: 'putRecords', collection: 'customers' });
    expect(seen.find((context) => context.operation === 'appendToStream')).toEqual({ tenantId: '集团-上海/1', operation: 'appendToStream', kind: 'audit_log', streamId: 'S-1' });
    expect(seen.find((context) => context.operation === 'claimOutbox')).toEqual({ tenantId: '集团-上海/1', operation: 'claimOutbox', kind: 'outbox', streamId: 'webhooks' });
  });

  it('answers 403 FORBIDDEN for another tenant on every route and touches nothing', async () => {
    const { driver, calls, memory } = spyDriver();
    const handler = createCrmHttpHandler(createCrmStorage(driver), { authorize: (_request, { tenantId }) => tenantId === 'g1' });
    for (const [operation, req] of everyRoute('g2')) {
      if (operation === 'describe') continue;
      const { status, body } = await read(await handler(req));
      expect([operation, status, body.error?.code]).toEqual([operation, 403, 'FORBIDDEN']);
      expect(body.error?.message).toContain('"g2"');
    }
    expect(calls).toEqual([]);
    expect(memory.peekTenants()).toEqual([]);
  });

  it('refuses before reading the body, so a forbidden caller cannot even probe validation', async () => {
    const handler = createCrmHttpHandler(createCrmStorage(createMemoryDriver()), { authorize: () => false });
    const { status, body } = await read(await handler(request('POST', '/v1/tenants/g1/collections/customers/put', 'not json at all')));
    expect([status, body.error?.code]).toEqual([403, 'FORBIDDEN']);
  });

  it('lets only an authorize result of exactly true through', async () => {
    const handler = createCrmHttpHandler(createCrmStorage(createMemoryDriver()), { authorize: (() => 'yes') as unknown as () => boolean });
    expect((await handler(request('GET', '/v1/tenants/g1/streams/audit_log/S?from=1&limit=1'))).status).toBe(403);
  });

  it('answers an authorize that throws UNAUTHENTICATED with 401, and one that throws anything else with 500', async () => {
    const storage = createCrmStorage(createMemoryDriver());
    const unauthenticated = createCrmHttpHandler(storage, {
      authorize: () => {
        throw new CrmError('UNAUTHENTICATED', 'expected a bearer token');
      },
    });
    const first = await read(await unauthenticated(request('GET', '/v1/contract')));
    expect([first.status, first.body.error]).toEqual([401, { code: 'UNAUTHENTICATED', message: 'expected a bearer token', details: {} }]);
    const logged: unknown[] = [];
    const broken = createCrmHttpHandler(storage, {
      authorize: () => {
        throw new Error('token service down: 10.0.0.7');
      },
      onError: (error) => logged.push(error),
    });
    const second = await read(await broken(request('GET', '/v1/contract')));
    // The caller learns nothing of the internals; the log gets the error itself.
    expect([second.status, second.body.error]).toEqual([500, { code: 'INTERNAL', message: 'the storage server failed; its log says why', details: {} }]);
    expect((logged[0] as Error).message).toBe('token service down: 10.0.0.7');
  });

  it('sends the message of internal errors only when told to', async () => {
    const driver = createMemoryDriver();
    const failing = { ...driver, getRecords: () => Promise.reject(new Error('connection reset by 10.0.0.7')) };
    const exposed = createCrmHttpHandler(createCrmStorage(failing), { authorize: allow, exposeInternalErrors: true });
    const { status, body } = await read(await exposed(request('POST', '/v1/tenants/g1/collections/customers/get', { ids: ['C-1'] })));
    expect([status, body.error?.code]).toEqual([500, 'INTERNAL']);
    expect(body.error?.message).toContain('connection reset by 10.0.0.7');
  });

  it('describes the served storage: contract version, capabilities, collections and stream kinds', async () => {
    const handler = createCrmHttpHandler(createCrmStorage(createMemoryDriver()), { authorize: allow });
    const { status, body } = await read(await handler(request('GET', '/v1/contract')));
    expect(status).toBe(200);
    expect(body).toMatchObject({ name: 'memory', contractVersion: 1, capabilities: { transactions: true, outbox: true, customCollections: true, bulkImport: true } });
    expect(body.collections).toContain('loyalty_members');
    expect(body.streams).toContain('outbox');
    const stateless = createCrmHttpHandler(createCrmStorage(createMemoryDriver()), { authorize: allow, transactions: false });
    expect((await read(await stateless(request('GET', '/v1/contract')))).body).toMatchObject({ capabilities: { transactions: false } });
  });

  it('answers 404 for unknown routes and paths outside its base path, 405 with Allow for a wrong method', async () => {
    const handler = createCrmHttpHandler(createCrmStorage(createMemoryDriver()), { authorize: allow, basePath: '/storage/' });
    for (const path of ['/storage/v2/contract', '/storage/v1/tenants/g1/collections/customers/upsert', '/v1/contract', '/storagev1/contract', '/storage']) {
      const { status, body } = await read(await handler(request('GET', path)));
      expect([path, status, body.error?.code]).toEqual([path, 404, 'NOT_FOUND']);
    }
    expect((await handler(request('GET', '/storage/v1/contract'))).status).toBe(200);
    const wrong = await handler(request('DELETE', '/storage/v1/tenants/g1/collections/customers/get'));
    expect([wrong.status, wrong.headers.get('allow'), ((await wrong.json()) as { error: { code: string } }).error.code]).toEqual([405, 'POST', 'UNSUPPORTED']);
  });

  it('answers 400 for a tenant id that is no id and for broken percent-encoding', async () => {
    const handler = createCrmHttpHandler(createCrmStorage(createMemoryDriver()), { authorize: allow });
    const control = await read(await handler(request('POST', '/v1/tenants/g%01/collections/customers/get', { ids: ['C-1'] })));
    expect([control.status, control.body.error?.code]).toEqual([400, 'VALIDATION_FAILED']);
    expect(control.body.error?.details.issues).toEqual([{ path: 'tenantId', message: 'an id may not contain control characters or leading/trailing spaces' }]);
    const broken = await read(await handler(request('POST', '/v1/tenants/%E4%B8/collections/customers/get', { ids: ['C-1'] })));
    expect([broken.status, broken.body.error?.code]).toEqual([400, 'VALIDATION_FAILED']);
  });

  it('answers 400 with the issues of a body of the wrong shape, and writes nothing', async () => {
    const { driver, calls, memory } = spyDriver();
    const handler = createCrmHttpHandler(createCrmStorage(driver), { authorize: allow });
    const { status, body } = await read(await handler(request('POST', '/v1/tenants/g1/collections/customers/put', { writes: [{ id: 7, document: [] }], extra: true })));
    expect([status, body.error?.code]).toEqual([400, 'VALIDATION_FAILED']);
    const issues = body.error?.details.issues as { path: string }[];
    expect(issues.map((issue) => issue.path).sort()).toEqual(['body', 'body.writes[0].document', 'body.writes[0].id']);
    expect(calls).toEqual([]);
    expect(memory.peekTenants()).toEqual([]);
  });

  it('answers 400 with the storage’s own issues for a malformed record or an unknown collection, and writes nothing', async () => {
    const { driver, calls, memory } = spyDriver();
    const handler = createCrmHttpHandler(createCrmStorage(driver), { authorize: allow });
    const record = await read(await handler(request('POST', '/v1/tenants/g1/collections/customers/put', { writes: [{ id: 'C-1', document: customer('C-1', { type: 'martian' }) }] })));
    expect([record.status, record.body.error?.code]).toEqual([400, 'VALIDATION_FAILED']);
    expect((record.body.error?.details.issues as { path: string }[])[0]?.path).toBe('writes[0].document.type');
    const collection = await read(await handler(request('POST', '/v1/tenants/g1/collections/spaceships/get', { ids: ['X'] })));
    expect([collection.status, (collection.body.error?.details.issues as { path: string }[])[0]?.path]).toEqual([400, 'collection']);
    expect(calls).toEqual([]);
    expect(memory.peekTenants()).toEqual([]);
  });

  it('recomputes index values and hashes itself: a client cannot smuggle in its own', async () => {
    const { driver, memory } = spyDriver();
    const handler = createCrmHttpHandler(createCrmStorage(driver), { authorize: allow });
    const smuggled = await read(await handler(request('POST', '/v1/tenants/g1/collections/customers/put', { writes: [{ id: 'C-1', document: customer('C-1'), index: { dealerId: 'D-X' } }] })));
    expect([smuggled.status, (smuggled.body.error?.details.issues as { path: string }[])[0]?.path]).toEqual([400, 'body.writes[0]']);
    await handler(request('POST', '/v1/tenants/g1/collections/customers/put', { writes: [{ id: 'C-1', document: customer('C-1', { dealerId: 'D-9' }) }] }));
    expect(memory.peekRecord('g1', 'customers', 'C-1')?.index.dealerId).toBe('D-9');
  });

  it('refuses bodies that are not JSON (415), not parseable (400) or too large (413), streamed or declared', async () => {
    const handler = createCrmHttpHandler(createCrmStorage(createMemoryDriver()), { authorize: allow, maxBodyBytes: 1024 });
    const path = '/v1/tenants/g1/collections/customers/get';
    const form = await read(await handler(request('POST', path, 'ids=1', { 'content-type': 'application/x-www-form-urlencoded' })));
    expect([form.status, form.body.error?.code]).toEqual([415, 'VALIDATION_FAILED']);
    const broken = await read(await handler(request('POST', path, '{"ids": [')));
    expect([broken.status, broken.body.error?.code]).toEqual([400, 'VALIDATION_FAILED']);
    const big = JSON.stringify({ ids: ['x'.repeat(2000)] }); // '{"ids":["' (9) + 2000 + '"]}' (3) = 2012 bytes
    const declared = await read(await handler(request('POST', path, big, { 'content-length': String(big.length) })));
    expect([declared.status, declared.body.error?.details.issues]).toEqual([413, [{ path: 'body', message: 'expected at most 1024 bytes, got 2012' }]]);
    const undeclared = await read(await handler(request('POST', path, big)));
    expect([undeclared.status, undeclared.body.error?.details.issues]).toEqual([413, [{ path: 'body', message: 'expected at most 1024 bytes, got more' }]]);
    // A chunked body declares no length: the handler counts what arrives and stops.
    let pulled = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 1;
        controller.enqueue(new TextEncoder().encode(pulled === 1 ? '{"ids":["' : 'x'.repeat(400)));
        if (pulled > 1000) controller.close();
      },
    });
    const chunked = new Request(`http://crm.test${path}`, { method: 'POST', body: stream, headers: { 'content-type': 'application/json' }, duplex: 'half' } as RequestInit);
    expect((await handler(chunked)).status).toBe(413);
    expect(pulled).toBeLessThan(10);
  });

  it('returns contract outcomes as results: a stale write is a conflict status, not an error', async () => {
    const handler = createCrmHttpHandler(createCrmStorage(createMemoryDriver()), { authorize: allow });
    const put = (expectedVersion?: number) => handler(request('POST', '/v1/tenants/g1/collections/customers/put', { writes: [{ id: 'C-1', document: customer('C-1'), expectedVersion }] }));
    expect((await read(await put(0))).body).toEqual({ status: 'written', versions: [1] });
    expect(await read(await put(0))).toEqual({ status: 200, body: { status: 'conflict', index: 0, actualVersion: 1 } });
  });

  it('takes the idempotency key from the Idempotency-Key header, percent-encoded', async () => {
    const driver = createMemoryDriver();
    const handler = createCrmHttpHandler(createCrmStorage(driver), { authorize: allow });
    const key = '退款:RO-77';
    const append = (payload: object) =>
      handler(request('POST', '/v1/tenants/g1/streams/audit_log/S-1/append', { payloads: [payload], expectedVersion: null }, { [crmHttpHeaders.idempotencyKey]: encodeURIComponent(key) }));
    const first = await read(await append(audit));
    const again = await read(await append(audit));
    expect([first.body.status, again.body.status]).toEqual(['appended', 'replayed']);
    expect((again.body.entries as { idempotencyKey: string }[])[0]?.idempotencyKey).toBe(key);
    expect(driver.peekStreamLength('g1', 'audit_log', 'S-1')).toBe(1);
    const broken = await handler(request('POST', '/v1/tenants/g1/streams/audit_log/S-1/append', { payloads: [audit], expectedVersion: null }, { [crmHttpHeaders.idempotencyKey]: '%E4' }));
    expect(broken.status).toBe(400);
  });

  it('checks the query of a stream read', async () => {
    const handler = createCrmHttpHandler(createCrmStorage(createMemoryDriver()), { authorize: allow });
    await handler(request('POST', '/v1/tenants/g1/streams/audit_log/S-1/append', { payloads: [audit, audit], expectedVersion: 0 }));
    expect((await read(await handler(request('GET', '/v1/tenants/g1/streams/audit_log/S-1?from=1&limit=0')))).body).toEqual({ version: 2, entries: [] });
    const missing = await read(await handler(request('GET', '/v1/tenants/g1/streams/audit_log/S-1?limit=5')));
    expect([missing.status, (missing.body.error?.details.issues as { path: string }[])[0]?.path]).toEqual([400, 'query.from']);
    expect((await handler(request('GET', '/v1/tenants/g1/streams/audit_log/S-1?from=0&limit=5'))).status).toBe(400);
    expect((await handler(request('GET', '/v1/tenants/g1/streams/audit_log/S-1?from=1&limit=5&debug=1'))).status).toBe(400);
  });

  it('answers 501 UNSUPPORTED for a feature the served storage lacks', async () => {
    const driver = createMemoryDriver();
    const plain = { ...driver, capabilities: { transactions: false, outbox: false, customCollections: false, bulkImport: false } };
    const handler = createCrmHttpHandler(createCrmStorage(plain), { authorize: allow });
    for (const [operation, req] of everyRoute('g1')) {
      if (!['claimOutbox', 'completeOutbox', 'readOutboxDelivery', 'beginTransaction'].includes(operation)) continue;
      const { status, body } = await read(await handler(req));
      expect([operation, status, body.error?.code]).toEqual([operation, 501, 'UNSUPPORTED']);
    }
  });

  describe('transactions', () => {
    const put = (tenant: string, id: string, transactionId?: string) =>
      request('POST', `/v1/tenants/${tenant}/collections/customers/put`, { writes: [{ id, document: customer(id) }] }, transactionId === undefined ? {} : { [crmHttpHeaders.transaction]: transactionId });
    const begin = async (handler: (request: Request) => Promise<Response>, tenant = 'g1') =>
      (await read(await handler(request('POST', `/v1/tenants/${tenant}/transactions`, {})))).body.transactionId as string;

    it('keep writes invisible until commit, and apply them together', async () => {
      const driver = createMemoryDriver();
      const handler = createCrmHttpHandler(createCrmStorage(driver), { authorize: allow });
      const id = await begin(handler);
      expect((await read(await handler(put('g1', 'C-1', id)))).body).toEqual({ status: 'written', versions: [1] });
      expect((await read(await handler(put('g1', 'C-2', id)))).body).toEqual({ status: 'written', versions: [1] });
      // Inside, the session reads its own writes; outside, nothing is there yet.
      const inside = await read(await handler(request('POST', '/v1/tenants/g1/collections/customers/get', { ids: ['C-1'] }, { [crmHttpHeaders.transaction]: id })));
      expect((inside.body.rows as unknown[])[0]).not.toBeNull();
      expect(driver.peekRecord('g1', 'customers', 'C-1')).toBeNull();
      expect((await read(await handler(request('POST', `/v1/tenants/g1/transactions/${id}/commit`, {})))).body).toEqual({ committed: true });
      expect([driver.peekRecord('g1', 'customers', 'C-1')?.version, driver.peekRecord('g1', 'customers', 'C-2')?.version]).toEqual([1, 1]);
      // The session is gone once committed.
      const after = await read(await handler(put('g1', 'C-3', id)));
      expect([after.status, after.body.error?.code]).toEqual([404, 'NOT_FOUND']);
    });

    it('roll back on request, leaving nothing', async () => {
      const driver = createMemoryDriver();
      const handler = createCrmHttpHandler(createCrmStorage(driver), { authorize: allow });
      const id = await begin(handler);
      await handler(put('g1', 'C-1', id));
      expect((await read(await handler(request('POST', `/v1/tenants/g1/transactions/${id}/rollback`, {})))).body).toEqual({ rolledBack: true });
      expect(driver.peekRecord('g1', 'customers', 'C-1')).toBeNull();
    });

    it('are bound to their tenant, and to the calls a transaction offers', async () => {
      const handler = createCrmHttpHandler(createCrmStorage(createMemoryDriver()), { authorize: allow });
      const id = await begin(handler);
      const other = await read(await handler(put('g2', 'C-1', id)));
      expect([other.status, other.body.error?.code]).toEqual([400, 'VALIDATION_FAILED']);
      const claim = await read(await handler(request('POST', '/v1/tenants/g1/outbox/webhooks/claim', { limit: 1, nowMs: 0, leaseExpiresAtMs: 10 }, { [crmHttpHeaders.transaction]: id })));
      expect([claim.status, (claim.body.error?.details.issues as { path: string }[])[0]?.path]).toEqual([400, 'headers.crm-transaction']);
      await handler.close();
    });

    it('roll back a session left idle past its timeout', async () => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
      const driver = createMemoryDriver();
      const handler = createCrmHttpHandler(createCrmStorage(driver), { authorize: allow, transactions: { idleTimeoutMs: 5000 } });
      const id = await begin(handler);
      await handler(put('g1', 'C-1', id));
      await vi.advanceTimersByTimeAsync(4999);
      await handler(put('g1', 'C-2', id)); // a call restarts the idle clock
      await vi.advanceTimersByTimeAsync(4999);
      expect((await read(await handler(request('POST', `/v1/tenants/g1/transactions/${id}/commit`, {})))).body).toEqual({ committed: true });
      const second = await begin(handler);
      await handler(put('g1', 'C-3', second));
      await vi.advanceTimersByTimeAsync(5000);
      const late = await read(await handler(request('POST', `/v1/tenants/g1/transactions/${second}/commit`, {})));
      expect([late.status, late.body.error?.code]).toEqual([404, 'NOT_FOUND']);
      expect([driver.peekRecord('g1', 'customers', 'C-2')?.version, driver.peekRecord('g1', 'customers', 'C-3')]).toEqual([1, null]);
    });

    it('are limited in number: one more is 503 with Retry-After', async () => {
      const handler = createCrmHttpHandler(createCrmStorage(createMemoryDriver()), { authorize: allow, transactions: { maxOpen: 1 } });
      await begin(handler, 'g1');
      const refused = await handler(request('POST', '/v1/tenants/g2/transactions', {}));
      expect([refused.status, refused.headers.get('retry-after'), ((await refused.json()) as { error: { code: string } }).error.code]).toEqual([503, '1', 'UNAVAILABLE']);
      await handler.close();
      expect(typeof (await begin(handler, 'g2'))).toBe('string');
      await handler.close();
    });

    it('roll back at once a session whose client went away while it waited to open', async () => {
      const driver = createMemoryDriver();
      const handler = createCrmHttpHandler(createCrmStorage(driver), { authorize: allow, transactions: { maxOpen: 2 } });
      const first = await begin(handler);
      // The memory driver runs one transaction per tenant at a time: the second waits for the first.
      const gone = new AbortController();
      const waiting = handler(new Request('http://crm.test/v1/tenants/g1/transactions', { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' }, signal: gone.signal }));
      gone.abort();
      await handler(put('g1', 'C-1', first));
      await handler(request('POST', `/v1/tenants/g1/transactions/${first}/commit`, {}));
      const answer = await read(await waiting);
      expect([answer.status, answer.body.error?.code, answer.body.error?.message]).toEqual([503, 'UNAVAILABLE', 'the client went away before its transaction opened; it was rolled back']);
      // Nothing holds the tenant any more: two sessions can open (maxOpen 2), and a plain write goes through.
      await handler(request('POST', `/v1/tenants/g1/transactions/${await begin(handler)}/rollback`, {}));
      expect((await read(await handler(put('g1', 'C-2')))).body).toEqual({ status: 'written', versions: [1] });
      expect(driver.peekRecord('g1', 'customers', 'C-1')?.version).toBe(1);
    });

    it('are all rolled back when the handler closes', async () => {
      const driver = createMemoryDriver();
      const handler = createCrmHttpHandler(createCrmStorage(driver), { authorize: allow });
      const id = await begin(handler);
      await handler(put('g1', 'C-1', id));
      await handler.close();
      expect(driver.peekRecord('g1', 'customers', 'C-1')).toBeNull();
      expect((await handler(put('g1', 'C-2'))).status).toBe(200); // the tenant's lock was released
    });

    it('are refused with 501 when turned off', async () => {
      const handler = createCrmHttpHandler(createCrmStorage(createMemoryDriver()), { authorize: allow, transactions: false });
      const { status, body } = await read(await handler(request('POST', '/v1/tenants/g1/transactions', {})));
      expect([status, body.error?.code]).toEqual([501, 'UNSUPPORTED']);
      const inside = await read(await handler(put('g1', 'C-1', 'some-session')));
      expect([inside.status, inside.body.error?.code]).toEqual([501, 'UNSUPPORTED']);
    });
  });

  it('refuses bad options', () => {
    const storage = createCrmStorage(createMemoryDriver());
    const attempt = (options: unknown) => {
      try {
        createCrmHttpHandler(storage, options as never);
        return undefined;
      } catch (error) {
        return isCrmError(error, 'VALIDATION_FAILED') ? (error as ValidationError).issues.map((issue) => issue.path) : error;
      }
    };
    expect(attempt({})).toEqual(['authorize']);
    expect(attempt({ authorize: allow, basePath: 'storage' })).toEqual(['basePath']);
    expect(attempt({ authorize: allow, maxBodyBytes: 10 })).toEqual(['maxBodyBytes']);
    expect(attempt({ authorize: allow, transactions: { idleTimeoutMs: 0 } })).toEqual(['transactions.idleTimeoutMs']);
  });
});
