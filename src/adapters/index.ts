/**
 * The storage contract of dealer-crm: what a storage adapter implements
 * ({@link StorageDriver}), what the SDK uses ({@link CrmStorage}, built by
 * {@link createCrmStorage}), the collections and stream kinds it stores
 * ({@link defaultStorageRegistry}), and the one codec every adapter shares.
 * The conformance kit is `dealer-crm/adapters/testing`; the shipped
 * adapters are `dealer-crm/adapters/memory`, `…/postgres` and `…/http`.
 *
 * @packageDocumentation
 */
export { STORAGE_CONTRACT_VERSION } from './contract-version.js';
export { storageLimits, type StorageLimits } from './limits.js';
export type { StorageCapabilities } from './capabilities.js';
export { compareCodePoints, compareIndexScalars, indexFieldTypes, type IndexFieldType, type IndexScalar, type IndexValue } from './index-values.js';
export {
  decodeDocument,
  decodeIndexScalar,
  encodeDocument,
  encodeIndexScalar,
  parseIndexFilterValue,
  type EncodeDocumentOptions,
  type JsonObject,
} from './codec.js';
export {
  jsonPayloadSchema,
  jsonRecordSchema,
  type JsonFieldDeclaration,
  type JsonFieldType,
  type JsonPayload,
  type JsonPayloadInput,
  type JsonRecord,
  type JsonRecordInput,
} from './json-record.js';
export {
  builtInRecordCollections,
  defineRecordCollection,
  type DefaultCollectionSchemas,
  type IndexDeclaration,
  type RecordCollectionDefinition,
} from './collections.js';
export {
  builtInStreamKinds,
  defineStreamKind,
  type AuditLogPayload,
  type DefaultStreamSchemas,
  type OutboxPayload,
  type StreamKindDefinition,
} from './stream-kinds.js';
export { defaultStorageRegistry, defineStorageRegistry, extendStorageRegistry, type SchemaMap, type StorageRegistry } from './registry.js';
export type * from './driver.js';
export type * from './storage.js';
export { createCrmStorage, type CreateCrmStorageOptions } from './create-storage.js';
export { compareQueryPositions, evaluateQueryPlan, indexValueOf, matchesIndexFilter, type IndexedRow } from './evaluate-query.js';
export { decodeQueryCursor, encodeQueryCursor } from './cursor.js';
export { createKeyedLock, type KeyedLock } from './keyed-lock.js';
