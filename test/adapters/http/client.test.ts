/**
 * The HTTP client against msw: the real handler answers unless a test puts a
 * failure in front of it, so every test sees what a real server would send.
 */
import { HTTPError, TimeoutError } from 'ky';
import { delay, http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { z } from 'zod';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createCrmStorage, defaultStorageRegistry, defineRecordCollection, extendStorageRegistry, type CrmStorage } from 'dealer-crm/adapters';
import { connectCrmHttpStorage, createCrmHttpDriver, createCrmHttpHandler, type CrmHttpClientOptions } from 'dealer-crm/adapters/http';
import { createMemoryDriver } from 'dealer-crm/adapters/memory';
import { CrmError, isCrmError, ValidationError } from 'dealer-crm/core';
import { customer } from './support.js';

const base = 'https://crm.test/storage';
const memory = createMemoryDriver();
const handler = createCrmHttpHandler(createCrmStorage(memory), { authorize: (_request, { tenantId }) => tenantId !== 'forbidden', basePath: '/storage' });
const server = setupServer(http.all(`${base}/*`, ({ request }) => handler(request)));

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  server.resetHandlers();
  vi.useRealTimers();
});
afterAll(async () => {
  server.close();
  await handler.close();
});

let tenantSeq = 0;
/** A fresh tenant per test: the memory storage behind the handler is shared. */
const freshTenant = () => `t-${++tenantSeq}`;

function client(options: Partial<CrmHttpClientOptions> = {}): CrmStorage {
  return createCrmStorage(createCrmHttpDriver({ baseUrl: base, retry: { initialDelayMs: 1, maxDelayMs: 2, jitter: false }, ...options }));
}

/** Puts `answers` in front of the real handler for one route, one answer per request; counts requests and keeps their headers. */
function answerFirst(method: 'get' | 'post', path: string, answers: ((request: Request) => Response | Promise<Response>)[]) {
  const seen: Headers[] = [];
  server.use(
    http[method](`${base}${path}`, async ({ request }) => {
      seen.push(new Headers(request.headers));
      const answer = answers.shift();
      return answer === undefined ? handler(request) : answer(request);
    }),
  );
  return seen;
}

async function failure(promise: Promise<unknown>): Promise<CrmError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof CrmError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

/** An answer that never comes. */
const silence = async () => {
  await delay('infinite');
  return new HttpResponse(null);
};
const crmErrorBody = (code: string, message: string, details: object = {}) => ({ error: { code, message, details } });
const audit = { action: 'loyalty.tier_changed', at: '2024-05-01T02:00:00Z' };

