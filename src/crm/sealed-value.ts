import { z } from 'zod';

/*
 * The text form of an encrypted value, so it fits any string field of any
 * adapter: `enc1.<scheme>.<keyId>.<iv>.<ciphertext>` — scheme `m` (a key of
 * the ring, named by `keyId`) or `c` (the customer's own data key, keyId
 * `dek`); the 96-bit IV and the AES-GCM ciphertext with its 128-bit tag in
 * base64url.
 */

const SEALED = /^enc1\.(m|c)\.([A-Za-z0-9_-]{1,64})\.([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]{22,})$/;

/** An encrypted value as stored: `enc1.m.<keyId>.<iv>.<ciphertext>` or `enc1.c.dek.<iv>.<ciphertext>`. */
export const SealedValueSchema = z.string().regex(SEALED, { error: 'expected an encrypted value (enc1.…)' });

/** The parts of a sealed value. @internal */
export interface SealedParts {
  readonly scheme: 'm' | 'c';
  readonly keyId: string;
  readonly iv: Uint8Array<ArrayBuffer>;
  readonly ciphertext: Uint8Array<ArrayBuffer>;
}

/** Splits a sealed value, or returns null when the text is not one. @internal */
export function parseSealed(text: string): SealedParts | null {
  const match = SEALED.exec(text);
  if (match === null) return null;
  return { scheme: match[1] as 'm' | 'c', keyId: match[2]!, iv: fromBase64Url(match[3]!), ciphertext: fromBase64Url(match[4]!) };
}

/** Joins the parts of a sealed value. @internal */
export function formatSealed(scheme: 'm' | 'c', keyId: string, iv: Uint8Array, ciphertext: Uint8Array): string {
  return `enc1.${scheme}.${keyId}.${toBase64Url(iv)}.${toBase64Url(ciphertext)}`;
}

/** Whether a string is a sealed value. @internal */
export function isSealed(text: unknown): text is string {
  return typeof text === 'string' && SEALED.test(text);
}

/** Base64url without padding (works in every runtime: no `Buffer`). @internal */
export function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Decodes base64url (padding optional). @internal */
export function fromBase64Url(text: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(atob(text.replace(/-/g, '+').replace(/_/g, '/')), (char) => char.charCodeAt(0));
}
