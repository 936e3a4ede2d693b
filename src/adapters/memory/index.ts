/**
 * The memory storage adapter: the default, zero set-up storage used by the
 * demo and by tests. It honours every rule of the storage contract,
 * concurrency included, and passes the whole conformance kit.
 *
 * @packageDocumentation
 */
export { createMemoryDriver, createMemoryStorage, type MemoryStorageOptions } from './memory-storage.js';
export type { MemoryRecordSnapshot, MemoryStorageDriver } from './memory-driver.js';
