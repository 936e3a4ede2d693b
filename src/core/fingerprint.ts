import { sha256 } from '@noble/hashes/sha2';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils';

/**
 * Serialises a value to canonical JSON: object keys sorted, `Date` as its ISO
 * string, `undefined` properties dropped (as `JSON.stringify` does). Two
 * values that mean the same thing serialise to the same text whatever the
 * order their keys were written in.
 *
 * @example
 * ```ts
 * canonicalJson({ b: 1, a: new Date(0) }); // '{"a":"1970-01-01T00:00:00.000Z","b":1}'
 * ```
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(normalise(value));
}

function normalise(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((item) => (item === undefined ? null : normalise(item)));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const item = (value as Record<string, unknown>)[key];
      if (item !== undefined) out[key] = normalise(item);
    }
    return out;
  }
  return value;
}

/**
 * The SHA-256 of a value's {@link canonicalJson}, as 64 lower-case hex digits.
 * Stored beside an idempotency key so that a replay with a different payload
 * is told apart from a true replay.
 *
 * @example
 * ```ts
 * payloadHash({ a: 1, b: 2 }) === payloadHash({ b: 2, a: 1 }); // true
 * ```
 */
export function payloadHash(value: unknown): string {
  return sha256Hex(canonicalJson(value));
}

/** The SHA-256 of a UTF-8 string, as 64 lower-case hex digits. */
export function sha256Hex(text: string): string {
  return bytesToHex(sha256(utf8ToBytes(text)));
}
