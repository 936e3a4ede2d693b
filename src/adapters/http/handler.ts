import { z } from 'zod';
import { CrmError, IdSchema, parse, ValidationError } from '../../core/index.js';
import { STORAGE_CONTRACT_VERSION } from '../contract-version.js';
import type { StorageDriverOperations } from '../driver.js';
import type { SchemaMap } from '../registry.js';
import type { CrmStorage } from '../storage.js';
import { StatusFailure, statusOf } from './error-status.js';
import { readJsonBody } from './read-body.js';
import { matchRoute, type CrmHttpOperation, type CrmHttpRoute, type CrmHttpRouteParams } from './routes.js';
import { createTransactionSessions, type TransactionSessionLimits } from './transaction-sessions.js';
import { errorBody } from './wire-errors.js';
import { crmHttpHeaders } from './wire-headers.js';
import { positionParamSchema, readStreamQuerySchema, requestBodySchemas } from './wire-schemas.js';

/** What a request asks to do, for {@link CrmHttpHandlerOptions.authorize}. */
export interface CrmHttpAuthorizeContext {
  /** The tenant the request touches; `null` only for `describe`, which touches no tenant's data. */
  readonly tenantId: string | null;
  /** The protocol call. */
  readonly operation: CrmHttpOperation;
  /** The collection, for record calls. */
  readonly collection?: string;
  /** The stream kind, for stream calls (`outbox` for outbox calls). */
  readonly kind?: string;
  /** The stream id, for stream and outbox calls. */
  readonly streamId?: string;
}

/**
 * Decides whether a request may do what it asks: `true` lets it through;
 * anything else answers 403 `FORBIDDEN` before the body is read or the
 * storage touched. Throw a `CrmError` to answer with its code instead (e.g.
 * `UNAUTHENTICATED` for a missing token: 401). Read headers only: the body
 * belongs to the handler.
 */
export type CrmHttpAuthorize = (request: Request, context: CrmHttpAuthorizeContext) => boolean | Promise<boolean>;

/** Options of {@link createCrmHttpHandler}. */
export interface CrmHttpHandlerOptions {
  /** Decides per request which tenant a caller may touch (required: there is no open default). */
  readonly authorize: CrmHttpAuthorize;
  /** The path the handler is mounted under (`/storage`); default the root. Requests outside it are 404. */
  readonly basePath?: string;
  /** The largest request body, in bytes (default 16 MiB); a larger one is 413. */
  readonly maxBodyBytes?: number;
  /**
   * Transactions over HTTP keep a session open on this server between
   * requests (see the guide). `false` turns them off (the handler then
   * declares `transactions: false`, as a stateless deployment must);
   * otherwise the limits of the sessions (default idle 30 s, 64 open).
   */
  readonly transactions?: false | Partial<TransactionSessionLimits>;
  /**
   * Send the message of `INTERNAL` errors (and of errors that are not
   * `CrmError`s) to the caller (default false: they get a generic message,
   * since a database error may say more than a caller should know).
   */
  readonly exposeInternalErrors?: boolean;
  /** Called with every error answered with a status of 500 or more, for logging. */
  readonly onError?: (error: unknown, request: Request) => void;
}

/** A fetch-standard request handler serving a storage, with a way to end its open transactions. */
export interface CrmHttpHandler {
  /** Answers one request. Never throws: every failure is a JSON error response. */
  (request: Request): Promise<Response>;
  /** Rolls back the transactions still open (call it when the server shuts down). */
  close(): Promise<void>;
}

/** The default limit of a request body: 16 MiB. */
export const defaultCrmHttpMaxBodyBytes = 16 * 1024 * 1024;

