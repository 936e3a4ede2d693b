import { z } from 'zod';
import { CrmError, invalid, parse } from '../core/index.js';

/** A key id: 1–64 letters, digits, `_` or `-` (it is written into every sealed value). */
export const CrmKeyIdSchema = z
  .string({ error: 'expected a key id' })
  .regex(/^[A-Za-z0-9_-]{1,64}$/, { error: 'expected a key id of 1–64 letters, digits, _ or -' });

/**
 * Where the facade gets its keys: a key ring of 256-bit keys, each with an
 * id, one of them current. New data is encrypted under the current key;
 * data under any other key of the ring stays readable until the
 * re-encryption job has moved it. Implement it over a KMS or secret manager
 * (fetch or unwrap the key material once and cache it), or use
 * {@link createStaticKeyProvider}.
 *
 * From each key the facade derives, per tenant, an AES-256-GCM key for
 * personal fields and an HMAC-SHA256 key for the blind indexes (HKDF-SHA256),
 * so tenants never share a key and a blind index never reveals that two
 * tenants hold the same mobile number.
 */
export interface CrmKeyProvider {
  /** The id of the key that encrypts new data. */
  currentKeyId(): string | Promise<string>;
  /** Every key id whose data may still be stored (the current one included): lookups try each during a rotation. */
  keyIds(): readonly string[] | Promise<readonly string[]>;
  /** The 32 bytes of key material of a key id, or `null` when the ring does not hold it. */
  keyMaterial(keyId: string): Uint8Array | null | Promise<Uint8Array | null>;
}

/** Options of {@link createStaticKeyProvider}. */
export interface StaticKeyProviderOptions {
  /** The key ring: key id → 32 bytes, as a `Uint8Array` or base64 text. */
  readonly keys: Readonly<Record<string, Uint8Array | string>>;
  /** The id of the key that encrypts new data; one of `keys`. */
  readonly currentKeyId: string;
}

const KeyMaterialSchema = z.union([
  z.instanceof(Uint8Array),
  z.string().regex(/^[A-Za-z0-9+/_-]+={0,2}$/, { error: 'expected base64 text' }),
]);

const StaticOptionsSchema = z
  .strictObject({
    keys: z.record(CrmKeyIdSchema, KeyMaterialSchema).refine((keys) => Object.keys(keys).length > 0, { error: 'expected at least one key' }),
    currentKeyId: CrmKeyIdSchema,
  })
  .superRefine((options, ctx) => {
    if (!Object.hasOwn(options.keys, options.currentKeyId)) {
      ctx.addIssue({ code: 'custom', path: ['currentKeyId'], message: `the current key ${options.currentKeyId} is not in keys` });
    }
  });

function decodeMaterial(value: Uint8Array | string, path: string): Uint8Array {
  if (value instanceof Uint8Array) return Uint8Array.from(value);
  try {
    return Uint8Array.from(atob(value.replace(/-/g, '+').replace(/_/g, '/')), (char) => char.charCodeAt(0));
  } catch {
    return invalid(path, 'expected base64 text of 32 bytes');
  }
}

/**
 * A key provider over keys held in process (from an environment variable,
 * a mounted secret, a KMS call at start-up). Rotate by adding a key and
 * making it current; keep the old one until the re-encryption job reports
 * nothing left under it.
 *
 * @throws `ValidationError` for a bad key id, a current key not in the ring,
 * or key material that is not 32 bytes.
 * @example
 * ```ts
 * const keys = createStaticKeyProvider({
 *   keys: { '2024-01': process.env.CRM_KEY_2024_01!, '2025-01': process.env.CRM_KEY_2025_01! },
 *   currentKeyId: '2025-01',
 * });
 * ```
 */
export function createStaticKeyProvider(options: StaticKeyProviderOptions): CrmKeyProvider {
  const parsed = parse(StaticOptionsSchema, options, { label: 'static key provider options', path: 'options' });
  const ring = new Map<string, Uint8Array>();
  for (const [keyId, value] of Object.entries(parsed.keys)) {
    const material = decodeMaterial(value, `options.keys.${keyId}`);
    if (material.length !== 32) invalid(`options.keys.${keyId}`, `expected 32 bytes of key material (AES-256), got ${material.length}`);
    ring.set(keyId, material);
  }
  const ids = Object.freeze([parsed.currentKeyId, ...[...ring.keys()].filter((id) => id !== parsed.currentKeyId)]);
  return Object.freeze({
    currentKeyId: () => parsed.currentKeyId,
    keyIds: () => ids,
    keyMaterial: (keyId: string) => {
      const material = ring.get(keyId);
      return material === undefined ? null : Uint8Array.from(material);
    },
  });
}

/** A missing or unusable key, as a `CrmError`. @internal */
export function keyFailure(message: string, details: Record<string, unknown> = {}, cause?: unknown): CrmError {
  return new CrmError('CRYPTO_FAILED', message, cause === undefined ? { details } : { details, cause });
}
