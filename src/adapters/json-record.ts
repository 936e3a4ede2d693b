import { z } from 'zod';
import { IdSchema, InstantSchema, type JsonValue } from '../core/index.js';
import type { IndexFieldType } from './index-values.js';

/**
 * A record of a collection whose module defines no schema of its own yet
 * (complaints, loyalty members, programs, policies): an `id`, the declared
 * fields with their types (instants as `Date`), and any other JSON.
 */
export interface JsonRecord {
  /** The record's id, unique within its collection and tenant. */
  id: string;
  /** Declared fields hold their type (instants as `Date`); the rest is JSON. */
  [field: string]: JsonValue | Date | undefined;
}

/** A {@link JsonRecord} as accepted on input: instants may be ISO 8601 strings. */
export interface JsonRecordInput {
  /** The record's id. */
  readonly id: string;
  /** Declared fields and free JSON. */
  readonly [field: string]: unknown;
}

/** A stream payload of a kind whose module defines no schema of its own yet: declared fields plus any other JSON. */
export interface JsonPayload {
  /** Declared fields hold their type (instants as `Date`); the rest is JSON. */
  [field: string]: JsonValue | Date | undefined;
}

/** A {@link JsonPayload} as accepted on input: instants may be ISO 8601 strings. */
export interface JsonPayloadInput {
  /** Declared fields and free JSON. */
  readonly [field: string]: unknown;
}

/** The type of a declared field of a generic JSON record or payload: an index type, or `json` for any JSON value. */
export type JsonFieldType = IndexFieldType | 'json';

/** A declared field of a generic JSON record or payload. */
export interface JsonFieldDeclaration {
  /** What the field holds. */
  readonly type: JsonFieldType;
  /** Whether every record must have it (default: optional, and `null` is allowed). */
  readonly required?: boolean;
}

/**
 * The schema of a generic JSON record: an object with an `id`, the declared
 * fields with their types, and any other property holding plain JSON. Only
 * declared `instant` fields may hold a `Date` (or an ISO string, parsed to a
 * `Date`): anywhere else a `Date` could not come back as a `Date`, so it is
 * rejected with a message saying so.
 *
 * @example
 * ```ts
 * const ComplaintRecordSchema = jsonRecordSchema({ status: { type: 'string', required: true }, openedAt: { type: 'instant' } });
 * ```
 */
export function jsonRecordSchema(fields: Readonly<Record<string, JsonFieldDeclaration>>): z.ZodType<JsonRecord, JsonRecordInput> {
  return jsonObjectSchema({ id: IdSchema }, fields) as unknown as z.ZodType<JsonRecord, JsonRecordInput>;
}

/**
 * The schema of a generic JSON stream payload: an object with the declared
 * fields and any other plain JSON; see {@link jsonRecordSchema}.
 */
export function jsonPayloadSchema(fields: Readonly<Record<string, JsonFieldDeclaration>>): z.ZodType<JsonPayload, JsonPayloadInput> {
  return jsonObjectSchema({}, fields) as unknown as z.ZodType<JsonPayload, JsonPayloadInput>;
}

function jsonObjectSchema(base: Record<string, z.ZodType>, fields: Readonly<Record<string, JsonFieldDeclaration>>) {
  const shape: Record<string, z.ZodType> = { ...base };
  const instants = Object.entries(fields)
    .filter(([, declaration]) => declaration.type === 'instant')
    .map(([name]) => name);
  for (const [name, declaration] of Object.entries(fields)) {
    const field = fieldSchema(declaration.type, instants);
    shape[name] = declaration.required ? field : field.nullable().optional();
  }
  const declared = new Set(Object.keys(shape));
  // zod drops an own `__proto__` key silently; refuse it first so nothing is lost without a word.
  return z
    .unknown()
    .superRefine((input, ctx) => checkNoProtoKey(input, [], ctx))
    .pipe(
      z.looseObject(shape).superRefine((value, ctx) => {
        for (const [key, item] of Object.entries(value)) {
          if (!declared.has(key)) checkJson(item, [key], ctx, instants);
        }
      }),
    );
}

function checkNoProtoKey(value: unknown, path: PropertyKey[], ctx: z.RefinementCtx): void {
  if (value === null || typeof value !== 'object' || value instanceof Date) return;
  for (const [key, item] of Object.entries(value)) {
    if (key === '__proto__') {
      ctx.addIssue({ code: 'custom', path: [...path, key], message: 'the property name __proto__ cannot be stored: JavaScript objects cannot hold it as data' });
    } else {
      checkNoProtoKey(item, [...path, key], ctx);
    }
  }
}

function fieldSchema(type: JsonFieldType, instants: readonly string[]): z.ZodType {
  switch (type) {
    case 'string':
      return z.string();
    case 'number':
      return z.number();
    case 'boolean':
      return z.boolean();
    case 'instant':
      return InstantSchema;
    case 'json':
      return z.unknown().superRefine((value, ctx) => checkJson(value, [], ctx, instants));
  }
}

function checkJson(value: unknown, path: PropertyKey[], ctx: z.RefinementCtx, instants: readonly string[]): void {
  if (value === null || typeof value === 'string' || typeof value === 'boolean' || value === undefined) return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) ctx.addIssue({ code: 'custom', path, message: `expected a finite number, got ${value}` });
    return;
  }
  if (value instanceof Date) {
    const allowed = instants.length > 0 ? `only the declared instant fields (${instants.join(', ')}) hold dates here` : 'no field here is declared as an instant';
    ctx.addIssue({
      code: 'custom',
      path,
      message: `a Date cannot be stored in free JSON (${allowed}); store an ISO 8601 string, or register a schema that declares the field`,
    });
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, index) => checkJson(item, [...path, index], ctx, instants));
    return;
  }
  if (typeof value === 'object') {
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto === Object.prototype || proto === null) {
      for (const [key, item] of Object.entries(value)) checkJson(item, [...path, key], ctx, instants);
      return;
    }
  }
  ctx.addIssue({ code: 'custom', path, message: `expected a JSON value, got a ${typeof value === 'object' ? (value.constructor?.name ?? 'object') : typeof value}` });
}
