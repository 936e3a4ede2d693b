import { describe, test } from 'vitest';
import { createCrmStorage } from 'dealer-crm/adapters';
import { defineAdapterConformanceSuite } from 'dealer-crm/adapters/testing';
import { createMapDriver } from '../../examples/minimal-adapter/map-driver.js';

// The plugin-author example passes the whole kit; its outbox tests check
// that it refuses the outbox with UNSUPPORTED, as it declares.
defineAdapterConformanceSuite({
  name: 'minimal Map-backed example adapter conformance',
  runner: { describe, test },
  createAdapter: () => createCrmStorage(createMapDriver()),
});
