import { z } from 'zod';
import { IdSchema, InstantSchema, type JsonValue } from '../core/index.js';
import { AddressSchema, ConsentSchema, CustomerSchema, type ContactPoint, type Customer } from '../customer/index.js';
import { keyFailure } from './key-provider.js';
import type { FieldCipher } from './field-crypto.js';
import { topLevelPersonalFields, type CrmPersonalField } from './personal-fields.js';
import { SealedValueSchema } from './sealed-value.js';

const shape = CustomerSchema.shape;

/** A contact point as stored: its value in clear, or sealed when its kind is an encrypted field. */
export const StoredContactPointSchema = z
  .strictObject({
    kind: z.enum(['mobile', 'phone', 'email', 'wechat', 'address']),
    id: IdSchema.optional(),
    primary: z.boolean().optional(),
    verifiedAt: InstantSchema.optional(),
    consents: z.array(ConsentSchema).default([]),
    value: z.union([z.string(), AddressSchema]).optional(),
    sealed: SealedValueSchema.optional(),
  })
  .refine((point) => (point.value === undefined) !== (point.sealed === undefined), { error: 'a stored contact point holds either a value or a sealed value' });

/**
 * A customer as the facade stores it in the `customers` collection: the
 * customer model's fields, with every encrypted personal field moved into
 * `sealed` (top-level fields) or a contact point's `sealed` (its value),
 * never in clear. A merged-away record carries `mergedInto`; an erased one
 * `erasedAt` and no personal data at all. The indexed fields are those of
 * the built-in collection (a sealed `name` indexes as no value).
 */
export const StoredCustomerSchema = z.strictObject({
  id: shape.id,
  kind: shape.kind,
  type: shape.type,
  name: shape.name.optional(),
  familyName: shape.familyName,
  givenName: shape.givenName,
  gender: shape.gender,
  birthday: shape.birthday,
  idNumber: shape.idNumber,
  idType: shape.idType,
  organisationCode: shape.organisationCode,
  contactPoints: z.array(StoredContactPointSchema).default([]),
  dealerId: shape.dealerId,
  source: shape.source,
  sourceSystem: shape.sourceSystem,
  lifecycleStage: shape.lifecycleStage,
  tags: shape.tags,
  householdId: shape.householdId,
  referredBy: shape.referredBy,
  createdAt: shape.createdAt,
  updatedAt: shape.updatedAt,
  lastVerifiedAt: shape.lastVerifiedAt,
  metadata: shape.metadata,
  /** Encrypted top-level personal fields by name. */
  sealed: z.partialRecord(z.enum(topLevelPersonalFields), SealedValueSchema).default({}),
  /** Ids of the records merged into this one (their streams belong to this customer's history). */
  mergedFrom: z.array(IdSchema).optional(),
  /** The golden record this one was merged into. */
  mergedInto: IdSchema.optional(),
  /** When the person's data was erased; the record keeps only what reports need, under its now pseudonymous id. */
  erasedAt: InstantSchema.optional(),
});

/** A customer as stored by the facade; see {@link StoredCustomerSchema}. */
export type StoredCustomer = z.output<typeof StoredCustomerSchema>;
/** A stored customer as accepted on input. */
export type StoredCustomerInput = z.input<typeof StoredCustomerSchema>;
/** A contact point as stored by the facade. */
export type StoredContactPoint = z.output<typeof StoredContactPointSchema>;

const contactField = (kind: string) => `customer.contactPoints.${kind}`;
const topField = (field: string) => `customer.${field}`;

/**
 * Seals the configured personal fields of a customer for storage.
 * Internal to the facade.
 */
export async function sealCustomer(customer: Customer, cipher: FieldCipher, encrypted: ReadonlySet<CrmPersonalField>, extra: Pick<StoredCustomer, 'mergedFrom'> = {}): Promise<StoredCustomerInput> {
  const sealed: Record<string, string> = {};
  for (const field of topLevelPersonalFields) {
    const value = customer[field];
    if (value === undefined || !encrypted.has(field)) continue;
    sealed[field] = await cipher.seal(topField(field), value as JsonValue);
  }
  const stored: Record<string, unknown> = Object.fromEntries(Object.entries(customer).filter(([field]) => !Object.hasOwn(sealed, field)));
  stored.sealed = sealed;
  stored.contactPoints = await Promise.all(
    customer.contactPoints.map(async (point): Promise<Record<string, unknown>> => {
      if (!encrypted.has(point.kind)) return { ...point };
      const { value, ...rest } = point;
      return { ...rest, sealed: await cipher.seal(contactField(point.kind), value as JsonValue) };
    }),
  );
  if (extra.mergedFrom !== undefined && extra.mergedFrom.length > 0) stored.mergedFrom = [...extra.mergedFrom];
  return stored as StoredCustomerInput;
}

/**
 * Opens a stored customer into the customer model. Internal to the facade.
 *
 * @throws `CrmError` `CRYPTO_FAILED` when a value cannot be decrypted, or the
 * record lost its name (its data key is gone but it was never erased).
 */
export async function openCustomer(stored: StoredCustomer, cipher: FieldCipher): Promise<Customer> {
  const customer: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(stored)) {
    if (key !== 'sealed' && key !== 'mergedFrom' && key !== 'mergedInto' && key !== 'erasedAt' && key !== 'contactPoints') customer[key] = value;
  }
  for (const field of topLevelPersonalFields) {
    const sealed = stored.sealed[field];
    if (sealed === undefined) continue;
    const value = await cipher.open(topField(field), sealed);
    if (value !== undefined) customer[field] = value;
  }
  const points: ContactPoint[] = [];
  for (const point of stored.contactPoints) {
    const { sealed, value, ...rest } = point;
    const clear = sealed === undefined ? value : await cipher.open(contactField(point.kind), sealed);
    if (clear !== undefined) points.push({ ...rest, value: clear } as ContactPoint);
  }
  customer.contactPoints = points;
  if (typeof customer.name !== 'string') throw keyFailure(`customer ${stored.id} has no readable name: its data key is missing although it was never erased`, { customerId: stored.id });
  return customer as Customer;
}

/** The sealed values of a stored customer, with the field each belongs to. Internal to the facade. */
export function sealedValuesOf(stored: StoredCustomer): string[] {
  return [...Object.values(stored.sealed), ...stored.contactPoints.flatMap((point) => (point.sealed === undefined ? [] : [point.sealed]))];
}
