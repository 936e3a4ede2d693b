import { describe } from 'vitest';
import { defineConformanceRun, openPglite } from './support.js';

// The whole conformance kit against embedded PostgreSQL (PGlite), in a schema of its own.
describe('postgres adapter on PGlite', () => {
  defineConformanceRun(openPglite, { largeScanRecords: 1000 });
});
