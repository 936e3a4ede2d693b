import ky, { isHTTPError, type KyInstance, type Options as KyOptions } from 'ky';
import type { z } from 'zod';
import { CrmError, issuesFromZod } from '../../core/index.js';
import { STORAGE_CONTRACT_VERSION } from '../contract-version.js';
import type { OutboxDeliveryRow, PutRecordsOutcome, StorageDriver, StorageDriverOperations, StoredEntry, StoredRow } from '../driver.js';
import { badResponseError, timeoutError, toCrmError, type CallContext } from './client-errors.js';
import { resolveClientOptions, type CrmHttpClientOptions, type ResolvedClientOptions } from './client-options.js';
import { routeOf, routePath, type CrmHttpOperation, type CrmHttpRouteParams } from './routes.js';
import { retryAfterMs } from './wire-errors.js';
import { crmHttpHeaders } from './wire-headers.js';
import { responseBodySchemas } from './wire-schemas.js';
import { within } from './within.js';

/** One call of the protocol. */
interface Call<O extends keyof typeof responseBodySchemas> {
  readonly operation: O;
  readonly params: CrmHttpRouteParams;
  readonly json?: unknown;
  readonly searchParams?: Record<string, string>;
  readonly headers?: Record<string, string>;
  /** Safe to retry: a read, a rollback, or an append with an idempotency key. */
  readonly idempotent: boolean;
}

/** Sends protocol calls: retries, timeouts, headers, and every failure as a `CrmError`. */
export interface HttpCaller {
  /** Sends one call and returns its checked response body. */
  send<O extends keyof typeof responseBodySchemas>(call: Call<O>): Promise<z.output<(typeof responseBodySchemas)[O]>>;
}

/** Builds the caller over ky for resolved options. */
export function createHttpCaller(options: ResolvedClientOptions): HttpCaller {
  const { retry, timeoutMs } = options;
  const beforeRequest: NonNullable<NonNullable<KyOptions['hooks']>['beforeRequest']> = [];
  const { headers } = options;
  if (headers !== undefined) {
    beforeRequest.push(async (request) => {
      const values = new Headers(typeof headers === 'function' ? await headers() : headers);
      values.forEach((value, name) => request.headers.set(name, value));
    });
  }
  if (options.beforeRequest !== undefined) {
    const hook = options.beforeRequest;
    beforeRequest.push(async (request) => (await hook(request)) ?? undefined);
  }
  const client: KyInstance = ky.create({
    prefixUrl: options.baseUrl,
    timeout: timeoutMs,
    throwHttpErrors: true,
    hooks: { beforeRequest },
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
  });

  const retryOptions = (method: string, idempotent: boolean): NonNullable<KyOptions['retry']> => {
    if (!idempotent || retry.limit === 0) return { limit: 0 };
    return {
      limit: retry.limit,
      methods: [method.toLowerCase()],
      statusCodes: [...retry.statusCodes],
      afterStatusCodes: [429, 503],
      maxRetryAfter: retry.maxRetryAfterMs,
      backoffLimit: retry.maxDelayMs,
      delay: (attempt) => retry.initialDelayMs * 2 ** (attempt - 1),
      jitter: retry.jitter,
      retryOnTimeout: true,
      // A server that asks to wait longer than we would is not retried: the
      // caller gets RATE_LIMITED / UNAVAILABLE with details.retryAfterMs.
      shouldRetry: ({ error }) => {
        if (!isHTTPError(error)) return undefined;
        const wait = retryAfterMs(error.response.headers.get('retry-after'), Date.now());
        return wait !== undefined && wait > retry.maxRetryAfterMs ? false : undefined;
      },
    };
  };

  return {
    async send(call) {
      const route = routeOf(call.operation as CrmHttpOperation);
      const path = routePath(call.operation as CrmHttpOperation, call.params);
      const context: CallContext = { operation: call.operation as CrmHttpOperation, method: route.method, url: `${options.baseUrl}${path}`, timeoutMs, idempotent: call.idempotent };
      let response: Response;
      let text: string;
      // Aborts the body read when it outlasts the timeout (ky's own timeout ends with the headers).
      const abort = new AbortController();
      try {
        response = await client(path, {
          method: route.method,
          signal: abort.signal,
          retry: retryOptions(route.method, call.idempotent),
          ...(call.json === undefined ? {} : { json: call.json }),
          ...(call.searchParams === undefined ? {} : { searchParams: call.searchParams }),
          ...(call.headers === undefined ? {} : { headers: call.headers }),
        });
        text = await within(response.text(), timeoutMs, () => {
          abort.abort();
          return timeoutError(context);
        });
      } catch (error) {
        throw await toCrmError(error, context);
      }
      if (!(response.headers.get('content-type') ?? '').toLowerCase().includes('application/json')) {
        throw badResponseError(context, `content type ${JSON.stringify(response.headers.get('content-type'))} instead of JSON`, undefined, { status: response.status });
      }
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (error) {
        throw badResponseError(context, `a body that is not JSON: ${JSON.stringify(text.slice(0, 120))}`, error, { status: response.status });
      }
      const parsed = responseBodySchemas[call.operation].safeParse(json);
      if (!parsed.success) {
        const issues = issuesFromZod(parsed.error.issues).slice(0, 5);
        throw badResponseError(context, `a body of the wrong shape (${issues.map((issue) => `${issue.path || 'body'}: ${issue.message}`).join('; ')})`, parsed.error, { issues });
      }
      return parsed.data as never;
    },
  };
}

