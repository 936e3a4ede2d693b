import { STORAGE_CONTRACT_VERSION } from '../../contract-version.js';
import { check, equal } from '../assert.js';
import type { ConformanceCase } from '../types.js';

/** What the storage declares about itself. */
export const contractCases: ConformanceCase[] = [
  {
    area: 'contract',
    name: 'the storage declares the contract version and boolean capabilities',
    async run({ storage }) {
      equal(storage.contractVersion, STORAGE_CONTRACT_VERSION, 'contractVersion');
      check(typeof storage.name === 'string' && storage.name.length > 0, 'the storage has a name');
      for (const flag of ['transactions', 'outbox', 'customCollections', 'bulkImport'] as const) {
        check(typeof storage.capabilities[flag] === 'boolean', `capabilities.${flag} is a boolean`);
      }
      for (const name of ['customers', 'vehicles', 'ownerships', 'leads', 'complaints', 'loyalty_members', 'programs', 'policies']) {
        check(Object.hasOwn(storage.registry.collections, name), `the registry serves the built-in collection ${name}`);
      }
      for (const name of ['loyalty_ledger', 'complaint_events', 'interactions', 'transactions', 'audit_log', 'outbox']) {
        check(Object.hasOwn(storage.registry.streams, name), `the registry serves the built-in stream kind ${name}`);
      }
    },
  },
];
