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
