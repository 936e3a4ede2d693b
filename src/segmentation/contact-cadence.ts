import { z } from 'zod';
import { deepFreeze, parse } from '../core/index.js';
import { ContactChannelSchema } from '../customer/models/index.js';

/**
 * How often, and on which channel, a segment's customers are contacted:
 * every `every` calendar `unit`s (`day`, `week` or `month`) after the last
 * contact, on `channel`. Months are calendar months: a contact on 31 January
 * with a monthly cadence is next due on 29 February in a leap year (the last
 * day of the shorter month).
 *
 * @example
 * ```ts
 * const twiceAMonth = { every: 15, unit: 'day', channel: 'phone' };
 * ```
 */
export const ContactCadenceSchema = z.strictObject({
  every: z
    .number({ error: 'expected how many units between contacts, a whole number' })
    .int({ error: 'expected a whole number of units between contacts' })
    .min(1, { error: 'expected at least 1 unit between contacts' })
    .max(1000, { error: 'expected at most 1000 units between contacts' }),
  unit: z.enum(['day', 'week', 'month']),
  /** The channel the contact is made on; consent is checked for it. */
  channel: ContactChannelSchema,
});

/** A segment's contact cadence; see {@link ContactCadenceSchema}. */
export type ContactCadence = z.output<typeof ContactCadenceSchema>;

/**
 * Contact cadences by segment (an ABC class, a quadrant, a pyramid zone id,
 * an RFM segment). `null` says "do not contact this segment" on purpose; a
 * segment missing from the map is an error in {@link planContacts}, so a typo
 * never drops customers silently.
 */
export const ContactCadencesSchema = z.record(
  z.string().min(1, { error: 'expected a non-empty segment name' }),
  ContactCadenceSchema.nullable(),
);

/** Contact cadences by segment; see {@link ContactCadencesSchema}. */
export type ContactCadences = z.output<typeof ContactCadencesSchema>;
/** Contact cadences as accepted by {@link defineContactCadences}. */
export type ContactCadencesInput = z.input<typeof ContactCadencesSchema>;

/**
 * Validates contact cadences and returns them parsed and deeply frozen.
 *
 * @throws ValidationError for a cadence with a bad unit, count or channel.
 * @example
 * ```ts
 * const cadences = defineContactCadences({ ...defaultAbcCadences, C: null });
 * ```
 */
export function defineContactCadences(input: ContactCadencesInput): ContactCadences {
  return deepFreeze(parse(ContactCadencesSchema, input, { label: 'contact cadences' }));
}

/**
 * ABC contact cadences of dealer practice, by phone: A twice a month (every
 * 15 days), B monthly, C (prospects) every two months.
 */
export const defaultAbcCadences: ContactCadences = defineContactCadences({
  A: { every: 15, unit: 'day', channel: 'phone' },
  B: { every: 1, unit: 'month', channel: 'phone' },
  C: { every: 2, unit: 'month', channel: 'phone' },
});

/**
 * Star / volcano / cow / dog contact cadences of dealer practice, by phone:
 * star weekly, volcano every two weeks, cow monthly, dog every two months.
 */
export const defaultPurchaseQuadrantCadences: ContactCadences = defineContactCadences({
  star: { every: 1, unit: 'week', channel: 'phone' },
  volcano: { every: 2, unit: 'week', channel: 'phone' },
  cow: { every: 1, unit: 'month', channel: 'phone' },
  dog: { every: 2, unit: 'month', channel: 'phone' },
});
