/**
 * Placeholder for the `dealer-crm/adapters` subpath; its issue fills it in.
 *
 * @packageDocumentation
 */

/** The subpath this module is published under. */
export const MODULE_NAME = 'dealer-crm/adapters';
