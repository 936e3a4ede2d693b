import { z } from 'zod';
import { CrmError, parse, ValidationError } from '../../core/index.js';

/*
 * Webhook signatures in the Standard Webhooks format
 * (https://www.standardwebhooks.com): HMAC-SHA256 over
 * `${webhook-id}.${webhook-timestamp}.${body}`, base64, sent as
 * `webhook-signature: v1,<signature>`. Receivers can check them with this
 * module or with any Standard Webhooks library. WebCrypto only, so it runs
 * in Node, Deno, Bun, workers and browsers.
 */

/** The headers of a signed webhook delivery. */
export const crmWebhookHeaders = Object.freeze({
  /** The event id, the same on every attempt: receivers deduplicate on it. */
  id: 'webhook-id',
  /** When the attempt was signed, in whole seconds since the Unix epoch. */
  timestamp: 'webhook-timestamp',
  /** Space-separated `v1,<base64 HMAC-SHA256>` signatures (one per secret while secrets rotate). */
  signature: 'webhook-signature',
} as const);

/**
 * A webhook secret: `whsec_` followed by base64 (the Standard Webhooks form;
 * the key is the decoded bytes), any other text (the key is its UTF-8
 * bytes), or the key bytes. At least 16 bytes of key.
 */
export type CrmWebhookSecret = string | Uint8Array;

/** What {@link signCrmWebhook} signs. */
export interface SignCrmWebhookInput {
  /** The secret, or several while rotating (each gives a signature). */
  readonly secret: CrmWebhookSecret | readonly CrmWebhookSecret[];
  /** The event id (printable ASCII, as it goes in a header). */
  readonly id: string;
  /** When the attempt is signed. */
  readonly timestamp: Date;
  /** The exact body that is sent. */
  readonly body: string;
}

/** What {@link verifyCrmWebhookSignature} checks. */
export interface VerifyCrmWebhookInput {
  /** The secret, or several while rotating (any one may match). */
  readonly secret: CrmWebhookSecret | readonly CrmWebhookSecret[];
  /** The request's headers (a `Headers` or a plain object). */
  readonly headers: Headers | Readonly<Record<string, string | undefined>>;
  /** The raw body exactly as received (not re-serialised JSON). */
  readonly body: string;
  /** The receiver's clock. */
  readonly now: Date;
  /** How far the signature's timestamp may be from `now`, in ms (default 5 minutes): older deliveries are refused as replays. */
  readonly toleranceMs?: number;
}

/** An outbox event as {@link deliverOutbox} sends it and {@link verifyCrmWebhook} returns it. */
export interface CrmWebhookEvent {
  /** `${tenantId}:${streamId}:${position}`, each part percent-encoded: unique per event, the same on every attempt. */
  readonly id: string;
  /** The tenant (dealer group) of the event. */
  readonly tenantId: string;
  /** The outbox stream. */
  readonly streamId: string;
  /** The entry's position in the stream. */
  readonly position: number;
  /** The event type (`loyalty.points_earned`). */
  readonly type: string;
  /** When the event happened. */
  readonly occurredAt: Date;
  /** The whole outbox payload as JSON (instants as ISO 8601 text). */
  readonly payload: Readonly<Record<string, unknown>>;
}

const MIN_KEY_BYTES = 16;
const PRINTABLE = /^[\x21-\x7e]+$/;

const secretSchema = z.union([z.string(), z.instanceof(Uint8Array)]);
const secretsSchema = z.union([secretSchema, z.array(secretSchema).min(1).max(8)]);

function keyBytes(secret: CrmWebhookSecret, path: string): Uint8Array<ArrayBuffer> {
  let bytes: Uint8Array;
  if (typeof secret !== 'string') {
    bytes = secret;
  } else if (secret.startsWith('whsec_')) {
    const decoded = fromBase64(secret.slice('whsec_'.length));
    if (decoded === undefined) throw new ValidationError([{ path, message: 'a whsec_ secret is followed by base64' }]);
    bytes = decoded;
  } else {
    bytes = new TextEncoder().encode(secret);
  }
  if (bytes.byteLength < MIN_KEY_BYTES) throw new ValidationError([{ path, message: `expected a secret of at least ${MIN_KEY_BYTES} bytes, got ${bytes.byteLength}` }]);
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return copy;
}

