import type { z } from 'zod';
import { CrmError, InstantSchema, ValidationError, formatPath, issuesFromZod, type JsonValue, type ValidationIssue } from '../core/index.js';
import type { IndexFieldType, IndexScalar, IndexValue } from './index-values.js';
import { storageLimits } from './limits.js';

/** A JSON object: the stored form of a record or a stream payload. */
export type JsonObject = { [key: string]: JsonValue };

const MAX_REPORTED_ISSUES = 20;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Encodes a parsed record or stream payload into its stored JSON form. This
 * is the one serialisation rule of every adapter, so that all of them
 * round-trip identically:
 *
 * - a `Date` becomes its ISO 8601 string in UTC with milliseconds
 *   (`2024-05-01T01:30:00.000Z`); the record's schema turns it back into a
 *   `Date` on the way out (see {@link decodeDocument});
 * - numbers must be finite; `-0` is stored as `0`; integers (minor units) stay
 *   exact up to `Number.MAX_SAFE_INTEGER`;
 * - strings must be well-formed UTF-16 (no lone surrogate) and may not contain
 *   U+0000, which PostgreSQL cannot store; every other character round-trips,
 *   supplementary planes included (𠮷, 😀);
 * - properties whose value is `undefined` are dropped; arrays (empty ones
 *   too) and nested objects are kept as they are; a property named
 *   `__proto__` is rejected (it would set a prototype, not store data);
 * - anything else (a `Map`, a class instance, a function, a `bigint`) is
 *   rejected;
 * - the JSON text may not exceed {@link StorageLimits.maxDocumentBytes}.
 *
 * @throws `ValidationError` listing every value that cannot be stored,
 * with its path (`metadata.notes[2]`).
 * @example
 * ```ts
 * encodeDocument({ id: 'C-1', at: new Date('2024-05-01T09:30:00+08:00'), tags: [] });
 * // { id: 'C-1', at: '2024-05-01T01:30:00.000Z', tags: [] }
 * ```
 */
export function encodeDocument(value: unknown, options: EncodeDocumentOptions = {}): JsonObject {
  const label = options.label ?? 'document';
  const path = options.path === undefined || options.path === '' ? [] : [options.path];
  const issues: ValidationIssue[] = [];
  if (!isPlainObject(value)) {
    throw new ValidationError([{ path: formatPath(path), message: `expected an object, got ${describe(value)}` }], { label });
  }
  const encoded = encodeValue(value, path, issues) as JsonObject;
  if (issues.length > 0) throw new ValidationError(issues, { label });
  const bytes = jsonByteLength(encoded);
  if (bytes > storageLimits.maxDocumentBytes) {
    throw new ValidationError(
      [{ path: formatPath(path), message: `the encoded ${label} is ${bytes} bytes; at most ${storageLimits.maxDocumentBytes} bytes can be stored` }],
      { label },
    );
  }
  return encoded;
}

/** Options of {@link encodeDocument}. */
export interface EncodeDocumentOptions {
  /** What is encoded, for the error message (`customers record`). */
  readonly label?: string;
  /** A path prefix for every issue (`writes[3].record`). */
  readonly path?: string;
}

function encodeValue(value: unknown, path: PropertyKey[], issues: ValidationIssue[]): JsonValue | undefined {
  if (issues.length >= MAX_REPORTED_ISSUES) return null;
  if (value === null) return null;
  switch (typeof value) {
    case 'string':
      checkString(value, path, issues);
      return value;
    case 'number':
      if (!Number.isFinite(value)) {
        issues.push({ path: formatPath(path), message: `expected a finite number, got ${value}` });
        return null;
      }
      return value === 0 ? 0 : value;
    case 'boolean':
      return value;
    case 'undefined':
      return undefined;
    default:
      break;
  }
  if (value instanceof Date) {
    const time = value.getTime();
    if (Number.isNaN(time)) {
      issues.push({ path: formatPath(path), message: 'expected a valid Date, got Invalid Date' });
      return null;
    }
    return value.toISOString();
  }
  if (Array.isArray(value)) {
    return value.map((item, index) => {
      if (item === undefined) {
        issues.push({ path: formatPath([...path, index]), message: 'an array may not hold undefined' });
        return null;
      }
      return encodeValue(item, [...path, index], issues) ?? null;
    });
  }
  if (isPlainObject(value)) {
    const out: JsonObject = {};
    for (const key of Object.keys(value)) {
      checkString(key, [...path, key], issues, 'a property name');
      const item = encodeValue(value[key], [...path, key], issues);
      if (item !== undefined) out[key] = item;
    }
    return out;
  }
  issues.push({ path: formatPath(path), message: `expected a JSON value, a Date or a plain object, got ${describe(value)}` });
  return null;
}

