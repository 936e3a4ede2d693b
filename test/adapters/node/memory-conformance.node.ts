/**
 * The conformance kit under node:test, against the memory adapter: the kit
 * needs no vitest. Run by test/adapters/node-test-runner.test.ts as
 * `node --import tsx --test test/adapters/node/memory-conformance.node.ts`.
 */
import { describe, test } from 'node:test';
import { createMemoryStorage } from 'dealer-crm/adapters/memory';
import { defineAdapterConformanceSuite } from 'dealer-crm/adapters/testing';

defineAdapterConformanceSuite({
  name: 'memory adapter conformance under node:test',
  runner: { describe, test },
  createAdapter: () => createMemoryStorage(),
  skip: { 'scans: stopping a scan early leaves the storage usable': 'shows that a named skip with its reason reaches node:test' },
});
