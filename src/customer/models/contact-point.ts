import { z } from 'zod';
import { IdSchema, InstantSchema } from '../../core/index.js';
import { toE164 } from '../identifiers/mobile.js';
import { ConsentSchema } from './consent.js';

const phoneValue = z.string().transform((value, ctx) => {
  const e164 = toE164(value);
  if (e164 === undefined) {
    ctx.addIssue({
      code: 'custom',
      message: `expected a mainland mobile number or an international number with +country code, got ${JSON.stringify(value)}`,
    });
    return z.NEVER;
  }
  return e164;
});

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const common = {
  /** Optional id of the contact point, unique within the customer. */
  id: IdSchema.optional(),
  /** Whether this is the preferred contact point of its kind. */
  primary: z.boolean().optional(),
  /** When the dealer last confirmed this value with the customer. */
  verifiedAt: InstantSchema.optional(),
  /** The consent decisions given for this contact point, in any order. */
  consents: z.array(ConsentSchema).default([]),
};

/** A postal address in mainland-China order (province, city, district, street). */
export const AddressSchema = z.strictObject({
  /** ISO 3166-1 alpha-2 country code; `CN` when absent. */
  country: z.string().regex(/^[A-Z]{2}$/, { error: 'expected an ISO 3166-1 alpha-2 country code such as CN' }).optional(),
  province: z.string().min(1).max(100),
  city: z.string().min(1).max(100),
  district: z.string().max(100).optional(),
  street: z.string().min(1).max(300),
  postalCode: z.string().regex(/^\d{6}$/, { error: 'expected a 6-digit postal code' }).optional(),
});

/** A postal address; see {@link AddressSchema}. */
export type Address = z.output<typeof AddressSchema>;

/**
 * A way to reach a customer, with the consents given for it. Phone numbers
 * are normalised to E.164 on parse (`138 1234 5678` → `+8613812345678`),
 * e-mail addresses are lower-cased.
 */
export const ContactPointSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('mobile'), value: phoneValue, ...common }),
  z.strictObject({ kind: z.literal('phone'), value: phoneValue, ...common }),
  z.strictObject({
    kind: z.literal('email'),
    value: z
      .string()
      .max(254)
      .transform((value) => value.trim().toLowerCase())
      .refine((value) => EMAIL.test(value), { error: 'expected an e-mail address' }),
    ...common,
  }),
  z.strictObject({ kind: z.literal('wechat'), value: z.string().min(1).max(128), ...common }),
  z.strictObject({ kind: z.literal('address'), value: AddressSchema, ...common }),
]);

/** A way to reach a customer; see {@link ContactPointSchema}. */
export type ContactPoint = z.output<typeof ContactPointSchema>;
/** A contact point as accepted on input. */
export type ContactPointInput = z.input<typeof ContactPointSchema>;
/** The kinds of contact point. */
export type ContactPointKind = ContactPoint['kind'];
