import type { JsonValue } from '../core/index.js';
import { CrmKeyIdSchema, keyFailure, type CrmKeyProvider } from './key-provider.js';
import { formatSealed, fromBase64Url, parseSealed, toBase64Url } from './sealed-value.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function subtle(): SubtleCrypto {
  const value = globalThis.crypto?.subtle;
  if (value === undefined) throw keyFailure('WebCrypto (globalThis.crypto.subtle) is not available in this runtime; the facade needs it to encrypt personal data');
  return value;
}

/** 32 random bytes from the platform's CSPRNG. @internal */
export function randomKeyBytes(): Uint8Array<ArrayBuffer> {
  return globalThis.crypto.getRandomValues(new Uint8Array(32));
}

/** The associated data that binds a ciphertext to its tenant, subject and field: moved elsewhere, it fails to decrypt. */
function associatedData(tenantId: string, subjectId: string, field: string): Uint8Array<ArrayBuffer> {
  return encoder.encode(`dealer-crm|v1|${tenantId}|${subjectId}|${field}`);
}

/** The calls of Node's `crypto` module the facade uses, where the runtime has one. */
interface NativeCrypto {
  readonly KeyObject: { from(key: CryptoKey): unknown };
  createCipheriv(algorithm: 'aes-256-gcm', key: unknown, iv: Uint8Array, options: { authTagLength: 16 }): { setAAD(aad: Uint8Array): unknown; update(data: Uint8Array): Uint8Array; final(): Uint8Array; getAuthTag(): Uint8Array };
  createDecipheriv(algorithm: 'aes-256-gcm', key: unknown, iv: Uint8Array, options: { authTagLength: 16 }): { setAAD(aad: Uint8Array): unknown; setAuthTag(tag: Uint8Array): unknown; update(data: Uint8Array): Uint8Array; final(): Uint8Array };
  createHmac(algorithm: 'sha256', key: unknown): { update(data: string, encoding: 'utf8'): { digest(encoding: 'hex'): string } };
}

// Feature detection, not state: resolved once when the module loads. On Node the same AES-256-GCM and
// HMAC-SHA256 run synchronously on the WebCrypto keys' own key objects — several times faster than a
// WebCrypto promise per value, which matters when a bulk import seals hundreds of thousands of values.
// Elsewhere (browsers, Deno, Bun, workers) WebCrypto does it. Both write and read the same sealed values.
const nativeCrypto: NativeCrypto | undefined = (() => {
  const runtime = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const crypto = runtime?.getBuiltinModule?.('node:crypto') as Partial<NativeCrypto> | undefined;
  return typeof crypto?.createCipheriv === 'function' && typeof crypto.createDecipheriv === 'function' && typeof crypto.createHmac === 'function' && typeof crypto.KeyObject?.from === 'function'
    ? (crypto as NativeCrypto)
    : undefined;
})();

const TAG_BYTES = 16;

