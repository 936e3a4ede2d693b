import { sha256 } from '@noble/hashes/sha2';

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

/**
 * The SHA-256 of a UTF-8 string, as 64 lower-case hex digits. On Node.js
 * (20.16 and later) this is the runtime's native one-shot `crypto.hash`; in
 * browsers, Deno, Bun and workers it is the audited pure-JS implementation of
 * `@noble/hashes`, encoding into a reused buffer. Both give the same digest
 * for every string (lone surrogates are encoded as U+FFFD by both).
 *
 * @example
 * ```ts
 * sha256Hex('abc'); // 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'
 * ```
 */
export function sha256Hex(text: string): string {
  return nativeSha256Hex ? nativeSha256Hex(text) : portableSha256Hex(text);
}

type NativeHash = (algorithm: string, data: string, outputEncoding: 'hex') => string;

// Feature detection, not state: resolved once when the module loads.
const nativeSha256Hex: ((text: string) => string) | undefined = (() => {
  const runtime = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const crypto = runtime?.getBuiltinModule?.('node:crypto') as { hash?: NativeHash } | undefined;
  const hash = crypto?.hash;
  return typeof hash === 'function' ? (text: string) => hash('sha256', text, 'hex') : undefined;
})();

const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));
const encoder = new TextEncoder();
const digest = new Uint8Array(32);
let buffer = new Uint8Array(1024);

/**
 * The pure-JS SHA-256 path of {@link sha256Hex}, exported so that tests can
 * check it against the native one.
 *
 * @internal
 */
export function portableSha256Hex(text: string): string {
  // UTF-8 takes at most 3 bytes per UTF-16 code unit.
  if (buffer.length < text.length * 3) buffer = new Uint8Array(text.length * 3);
  const { written } = encoder.encodeInto(text, buffer);
  sha256.create().update(buffer.subarray(0, written)).digestInto(digest);
  let hex = '';
  for (let i = 0; i < 32; i++) hex += HEX[digest[i]!]!;
  return hex;
}
