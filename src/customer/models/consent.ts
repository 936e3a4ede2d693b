import { z } from 'zod';
import { IdSchema, InstantSchema } from '../../core/index.js';
import { ContactChannelSchema } from './channels.js';

/**
 * What a consent is for (PIPL requires separate consent per purpose):
 * - `marketing` — offers and campaigns;
 * - `personalised_marketing` — marketing based on profiling (PIPL art. 24 opt-out);
 * - `service_reminder` — maintenance, recall and inspection reminders;
 * - `survey` — satisfaction surveys and follow-ups;
 * - `third_party_sharing` — sharing with third parties (the OEM, insurers, finance);
 * - `cross_border_transfer` — transfer of personal information outside mainland China.
 */
export const ConsentPurposeSchema = z.enum([
  'marketing',
  'personalised_marketing',
  'service_reminder',
  'survey',
  'third_party_sharing',
  'cross_border_transfer',
]);

/** A purpose of processing; see {@link ConsentPurposeSchema}. */
export type ConsentPurpose = z.infer<typeof ConsentPurposeSchema>;

/**
 * One consent decision: a customer granted or withdrew permission for a
 * purpose on a channel at a time. Decisions are kept as history; the latest
 * one at or before a given instant is the one in force (see `canContact`).
 * A grant may carry an expiry.
 */
export const ConsentSchema = z.strictObject({
  /** Optional id of the decision (e.g. the signed form's number). */
  id: IdSchema.optional(),
  purpose: ConsentPurposeSchema,
  channel: ContactChannelSchema,
  status: z.enum(['granted', 'withdrawn']),
  /** When the decision was made. */
  at: InstantSchema,
  /** Where it was recorded: a signed form, the app, a call recording, the web. */
  source: z.enum(['paper_form', 'app', 'web', 'phone_recording', 'in_store_tablet', 'wechat', 'import', 'other']),
  /** For a grant: when it lapses, if it does. */
  expiresAt: InstantSchema.optional(),
  /** Free text: the form version, the agent's note. */
  note: z.string().max(1000).optional(),
});

/** One consent decision; see {@link ConsentSchema}. */
export type Consent = z.output<typeof ConsentSchema>;
/** A consent decision as accepted on input (instants may be ISO strings). */
export type ConsentInput = z.input<typeof ConsentSchema>;
