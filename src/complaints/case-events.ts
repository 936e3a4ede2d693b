import { z } from 'zod';
import { IdSchema, InstantSchema } from '../core/index.js';
import { VinSchema } from '../customer/index.js';
import { ComplaintCategorySchema, ComplaintChannelSchema, ComplaintRootCauseSchema, ComplaintSeveritySchema } from './case-taxonomy.js';

/** The longest free text an event carries (notes, resolutions, reasons), in characters. */
export const COMPLAINT_TEXT_MAX = 4000;
/** The longest case subject, in characters. */
export const COMPLAINT_SUBJECT_MAX = 500;

const eventBase = {
  /** The event's own id (unique within the case's stream; also a good idempotency key). */
  id: IdSchema,
  /** The case the event belongs to. */
  caseId: IdSchema,
  /** When it happened. Events of a case are in time order; equal instants keep their stream order. */
  at: InstantSchema,
  /** Who recorded it (staff id), when known. */
  actorId: IdSchema.optional(),
  /** Free text for the audit trail. */
  note: z.string().max(COMPLAINT_TEXT_MAX).optional(),
};

/** The case is opened: the first event of every case's stream. */
export const ComplaintOpenedEventSchema = z.strictObject({
  ...eventBase,
  type: z.literal('opened'),
  dealerId: IdSchema,
  customerId: IdSchema.optional(),
  vin: VinSchema.optional(),
  channel: ComplaintChannelSchema,
  severity: ComplaintSeveritySchema,
  category: ComplaintCategorySchema,
  subject: z.string().max(COMPLAINT_SUBJECT_MAX).optional(),
});

/** An explicit status change among the working states (`acknowledged`, `in_progress`, `waiting_on_customer`). */
export const ComplaintStatusChangedEventSchema = z.strictObject({
  ...eventBase,
  type: z.literal('status_changed'),
  to: z.enum(['acknowledged', 'in_progress', 'waiting_on_customer']),
});

/** The severity is changed; running SLA clocks are re-targeted, keeping the time already elapsed. */
export const ComplaintSeverityChangedEventSchema = z.strictObject({
  ...eventBase,
  type: z.literal('severity_changed'),
  severity: ComplaintSeveritySchema,
});

/** The category is changed (category-specific targets re-target running clocks like a severity change). */
export const ComplaintCategoryChangedEventSchema = z.strictObject({
  ...eventBase,
  type: z.literal('category_changed'),
  category: ComplaintCategorySchema,
});

/** A public reply from the dealer or OEM to the customer: the first response, and each progress update. */
export const ComplaintPublicReplyEventSchema = z.strictObject({
  ...eventBase,
  type: z.literal('public_reply'),
});

/** A message from the customer; a case waiting on the customer goes back to `in_progress`. */
export const ComplaintCustomerReplyEventSchema = z.strictObject({
  ...eventBase,
  type: z.literal('customer_reply'),
});

/** A solution was given, with the root cause found. */
export const ComplaintResolvedEventSchema = z.strictObject({
  ...eventBase,
  type: z.literal('resolved'),
  rootCause: ComplaintRootCauseSchema,
  resolution: z.string().max(COMPLAINT_TEXT_MAX).optional(),
});

/** A resolved case is reopened: a new resolution cycle starts, the earlier ones stay in the history. */
export const ComplaintReopenedEventSchema = z.strictObject({
  ...eventBase,
  type: z.literal('reopened'),
  reason: z.string().max(COMPLAINT_TEXT_MAX).optional(),
});

/** A resolved case is closed for good. */
export const ComplaintClosedEventSchema = z.strictObject({
  ...eventBase,
  type: z.literal('closed'),
});

/** The case is withdrawn, a duplicate or opened in error; running clocks are cancelled. */
export const ComplaintCancelledEventSchema = z.strictObject({
  ...eventBase,
  type: z.literal('cancelled'),
  reason: z.string().max(COMPLAINT_TEXT_MAX).optional(),
});

/** The satisfaction follow-up after a resolution was done: a score from 1 (very dissatisfied) to 5 (very satisfied). */
export const ComplaintSatisfactionRecordedEventSchema = z.strictObject({
  ...eventBase,
  type: z.literal('satisfaction_recorded'),
  score: z.number().int().min(1).max(5),
});

/**
 * One event of a complaint case's append-only stream, discriminated by `type`:
 * `opened`, `status_changed`, `severity_changed`, `category_changed`,
 * `public_reply`, `customer_reply`, `resolved`, `reopened`, `closed`,
 * `cancelled`, `satisfaction_recorded`. JSON-serialisable: `at` is a `Date`
 * in the API and an ISO 8601 string with offset on the wire.
 */
export const ComplaintEventSchema = z.discriminatedUnion('type', [
  ComplaintOpenedEventSchema,
  ComplaintStatusChangedEventSchema,
  ComplaintSeverityChangedEventSchema,
  ComplaintCategoryChangedEventSchema,
  ComplaintPublicReplyEventSchema,
  ComplaintCustomerReplyEventSchema,
  ComplaintResolvedEventSchema,
  ComplaintReopenedEventSchema,
  ComplaintClosedEventSchema,
  ComplaintCancelledEventSchema,
  ComplaintSatisfactionRecordedEventSchema,
]);

/** One event of a complaint case; see {@link ComplaintEventSchema}. */
export type ComplaintEvent = z.output<typeof ComplaintEventSchema>;

/** A complaint event as accepted on input (instants may be ISO strings). */
export type ComplaintEventInput = z.input<typeof ComplaintEventSchema>;

/** The `type` of a complaint event. */
export type ComplaintEventType = ComplaintEvent['type'];

/** The event that opens a case; see {@link ComplaintOpenedEventSchema}. */
export type ComplaintOpenedEvent = z.output<typeof ComplaintOpenedEventSchema>;
