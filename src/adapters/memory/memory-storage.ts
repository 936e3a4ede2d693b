import type { DefaultCollectionSchemas } from '../collections.js';
import { createCrmStorage } from '../create-storage.js';
import type { SchemaMap, StorageRegistry } from '../registry.js';
import type { CrmStorage } from '../storage.js';
import type { DefaultStreamSchemas } from '../stream-kinds.js';
import { createMemoryDriverWith, type MemoryStorageDriver } from './memory-driver.js';

/**
 * Creates the memory storage driver (see {@link createMemoryStorage} for the
 * ready storage). Use the driver directly to wrap it yourself or to peek at
 * what it stores in tests.
 *
 * @example
 * ```ts
 * const driver = createMemoryDriver();
 * const storage = createCrmStorage(driver);
 * ```
 */
export function createMemoryDriver(): MemoryStorageDriver {
  return createMemoryDriverWith();
}

/** Options of {@link createMemoryStorage}. */
export interface MemoryStorageOptions<C extends SchemaMap = DefaultCollectionSchemas, S extends SchemaMap = DefaultStreamSchemas> {
  /** The collections and stream kinds to serve; default the built-in registry. Any registry works (the memory driver stores custom collections). */
  readonly registry?: StorageRegistry<C, S>;
}

/**
 * Creates an empty in-memory storage: every rule of the storage contract
 * (tenant isolation, versions, idempotent appends, transactions, the
 * outbox), nothing to set up. Data lives as long as the object.
 *
 * @example
 * ```ts
 * const storage = createMemoryStorage();
 * const { version } = await storage.put('group-1', 'vehicles', vehicle);
 * ```
 */
export function createMemoryStorage<C extends SchemaMap = DefaultCollectionSchemas, S extends SchemaMap = DefaultStreamSchemas>(
  options: MemoryStorageOptions<C, S> = {},
): CrmStorage<C, S> {
  return createCrmStorage(createMemoryDriverWith(), options.registry === undefined ? {} : { registry: options.registry });
}
