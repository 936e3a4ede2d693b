import { describe, test } from 'vitest';
import { createCrmStorage, type CrmStorage, type StorageDriver } from 'dealer-crm/adapters';
import { defineAdapterConformanceSuite } from 'dealer-crm/adapters/testing';

/** A driver that keeps each record's document as the codec's JSON text and can show what it really stores. */
export interface PeekableDriver extends StorageDriver {
  peekRecord(tenantId: string, collection: string, id: string): { readonly document: string } | null;
  peekStreamLength(tenantId: string, kind: string, streamId: string): number;
}

/**
 * Registers the whole conformance kit, inspection tests included, for
 * storages over drivers made by `createDriver`: the inspector reads through
 * the driver's peek functions, and a stored document must parse back to the
 * record it holds.
 */
export function definePeekableConformanceSuite(name: string, createDriver: () => PeekableDriver): void {
  const drivers = new WeakMap<CrmStorage, PeekableDriver>();
  defineAdapterConformanceSuite({
    name,
    runner: { describe, test },
    createAdapter() {
      const driver = createDriver();
      const storage = createCrmStorage(driver);
      drivers.set(storage, driver);
      return storage;
    },
    inspect: {
      readRecord: ({ storage, tenantId, collection, id }) => drivers.get(storage)!.peekRecord(tenantId, collection, id),
      countStreamEntries: ({ storage, tenantId, kind, streamId }) => drivers.get(storage)!.peekStreamLength(tenantId, kind, streamId),
      checkPersistedRecord({ raw, record }) {
        // The driver keeps the codec's JSON text: it parses back to the record.
        if (JSON.parse((raw as { document: string }).document).id !== (record as { id: string }).id) throw new Error('the stored document is not the record');
      },
    },
  });
}