describe('the HTTP storage client', () => {
  it('speaks the protocol: what it writes comes back decoded, instants as Date', async () => {
    const storage = client();
    const tenant = freshTenant();
    const written = await storage.put(tenant, 'customers', customer('C-1', { name: '䶮𠮷' }), { expectedVersion: 0 });
    expect(written.version).toBe(1);
    const read = await storage.get(tenant, 'customers', 'C-1');
    // customerInput's createdAt is 2023-04-01T10:00:00+08:00, which is 02:00 UTC.
    expect([read?.record.name, read?.record.createdAt.toISOString()]).toEqual(['䶮𠮷', '2023-04-01T02:00:00.000Z']);
    expect((await storage.query(tenant, 'customers', { where: { dealerId: 'D-SH-01' } })).items.map((item) => item.record.id)).toEqual(['C-1']);
    await storage.append(tenant, 'audit_log', 'S-1', [audit]);
    expect((await storage.readStream(tenant, 'audit_log', 'S-1')).entries[0]?.payload.at).toEqual(new Date('2024-05-01T02:00:00Z'));
    expect(memory.peekRecord(tenant, 'customers', 'C-1')?.version).toBe(1);
  });

  describe('retries', () => {
    it('retries an idempotent read after 5xx answers, then succeeds', async () => {
      const tenant = freshTenant();
      const seen = answerFirst('post', `/v1/tenants/${tenant}/collections/customers/get`, [
        () => HttpResponse.json(crmErrorBody('UNAVAILABLE', 'database restarting'), { status: 503 }),
        () => new HttpResponse('bad gateway', { status: 502 }),
      ]);
      expect(await client().get(tenant, 'customers', 'C-1')).toBeNull();
      expect(seen).toHaveLength(3);
    });

    it('never retries a put: one request, UNAVAILABLE with the outcome marked unknown and the HTTP error as cause', async () => {
      const tenant = freshTenant();
      const seen = answerFirst('post', `/v1/tenants/${tenant}/collections/customers/put`, [() => new HttpResponse(null, { status: 503 })]);
      const error = await failure(client().put(tenant, 'customers', customer('C-1')));
      expect(seen).toHaveLength(1);
      expect([error.code, error.details.outcomeUnknown, error.details.status]).toEqual(['UNAVAILABLE', true, 503]);
      expect(error.cause).toBeInstanceOf(HTTPError);
      expect(error.message).toContain('may or may not have been applied');
    });

    it('never retries an append without an idempotency key', async () => {
      const tenant = freshTenant();
      const seen = answerFirst('post', `/v1/tenants/${tenant}/streams/audit_log/S-1/append`, [() => new HttpResponse(null, { status: 500 })]);
      expect((await failure(client().append(tenant, 'audit_log', 'S-1', [audit]))).code).toBe('UNAVAILABLE');
      expect(seen).toHaveLength(1);
    });

    it('retries an append with an idempotency key whose answer was lost: the retry is a replay, stored once', async () => {
      const tenant = freshTenant();
      const seen = answerFirst('post', `/v1/tenants/${tenant}/streams/audit_log/S-1/append`, [
        async (request) => {
          await handler(request); // the server appends …
          return new HttpResponse('upstream connect error', { status: 502 }); // … and the answer is lost on the way back
        },
      ]);
      const result = await client().append(tenant, 'audit_log', 'S-1', [audit], { idempotencyKey: '退款:RO-77' });
      expect([result.replayed, result.version, result.entries[0]?.position]).toEqual([true, 1, 1]);
      expect(memory.peekStreamLength(tenant, 'audit_log', 'S-1')).toBe(1);
      expect(seen.map((headers) => headers.get('idempotency-key'))).toEqual([encodeURIComponent('退款:RO-77'), encodeURIComponent('退款:RO-77')]);
    });

    it('retries network errors on reads and reports UNAVAILABLE with the fetch error as cause when they persist', async () => {
      const tenant = freshTenant();
      const seen = answerFirst('get', `/v1/tenants/${tenant}/streams/audit_log/S-1`, [() => HttpResponse.error(), () => HttpResponse.error(), () => HttpResponse.error()]);
      const error = await failure(client().readStream(tenant, 'audit_log', 'S-1'));
      expect([error.code, seen.length]).toEqual(['UNAVAILABLE', 3]);
      expect(error.cause).toBeInstanceOf(TypeError);
      expect(error.details.outcomeUnknown).toBeUndefined();
      // A put that meets a network error is sent once.
      const puts = answerFirst('post', `/v1/tenants/${tenant}/collections/customers/put`, [() => HttpResponse.error()]);
      expect((await failure(client().put(tenant, 'customers', customer('C-1')))).code).toBe('UNAVAILABLE');
      expect(puts).toHaveLength(1);
    });

    it('waits as long as a 429’s Retry-After asks, not the shorter backoff', async () => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
      const tenant = freshTenant();
      const seen = answerFirst('post', `/v1/tenants/${tenant}/collections/customers/get`, [
        () => HttpResponse.json(crmErrorBody('RATE_LIMITED', 'slow down'), { status: 429, headers: { 'retry-after': '30' } }),
      ]);
      const pending = client().get(tenant, 'customers', 'C-1');
      await vi.advanceTimersByTimeAsync(29_000); // the backoff alone (1 ms) would have retried long ago
      expect(seen).toHaveLength(1);
      await vi.advanceTimersByTimeAsync(1_000);
      await expect(pending).resolves.toBeNull();
      expect(seen).toHaveLength(2);
    });

    it('does not wait for a Retry-After beyond its limit: RATE_LIMITED with retryAfterMs, for the caller to schedule', async () => {
      const tenant = freshTenant();
      const seen = answerFirst('post', `/v1/tenants/${tenant}/collections/customers/get`, [() => new HttpResponse(null, { status: 429, headers: { 'retry-after': '3600' } })]);
      const error = await failure(client({ retry: { maxRetryAfterMs: 60_000 } }).get(tenant, 'customers', 'C-1'));
      expect([error.code, error.details.retryAfterMs, seen.length]).toEqual(['RATE_LIMITED', 3_600_000, 1]);
    });

    it('does not retry a 429 on a put either', async () => {
      const tenant = freshTenant();
      const seen = answerFirst('post', `/v1/tenants/${tenant}/collections/customers/put`, [() => new HttpResponse(null, { status: 429, headers: { 'retry-after': '1' } })]);
      const error = await failure(client().put(tenant, 'customers', customer('C-1')));
      expect([error.code, error.details.retryAfterMs, seen.length]).toEqual(['RATE_LIMITED', 1000, 1]);
    });

    it('can be turned off', async () => {
      const tenant = freshTenant();
      const seen = answerFirst('post', `/v1/tenants/${tenant}/collections/customers/get`, [() => new HttpResponse(null, { status: 503 })]);
      expect((await failure(client({ retry: { limit: 0 } }).get(tenant, 'customers', 'C-1'))).code).toBe('UNAVAILABLE');
      expect(seen).toHaveLength(1);
    });
  });

  describe('timeouts', () => {
    it('gives up on a server that does not answer: TIMEOUT with ky’s TimeoutError as cause, reads retried', async () => {
      const tenant = freshTenant();
      const seen = answerFirst('post', `/v1/tenants/${tenant}/collections/customers/get`, [silence, silence]);
      const error = await failure(client({ timeoutMs: 20, retry: { limit: 1, initialDelayMs: 1 } }).get(tenant, 'customers', 'C-1'));
      expect([error.code, error.details.timeoutMs, seen.length]).toEqual(['TIMEOUT', 20, 2]);
      expect(error.cause).toBeInstanceOf(TimeoutError);
    });

    it('sends a put once even when it times out, and says its outcome is unknown', async () => {
      const tenant = freshTenant();
      const seen = answerFirst('post', `/v1/tenants/${tenant}/collections/customers/put`, [silence]);
      const error = await failure(client({ timeoutMs: 20 }).put(tenant, 'customers', customer('C-1')));
      expect([error.code, error.details.outcomeUnknown, seen.length]).toEqual(['TIMEOUT', true, 1]);
    });

    it('times out a body that starts and never ends', async () => {
      const tenant = freshTenant();
      answerFirst('post', `/v1/tenants/${tenant}/collections/customers/get`, [
        () =>
          new HttpResponse(
            new ReadableStream({
              start(controller) {
                controller.enqueue(new TextEncoder().encode('{"rows":['));
              },
            }),
            { headers: { 'content-type': 'application/json' } },
          ),
      ]);
      expect((await failure(client({ timeoutMs: 30, retry: { limit: 0 } }).get(tenant, 'customers', 'C-1'))).code).toBe('TIMEOUT');
    });
  });

  describe('malformed answers', () => {
    const get = (tenant: string, answer: () => Response) => {
      answerFirst('post', `/v1/tenants/${tenant}/collections/customers/get`, [answer, answer, answer]);
      return failure(client().get(tenant, 'customers', 'C-1'));
    };

    it('refuses a body that is not JSON', async () => {
      const error = await get(freshTenant(), () => new HttpResponse('{"rows": [nul', { headers: { 'content-type': 'application/json' } }));
      expect(error.code).toBe('BAD_RESPONSE');
      expect(error.cause).toBeInstanceOf(SyntaxError);
    });

    it('refuses an HTML page where JSON was due (a proxy’s login page)', async () => {
      const error = await get(freshTenant(), () => HttpResponse.html('<html>sign in</html>'));
      expect([error.code, error.message]).toEqual(['BAD_RESPONSE', expect.stringContaining('text/html')]);
    });

    it('refuses JSON of the wrong shape, naming where', async () => {
      const error = await get(freshTenant(), () => HttpResponse.json({ rows: 'none' }));
      expect([error.code, error.details.issues]).toEqual(['BAD_RESPONSE', [{ path: 'rows', message: expect.any(String) }]]);
    });

    it('refuses a well-formed answer that breaks the contract: a row of another tenant', async () => {
      const tenant = freshTenant();
      const error = await get(tenant, () => HttpResponse.json({ rows: [{ tenantId: 'someone-else', id: 'C-1', version: 1, document: customer('C-1') }] }));
      expect(error.code).toBe('BAD_RESPONSE');
      expect(error.message).toContain('"someone-else"');
    });

    it('reads a bare 404 as a wrong base URL and a bare 500 as UNAVAILABLE', async () => {
      expect((await get(freshTenant(), () => new HttpResponse('Not Found', { status: 404 }))).message).toContain('is the base URL right?');
      expect((await get(freshTenant(), () => new HttpResponse('<h1>500</h1>', { status: 500 }))).code).toBe('UNAVAILABLE');
    });
  });

  describe('the server’s own errors', () => {
    it('FORBIDDEN for a tenant the caller may not touch', async () => {
      const error = await failure(client().get('forbidden', 'customers', 'C-1'));
      expect([error.code, error.details]).toEqual(['FORBIDDEN', { operation: 'getRecords', tenantId: 'forbidden' }]);
      expect(error.cause).toBeInstanceOf(HTTPError);
    });

    it('UNAUTHENTICATED from an authorize that wants a token', async () => {
      const strict = createCrmHttpHandler(createCrmStorage(createMemoryDriver()), {
        basePath: '/strict',
        authorize: (request) => {
          if (request.headers.get('authorization') !== 'Bearer 007') throw new CrmError('UNAUTHENTICATED', 'expected a bearer token');
          return true;
        },
      });
      server.use(http.all('https://crm.test/strict/*', ({ request }) => strict(request)));
      const anonymous = await failure(client({ baseUrl: 'https://crm.test/strict' }).get('g1', 'customers', 'C-1'));
      expect(anonymous.code).toBe('UNAUTHENTICATED');
      expect(await client({ baseUrl: 'https://crm.test/strict', headers: { authorization: 'Bearer 007' } }).get('g1', 'customers', 'C-1')).toBeNull();
    });

    it('VALIDATION_FAILED as a ValidationError with the server’s issues (a collection the server does not serve)', async () => {
      const registry = extendStorageRegistry(defaultStorageRegistry, {
        collections: { spaceships: defineRecordCollection({ description: 'a collection only the client knows', schema: z.looseObject({ id: z.string() }), indexes: {} }) },
      });
      const storage = createCrmStorage(createCrmHttpDriver({ baseUrl: base, capabilities: { customCollections: true } }), { registry });
      const error = await failure(storage.get('g1', 'spaceships', 'S-1'));
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).issues).toEqual([{ path: 'collection', message: expect.stringContaining('unknown collection "spaceships"') }]);
    });

    it('VERSION_CONFLICT for a stale write, with the contract’s details', async () => {
      const storage = client();
      const tenant = freshTenant();
      await storage.put(tenant, 'customers', customer('C-1'));
      const error = await failure(storage.put(tenant, 'customers', customer('C-1'), { expectedVersion: 0 }));
      expect([error.code, error.details]).toEqual(['VERSION_CONFLICT', { collection: 'customers', id: 'C-1', expectedVersion: 0, actualVersion: 1 }]);
    });

    it('IDEMPOTENCY_CONFLICT for a key reused with other payloads', async () => {
      const storage = client();
      const tenant = freshTenant();
      await storage.append(tenant, 'audit_log', 'S-1', [audit], { idempotencyKey: 'k-1' });
      const error = await failure(storage.append(tenant, 'audit_log', 'S-1', [{ ...audit, action: 'other' }], { idempotencyKey: 'k-1' }));
      expect([error.code, error.details.idempotencyKey]).toEqual(['IDEMPOTENCY_CONFLICT', 'k-1']);
    });

    it('a conflict reported as an error body (at commit) keeps its code and details', async () => {
      const tenant = freshTenant();
      server.use(
        http.post(`${base}/v1/tenants/${tenant}/transactions/:id/commit`, async ({ request }) => {
          await handler(new Request(request.url.replace('/commit', '/rollback'), { method: 'POST', headers: request.headers, body: '{}' }));
          return HttpResponse.json(crmErrorBody('VERSION_CONFLICT', 'customers record C-1 is at version 2; expected version 1', { collection: 'customers', id: 'C-1', expectedVersion: 1, actualVersion: 2 }), { status: 409 });
        }),
      );
      const error = await failure(client().transaction(tenant, async (tx) => tx.put(tenant, 'customers', customer('C-1'))));
      expect([error.code, error.message, error.details.actualVersion]).toEqual(['VERSION_CONFLICT', 'customers record C-1 is at version 2; expected version 1', 2]);
      expect(memory.peekRecord(tenant, 'customers', 'C-1')).toBeNull();
    });
  });

  describe('transactions', () => {
    it('commit what the callback wrote, through a server session', async () => {
      const tenant = freshTenant();
      const result = await client().transaction(tenant, async (tx) => {
        await tx.put(tenant, 'customers', customer('C-1'));
        await tx.append(tenant, 'audit_log', 'C-1', [audit]);
        return (await tx.get(tenant, 'customers', 'C-1'))?.version;
      });
      expect([result, memory.peekRecord(tenant, 'customers', 'C-1')?.version, memory.peekStreamLength(tenant, 'audit_log', 'C-1')]).toEqual([1, 1, 1]);
    });

    it('roll back when the callback throws, and rethrow its very error', async () => {
      const tenant = freshTenant();
      const seen = answerFirst('post', `/v1/tenants/${tenant}/transactions/:id/rollback`, []);
      const thrown = new Error('approval failed');
      const caught = await client()
        .transaction(tenant, async (tx) => {
          await tx.put(tenant, 'customers', customer('C-1'));
          throw thrown;
        })
        .catch((error: unknown) => error);
      expect(caught).toBe(thrown);
      expect(seen).toHaveLength(1);
      expect(memory.peekRecord(tenant, 'customers', 'C-1')).toBeNull();
    });
  });

  describe('auth', () => {
    it('calls a headers function before every attempt, and runs beforeRequest after it', async () => {
      const tenant = freshTenant();
      const seen = answerFirst('post', `/v1/tenants/${tenant}/collections/customers/get`, [() => new HttpResponse(null, { status: 503 })]);
      let token = 0;
      const storage = client({
        headers: () => ({ authorization: `Bearer t-${++token}` }),
        beforeRequest: (request) => {
          request.headers.set('x-dealer-group', request.headers.get('authorization') ?? 'none');
          return undefined;
        },
      });
      await storage.get(tenant, 'customers', 'C-1');
      expect(seen.map((headers) => [headers.get('authorization'), headers.get('x-dealer-group')])).toEqual([
        ['Bearer t-1', 'Bearer t-1'],
        ['Bearer t-2', 'Bearer t-2'],
      ]);
    });
  });

  describe('connectCrmHttpStorage', () => {
    it('takes the server’s capabilities', async () => {
      const stateless = createCrmHttpHandler(createCrmStorage(createMemoryDriver()), { authorize: () => true, basePath: '/stateless', transactions: false });
      server.use(http.all('https://crm.test/stateless/*', ({ request }) => stateless(request)));
      const storage = await connectCrmHttpStorage({ baseUrl: 'https://crm.test/stateless' });
      expect(storage.capabilities).toEqual({ transactions: false, outbox: true, customCollections: true, bulkImport: true });
      expect((await failure(storage.transaction('g1', async () => 1))).code).toBe('UNSUPPORTED');
      expect((await storage.importRecords('g1', 'customers', [customer('C-1'), customer('C-2')])).imported).toBe(2);
    });

    it('refuses a server of another contract version, or one that does not serve the registry', async () => {
      const described = (await (await handler(new Request(`${base}/v1/contract`))).json()) as Record<string, unknown>;
      server.use(http.get(`${base}/v1/contract`, () => HttpResponse.json({ ...described, contractVersion: 2 }), { once: true }));
      const version = await failure(connectCrmHttpStorage({ baseUrl: base }));
      expect([version.code, version.details.serverContractVersion]).toEqual(['UNSUPPORTED', 2]);
      server.use(http.get(`${base}/v1/contract`, () => HttpResponse.json({ ...described, streams: ['audit_log'] }), { once: true }));
      const missing = await failure(connectCrmHttpStorage({ baseUrl: base }));
      expect(missing.code).toBe('UNSUPPORTED');
      expect(missing.details.missing).toContain('stream kind outbox');
    });
  });

  it('refuses bad options, naming each', () => {
    const issues = (options: unknown) => {
      try {
        createCrmHttpDriver(options as CrmHttpClientOptions);
        return [];
      } catch (error) {
        return isCrmError(error, 'VALIDATION_FAILED') ? (error as ValidationError).issues.map((issue) => issue.path) : [String(error)];
      }
    };
    expect(issues({ baseUrl: 'ftp://crm.test' })).toEqual(['baseUrl']);
    expect(issues({ baseUrl: 'crm.test/storage' })).toEqual(['baseUrl']);
    expect(issues({ baseUrl: base, timeoutMs: 0, retry: { limit: 11, jitter: 'yes' } })).toEqual(['timeoutMs', 'retry.limit', 'retry.jitter']);
    expect(issues({ baseUrl: base })).toEqual([]);
  });

  it('refuses calls once closed', async () => {
    const storage = client();
    await storage.close();
    expect((await failure(storage.get('g1', 'customers', 'C-1'))).code).toBe('UNAVAILABLE');
  });
});
