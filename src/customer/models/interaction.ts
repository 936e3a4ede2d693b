import { z } from 'zod';
import { IdSchema, InstantSchema, MetadataSchema } from '../../core/index.js';
import { InteractionChannelSchema } from './channels.js';

/** Why an interaction happened. */
export const InteractionPurposeSchema = z.enum([
  'sales',
  'test_drive',
  'service_booking',
  'service_reminder',
  'follow_up',
  'survey',
  'complaint',
  'marketing',
  'enquiry',
  'other',
]);

/** How an interaction ended. */
export const InteractionOutcomeSchema = z.enum([
  'reached',
  'no_answer',
  'appointment_booked',
  'purchase',
  'declined',
  'opted_out',
  'wrong_number',
  'other',
]);

/**
 * A touchpoint between the dealer and a customer: a showroom visit, a call,
 * an SMS or WeChat message, direct mail, a web enquiry.
 */
export const InteractionSchema = z.strictObject({
  id: IdSchema,
  customerId: IdSchema,
  dealerId: IdSchema.optional(),
  at: InstantSchema,
  channel: InteractionChannelSchema,
  direction: z.enum(['inbound', 'outbound']),
  purpose: InteractionPurposeSchema,
  outcome: InteractionOutcomeSchema.optional(),
  /** The staff member who handled it. */
  staffId: IdSchema.optional(),
  /** Length of a call or visit, in seconds. */
  durationSeconds: z.number().int().nonnegative().optional(),
  notes: z.string().max(4000).optional(),
  metadata: MetadataSchema.optional(),
});

/** A touchpoint; see {@link InteractionSchema}. */
export type Interaction = z.output<typeof InteractionSchema>;
/** An interaction as accepted on input. */
export type InteractionInput = z.input<typeof InteractionSchema>;
/** Why an interaction happened. */
export type InteractionPurpose = z.infer<typeof InteractionPurposeSchema>;
/** How an interaction ended. */
export type InteractionOutcome = z.infer<typeof InteractionOutcomeSchema>;
