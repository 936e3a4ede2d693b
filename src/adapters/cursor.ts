import { bytesToHex, hexToBytes, utf8ToBytes } from '@noble/hashes/utils';
import { ValidationError } from '../core/index.js';
import type { IndexFieldType, IndexScalar } from './index-values.js';

const CURSOR_VERSION = 1;
const HEX = /^(?:[0-9a-f]{2})+$/;

/**
 * Encodes a keyset position as an opaque cursor bound to one query (by the
 * query's fingerprint): lower-case hex of a small JSON array, so that it is
 * safe in URLs and headers.
 */
export function encodeQueryCursor(fingerprint: string, after: { readonly value: IndexScalar; readonly id: string }): string {
  return bytesToHex(utf8ToBytes(JSON.stringify([CURSOR_VERSION, fingerprint, after.value, after.id])));
}

/**
 * Decodes a cursor made by {@link encodeQueryCursor} for the query with this
 * fingerprint and order type.
 *
 * @throws `ValidationError` (path `cursor`) for a malformed cursor or
 * one made for another query.
 */
export function decodeQueryCursor(cursor: string, fingerprint: string, orderType: IndexFieldType): { value: IndexScalar; id: string } {
  let decoded: unknown;
  try {
    if (!HEX.test(cursor)) throw new Error('not hex');
    decoded = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(hexToBytes(cursor)));
  } catch {
    throw new ValidationError([{ path: 'cursor', message: 'expected a cursor returned as nextCursor by a previous page' }]);
  }
  if (!Array.isArray(decoded) || decoded.length !== 4 || decoded[0] !== CURSOR_VERSION || typeof decoded[3] !== 'string') {
    throw new ValidationError([{ path: 'cursor', message: 'expected a cursor returned as nextCursor by a previous page' }]);
  }
  if (decoded[1] !== fingerprint) {
    throw new ValidationError([
      { path: 'cursor', message: 'the cursor belongs to another query; a cursor continues only the query (collection, where, orderBy) that returned it' },
    ]);
  }
  const value: unknown = decoded[2];
  const expected = orderType === 'instant' ? 'number' : orderType;
  if (value !== null && typeof value !== expected) {
    throw new ValidationError([{ path: 'cursor', message: 'the cursor does not fit the order field of the query' }]);
  }
  return { value: value as IndexScalar, id: decoded[3] };
}