/** The HMAC keys of one or more secrets. */
export async function importWebhookKeys(secret: unknown, path: string): Promise<CryptoKey[]> {
  const parsed = parse(secretsSchema, secret, { path });
  const list = Array.isArray(parsed) ? parsed : [parsed];
  return await Promise.all(
    list.map((item, index) =>
      crypto.subtle.importKey('raw', keyBytes(item, Array.isArray(parsed) ? `${path}[${index}]` : path), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']),
    ),
  );
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> | undefined {
  let binary: string;
  try {
    binary = atob(text);
  } catch {
    return undefined;
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

const signedContent = (id: string, seconds: number, body: string) => new TextEncoder().encode(`${id}.${seconds}.${body}`);

/**
 * Signs a webhook delivery: returns the `webhook-id`, `webhook-timestamp`
 * and `webhook-signature` headers for `body`.
 *
 * @throws `ValidationError` for a short or malformed secret, or an id that
 * cannot go in a header.
 * @example
 * ```ts
 * const headers = await signCrmWebhook({ secret, id: 'g1:webhooks:7', timestamp: new Date(), body });
 * ```
 */
export async function signCrmWebhook(input: SignCrmWebhookInput): Promise<Record<string, string>> {
  const keys = await importWebhookKeys(input.secret, 'secret');
  if (typeof input.id !== 'string' || !PRINTABLE.test(input.id)) throw new ValidationError([{ path: 'id', message: 'expected printable ASCII without spaces' }]);
  if (!(input.timestamp instanceof Date) || Number.isNaN(input.timestamp.getTime())) throw new ValidationError([{ path: 'timestamp', message: 'expected a valid Date' }]);
  if (typeof input.body !== 'string') throw new ValidationError([{ path: 'body', message: 'expected the body as text' }]);
  const seconds = Math.floor(input.timestamp.getTime() / 1000);
  const content = signedContent(input.id, seconds, input.body);
  const signatures = await Promise.all(keys.map(async (key) => `v1,${toBase64(new Uint8Array(await crypto.subtle.sign('HMAC', key, content)))}`));
  return {
    [crmWebhookHeaders.id]: input.id,
    [crmWebhookHeaders.timestamp]: String(seconds),
    [crmWebhookHeaders.signature]: signatures.join(' '),
  };
}

function header(headers: VerifyCrmWebhookInput['headers'], name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const found = Object.entries(headers).find(([key]) => key.toLowerCase() === name);
  return found?.[1];
}

function refused(message: string, details: Record<string, unknown> = {}): CrmError {
  return new CrmError('UNAUTHENTICATED', `webhook refused: ${message}`, { details });
}

/**
 * Verifies a webhook delivery's signature and timestamp (constant-time, by
 * WebCrypto): the signature must match one of the secrets, and the
 * timestamp must lie within `toleranceMs` of `now` — a captured request
 * replayed later is refused. Receivers should also deduplicate on
 * `webhook-id` (a delivery is at least once).
 *
 * @throws `CrmError` `UNAUTHENTICATED` for a missing header, a stale or
 * future timestamp, or no matching signature.
 * @throws `ValidationError` for a malformed secret.
 */
export async function verifyCrmWebhookSignature(input: VerifyCrmWebhookInput): Promise<void> {
  const keys = await importWebhookKeys(input.secret, 'secret');
  const toleranceMs = parse(z.int().min(0).max(86_400_000).default(300_000), input.toleranceMs, { path: 'toleranceMs' });
  if (!(input.now instanceof Date) || Number.isNaN(input.now.getTime())) throw new ValidationError([{ path: 'now', message: 'expected a valid Date' }]);
  const id = header(input.headers, crmWebhookHeaders.id);
  const timestamp = header(input.headers, crmWebhookHeaders.timestamp);
  const signature = header(input.headers, crmWebhookHeaders.signature);
  if (id === undefined || timestamp === undefined || signature === undefined) {
    throw refused(`expected the ${Object.values(crmWebhookHeaders).join(', ')} headers`);
  }
  if (!/^\d{1,12}$/.test(timestamp)) throw refused(`expected ${crmWebhookHeaders.timestamp} in whole seconds, got ${JSON.stringify(timestamp)}`);
  const seconds = Number(timestamp);
  const skewMs = Math.abs(input.now.getTime() - seconds * 1000);
  if (skewMs > toleranceMs) {
    throw refused(`the timestamp is ${Math.round(skewMs / 1000)} s away from now; at most ${toleranceMs / 1000} s is accepted`, { timestamp: seconds, toleranceMs });
  }
  const content = signedContent(id, seconds, input.body);
  for (const candidate of signature.split(' ')) {
    const [version, value] = candidate.split(',', 2);
    const bytes = version === 'v1' && value !== undefined ? fromBase64(value) : undefined;
    if (bytes === undefined) continue;
    for (const key of keys) {
      if (await crypto.subtle.verify('HMAC', key, bytes, content)) return;
    }
  }
  throw refused('no signature matches the secret (wrong secret, or the body or headers changed on the way)');
}

const eventSchema = z.object({
  id: z.string(),
  tenantId: z.string(),
  streamId: z.string(),
  position: z.int().min(1),
  type: z.string(),
  occurredAt: z.iso.datetime({ offset: true }).transform((text) => new Date(text)),
  payload: z.record(z.string(), z.unknown()),
});

/**
 * Verifies a delivery of {@link deliverOutbox} (see
 * {@link verifyCrmWebhookSignature}) and returns its event.
 *
 * @throws `CrmError` `UNAUTHENTICATED` when the signature or timestamp does not hold.
 * @throws `ValidationError` when the signed body is not an event, or its id is not the `webhook-id`.
 * @example
 * ```ts
 * const event = await verifyCrmWebhook({ secret, headers: request.headers, body: await request.text(), now: new Date() });
 * ```
 */
export async function verifyCrmWebhook(input: VerifyCrmWebhookInput): Promise<CrmWebhookEvent> {
  await verifyCrmWebhookSignature(input);
  let json: unknown;
  try {
    json = JSON.parse(input.body);
  } catch (error) {
    throw new ValidationError([{ path: 'body', message: 'expected a JSON event' }], { cause: error });
  }
  const event = parse(eventSchema, json, { label: 'webhook event', path: 'body' });
  if (event.id !== header(input.headers, crmWebhookHeaders.id)) throw new ValidationError([{ path: 'body.id', message: `expected the ${crmWebhookHeaders.id} header's id` }]);
  return event;
}
