import { describe, test } from 'vitest';
import { createCrmStorage, type CrmStorage } from 'dealer-crm/adapters';
import { createMemoryDriver, type MemoryStorageDriver } from 'dealer-crm/adapters/memory';
import { defineAdapterConformanceSuite } from 'dealer-crm/adapters/testing';

const drivers = new WeakMap<CrmStorage, MemoryStorageDriver>();

defineAdapterConformanceSuite({
  name: 'memory adapter conformance',
  runner: { describe, test },
  createAdapter() {
    const driver = createMemoryDriver();
    const storage = createCrmStorage(driver);
    drivers.set(storage, driver);
    return storage;
  },
  inspect: {
    readRecord: ({ storage, tenantId, collection, id }) => drivers.get(storage)!.peekRecord(tenantId, collection, id),
    countStreamEntries: ({ storage, tenantId, kind, streamId }) => drivers.get(storage)!.peekStreamLength(tenantId, kind, streamId),
    checkPersistedRecord({ raw, record }) {
      // The memory driver keeps the codec's JSON text: the record parses back to its encoded form.
      const stored = raw as { document: string };
      if (JSON.parse(stored.document).id !== (record as { id: string }).id) throw new Error('the stored document is not the record');
    },
  },
});