const optionsSchema = z.object({
  authorize: z.custom<CrmHttpAuthorize>((value) => typeof value === 'function', { error: 'expected a function (request, { tenantId, operation }) => boolean' }),
  basePath: z
    .string()
    .regex(/^(\/[^/?#]+)*\/?$/, { error: 'expected a path such as /storage' })
    .default('')
    .transform((path) => path.replace(/\/$/, '')),
  maxBodyBytes: z.int().min(1024).max(1024 * 1024 * 1024).default(defaultCrmHttpMaxBodyBytes),
  transactions: z
    .union([z.literal(false), z.strictObject({ idleTimeoutMs: z.int().min(1).max(3_600_000), maxOpen: z.int().min(1).max(100_000) }).partial()])
    .default({}),
  exposeInternalErrors: z.boolean().default(false),
  onError: z.custom<(error: unknown, request: Request) => void>((value) => typeof value === 'function', { error: 'expected a function' }).optional(),
});

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { ...JSON_HEADERS, ...headers } });
}

/**
 * Creates a fetch-standard handler, `(request: Request) => Promise<Response>`,
 * that serves a storage over HTTP to {@link createCrmHttpDriver}: mount it in
 * Node's http server ({@link toNodeRequestListener}), Hono, Deno, Bun or a
 * worker. It serves `storage.driver`, the view of the storage that
 * re-validates every input against the storage's registry, so it trusts
 * nothing a client sends.
 *
 * Every request goes through the same steps: the route (unknown: 404, wrong
 * method: 405), the tenant id in the path (400 when invalid), `authorize`
 * (403 `FORBIDDEN` unless it returns `true`, before the body is read or the
 * storage touched), the body (JSON only: 415; at most `maxBodyBytes`: 413;
 * its shape checked with zod: 400 with `issues`), then the storage call.
 * Results are the driver protocol's JSON (contract outcomes such as a version
 * conflict are results, not errors); failures are
 * `{ error: { code, message, details } }` with the status of their code.
 *
 * @throws `ValidationError` for bad options (no `authorize`, a bad base path).
 * @example
 * ```ts
 * const handler = createCrmHttpHandler(storage, {
 *   authorize: (request, { tenantId }) => tenantId === null || tenantsOf(request).includes(tenantId),
 * });
 * createServer(toNodeRequestListener(handler)).listen(8080);
 * ```
 */
