import ky, { isTimeoutError } from 'ky';
import { z } from 'zod';
import { IdSchema, parse, ValidationError } from '../../core/index.js';
import { storageLimits } from '../limits.js';
import type { ClaimOutboxOptions, CompleteOutboxInput, OutboxClaim, OutboxOutcome } from '../storage.js';
import { importWebhookKeys, signCrmWebhook, type CrmWebhookSecret } from './webhook-signature.js';
import { retryAfterMs } from './wire-errors.js';
import { within } from './within.js';

/** The outbox calls {@link deliverOutbox} needs: any `CrmStorage` with the outbox capability (the HTTP client's included). */
export interface OutboxStorage {
  /** See `CrmStorage.claimOutbox`. */
  claimOutbox(tenantId: string, options: ClaimOutboxOptions): Promise<readonly OutboxClaim<unknown>[]>;
  /** See `CrmStorage.completeOutbox`. */
  completeOutbox(tenantId: string, input: CompleteOutboxInput): Promise<boolean>;
}

/**
 * When a failed delivery is tried again: attempt `n` that fails is retried
 * `initialDelayMs · 2^(n−1)` later (at most `maxDelayMs`, and never sooner
 * than a `Retry-After` of the receiver asks); attempt `maxAttempts` that
 * fails makes the event `dead`.
 */
export interface WebhookRetryPolicy {
  /** Attempts before an event is dead-lettered, 1 to 100. */
  readonly maxAttempts: number;
  /** The delay after the first failed attempt, in ms. */
  readonly initialDelayMs: number;
  /** The longest delay between attempts, in ms. */
  readonly maxDelayMs: number;
}

/** The default webhook retry policy: 10 attempts, 30 s doubling up to 6 h (about 8.5 h in all before an event is dead). */
export const defaultWebhookRetryPolicy: WebhookRetryPolicy = Object.freeze({ maxAttempts: 10, initialDelayMs: 30_000, maxDelayMs: 21_600_000 });

/** Options of {@link deliverOutbox}. */
export interface DeliverOutboxOptions {
  /** The tenant whose outbox is delivered. */
  readonly tenantId: string;
  /** The outbox stream (e.g. `webhooks`). */
  readonly streamId: string;
  /** The receiver's URL (http or https). */
  readonly url: string | URL;
  /** The signing secret (see {@link CrmWebhookSecret}); several while rotating, each gives a signature. */
  readonly secret: CrmWebhookSecret | readonly CrmWebhookSecret[];
  /** The clock (default the system clock): claims, leases, retry times and signatures use it. */
  readonly now?: () => Date;
  /** Events claimed per batch, 1 to 1000 (default 20). */
  readonly batchSize?: number;
  /** Batches per call at most (default 50): the call ends sooner when nothing is claimable. */
  readonly maxBatches?: number;
  /**
   * How long a claim holds, in ms (default 300,000). It must exceed
   * `timeoutMs × ⌈batchSize / concurrency⌉`, the longest a batch can take to
   * send, so that no claim lapses while this worker may still be sending it.
   */
  readonly leaseMs?: number;
  /** How long one delivery may take, in ms (default 10,000). */
  readonly timeoutMs?: number;
  /** Deliveries in flight at once, 1 to 64 (default 1: in outbox order). */
  readonly concurrency?: number;
  /** Changes to {@link defaultWebhookRetryPolicy}. */
  readonly retry?: Partial<WebhookRetryPolicy>;
  /** Extra request headers (e.g. a receiver's API key). */
  readonly headers?: Readonly<Record<string, string>>;
  /** The `fetch` to use (default the global one). */
  readonly fetch?: typeof globalThis.fetch;
}

/** What happened to one claimed event. */
export interface OutboxDeliveryResult {
  /** The entry's position in the outbox stream. */
  readonly position: number;
  /** The attempt number of the claim. */
  readonly attempt: number;
  /**
   * `delivered` (2xx, recorded), `retry` (failed, will be claimable again),
   * `dead` (failed on its last attempt), or `superseded` (the claim's lease
   * lapsed and another worker claimed the event: this worker recorded nothing).
   */
  readonly outcome: 'delivered' | 'retry' | 'dead' | 'superseded';
  /** Why the attempt failed, when it did. */
  readonly error?: string;
}

/** What a {@link deliverOutbox} call did. */
export interface OutboxDeliveryReport {
  /** Events claimed. */
  readonly claimed: number;
  /** Events delivered and recorded as delivered. */
  readonly delivered: number;
  /** Events that failed and will be retried. */
  readonly retrying: number;
  /** Events that failed their last attempt (dead-lettered). */
  readonly dead: number;
  /** Claims that another worker took over after their lease lapsed. */
  readonly superseded: number;
  /** Each claimed event, in the order completed. */
  readonly results: readonly OutboxDeliveryResult[];
}

