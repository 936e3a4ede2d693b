import { CrmError } from '../core/index.js';

const DATE_TAG = '$date';

/**
 * Serialises the answer of an idempotent request for its request record:
 * JSON in which every `Date` becomes `{ "$date": "<ISO>" }`, so that a
 * replay returns the same answer, instants included. Internal to the facade.
 */
export function encodeAnswer(answer: unknown): string {
  return JSON.stringify(answer, function replacer(this: Record<string, unknown>, key: string, value: unknown) {
    const raw = this[key];
    return raw instanceof Date ? { [DATE_TAG]: raw.toISOString() } : value;
  });
}

/** Reads an answer written by {@link encodeAnswer}. Internal to the facade. */
export function decodeAnswer(text: string): unknown {
  try {
    return JSON.parse(text, (_key, value: unknown) => {
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
        const keys = Object.keys(value);
        const tagged = (value as Record<string, unknown>)[DATE_TAG];
        if (keys.length === 1 && typeof tagged === 'string') return new Date(tagged);
      }
      return value;
    });
  } catch (error) {
    throw new CrmError('BAD_RESPONSE', 'the stored answer of an idempotent request is not readable JSON', { cause: error });
  }
}

/**
 * A JSON-safe copy of a value for free JSON fields (audit details, outbox
 * data, exports): `Date`s become ISO strings, `undefined` properties are
 * dropped. Internal to the facade.
 */
export function toJsonSafe(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value ?? null)) as unknown;
}