export function createCrmHttpHandler(storage: CrmStorage<SchemaMap, SchemaMap>, options: CrmHttpHandlerOptions): CrmHttpHandler {
  const settings = parse(optionsSchema, options, { label: 'HTTP handler options' });
  const driver = storage.driver;
  const transactionsOn = settings.transactions !== false && storage.capabilities.transactions;
  const sessions =
    settings.transactions === false
      ? undefined
      : createTransactionSessions(driver, { idleTimeoutMs: settings.transactions.idleTimeoutMs ?? 30_000, maxOpen: settings.transactions.maxOpen ?? 64 });
  const description = Object.freeze({
    name: storage.name,
    contractVersion: STORAGE_CONTRACT_VERSION,
    capabilities: { ...storage.capabilities, transactions: transactionsOn, bulkImport: true },
    collections: Object.keys(storage.registry.collections),
    streams: Object.keys(storage.registry.streams),
  });

  const failure = (error: unknown, request: Request): Response => {
    const extraHeaders: Record<string, string> = {};
    let crmError: CrmError;
    let status: number;
    if (error instanceof StatusFailure) {
      crmError = error.error;
      status = error.status;
      Object.assign(extraHeaders, error.headers);
    } else if (error instanceof CrmError) {
      crmError = error;
      status = statusOf(error);
    } else {
      const message = error instanceof Error ? error.message : String(error);
      crmError = new CrmError('INTERNAL', `the HTTP storage handler failed: ${message}`, { cause: error });
      status = 500;
    }
    if (status >= 500) settings.onError?.(error, request);
    const retryAfter = crmError.details.retryAfterMs;
    if ((status === 429 || status === 503) && typeof retryAfter === 'number' && retryAfter >= 0) extraHeaders['retry-after'] = String(Math.ceil(retryAfter / 1000));
    if (crmError.code === 'INTERNAL' && !settings.exposeInternalErrors) {
      return json(status, { error: { code: 'INTERNAL', message: 'the storage server failed; its log says why', details: {} } }, extraHeaders);
    }
    return json(status, errorBody(crmError), extraHeaders);
  };

  /** Runs one call, inside the request's transaction session when it names one. */
  const call = async <T>(request: Request, tenantId: string, run: (ops: StorageDriverOperations) => Promise<T>): Promise<T> => {
    const transactionId = request.headers.get(crmHttpHeaders.transaction);
    if (transactionId === null) return await run(driver);
    if (sessions === undefined) throw unsupportedTransactions();
    return await sessions.run(transactionId, tenantId, run);
  };

  const outsideTransaction = (request: Request, operation: CrmHttpOperation) => {
    if (request.headers.has(crmHttpHeaders.transaction)) {
      throw new ValidationError([{ path: `headers.${crmHttpHeaders.transaction}`, message: `${operation} is not available inside a transaction` }]);
    }
  };

  const execute = async (request: Request, route: CrmHttpRoute, params: CrmHttpRouteParams, tenantId: string): Promise<unknown> => {
    const operation = route.operation;
    const body = route.method === 'POST' ? await readJsonBody(request, settings.maxBodyBytes) : undefined;
    const collection = params.collection!;
    const streamId = params.streamId!;
    switch (operation) {
      case 'getRecords': {
        const { ids } = parseBody('getRecords', body);
        return { rows: await call(request, tenantId, (ops) => ops.getRecords(tenantId, collection, ids)) };
      }
      case 'putRecords': {
        const { writes } = parseBody('putRecords', body);
        // The index values are recomputed from each document by the guarded driver.
        const rows = writes.map((write) => ({ id: write.id, document: write.document as never, index: {}, expectedVersion: write.expectedVersion }));
        return await call(request, tenantId, (ops) => ops.putRecords(tenantId, collection, rows));
      }
      case 'deleteRecord': {
        const { id, expectedVersion } = parseBody('deleteRecord', body);
        return await call(request, tenantId, (ops) => ops.deleteRecord(tenantId, collection, id, expectedVersion));
      }
      case 'queryRecords': {
        const { plan } = parseBody('queryRecords', body);
        return { rows: await call(request, tenantId, (ops) => ops.queryRecords(tenantId, collection, plan)) };
      }
      case 'importRows': {
        outsideTransaction(request, operation);
        const { rows } = parseBody('importRows', body);
        await driver.importRows!(tenantId, collection, rows.map((row) => ({ id: row.id, document: row.document as never, index: {}, expectedVersion: undefined })));
        return { imported: rows.length };
      }
      case 'appendToStream': {
        const { payloads, expectedVersion } = parseBody('appendToStream', body);
        const key = idempotencyKeyOf(request);
        // The hash is recomputed from the payloads by the guarded driver.
        const append = { payloads: payloads as never[], expectedVersion, idempotency: key === null ? null : { key, payloadHash: '' }, trackDelivery: false };
        return await call(request, tenantId, (ops) => ops.appendToStream(tenantId, params.kind!, streamId, append));
      }
      case 'readStream': {
        const url = new URL(request.url);
        const query = parse(readStreamQuerySchema, Object.fromEntries(url.searchParams), { label: 'query', path: 'query' });
        return await call(request, tenantId, (ops) => ops.readStream(tenantId, params.kind!, streamId, query.from, query.limit));
      }
      case 'beginTransaction': {
        parseBody('beginTransaction', body);
        outsideTransaction(request, operation);
        if (sessions === undefined) throw unsupportedTransactions();
        return { transactionId: await sessions.begin(tenantId, request.signal) };
      }
      case 'commitTransaction':
      case 'rollbackTransaction': {
        parseBody(operation, body);
        outsideTransaction(request, operation);
        if (sessions === undefined) throw unsupportedTransactions();
        if (operation === 'commitTransaction') {
          await sessions.commit(params.transactionId!, tenantId);
          return { committed: true };
        }
        await sessions.rollback(params.transactionId!, tenantId);
        return { rolledBack: true };
      }
      case 'claimOutbox': {
        outsideTransaction(request, operation);
        const claim = parseBody('claimOutbox', body);
        return { claims: await driver.claimOutbox!(tenantId, streamId, claim) };
      }
      case 'completeOutbox': {
        outsideTransaction(request, operation);
        const { position, attempt, outcome } = parseBody('completeOutbox', body);
        return { applied: await driver.completeOutbox!(tenantId, streamId, position, attempt, outcome) };
      }
      case 'readOutboxDelivery': {
        outsideTransaction(request, operation);
        const position = parse(positionParamSchema, params.position, { path: 'position' });
        return { delivery: await driver.readOutboxDelivery!(tenantId, streamId, position) };
      }
      case 'describe':
        return description;
    }
  };

  const handle = async (request: Request): Promise<Response> => {
    try {
      const url = new URL(request.url);
      const segments = pathSegments(url.pathname, settings.basePath);
      let match;
      try {
        match = segments === null ? ({ kind: 'not_found' } as const) : matchRoute(request.method, segments);
      } catch (error) {
        throw new ValidationError([{ path: 'path', message: 'expected percent-encoded path segments' }], { cause: error });
      }
      if (match.kind === 'not_found') {
        throw new CrmError('NOT_FOUND', `no route ${request.method} ${url.pathname}; the storage protocol's routes start at ${settings.basePath}/v1/`, { details: { path: url.pathname } });
      }
      if (match.kind === 'method_not_allowed') {
        const allow = match.allowed.join(', ');
        throw new StatusFailure(new CrmError('UNSUPPORTED', `${url.pathname} answers ${allow}, not ${request.method}`, { details: { allow: match.allowed } }), 405, { allow });
      }
      const { route, params } = match;
      const tenantId = params.tenantId === undefined ? null : parse(IdSchema, params.tenantId, { path: 'tenantId' });
      const context: CrmHttpAuthorizeContext = {
        tenantId,
        operation: route.operation,
        ...(params.collection === undefined ? {} : { collection: params.collection }),
        ...(params.kind === undefined ? {} : { kind: params.kind }),
        ...(route.operation === 'claimOutbox' || route.operation === 'completeOutbox' || route.operation === 'readOutboxDelivery' ? { kind: 'outbox' } : {}),
        ...(params.streamId === undefined ? {} : { streamId: params.streamId }),
      };
      const allowed = await settings.authorize(request, context);
      if (allowed !== true) {
        throw new CrmError('FORBIDDEN', tenantId === null ? `this caller may not ${route.operation}` : `this caller may not ${route.operation} in tenant ${JSON.stringify(tenantId)}`, {
          details: { operation: route.operation, tenantId },
        });
      }
      const result = await execute(request, route, params, tenantId ?? '');
      return json(200, result);
    } catch (error) {
      return failure(error, request);
    }
  };

  const handler = handle as CrmHttpHandler;
  handler.close = async () => {
    await sessions?.close();
  };
  return handler;
}

