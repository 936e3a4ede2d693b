import { z } from 'zod';

/**
 * How hard a case is, in the words of the OEM promise: a general `enquiry`
 * (answered at once), a `complex` matter (within 24 hours), a `difficult`
 * complaint (within 72 hours), an `emergency` such as a roadside rescue
 * (handled in real time, a progress update every 30 minutes).
 */
export const ComplaintSeveritySchema = z.enum(['enquiry', 'complex', 'difficult', 'emergency']);

/** How hard a case is; see {@link ComplaintSeveritySchema}. */
export type ComplaintSeverity = z.infer<typeof ComplaintSeveritySchema>;

/** Every severity, from the lightest to the most urgent. */
export const complaintSeverities: readonly ComplaintSeverity[] = Object.freeze([...ComplaintSeveritySchema.options]);

// The topics a complaint is raised about and the causes found for it share these names.
const sharedTopics = ['product_quality', 'service_quality', 'parts_availability', 'price', 'staff_attitude', 'waiting_time'] as const;

/** What a case is about, as the customer raised it. */
export const ComplaintCategorySchema = z.enum([
  ...sharedTopics,
  'sales_process',
  'warranty',
  'billing',
  'roadside_rescue',
  'facilities',
  'other',
]);

/** What a case is about; see {@link ComplaintCategorySchema}. */
export type ComplaintCategory = z.infer<typeof ComplaintCategorySchema>;

/** Every category. */
export const complaintCategories: readonly ComplaintCategory[] = Object.freeze([...ComplaintCategorySchema.options]);

/**
 * Why the problem happened, as found when the case is resolved — the input of
 * the root-cause Pareto in {@link slaComplianceReport}.
 */
export const ComplaintRootCauseSchema = z.enum([
  ...sharedTopics,
  'communication',
  'process',
  'customer_expectation',
  'third_party',
  'no_fault_found',
  'other',
]);

/** Why the problem happened; see {@link ComplaintRootCauseSchema}. */
export type ComplaintRootCause = z.infer<typeof ComplaintRootCauseSchema>;

/** Every root cause. */
export const complaintRootCauses: readonly ComplaintRootCause[] = Object.freeze([...ComplaintRootCauseSchema.options]);

/** How a case reached the dealer or the OEM (`consumer_association` is a 12315 referral). */
export const ComplaintChannelSchema = z.enum(['oem_hotline', 'dealer_phone', 'walk_in', 'wechat', 'web', 'email', 'app', 'social_media', 'consumer_association', 'other']);

/** How a case arrived; see {@link ComplaintChannelSchema}. */
export type ComplaintChannel = z.infer<typeof ComplaintChannelSchema>;
