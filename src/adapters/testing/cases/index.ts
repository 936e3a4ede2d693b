import type { ConformanceCase } from '../types.js';
import { badInputCases } from './bad-input.js';
import { concurrencyCases } from './concurrency.js';
import { contractCases } from './contract.js';
import { idempotencyCases } from './idempotency.js';
import { inspectionCases } from './inspection.js';
import { outboxCases } from './outbox.js';
import { queryCases } from './queries.js';
import { recordCases } from './records.js';
import { roundTripCases } from './round-trips.js';
import { scanCases } from './scans.js';
import { streamCases } from './streams.js';
import { tenantCases } from './tenants.js';
import { transactionCases } from './transactions.js';
import { versionCases } from './versions.js';

/** Every case of the kit, in registration order. */
export const allConformanceCases: readonly ConformanceCase[] = Object.freeze([
  ...contractCases,
  ...recordCases,
  ...versionCases,
  ...queryCases,
  ...scanCases,
  ...streamCases,
  ...idempotencyCases,
  ...concurrencyCases,
  ...transactionCases,
  ...tenantCases,
  ...badInputCases,
  ...roundTripCases,
  ...outboxCases,
  ...inspectionCases,
]);
