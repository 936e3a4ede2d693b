import { describe, test } from 'vitest';
import { createCrmStorage, type CrmStorage } from 'dealer-crm/adapters';
import { defineAdapterConformanceSuite } from 'dealer-crm/adapters/testing';
import { createMapDriver, type MapDriver } from '../../examples/minimal-adapter/map-driver.js';

const drivers = new WeakMap<CrmStorage, MapDriver>();

// The plugin-author example passes the whole kit, the inspection tests
// included; its outbox tests check that it refuses the outbox with
// UNSUPPORTED, as it declares.
defineAdapterConformanceSuite({
  name: 'minimal Map-backed example adapter conformance',
  runner: { describe, test },
  createAdapter() {
    const driver = createMapDriver();
    const storage = createCrmStorage(driver);
    drivers.set(storage, driver);
    return storage;
  },
  inspect: {
    readRecord: ({ storage, tenantId, collection, id }) => drivers.get(storage)!.peekRecord(tenantId, collection, id),
    countStreamEntries: ({ storage, tenantId, kind, streamId }) => drivers.get(storage)!.peekStreamLength(tenantId, kind, streamId),
    checkPersistedRecord({ raw, record }) {
      // The example keeps the codec's JSON text: it parses back to the record's id.
      if (JSON.parse((raw as { document: string }).document).id !== (record as { id: string }).id) throw new Error('the stored document is not the record');
    },
  },
});
