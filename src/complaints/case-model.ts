import { z } from 'zod';
import { IdSchema, InstantSchema } from '../core/index.js';
import { ComplaintStatusSchema } from './case-status.js';
import { ComplaintCategorySchema, ComplaintChannelSchema, ComplaintRootCauseSchema, ComplaintSeveritySchema } from './case-taxonomy.js';

/**
 * The satisfaction follow-up of the case's latest resolution: due after it,
 * done when a score is recorded; a reopen clears it (earlier scores stay in
 * the event stream).
 */
export const ComplaintSatisfactionSchema = z.strictObject({
  /** When the follow-up is due (after the latest resolution); null before any resolution or when the policy sets no follow-up. */
  dueAt: InstantSchema.nullable(),
  /** When the score for the latest resolution was recorded; null until then. */
  recordedAt: InstantSchema.nullable(),
  /** The score for the latest resolution, 1 (very dissatisfied) to 5 (very satisfied). */
  score: z.number().int().min(1).max(5).nullable(),
});

/**
 * A complaint case as a record: the projection of its event stream (see
 * {@link replayComplaintCase}). Adapters store it as a record and the events
 * in an append-only stream per case; the record can always be rebuilt from the
 * stream. JSON-serialisable with instants as `Date` (ISO strings on the wire);
 * absent values are `null`, never missing.
 */
export const ComplaintCaseSchema = z.strictObject({
  id: IdSchema,
  dealerId: IdSchema,
  customerId: IdSchema.nullable(),
  vin: z.string().length(17).nullable(),
  channel: ComplaintChannelSchema,
  subject: z.string().max(500).nullable(),
  severity: ComplaintSeveritySchema,
  category: ComplaintCategorySchema,
  status: ComplaintStatusSchema,
  /** The root cause of the latest resolution. */
  rootCause: ComplaintRootCauseSchema.nullable(),
  openedAt: InstantSchema,
  /** First public reply, or the first move to `acknowledged`. */
  acknowledgedAt: InstantSchema.nullable(),
  /** First public reply or resolution: what the first-response clock measures to. */
  firstResponseAt: InstantSchema.nullable(),
  /** The latest resolution. */
  resolvedAt: InstantSchema.nullable(),
  closedAt: InstantSchema.nullable(),
  cancelledAt: InstantSchema.nullable(),
  reopenCount: z.number().int().nonnegative(),
  satisfaction: ComplaintSatisfactionSchema,
  /** The instant of the latest event applied. */
  lastEventAt: InstantSchema,
  /** How many events were applied (the stream version the record reflects). */
  eventCount: z.number().int().positive(),
});

/** A complaint case record; see {@link ComplaintCaseSchema}. */
export type ComplaintCase = z.output<typeof ComplaintCaseSchema>;

/** A complaint case record as accepted on input (instants may be ISO strings). */
export type ComplaintCaseInput = z.input<typeof ComplaintCaseSchema>;
