/**
 * The customer core: models (customers, vehicles, ownership, transactions,
 * interactions, leads, consents), identifier validation, consent checks,
 * identity resolution and merge, data quality, RFM scoring, lead
 * qualification and the 360° view.
 *
 * @packageDocumentation
 */
export * from './models/index.js';
export * from './identifiers/vin.js';
export * from './identifiers/mobile.js';
export * from './identifiers/provinces.js';
export * from './identifiers/resident-id.js';
export * from './identifiers/plate.js';
export * from './identifiers/masking.js';
export type { ConsentStatus, ContactPointCheck, ConsentInForce } from './consent/consent-state.js';
export * from './consent/can-contact.js';
export * from './consent/consents-in-force.js';
export { identityKeys, type IdentityKey } from './identity/identity-keys.js';
export {
  resolveIdentities,
  type IdentityResolutionOptions,
  type IdentityLink,
  type IdentityCluster,
  type IdentityResolution,
} from './identity/resolve-identities.js';
export * from './identity/merge-customers.js';
export * from './quality/data-quality.js';
export * from './scoring/rfm.js';
export * from './scoring/lead-qualification.js';
export * from './view/customer-view.js';
