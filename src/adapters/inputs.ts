import { IdSchema, ValidationError, issuesFromZod, type ValidationIssue } from '../core/index.js';
import type { RecordCollectionDefinition } from './collections.js';
import { lookup, type SchemaMap, type StorageRegistry } from './registry.js';
import type { StreamKindDefinition } from './stream-kinds.js';

/*
 * Checks of call arguments shared by the storage core and the guarded
 * driver. Each throws a ValidationError naming the argument.
 */

/** Any registry, whatever its type parameters. */
export type AnyRegistry = StorageRegistry<SchemaMap, SchemaMap>;

/** Checks an id (tenant, record or stream id) against the core's IdSchema. */
export function checkId(value: unknown, path: string): string {
  const result = IdSchema.safeParse(value);
  if (result.success) return result.data;
  throw new ValidationError(issuesFromZod(result.error.issues, path));
}

/** The collection named `name`, or a ValidationError listing the known ones. */
export function resolveCollection(registry: AnyRegistry, name: unknown): RecordCollectionDefinition {
  const definition = typeof name === 'string' ? lookup(registry.collections as Record<string, RecordCollectionDefinition>, name) : undefined;
  if (definition === undefined) {
    throw new ValidationError([
      { path: 'collection', message: `unknown collection ${JSON.stringify(name)}; expected one of ${Object.keys(registry.collections).join(', ')}` },
    ]);
  }
  return definition;
}

/** The stream kind named `name`, or a ValidationError listing the known ones. */
export function resolveStreamKind(registry: AnyRegistry, name: unknown): StreamKindDefinition {
  const definition = typeof name === 'string' ? lookup(registry.streams as Record<string, StreamKindDefinition>, name) : undefined;
  if (definition === undefined) {
    throw new ValidationError([
      { path: 'kind', message: `unknown stream kind ${JSON.stringify(name)}; expected one of ${Object.keys(registry.streams).join(', ')}` },
    ]);
  }
  return definition;
}

/**
 * Checks an expected version: an integer ≥ `min` (0 for creates-only and
 * empty streams, 1 for deletes), or `undefined`.
 */
export function checkExpectedVersion(value: unknown, path: string, min: 0 | 1): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new ValidationError([{ path, message: `expected an integer version ≥ ${min}, got ${JSON.stringify(value)}` }]);
  }
  return value;
}

/** Checks an integer in a range, with a default when `undefined`. */
export function checkInteger(value: unknown, path: string, min: number, max: number, fallback?: number): number {
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new ValidationError([{ path, message: `expected an integer from ${min} to ${max}, got ${JSON.stringify(value)}` }]);
  }
  return value;
}

/** Checks that `value` is an array of 1 to `max` items. */
export function checkBatch(value: unknown, path: string, max: number): readonly unknown[] {
  if (!Array.isArray(value)) throw new ValidationError([{ path, message: `expected an array, got ${value === null ? 'null' : typeof value}` }]);
  if (value.length === 0 || value.length > max) {
    throw new ValidationError([{ path, message: `expected 1 to ${max} items, got ${value.length}` }]);
  }
  return value;
}

/** Checks that an options argument is an object (or absent) with only the known keys. */
export function checkOptions(value: unknown, path: string, keys: readonly string[]): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new ValidationError([{ path, message: `expected an options object, got ${Array.isArray(value) ? 'an array' : typeof value}` }]);
  }
  const unknown = Object.keys(value).filter((key) => !keys.includes(key) && (value as Record<string, unknown>)[key] !== undefined);
  if (unknown.length > 0) {
    throw new ValidationError(
      unknown.map((key) => ({ path: path === '' ? key : `${path}.${key}`, message: `unknown option; expected one of ${keys.join(', ')}` })),
    );
  }
  return value as Record<string, unknown>;
}

/**
 * Runs `check` on every item and throws one ValidationError with the issues
 * of all items that failed (so a batch reports every bad record at once).
 */
export function checkEach<T, R>(items: readonly T[], check: (item: T, index: number) => R, label?: string): R[] {
  const issues: ValidationIssue[] = [];
  const out: R[] = [];
  items.forEach((item, index) => {
    try {
      out.push(check(item, index));
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      issues.push(...error.issues);
    }
  });
  if (issues.length > 0) throw new ValidationError(issues, label === undefined ? {} : { label });
  return out;
}
