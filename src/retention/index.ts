/**
 * Placeholder for the `dealer-crm/retention` subpath; its issue fills it in.
 *
 * @packageDocumentation
 */

/** The subpath this module is published under. */
export const MODULE_NAME = 'dealer-crm/retention';
