/**
 * The conformance kit of the storage contract: one call,
 * {@link defineAdapterConformanceSuite}, registers the whole behavioural
 * suite for an adapter with the test runner you pass (vitest, `node:test`,
 * …). Every shipped adapter passes it; plugin authors run it against theirs.
 *
 * @packageDocumentation
 */
export { conformanceTestNames, defineAdapterConformanceSuite } from './suite.js';
export type {
  AdapterConformanceOptions,
  ConformanceInspector,
  ConformanceRunner,
  InspectRecordArgs,
  InspectStreamArgs,
} from './types.js';