const optionsSchema = z
  .object({
    tenantId: IdSchema,
    streamId: IdSchema,
    url: z.union([z.string(), z.instanceof(URL)]).transform((value, ctx) => {
      const url = URL.canParse(String(value)) ? new URL(String(value)) : undefined;
      if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
        ctx.addIssue({ code: 'custom', message: `expected an http or https URL, got ${JSON.stringify(String(value))}` });
        return z.NEVER;
      }
      return url.href;
    }),
    secret: z.unknown(),
    now: z.custom<() => Date>((value) => typeof value === 'function', { error: 'expected a clock function () => Date' }).default(() => () => new Date()),
    batchSize: z.int().min(1).max(storageLimits.maxPageSize).default(20),
    maxBatches: z.int().min(1).max(100_000).default(50),
    leaseMs: z.int().min(2).max(storageLimits.maxLeaseMs).default(300_000),
    timeoutMs: z.int().min(1).max(storageLimits.maxLeaseMs).default(10_000),
    concurrency: z.int().min(1).max(64).default(1),
    retry: z
      .strictObject({ maxAttempts: z.int().min(1).max(100), initialDelayMs: z.int().min(0).max(storageLimits.maxLeaseMs), maxDelayMs: z.int().min(0).max(30 * 86_400_000) })
      .partial()
      .default({}),
    headers: z.record(z.string(), z.string()).default({}),
    fetch: z.custom<typeof globalThis.fetch>((value) => typeof value === 'function', { error: 'expected a fetch function' }).optional(),
  })
  .superRefine((options, ctx) => {
    // A batch is sent in ⌈batchSize / concurrency⌉ rounds of at most timeoutMs each: every claim must outlast them.
    const worstMs = options.timeoutMs * Math.ceil(options.batchSize / options.concurrency);
    if (options.leaseMs <= worstMs) {
      ctx.addIssue({
        code: 'custom',
        path: ['leaseMs'],
        message: `expected more than timeoutMs × ⌈batchSize / concurrency⌉ = ${worstMs} ms, so that no claim lapses while this worker may still be sending it; got ${options.leaseMs}`,
      });
    }
  });

/** The result of one HTTP attempt. */
type Attempt = { readonly ok: true } | { readonly ok: false; readonly error: string; readonly retryAfterMs?: number };

/** The event id: tenant, stream and position, each percent-encoded so that the id fits a header. */
function eventId(tenantId: string, streamId: string, position: number): string {
  return `${encodeURIComponent(tenantId)}:${encodeURIComponent(streamId)}:${position}`;
}

/**
 * Delivers a tenant's outbox events to a webhook receiver, signed with
 * HMAC-SHA256 in the Standard Webhooks format (`webhook-id`,
 * `webhook-timestamp`, `webhook-signature` headers; see
 * {@link verifyCrmWebhook} for the receiver's side). It claims events in
 * batches (oldest first, with a lease), POSTs each as a
 * {@link CrmWebhookEvent} and records the outcome with the claim's attempt
 * number as fencing token, until nothing is claimable or `maxBatches` is
 * reached. Run it on a schedule, from as many workers as you like.
 *
 * Exactly-once recording: concurrent workers never hold the same event, and
 * a worker whose lease lapsed (another worker re-claimed the event) records
 * nothing — so an event is marked delivered once. Delivery itself is at
 * least once (a worker may die between the POST and the record): receivers
 * deduplicate on `webhook-id`.
 *
 * Retries: a non-2xx answer, a timeout or a network error records a failed
 * attempt with a retry time from the retry policy (exponential backoff,
 * `Retry-After` of a 429 or 503 respected); the event is claimable again
 * from then on, by any worker. The attempt `maxAttempts` that fails makes
 * the event `dead` (read it with `readOutboxDelivery`).
 *
 * @throws `ValidationError` for bad options; the storage's errors (e.g.
 * `UNSUPPORTED` without the outbox capability) as they are.
 * @example
 * ```ts
 * const report = await deliverOutbox(storage, { tenantId: 'group-1', streamId: 'webhooks', url: 'https://dms.example.com/hooks', secret: process.env.WEBHOOK_SECRET! });
 * console.log(report.delivered, report.retrying, report.dead);
 * ```
 */
