import type { z } from 'zod';
import { ValidationError, type ValidationIssue } from '../core/index.js';
import { builtInRecordCollections, type DefaultCollectionSchemas, type IndexDeclaration, type RecordCollectionDefinition } from './collections.js';
import { indexFieldTypes } from './index-values.js';
import { builtInStreamKinds, type DefaultStreamSchemas, type StreamKindDefinition } from './stream-kinds.js';

/** Schemas by name: the type map of a registry's collections or stream kinds. */
export type SchemaMap = { readonly [name: string]: z.ZodType };

/**
 * The collections and stream kinds a storage serves, by name. Every call
 * names one of them; a name the registry does not hold is a
 * `ValidationError`. The type parameters carry each schema, so that
 * `storage.get(tenant, 'customers', id)` is typed as a `Customer`.
 */
export interface StorageRegistry<C extends SchemaMap = DefaultCollectionSchemas, S extends SchemaMap = DefaultStreamSchemas> {
  /** Record collections by name. */
  readonly collections: { readonly [K in keyof C]: RecordCollectionDefinition<C[K]> };
  /** Stream kinds by name. */
  readonly streams: { readonly [K in keyof S]: StreamKindDefinition<S[K]> };
}

const NAME = /^[a-z][a-z0-9_]{0,62}$/;
const FIELD = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/**
 * Checks and freezes a registry: collection and stream names are snake_case
 * (`[a-z][a-z0-9_]*`, at most 63 characters, so they can name SQL tables and
 * URL segments), index names are identifiers other than `id` (always
 * indexed), index types are known, and only the `outbox` kind tracks delivery.
 *
 * @throws `ValidationError` naming every broken rule.
 * @example
 * ```ts
 * const registry = defineStorageRegistry({ collections: builtInRecordCollections, streams: builtInStreamKinds });
 * ```
 */
export function defineStorageRegistry<C extends SchemaMap, S extends SchemaMap>(input: {
  readonly collections: { readonly [K in keyof C]: RecordCollectionDefinition<C[K]> };
  readonly streams: { readonly [K in keyof S]: StreamKindDefinition<S[K]> };
}): StorageRegistry<C, S> {
  const issues: ValidationIssue[] = [];
  const collections: Record<string, RecordCollectionDefinition> = {};
  for (const [name, definition] of Object.entries(input.collections) as [string, RecordCollectionDefinition][]) {
    if (!NAME.test(name)) issues.push({ path: `collections.${name}`, message: 'a collection name is snake_case: [a-z][a-z0-9_]*, at most 63 characters' });
    if (typeof definition?.schema?.safeParse !== 'function') issues.push({ path: `collections.${name}.schema`, message: 'expected a zod schema' });
    for (const [field, declaration] of Object.entries(definition?.indexes ?? {})) {
      if (!FIELD.test(field) || field === 'id') {
        issues.push({ path: `collections.${name}.indexes.${field}`, message: 'an index names a top-level field (an identifier other than id, which is always indexed)' });
      }
      if (!indexFieldTypes.includes(declaration?.type)) {
        issues.push({ path: `collections.${name}.indexes.${field}.type`, message: `expected one of ${indexFieldTypes.join(', ')}` });
      }
    }
    collections[name] = definition;
  }
  const streams: Record<string, StreamKindDefinition> = {};
  for (const [name, definition] of Object.entries(input.streams) as [string, StreamKindDefinition][]) {
    if (!NAME.test(name)) issues.push({ path: `streams.${name}`, message: 'a stream kind name is snake_case: [a-z][a-z0-9_]*, at most 63 characters' });
    if (typeof definition?.schema?.safeParse !== 'function') issues.push({ path: `streams.${name}.schema`, message: 'expected a zod schema' });
    if (definition?.tracksDelivery && name !== 'outbox') issues.push({ path: `streams.${name}.tracksDelivery`, message: 'only the outbox stream kind tracks delivery' });
    if (definition?.streamIdField !== undefined && !FIELD.test(definition.streamIdField)) {
      issues.push({ path: `streams.${name}.streamIdField`, message: 'expected the name of a top-level payload field' });
    }
    streams[name] = definition;
  }
  if (issues.length > 0) throw new ValidationError(issues, { label: 'storage registry' });
  return Object.freeze({ collections: Object.freeze(collections), streams: Object.freeze(streams) }) as unknown as StorageRegistry<C, S>;
}