function checkString(text: string, path: PropertyKey[], issues: ValidationIssue[], what = 'a string'): void {
  if (what === 'a property name' && text === '__proto__') {
    issues.push({ path: formatPath(path), message: 'the property name __proto__ cannot be stored: JavaScript objects cannot hold it as data' });
  } else if (text.includes('\u0000')) {
    issues.push({ path: formatPath(path), message: `${what} may not contain the NUL character U+0000` });
  } else if (LONE_SURROGATE.test(text)) {
    issues.push({ path: formatPath(path), message: `${what} must be well-formed UTF-16; it holds a lone surrogate` });
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return `a ${(value as object).constructor?.name ?? 'object'}`;
  return `a ${typeof value}`;
}

/** The length in UTF-8 bytes of a value's JSON text. */
function jsonByteLength(value: JsonValue): number {
  const text = JSON.stringify(value);
  // Each UTF-16 unit is at most 3 UTF-8 bytes: skip the exact count when it cannot matter.
  if (text.length * 3 <= storageLimits.maxDocumentBytes) return text.length;
  return new TextEncoder().encode(text).length;
}

/**
 * Decodes a stored record or payload: parses the JSON text (drivers may hand
 * back text or an already parsed object) and runs it through the schema of
 * its collection or stream kind, which turns ISO strings back into `Date`s.
 * Every adapter's reads go through here, so what comes out of storage always
 * satisfies the schema.
 *
 * @param what - what is decoded, for the error (`customers record C-1`)
 * @throws `CrmError` `BAD_RESPONSE` when the stored form is not JSON or
 * no longer satisfies the schema (data written by another program, a schema
 * made stricter without migrating the data).
 */
export function decodeDocument<S extends z.ZodType>(schema: S, stored: JsonObject | string, what: string): z.output<S> {
  let value: unknown = stored;
  if (typeof stored === 'string') {
    try {
      value = JSON.parse(stored);
    } catch (error) {
      throw new CrmError('BAD_RESPONSE', `stored ${what} is not valid JSON`, { cause: error });
    }
  }
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = issuesFromZod(result.error.issues);
  throw new CrmError(
    'BAD_RESPONSE',
    `stored ${what} does not satisfy its schema: ${issues
      .slice(0, 3)
      .map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message))
      .join('; ')}`,
    { details: { issues }, cause: result.error },
  );
}

/**
 * The index value of a field of a parsed record: `null` when the record has
 * no value, a string, a finite number, a boolean, or for an `instant` field
 * the epoch milliseconds of the `Date`.
 *
 * @param path - the field's path, for the error
 * @throws `ValidationError` when the value does not have the declared
 * type, or a string is longer than {@link StorageLimits.maxIndexedStringLength}.
 */
export function encodeIndexScalar(type: IndexFieldType, value: unknown, path: string): IndexScalar {
  if (value === undefined || value === null) return null;
  return encodeIndexValue(type, value, path, false);
}

/**
 * Parses a value a caller compares an indexed field against (in a query's
 * `where`): a string, a finite number, a boolean, or for an `instant` field a
 * `Date` or an ISO 8601 string with an offset, returned as epoch milliseconds.
 *
 * @throws `ValidationError` when the value does not fit the field's type.
 */
export function parseIndexFilterValue(type: IndexFieldType, value: unknown, path: string): IndexValue {
  return encodeIndexValue(type, value, path, true);
}

function encodeIndexValue(type: IndexFieldType, value: unknown, path: string, acceptIsoText: boolean): IndexValue {
  switch (type) {
    case 'string':
      if (typeof value !== 'string') return indexTypeError(path, 'a string', value);
      if (value.length > storageLimits.maxIndexedStringLength) {
        throw new ValidationError([
          { path, message: `an indexed string may be at most ${storageLimits.maxIndexedStringLength} characters, got ${value.length}` },
        ]);
      }
      {
        const issues: ValidationIssue[] = [];
        checkString(value, [], issues);
        if (issues.length > 0) throw new ValidationError([{ path, message: issues[0]!.message }]);
      }
      return value;
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) return indexTypeError(path, 'a finite number', value);
      return value === 0 ? 0 : value;
    case 'boolean':
      if (typeof value !== 'boolean') return indexTypeError(path, 'a boolean', value);
      return value;
    case 'instant': {
      if (value instanceof Date && !Number.isNaN(value.getTime())) return value.getTime();
      if (acceptIsoText && typeof value === 'string') {
        const parsed = InstantSchema.safeParse(value);
        if (parsed.success) return parsed.data.getTime();
      }
      return indexTypeError(path, acceptIsoText ? 'an instant (a Date or an ISO 8601 string with an offset)' : 'a Date', value);
    }
  }
}

function indexTypeError(path: string, expected: string, value: unknown): never {
  const shown = typeof value === 'string' ? JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value) : describe(value);
  throw new ValidationError([{ path, message: `expected ${expected}, got ${shown}` }]);
}

/**
 * Turns a stored index value back into what a record holds: epoch
 * milliseconds of an `instant` field become a `Date`; other values are
 * returned as they are.
 */
export function decodeIndexScalar(type: IndexFieldType, scalar: IndexScalar): string | number | boolean | Date | null {
  if (scalar === null) return null;
  return type === 'instant' && typeof scalar === 'number' ? new Date(scalar) : scalar;
}