export async function deliverOutbox(storage: OutboxStorage, options: DeliverOutboxOptions): Promise<OutboxDeliveryReport> {
  const settings = parse(optionsSchema, options, { label: 'deliverOutbox options' });
  await importWebhookKeys(settings.secret, 'secret'); // fail on a bad secret before claiming anything
  const secret = settings.secret as DeliverOutboxOptions['secret'];
  const retry: WebhookRetryPolicy = { ...defaultWebhookRetryPolicy, ...Object.fromEntries(Object.entries(settings.retry).filter(([, value]) => value !== undefined)) };
  const { tenantId, streamId } = settings;
  const clock = () => {
    const now = settings.now();
    if (!(now instanceof Date) || Number.isNaN(now.getTime())) throw new ValidationError([{ path: 'now', message: 'the clock must return a valid Date' }]);
    return now;
  };
  const client = ky.create({ timeout: settings.timeoutMs, retry: 0, throwHttpErrors: false, ...(settings.fetch === undefined ? {} : { fetch: settings.fetch }) });

  const send = async (claim: OutboxClaim<unknown>): Promise<Attempt> => {
    const { position } = claim.entry;
    const payload = claim.entry.payload as { type: string; occurredAt: Date };
    const id = eventId(tenantId, streamId, position);
    const body = JSON.stringify({ id, tenantId, streamId, position, type: payload.type, occurredAt: payload.occurredAt, payload });
    const signed = await signCrmWebhook({ secret, id, timestamp: clock(), body });
    try {
      const response = await client.post(settings.url, { body, headers: { ...settings.headers, 'content-type': 'application/json', ...signed } });
      if (response.ok) {
        await response.body?.cancel().catch(() => undefined);
        return { ok: true };
      }
      const text = await within(response.text(), settings.timeoutMs, () => new Error('body timeout')).catch(() => '');
      const wait = response.status === 429 || response.status === 503 ? retryAfterMs(response.headers.get('retry-after'), clock().getTime()) : undefined;
      const error = `HTTP ${response.status}${text.trim() === '' ? '' : `: ${text.trim().slice(0, 200)}`}`;
      return wait === undefined ? { ok: false, error } : { ok: false, error, retryAfterMs: wait };
    } catch (error) {
      if (isTimeoutError(error)) return { ok: false, error: `no answer within ${settings.timeoutMs} ms` };
      const message = error instanceof Error ? `${error.message}${error.cause instanceof Error ? ` (${error.cause.message})` : ''}` : String(error);
      return { ok: false, error: `network error: ${message}` };
    }
  };

  const results: OutboxDeliveryResult[] = [];
  const deliver = async (claim: OutboxClaim<unknown>): Promise<void> => {
    const attempt = await send(claim);
    const at = clock();
    let outcome: OutboxOutcome;
    let label: OutboxDeliveryResult['outcome'];
    if (attempt.ok) {
      outcome = { status: 'delivered', at };
      label = 'delivered';
    } else {
      const last = claim.attempt >= retry.maxAttempts;
      const backoffMs = Math.min(retry.maxDelayMs, retry.initialDelayMs * 2 ** (claim.attempt - 1));
      const retryAt = last ? null : new Date(at.getTime() + Math.max(backoffMs, attempt.retryAfterMs ?? 0));
      outcome = { status: 'failed', at, error: attempt.error, retryAt };
      label = last ? 'dead' : 'retry';
    }
    const applied = await storage.completeOutbox(tenantId, { streamId, position: claim.entry.position, attempt: claim.attempt, outcome });
    const result: OutboxDeliveryResult = { position: claim.entry.position, attempt: claim.attempt, outcome: applied ? label : 'superseded' };
    results.push(attempt.ok ? result : { ...result, error: attempt.error });
  };

  for (let batch = 0; batch < settings.maxBatches; batch++) {
    const claims = await storage.claimOutbox(tenantId, { streamId, limit: settings.batchSize, leaseMs: settings.leaseMs, now: clock() });
    if (claims.length === 0) break;
    await inPool(claims, settings.concurrency, deliver);
  }
  const count = (outcome: OutboxDeliveryResult['outcome']) => results.filter((result) => result.outcome === outcome).length;
  return {
    claimed: results.length,
    delivered: count('delivered'),
    retrying: count('retry'),
    dead: count('dead'),
    superseded: count('superseded'),
    results,
  };
}

/** Runs `work` over `items` with at most `concurrency` at once; rethrows the first failure once all have settled. */
async function inPool<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const failures: unknown[] = [];
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++]!;
      try {
        await work(item);
      } catch (error) {
        failures.push(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  if (failures.length > 0) throw failures[0];
}