/**
 * Creates the HTTP storage driver: the driver protocol of a storage served
 * by {@link createCrmHttpHandler}, one request per call, with ky. Wrap it
 * with `createCrmStorage` (which validates and decodes on this side too), or
 * use {@link connectCrmHttpStorage}, which also asks the server what it
 * offers.
 *
 * Reads and appends with an idempotency key are retried with exponential
 * backoff (and `Retry-After` honoured) on network errors, timeouts and the
 * policy's statuses; every other call is sent once. Appends send their key
 * in an `Idempotency-Key` header (percent-encoded, so any id fits). Every
 * failure is a `CrmError` with the transport error as its `cause`: the
 * server's own error (`VALIDATION_FAILED` with its issues, `FORBIDDEN`,
 * `VERSION_CONFLICT` …) when it sent one, else `TIMEOUT`, `UNAVAILABLE`
 * (network), `RATE_LIMITED` (429) or `BAD_RESPONSE` (a body that is not the
 * protocol's). A failed call that is not safe to retry carries
 * `details.outcomeUnknown: true`.
 *
 * Transactions open a session on the server (`POST …/transactions`); the
 * calls inside name it in a `Crm-Transaction` header, and the session commits
 * when the callback resolves and rolls back when it throws.
 *
 * @throws `ValidationError` for bad options.
 * @example
 * ```ts
 * const storage = createCrmStorage(createCrmHttpDriver({ baseUrl: 'https://crm.example.com/storage', headers: { authorization: `Bearer ${token}` } }));
 * ```
 */
export function createCrmHttpDriver(options: CrmHttpClientOptions): StorageDriver {
  const resolved = resolveClientOptions(options);
  return createDriverWith(resolved, createHttpCaller(resolved));
}

