import { z } from 'zod';
import { CalendarDateSchema, IdSchema, InstantSchema, MetadataSchema } from '../../core/index.js';
import { ContactPointSchema } from './contact-point.js';

/** Whether a customer is a natural person or an organisation. */
export const PartyKindSchema = z.enum(['person', 'organisation']);

/**
 * The commercial type of a customer: `private` (an individual owner),
 * `fleet` (a company, rental or ride-hailing fleet) or `government` (a public body).
 */
export const CustomerTypeSchema = z.enum(['private', 'fleet', 'government']);

/**
 * Where the customer relationship stands, from first contact to loss:
 * `prospect` (no purchase yet), `customer` (bought or serviced), `loyal`
 * (repeat buyer or regular service customer), `dormant` (no activity for a
 * long time), `lost` (known to have left).
 */
export const LifecycleStageSchema = z.enum(['prospect', 'customer', 'loyal', 'dormant', 'lost']);

/** How the customer first came to the dealer. */
export const CustomerSourceSchema = z.enum([
  'walk_in',
  'phone',
  'web',
  'referral',
  'event',
  'oem_lead',
  'social',
  'fleet_tender',
  'import',
  'other',
]);

/**
 * A customer: a person or an organisation that buys vehicles, brings them to
 * the service lane or is a prospect. Contact points carry their own consents.
 * Strict: unknown keys are rejected so that typos do not pass silently.
 *
 * @example
 * ```ts
 * const customer = parse(CustomerSchema, {
 *   id: 'C-1001', kind: 'person', type: 'private', name: '王芳',
 *   contactPoints: [{ kind: 'mobile', value: '138 1234 5678' }],
 *   dealerId: 'D-SH-01', source: 'walk_in', lifecycleStage: 'customer',
 *   createdAt: '2023-04-01T10:00:00+08:00', updatedAt: '2024-04-01T10:00:00+08:00',
 * });
 * ```
 */
export const CustomerSchema = z
  .strictObject({
    id: IdSchema,
    kind: PartyKindSchema,
    type: CustomerTypeSchema,
    /** The display name: the full name of a person, the registered name of an organisation. */
    name: z.string().trim().min(1).max(200),
    /** A person's family name (姓). */
    familyName: z.string().trim().min(1).max(100).optional(),
    /** A person's given name (名). */
    givenName: z.string().trim().min(1).max(100).optional(),
    gender: z.enum(['female', 'male', 'other', 'undisclosed']).optional(),
    /** A person's birthday, `YYYY-MM-DD`. */
    birthday: CalendarDateSchema.optional(),
    /** A person's resident identity card number (GB 11643), or a passport number with `idType`. */
    idNumber: z.string().trim().min(1).max(32).optional(),
    /** What `idNumber` is; `resident_id` when absent. */
    idType: z.enum(['resident_id', 'passport', 'hk_macau_permit', 'taiwan_permit', 'foreign_permanent_resident']).optional(),
    /** An organisation's unified social credit code (统一社会信用代码, 18 characters). */
    organisationCode: z.string().trim().regex(/^[0-9A-HJ-NPQRTUWXY]{18}$/, {
      error: 'expected an 18-character unified social credit code',
    }).optional(),
    contactPoints: z.array(ContactPointSchema).default([]),
    /** The dealer (4S store) responsible for the customer. */
    dealerId: IdSchema,
    source: CustomerSourceSchema,
    /** The system the record came from (a dealer's DMS, the OEM hotline), for survivorship in merges. */
    sourceSystem: z.string().min(1).max(100).optional(),
    lifecycleStage: LifecycleStageSchema,
    tags: z.array(z.string().min(1).max(64)).default([]),
    /** A household the customer belongs to (multi-car families pool loyalty points). */
    householdId: IdSchema.optional(),
    /** The customer who referred this one, if any. */
    referredBy: IdSchema.optional(),
    createdAt: InstantSchema,
    updatedAt: InstantSchema,
    /** When the personal data was last verified with the customer (data-quality staleness). */
    lastVerifiedAt: InstantSchema.optional(),
    metadata: MetadataSchema.optional(),
  })
  .superRefine((customer, ctx) => {
    if (customer.updatedAt.getTime() < customer.createdAt.getTime()) {
      ctx.addIssue({ code: 'custom', path: ['updatedAt'], message: 'updatedAt is before createdAt' });
    }
    if (customer.kind === 'organisation' && customer.type === 'private') {
      ctx.addIssue({ code: 'custom', path: ['type'], message: 'an organisation is a fleet or government customer, not private' });
    }
    if (customer.kind === 'organisation' && (customer.birthday !== undefined || customer.gender !== undefined)) {
      ctx.addIssue({ code: 'custom', path: ['kind'], message: 'an organisation has no birthday or gender' });
    }
  });

/** A customer record; see {@link CustomerSchema}. */
export type Customer = z.output<typeof CustomerSchema>;
/** A customer record as accepted on input (instants may be ISO strings, defaults may be omitted). */
export type CustomerInput = z.input<typeof CustomerSchema>;
/** Whether a customer is a person or an organisation. */
export type PartyKind = z.infer<typeof PartyKindSchema>;
/** The commercial type of a customer. */
export type CustomerType = z.infer<typeof CustomerTypeSchema>;
/** The lifecycle stage of a customer. */
export type LifecycleStage = z.infer<typeof LifecycleStageSchema>;
/** How a customer first came to the dealer. */
export type CustomerSource = z.infer<typeof CustomerSourceSchema>;
