import { sha256Hex } from '../core/index.js';

const MAX_ID_LENGTH = 128;

/**
 * A storage id (stream id, idempotency key, record id) made of a prefix and
 * a value: `prefix:value` when that fits the storage limit of 128
 * characters, else `prefix#<sha256 of value>`. The two forms never collide
 * (the first always has `:` right after the prefix). Internal to the facade.
 */
export function boundedId(prefix: string, value: string): string {
  const plain = `${prefix}:${value}`;
  return plain.length <= MAX_ID_LENGTH && plain.trim() === plain ? plain : `${prefix}#${sha256Hex(value)}`;
}

/** A record id derived from several parts: the SHA-256 of their joined text. Internal to the facade. */
export function digestId(...parts: readonly string[]): string {
  return sha256Hex(parts.join('\u0000'));
}
