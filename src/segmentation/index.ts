/**
 * Segmentation: the customer pyramid, ABC classes, star / volcano / cow / dog
 * purchase quadrants, named RFM segments, the customer difference matrix,
 * contact plans from segment cadences, and migration between zones across
 * periods. Pure, explainable functions over per-customer values.
 *
 * @packageDocumentation
 */
export * from './tie-rule.js';
export * from './customer-values.js';
export * from './pyramid-policy.js';
export * from './pyramid.js';
export * from './abc.js';
export * from './purchase-quadrants.js';
export * from './rfm-segments.js';
export * from './difference-matrix.js';
export * from './contact-cadence.js';
export * from './contact-plan.js';
export * from './tier-migration.js';