/** The driver over a caller (shared with {@link connectCrmHttpStorage}). */
export function createDriverWith(resolved: ResolvedClientOptions, caller: HttpCaller): StorageDriver {
  let closed = false;
  const send: HttpCaller['send'] = (call) => {
    if (closed) return Promise.reject(new CrmError('UNAVAILABLE', 'the http storage driver was closed', { details: { driver: 'http' } }));
    return caller.send(call);
  };

  const operations = (transactionId: string | null): StorageDriverOperations => {
    const headers = (extra: Record<string, string> = {}) => (transactionId === null ? extra : { ...extra, [crmHttpHeaders.transaction]: transactionId });
    return {
      async getRecords(tenantId, collection, ids) {
        const body = await send({ operation: 'getRecords', params: { tenantId, collection }, json: { ids }, headers: headers(), idempotent: true });
        return body.rows as (StoredRow | null)[];
      },
      async putRecords(tenantId, collection, writes) {
        const json = { writes: writes.map((write) => ({ id: write.id, document: write.document, expectedVersion: write.expectedVersion })) };
        return (await send({ operation: 'putRecords', params: { tenantId, collection }, json, headers: headers(), idempotent: false })) as PutRecordsOutcome;
      },
      async deleteRecord(tenantId, collection, id, expectedVersion) {
        return await send({ operation: 'deleteRecord', params: { tenantId, collection }, json: { id, expectedVersion }, headers: headers(), idempotent: false });
      },
      async queryRecords(tenantId, collection, plan) {
        const body = await send({ operation: 'queryRecords', params: { tenantId, collection }, json: { plan }, headers: headers(), idempotent: true });
        return body.rows as StoredRow[];
      },
      async appendToStream(tenantId, kind, streamId, request) {
        const key = request.idempotency?.key;
        const body = await send({
          operation: 'appendToStream',
          params: { tenantId, kind, streamId },
          json: { payloads: request.payloads, expectedVersion: request.expectedVersion },
          headers: headers(key === undefined ? {} : { [crmHttpHeaders.idempotencyKey]: encodeURIComponent(key) }),
          idempotent: key !== undefined,
        });
        if (body.status === 'version_conflict') return body;
        return { ...body, entries: body.entries as StoredEntry[] };
      },
      async readStream(tenantId, kind, streamId, fromPosition, limit) {
        const body = await send({
          operation: 'readStream',
          params: { tenantId, kind, streamId },
          searchParams: { from: String(fromPosition), limit: String(limit) },
          headers: headers(),
          idempotent: true,
        });
        return { version: body.version, entries: body.entries as StoredEntry[] };
      },
    };
  };

  const driver: StorageDriver = {
    name: 'http',
    contractVersion: STORAGE_CONTRACT_VERSION,
    capabilities: resolved.capabilities,
    ...operations(null),

    async transaction(tenantId, fn) {
      const { transactionId } = await send({ operation: 'beginTransaction', params: { tenantId }, json: {}, idempotent: false });
      const params = { tenantId, transactionId };
      let result: Awaited<ReturnType<typeof fn>>;
      try {
        result = await fn(operations(transactionId));
      } catch (error) {
        // The callback's error is what the caller sees; a failed rollback
        // only leaves the session to the server's idle timeout.
        await send({ operation: 'rollbackTransaction', params, json: {}, idempotent: true }).catch(() => undefined);
        throw error;
      }
      await send({ operation: 'commitTransaction', params, json: {}, idempotent: false });
      return result;
    },

    async importRows(tenantId, collection, rows) {
      const json = { rows: rows.map((row) => ({ id: row.id, document: row.document })) };
      await send({ operation: 'importRows', params: { tenantId, collection }, json, idempotent: false });
    },

    async claimOutbox(tenantId, streamId, request) {
      const body = await send({ operation: 'claimOutbox', params: { tenantId, streamId }, json: request, idempotent: false });
      return body.claims.map((claim) => ({ entry: claim.entry as StoredEntry, attempt: claim.attempt }));
    },

    async completeOutbox(tenantId, streamId, position, attempt, outcome) {
      const body = await send({ operation: 'completeOutbox', params: { tenantId, streamId }, json: { position, attempt, outcome }, idempotent: false });
      return body.applied;
    },

    async readOutboxDelivery(tenantId, streamId, position) {
      const body = await send({ operation: 'readOutboxDelivery', params: { tenantId, streamId, position: String(position) }, idempotent: true });
      return body.delivery as OutboxDeliveryRow | null;
    },

    async close() {
      closed = true;
    },
  };
  return Object.freeze(driver);
}