function concatBytes(parts: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Encrypts UTF-8 text with AES-256-GCM and a fresh 96-bit IV (from the ring's pool of random bytes). @internal */
export async function aesSeal(ring: CrmKeyRing, key: CryptoKey, scheme: 'm' | 'c', keyId: string, aad: Uint8Array<ArrayBuffer>, plaintext: string): Promise<string> {
  const iv = ring.freshIv();
  if (nativeCrypto !== undefined) {
    const cipher = nativeCrypto.createCipheriv('aes-256-gcm', nativeCrypto.KeyObject.from(key), iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(aad);
    const body = cipher.update(encoder.encode(plaintext));
    const tail = cipher.final();
    return formatSealed(scheme, keyId, iv, concatBytes([body, tail, cipher.getAuthTag()]));
  }
  const ciphertext = await subtle().encrypt({ name: 'AES-GCM', iv, additionalData: aad, tagLength: 128 }, key, encoder.encode(plaintext));
  return formatSealed(scheme, keyId, iv, new Uint8Array(ciphertext));
}

/** Decrypts a sealed value; a wrong key or a changed byte is `CRYPTO_FAILED`. @internal */
export async function aesOpen(key: CryptoKey, iv: Uint8Array<ArrayBuffer>, ciphertext: Uint8Array<ArrayBuffer>, aad: Uint8Array<ArrayBuffer>, what: string): Promise<string> {
  try {
    if (nativeCrypto !== undefined) {
      if (ciphertext.length < TAG_BYTES) throw new Error('the ciphertext is shorter than its tag');
      const decipher = nativeCrypto.createDecipheriv('aes-256-gcm', nativeCrypto.KeyObject.from(key), iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(aad);
      decipher.setAuthTag(ciphertext.subarray(ciphertext.length - TAG_BYTES));
      const body = decipher.update(ciphertext.subarray(0, ciphertext.length - TAG_BYTES));
      return decoder.decode(concatBytes([body, decipher.final()]));
    }
    const plaintext = await subtle().decrypt({ name: 'AES-GCM', iv, additionalData: aad, tagLength: 128 }, key, ciphertext);
    return decoder.decode(plaintext);
  } catch (error) {
    throw keyFailure(`could not decrypt ${what}: the key is wrong or the stored value was changed`, { what }, error);
  }
}

/**
 * The key ring of one facade: derives and caches, per tenant and key id, the
 * AES-256-GCM key for personal fields and the HMAC-SHA256 key for blind
 * indexes (HKDF-SHA256 over the provider's key material, the tenant in the
 * `info`). Internal to the facade.
 */
export class CrmKeyRing {
  readonly #provider: CrmKeyProvider;
  readonly #derived = new Map<string, Promise<CryptoKey>>();
  #ivPool = new Uint8Array(0);
  #ivUsed = 0;

  constructor(provider: CrmKeyProvider) {
    this.#provider = provider;
  }

  /**
   * A fresh 96-bit IV for AES-GCM: 12 bytes of the platform's CSPRNG, drawn
   * 341 IVs at a time (one system call instead of one per value) and each
   * handed out once.
   */
  freshIv(): Uint8Array<ArrayBuffer> {
    if (this.#ivUsed + 12 > this.#ivPool.length) {
      this.#ivPool = globalThis.crypto.getRandomValues(new Uint8Array(12 * 341));
      this.#ivUsed = 0;
    }
    const iv = this.#ivPool.slice(this.#ivUsed, this.#ivUsed + 12);
    this.#ivUsed += 12;
    return iv;
  }

  /** The current key id, checked. */
  async currentKeyId(): Promise<string> {
    const keyId = await this.#provider.currentKeyId();
    if (!CrmKeyIdSchema.safeParse(keyId).success) throw keyFailure(`the key provider named ${JSON.stringify(keyId)} as current key; expected a key id of 1–64 letters, digits, _ or -`);
    return keyId;
  }

  /** Every key id to try for lookups, the current one first. */
  async keyIds(): Promise<string[]> {
    const current = await this.currentKeyId();
    const all = await this.#provider.keyIds();
    return [current, ...[...new Set(all)].filter((id) => id !== current && CrmKeyIdSchema.safeParse(id).success)];
  }

  /** The AES-256-GCM key of a key id for a tenant. */
  aesKey(tenantId: string, keyId: string): Promise<CryptoKey> {
    return this.#derive('aes', tenantId, keyId);
  }

  /** The HMAC-SHA256 blind-index key of a key id for a tenant. */
  hmacKey(tenantId: string, keyId: string): Promise<CryptoKey> {
    return this.#derive('hmac', tenantId, keyId);
  }

  #derive(use: 'aes' | 'hmac', tenantId: string, keyId: string): Promise<CryptoKey> {
    const cacheKey = `${use}\u0000${tenantId}\u0000${keyId}`;
    let key = this.#derived.get(cacheKey);
    if (key === undefined) {
      key = this.#deriveNow(use, tenantId, keyId);
      this.#derived.set(cacheKey, key);
      key.catch(() => this.#derived.delete(cacheKey));
    }
    return key;
  }

  async #deriveNow(use: 'aes' | 'hmac', tenantId: string, keyId: string): Promise<CryptoKey> {
    let material: Uint8Array | null;
    try {
      material = await this.#provider.keyMaterial(keyId);
    } catch (error) {
      throw keyFailure(`the key provider failed to give key ${keyId}`, { keyId }, error);
    }
    if (material === null || material === undefined) throw keyFailure(`key ${keyId} is not in the key ring; data encrypted under it cannot be read`, { keyId });
    if (!(material instanceof Uint8Array) || material.length !== 32) throw keyFailure(`key ${keyId} must be 32 bytes of key material`, { keyId });
    const base = await subtle().importKey('raw', Uint8Array.from(material), 'HKDF', false, ['deriveKey']);
    const info = encoder.encode(`dealer-crm/${use === 'aes' ? 'aes-256-gcm' : 'blind-index-hmac-sha256'}/v1/${tenantId}`);
    const params = { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info };
    return use === 'aes'
      ? subtle().deriveKey(params, base, { name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt'])
      : subtle().deriveKey(params, base, { name: 'HMAC', hash: 'SHA-256', length: 256 }, false, ['sign']);
  }

  /** HMAC-SHA256 of a message under a tenant's blind-index key, as hex. */
  async blindDigest(tenantId: string, keyId: string, message: string): Promise<string> {
    const key = await this.hmacKey(tenantId, keyId);
    if (nativeCrypto !== undefined) return nativeCrypto.createHmac('sha256', nativeCrypto.KeyObject.from(key)).update(message, 'utf8').digest('hex');
    const signature = await subtle().sign('HMAC', key, encoder.encode(message));
    return [...new Uint8Array(signature)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
  }
}

/** Seals and opens the personal data of one subject. Internal to the facade. */
export interface FieldCipher {
  /** Whether values are sealed with the subject's own data key. */
  readonly usesDataKey: boolean;
  /** Seals a JSON value of a field. */
  seal(field: string, value: JsonValue): Promise<string>;
  /** Opens a sealed value: the JSON value, or `undefined` when its data key was destroyed. */
  open(field: string, sealed: string): Promise<JsonValue | undefined>;
}

/** The cipher of a facade configured without keys: nothing is sealed, and a sealed value cannot be read. Internal to the facade. */
export const keylessCipher: FieldCipher = Object.freeze({
  usesDataKey: false,
  seal(field: string): Promise<string> {
    return Promise.reject(keyFailure(`cannot encrypt ${field}: the facade was created without keys`, { field }));
  },
  open(field: string): Promise<JsonValue | undefined> {
    return Promise.reject(keyFailure(`cannot decrypt ${field}: the facade was created without keys`, { field }));
  },
});

/**
 * Encrypts and decrypts the personal data of one subject (a customer, or a
 * case without a customer) in one tenant. Values are JSON, sealed as text.
 * Internal to the facade.
 */
export class SubjectCipher implements FieldCipher {
  readonly #ring: CrmKeyRing;
  readonly #tenantId: string;
  readonly #subjectId: string;
  /** The customer's own data key when per-customer keys are on and it exists; `null` when it was destroyed (erasure). */
  readonly #dataKey: CryptoKey | null | undefined;
  readonly #currentKeyId: string;

  constructor(ring: CrmKeyRing, tenantId: string, subjectId: string, currentKeyId: string, dataKey: CryptoKey | null | undefined) {
    this.#ring = ring;
    this.#tenantId = tenantId;
    this.#subjectId = subjectId;
    this.#currentKeyId = currentKeyId;
    this.#dataKey = dataKey;
  }

  /** Whether this cipher seals with the subject's own data key. */
  get usesDataKey(): boolean {
    return this.#dataKey !== undefined && this.#dataKey !== null;
  }

  /** Seals a JSON value of a field. */
  async seal(field: string, value: JsonValue): Promise<string> {
    const aad = associatedData(this.#tenantId, this.#subjectId, field);
    const plaintext = JSON.stringify(value);
    if (this.#dataKey !== undefined && this.#dataKey !== null) return aesSeal(this.#ring, this.#dataKey, 'c', 'dek', aad, plaintext);
    return aesSeal(this.#ring, await this.#ring.aesKey(this.#tenantId, this.#currentKeyId), 'm', this.#currentKeyId, aad, plaintext);
  }

  /**
   * Opens a sealed value of a field: the JSON value, or `undefined` when it
   * was sealed with a data key that no longer exists (crypto-shredded).
   *
   * @throws `CrmError` `CRYPTO_FAILED` for a malformed value, a missing key, a wrong key or a changed byte.
   */
  async open(field: string, sealed: string): Promise<JsonValue | undefined> {
    const parts = parseSealed(sealed);
    if (parts === null) throw keyFailure(`the stored value of ${field} is not an encrypted value`, { field });
    const aad = associatedData(this.#tenantId, this.#subjectId, field);
    let key: CryptoKey;
    if (parts.scheme === 'c') {
      if (this.#dataKey === null || this.#dataKey === undefined) return undefined;
      key = this.#dataKey;
    } else {
      key = await this.#ring.aesKey(this.#tenantId, parts.keyId);
    }
    const text = await aesOpen(key, parts.iv, parts.ciphertext, aad, field);
    return JSON.parse(text) as JsonValue;
  }
}

/** Wraps a customer's 32-byte data key under a key of the ring. @internal */
export async function wrapDataKey(ring: CrmKeyRing, tenantId: string, customerId: string, keyId: string, dataKey: Uint8Array): Promise<string> {
  return aesSeal(ring, await ring.aesKey(tenantId, keyId), 'm', keyId, associatedData(tenantId, customerId, 'data-key'), toBase64Url(dataKey));
}

/** Unwraps a customer's data key into an AES-GCM key. @internal */
export async function unwrapDataKey(ring: CrmKeyRing, tenantId: string, customerId: string, wrapped: string): Promise<{ key: CryptoKey; raw: Uint8Array<ArrayBuffer>; keyId: string }> {
  const parts = parseSealed(wrapped);
  if (parts === null || parts.scheme !== 'm') throw keyFailure(`the data key of customer ${customerId} is not a wrapped key`, { customerId });
  const text = await aesOpen(await ring.aesKey(tenantId, parts.keyId), parts.iv, parts.ciphertext, associatedData(tenantId, customerId, 'data-key'), `the data key of customer ${customerId}`);
  const raw = fromBase64Url(text);
  const key = await subtle().importKey('raw', raw, { name: 'AES-GCM' }, false, ['encrypt', 'decrypt']);
  return { key, raw, keyId: parts.keyId };
}