function parseBody<O extends keyof typeof requestBodySchemas>(operation: O, body: unknown): z.output<(typeof requestBodySchemas)[O]> {
  const schema: z.ZodType = requestBodySchemas[operation];
  return parse(schema, body, { label: `${operation} request body`, path: 'body' }) as z.output<(typeof requestBodySchemas)[O]>;
}

function idempotencyKeyOf(request: Request): string | null {
  const header = request.headers.get(crmHttpHeaders.idempotencyKey);
  if (header === null) return null;
  try {
    return decodeURIComponent(header);
  } catch (error) {
    throw new ValidationError([{ path: `headers.${crmHttpHeaders.idempotencyKey}`, message: 'expected a percent-encoded idempotency key' }], { cause: error });
  }
}

function unsupportedTransactions(): CrmError {
  return new CrmError('UNSUPPORTED', 'this HTTP storage server does not offer transactions', { details: { driver: 'http', feature: 'transactions' } });
}

/** The raw segments of a path below the base path, or null when it lies outside it. */
function pathSegments(pathname: string, basePath: string): string[] | null {
  if (basePath !== '' && pathname !== basePath && !pathname.startsWith(`${basePath}/`)) return null;
  const rest = pathname.slice(basePath.length).replace(/^\//, '');
  return rest === '' ? [] : rest.split('/');
}
