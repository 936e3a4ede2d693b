import type { z } from 'zod';
import { CustomerSchema, LeadSchema, OwnershipSchema, VehicleSchema } from '../customer/models/index.js';
import type { IndexFieldType } from './index-values.js';
import { jsonRecordSchema, type JsonFieldDeclaration } from './json-record.js';

/** A declared indexed field of a collection: the field can be filtered and ordered on. */
export interface IndexDeclaration {
  /** The field's type, which fixes how its values compare. */
  readonly type: IndexFieldType;
}

/**
 * A collection of records: the schema every record must satisfy (its output
 * must be an object with a string `id`) and the top-level fields that are
 * indexed. `id` is always indexed (as a `string`) and is not declared.
 */
export interface RecordCollectionDefinition<S extends z.ZodType = z.ZodType> {
  /** What the collection holds, for people. */
  readonly description: string;
  /** The schema of a record; parsing its stored JSON gives the record back. */
  readonly schema: S;
  /** The indexed top-level fields by name. */
  readonly indexes: Readonly<Record<string, IndexDeclaration>>;
}

/**
 * Defines a collection; the result is frozen. Register it with
 * {@link defineStorageRegistry} or {@link extendStorageRegistry}.
 *
 * @example
 * ```ts
 * const notes = defineRecordCollection({
 *   description: 'Call-centre notes',
 *   schema: jsonRecordSchema({ customerId: { type: 'string', required: true }, at: { type: 'instant' } }),
 *   indexes: { customerId: { type: 'string' }, at: { type: 'instant' } },
 * });
 * ```
 */
export function defineRecordCollection<S extends z.ZodType>(definition: RecordCollectionDefinition<S>): RecordCollectionDefinition<S> {
  const indexes: Record<string, IndexDeclaration> = {};
  for (const [name, declaration] of Object.entries(definition.indexes)) indexes[name] = Object.freeze({ type: declaration.type });
  return Object.freeze({ description: definition.description, schema: definition.schema, indexes: Object.freeze(indexes) });
}

const string = { type: 'string' } as const;
const number = { type: 'number' } as const;
const instant = { type: 'instant' } as const;

/** Declares each index as an optional field of the same type, for a generic JSON record. */
function declaredFields(indexes: Readonly<Record<string, IndexDeclaration>>, required: readonly string[] = []): Record<string, JsonFieldDeclaration> {
  const fields: Record<string, JsonFieldDeclaration> = {};
  for (const [name, declaration] of Object.entries(indexes)) {
    fields[name] = { type: declaration.type, required: required.includes(name) };
  }
  return fields;
}

// Aligned with the complaints module's ComplaintCaseSchema and the loyalty
// module's LoyaltyMemberSchema and LoyaltyProgramSchema, which the service
// facade registers over these generic schemas with the same indexes.
const complaintIndexes = {
  dealerId: string,
  customerId: string,
  vin: string,
  channel: string,
  status: string,
  severity: string,
  category: string,
  openedAt: instant,
  lastEventAt: instant,
};
const loyaltyMemberIndexes = { programId: string, customerId: string, householdId: string, joinedAt: instant };
const programIndexes = { name: string, currency: string };
const policyIndexes = { kind: string, dealerId: string, name: string, updatedAt: instant };

/**
 * The collections of the SDK, as the storage contract defines them. The four
 * customer-module collections are validated with the customer models; the
 * others hold generic JSON records (an `id`, the indexed fields with their
 * types, any other JSON) until their modules register stricter schemas with
 * {@link extendStorageRegistry}, keeping the same indexes.
 */
export const builtInRecordCollections = Object.freeze({
  customers: defineRecordCollection({
    description: 'Customers: people and organisations (CustomerSchema).',
    schema: CustomerSchema,
    indexes: {
      dealerId: string,
      kind: string,
      type: string,
      lifecycleStage: string,
      source: string,
      householdId: string,
      referredBy: string,
      name: string,
      createdAt: instant,
      updatedAt: instant,
    },
  }),
  vehicles: defineRecordCollection({
    description: 'Vehicles, identified by VIN (VehicleSchema).',
    schema: VehicleSchema,
    indexes: {
      vin: string,
      make: string,
      model: string,
      modelYear: number,
      fuelType: string,
      sellingDealerId: string,
      purchaseDate: string,
      warrantyEnd: string,
    },
  }),
  ownerships: defineRecordCollection({
    description: 'Time-bounded links between a customer and a vehicle (OwnershipSchema).',
    schema: OwnershipSchema,
    indexes: { customerId: string, vehicleId: string, role: string, from: instant, to: instant },
  }),
  leads: defineRecordCollection({
    description: 'Sales leads with their stage and AWARE answers (LeadSchema).',
    schema: LeadSchema,
    indexes: {
      customerId: string,
      dealerId: string,
      source: string,
      stage: string,
      ownerId: string,
      createdAt: instant,
      updatedAt: instant,
    },
  }),
  complaints: defineRecordCollection({
    description: 'Complaint cases (generic JSON record until the complaints module registers its schema).',
    schema: jsonRecordSchema(declaredFields(complaintIndexes)),
    indexes: complaintIndexes,
  }),
  loyalty_members: defineRecordCollection({
    description: 'Loyalty programme members (generic JSON record until the loyalty module registers its schema).',
    schema: jsonRecordSchema(declaredFields(loyaltyMemberIndexes)),
    indexes: loyaltyMemberIndexes,
  }),
  programs: defineRecordCollection({
    description: 'Loyalty programme definitions (generic JSON record until the loyalty module registers its schema).',
    schema: jsonRecordSchema(declaredFields(programIndexes)),
    indexes: programIndexes,
  }),
  policies: defineRecordCollection({
    description: 'Policies as data: SLA policies, scoring weights, segment playbooks (generic JSON record).',
    schema: jsonRecordSchema(declaredFields(policyIndexes)),
    indexes: policyIndexes,
  }),
});

/** The schemas of the built-in collections, by collection name: the type map of the default registry. */
export type DefaultCollectionSchemas = { [K in keyof typeof builtInRecordCollections]: (typeof builtInRecordCollections)[K]['schema'] };
