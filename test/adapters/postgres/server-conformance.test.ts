import { describe } from 'vitest';
import { databaseUrl, defineConformanceRun, openServer } from './support.js';

// The whole conformance kit against the PostgreSQL server at DATABASE_URL (set in CI), through a pool of
// eight connections so that the concurrency tests really run concurrently, in a schema of its own.
describe.skipIf(databaseUrl === undefined)('postgres adapter on the PostgreSQL server at DATABASE_URL', () => {
  defineConformanceRun(async () => openServer(8));
});
