/**
 * Shared foundations: errors, validation, money, time, ids and hashing. Every
 * other module of dealer-crm builds on these.
 *
 * @packageDocumentation
 */
export * from './errors.js';
export * from './validation.js';
export * from './money.js';
export * from './time.js';
export * from './ids.js';
export * from './json.js';
export * from './apportion.js';
export * from './fingerprint.js';
export * from './freeze.js';
