/**
 * dealer-crm: the customer core of a dealer management system as a library.
 * The root re-exports the pure modules and the service facade (`createCrm`);
 * the storage adapters have subpaths of their own (`dealer-crm/adapters/memory`,
 * `dealer-crm/adapters/postgres`, …), so importing the root pulls in no
 * database driver.
 *
 * @packageDocumentation
 */
export * from './core/index.js';
export * from './customer/index.js';
export * from './segmentation/index.js';
export * from './loyalty/index.js';
export * from './complaints/index.js';
export * from './retention/index.js';
export * from './crm/index.js';
