import { z } from 'zod';
import { parse } from '../../core/index.js';
import type { StorageCapabilities } from '../capabilities.js';

/**
 * When and how the HTTP client retries. Only idempotent calls are ever
 * retried — reads (`getRecords`, `queryRecords`, `readStream`,
 * `readOutboxDelivery`, the contract description, a rollback) and appends
 * that carry an idempotency key; record writes, deletes, unkeyed appends,
 * imports, outbox claims and completions and transaction commits are sent
 * once, because a retry could apply them twice.
 */
export interface CrmHttpRetryPolicy {
  /** Retries after the first attempt, 0 to 10 (0 turns retries off). */
  readonly limit: number;
  /** The delay before the first retry, in ms; each further retry doubles it. */
  readonly initialDelayMs: number;
  /** The longest delay between two attempts, in ms (exponential backoff is capped here). */
  readonly maxDelayMs: number;
  /**
   * The longest `Retry-After` (on 429 and 503) the client waits for, in ms.
   * A server that asks for longer gets no retry: the call fails with
   * `RATE_LIMITED` (or `UNAVAILABLE`) and `details.retryAfterMs`, so the
   * caller can schedule it.
   */
  readonly maxRetryAfterMs: number;
  /** Randomise each backoff delay between 0 and its value ("full jitter"), so that many clients do not retry in step. */
  readonly jitter: boolean;
  /** The response statuses worth a retry. */
  readonly statusCodes: readonly number[];
}

/**
 * The default retry policy: two retries, 300 ms then 600 ms (with jitter),
 * `Retry-After` honoured up to a minute, on 408, 429, 500, 502, 503 and 504.
 */
export const defaultCrmHttpRetryPolicy: CrmHttpRetryPolicy = Object.freeze({
  limit: 2,
  initialDelayMs: 300,
  maxDelayMs: 10_000,
  maxRetryAfterMs: 60_000,
  jitter: true,
  statusCodes: Object.freeze([408, 429, 500, 502, 503, 504]),
});

/** A hook that sees every request (each retry included) before it is sent; it may change its headers (and return nothing), return a new request, or answer it with a response. */
export type CrmHttpBeforeRequest = (request: Request) => Request | Response | undefined | Promise<Request | Response | undefined>;

/** Options of the HTTP storage client ({@link createCrmHttpDriver}, {@link connectCrmHttpStorage}). */
export interface CrmHttpClientOptions {
  /**
   * The URL the handler is mounted at (`https://crm.example.com/storage`):
   * routes are resolved under it (`…/storage/v1/contract`).
   */
  readonly baseUrl: string | URL;
  /** The `fetch` to use (default the global one): pass one for tests, proxies or a custom agent. */
  readonly fetch?: typeof globalThis.fetch;
  /** How long one attempt may take, in ms, response body included (default 10,000). */
  readonly timeoutMs?: number;
  /** Changes to {@link defaultCrmHttpRetryPolicy}. */
  readonly retry?: Partial<CrmHttpRetryPolicy>;
  /**
   * Headers for every request, e.g. `{ authorization: 'Bearer …' }`; a
   * function is called before every attempt (to refresh a token).
   */
  readonly headers?: HeadersInit | (() => HeadersInit | Promise<HeadersInit>);
  /** A hook run before every attempt, after `headers` (see {@link CrmHttpBeforeRequest}). */
  readonly beforeRequest?: CrmHttpBeforeRequest;
  /**
   * What the server's storage offers, for {@link createCrmHttpDriver}
   * (default: transactions, outbox and bulk import; no custom collections).
   * {@link connectCrmHttpStorage} asks the server instead.
   */
  readonly capabilities?: Partial<StorageCapabilities>;
}

/** The client options after validation, with defaults applied. */
export interface ResolvedClientOptions {
  readonly baseUrl: string;
  readonly fetch: typeof globalThis.fetch | undefined;
  readonly timeoutMs: number;
  readonly retry: CrmHttpRetryPolicy;
  readonly headers: CrmHttpClientOptions['headers'];
  readonly beforeRequest: CrmHttpBeforeRequest | undefined;
  readonly capabilities: StorageCapabilities;
}

const fn = <T>() => z.custom<T>((value) => typeof value === 'function', { error: 'expected a function' });

const optionsSchema = z.object({
  baseUrl: z.union([z.string(), z.instanceof(URL)]).transform((value, ctx) => {
    let url: URL;
    try {
      url = new URL(String(value));
    } catch {
      ctx.addIssue({ code: 'custom', message: `expected an absolute http or https URL, got ${JSON.stringify(String(value))}` });
      return z.NEVER;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      ctx.addIssue({ code: 'custom', message: `expected an http or https URL, got ${url.protocol}` });
      return z.NEVER;
    }
    if (url.search !== '' || url.hash !== '') {
      ctx.addIssue({ code: 'custom', message: 'expected a base URL without query or fragment' });
      return z.NEVER;
    }
    return url.href.endsWith('/') ? url.href : `${url.href}/`;
  }),
  fetch: fn<typeof globalThis.fetch>().optional(),
  timeoutMs: z.int().min(1).max(2_147_483_647).default(10_000),
  retry: z
    .strictObject({
      limit: z.int().min(0).max(10),
      initialDelayMs: z.int().min(0).max(3_600_000),
      maxDelayMs: z.int().min(0).max(3_600_000),
      maxRetryAfterMs: z.int().min(0).max(86_400_000),
      jitter: z.boolean(),
      statusCodes: z.array(z.int().min(400).max(599)),
    })
    .partial()
    .default({}),
  headers: z.union([fn<() => HeadersInit>(), z.custom<HeadersInit>((value) => value !== null && typeof value === 'object', { error: 'expected headers' })]).optional(),
  beforeRequest: fn<CrmHttpBeforeRequest>().optional(),
  capabilities: z
    .strictObject({ transactions: z.boolean(), outbox: z.boolean(), customCollections: z.boolean(), bulkImport: z.boolean() })
    .partial()
    .default({}),
});

/**
 * Validates the client options and applies the defaults.
 *
 * @throws `ValidationError` naming each bad option.
 */
export function resolveClientOptions(options: CrmHttpClientOptions): ResolvedClientOptions {
  const parsed = parse(optionsSchema, options, { label: 'HTTP storage client options' });
  const given = parsed.retry;
  const base = defaultCrmHttpRetryPolicy;
  const retry: CrmHttpRetryPolicy = Object.freeze({
    limit: given.limit ?? base.limit,
    initialDelayMs: given.initialDelayMs ?? base.initialDelayMs,
    maxDelayMs: given.maxDelayMs ?? base.maxDelayMs,
    maxRetryAfterMs: given.maxRetryAfterMs ?? base.maxRetryAfterMs,
    jitter: given.jitter ?? base.jitter,
    statusCodes: Object.freeze([...(given.statusCodes ?? base.statusCodes)]),
  });
  return {
    baseUrl: parsed.baseUrl,
    fetch: parsed.fetch,
    timeoutMs: parsed.timeoutMs,
    retry,
    headers: parsed.headers,
    beforeRequest: parsed.beforeRequest,
    capabilities: Object.freeze({
      transactions: parsed.capabilities.transactions ?? true,
      outbox: parsed.capabilities.outbox ?? true,
      customCollections: parsed.capabilities.customCollections ?? false,
      bulkImport: parsed.capabilities.bulkImport ?? true,
    }),
  };
}