/** The registry of the SDK's built-in collections and stream kinds; what {@link createCrmStorage} uses by default. */
export const defaultStorageRegistry: StorageRegistry = defineStorageRegistry<DefaultCollectionSchemas, DefaultStreamSchemas>({
  collections: builtInRecordCollections,
  streams: builtInStreamKinds,
});

/**
 * A new registry with more collections and stream kinds, or with stricter
 * schemas for existing ones. A collection that replaces an existing one must
 * declare exactly the same indexes (drivers keep real columns for them); its
 * schema may change freely as long as records stored under the old one still
 * parse. The service facade uses this to register the complaints and loyalty
 * schemas.
 *
 * @throws `ValidationError` when a replacement changes the indexes, or
 * a name or index breaks a rule of {@link defineStorageRegistry}.
 * @example
 * ```ts
 * const registry = extendStorageRegistry(defaultStorageRegistry, {
 *   collections: { complaints: defineRecordCollection({ ...defaultStorageRegistry.collections.complaints, schema: ComplaintSchema }) },
 * });
 * ```
 */
export function extendStorageRegistry<
  C extends SchemaMap,
  S extends SchemaMap,
  C2 extends SchemaMap = Record<never, never>,
  S2 extends SchemaMap = Record<never, never>,
>(
  base: StorageRegistry<C, S>,
  extension: {
    readonly collections?: { readonly [K in keyof C2]: RecordCollectionDefinition<C2[K]> };
    readonly streams?: { readonly [K in keyof S2]: StreamKindDefinition<S2[K]> };
  },
): StorageRegistry<Omit<C, keyof C2> & C2, Omit<S, keyof S2> & S2> {
  const issues: ValidationIssue[] = [];
  for (const [name, definition] of Object.entries(extension.collections ?? {}) as [string, RecordCollectionDefinition][]) {
    const existing = lookup(base.collections as Record<string, RecordCollectionDefinition>, name);
    if (existing !== undefined && !sameIndexes(existing.indexes, definition?.indexes ?? {})) {
      issues.push({
        path: `collections.${name}.indexes`,
        message: `a replacement for collection ${name} must declare the same indexes (${describeIndexes(existing.indexes)}), got ${describeIndexes(definition?.indexes ?? {})}`,
      });
    }
  }
  if (issues.length > 0) throw new ValidationError(issues, { label: 'storage registry extension' });
  return defineStorageRegistry({
    collections: { ...base.collections, ...(extension.collections ?? {}) },
    streams: { ...base.streams, ...(extension.streams ?? {}) },
  }) as unknown as StorageRegistry<Omit<C, keyof C2> & C2, Omit<S, keyof S2> & S2>;
}

function sameIndexes(a: Readonly<Record<string, IndexDeclaration>>, b: Readonly<Record<string, IndexDeclaration>>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && b[key]!.type === a[key]!.type);
}

function describeIndexes(indexes: Readonly<Record<string, IndexDeclaration>>): string {
  const entries = Object.entries(indexes).map(([name, declaration]) => `${name}: ${declaration.type}`);
  return entries.length === 0 ? 'none' : entries.join(', ');
}

/** A registry entry by name, never one inherited from `Object.prototype`. */
export function lookup<T>(table: Readonly<Record<string, T>>, name: string): T | undefined {
  return typeof name === 'string' && Object.hasOwn(table, name) ? table[name] : undefined;
}

/** Whether every collection and stream kind of `registry` is one of the built-ins with its built-in indexes. */
export function usesOnlyBuiltInNames(registry: StorageRegistry<SchemaMap, SchemaMap>): boolean {
  const collectionsOk = Object.entries(registry.collections).every(([name, definition]) => {
    const builtIn = lookup(builtInRecordCollections as Record<string, RecordCollectionDefinition>, name);
    return builtIn !== undefined && sameIndexes(builtIn.indexes, (definition as RecordCollectionDefinition).indexes);
  });
  return collectionsOk && Object.keys(registry.streams).every((name) => lookup(builtInStreamKinds as Record<string, StreamKindDefinition>, name) !== undefined);
}
