import { ValidationError, type ValidationIssue } from '../core/index.js';
import {
  defaultStorageRegistry,
  defineRecordCollection,
  defineStreamKind,
  extendStorageRegistry,
  type CrmStorage,
  type SchemaMap,
} from '../adapters/index.js';
import { ComplaintCaseSchema, ComplaintEventSchema } from '../complaints/index.js';
import { LedgerEntrySchema, LoyaltyMemberSchema } from '../loyalty/index.js';
import { StoredCustomerSchema } from './stored-customer.js';
import {
  CrmRequestRecordSchema,
  CustomerDataKeySchema,
  CustomerLookupSchema,
  CustomerMergeRecordSchema,
  CustomerRetentionRecordSchema,
  CustomerSegmentRecordSchema,
  SealedTextSchema,
} from './stored-records.js';

const base = defaultStorageRegistry;
const string = { type: 'string' } as const;
const number = { type: 'number' } as const;
const instant = { type: 'instant' } as const;

/**
 * The registry a storage must serve for the facade: the built-in
 * collections with the stricter schemas of the domain modules (complaint
 * cases, loyalty members, ledger entries, complaint events) and of the
 * facade (customers with encrypted personal fields), keeping every built-in
 * index; and the facade's own collections — `customer_lookup` (blind
 * indexes), `customer_keys` (per-customer data keys), `crm_requests`
 * (answers of idempotent requests), `sealed_texts` (encrypted free text),
 * `customer_segments` and `customer_retention` (job results) and
 * `customer_merges` (merge lineage). Create the storage with it; the
 * adapter needs the `customCollections` capability (memory, PostgreSQL and
 * HTTP have it).
 *
 * @example
 * ```ts
 * const storage = createMemoryStorage({ registry: crmStorageRegistry });
 * const pg = await createPostgresStorage({ pool, registry: crmStorageRegistry });
 * ```
 */
export const crmStorageRegistry = extendStorageRegistry(base, {
  collections: {
    customers: defineRecordCollection({
      ...base.collections.customers,
      description: 'Customers with their personal fields encrypted by the facade (StoredCustomerSchema).',
      schema: StoredCustomerSchema,
    }),
    complaints: defineRecordCollection({ ...base.collections.complaints, description: 'Complaint cases (ComplaintCaseSchema).', schema: ComplaintCaseSchema }),
    loyalty_members: defineRecordCollection({ ...base.collections.loyalty_members, description: 'Loyalty members (LoyaltyMemberSchema).', schema: LoyaltyMemberSchema }),
    customer_lookup: defineRecordCollection({
      description: 'Blind indexes: HMAC digests of normalised mobiles, identity numbers and e-mail addresses.',
      schema: CustomerLookupSchema,
      indexes: { digest: string, customerId: string, keyId: string },
    }),
    customer_keys: defineRecordCollection({
      description: "Customers' own data keys, wrapped under a key of the ring (crypto-shredding).",
      schema: CustomerDataKeySchema,
      indexes: { keyId: string, createdAt: instant },
    }),
    crm_requests: defineRecordCollection({
      description: 'First answers of idempotent facade requests, by method and idempotency key.',
      schema: CrmRequestRecordSchema,
      indexes: { method: string, createdAt: instant },
    }),
    sealed_texts: defineRecordCollection({
      description: 'Encrypted free text of interactions and complaints, erasable apart from the append-only streams.',
      schema: SealedTextSchema,
      indexes: { customerId: string, ownerId: string },
    }),
    customer_segments: defineRecordCollection({
      description: 'Results of the segmentation job per customer: pyramid zone, ABC class, RFM segment.',
      schema: CustomerSegmentRecordSchema,
      indexes: { dealerId: string, pyramidZone: string, abcClass: string, rfmSegment: string, asOf: instant },
    }),
    customer_retention: defineRecordCollection({
      description: 'Results of the retention job per customer: P(alive), CLV, churn risk.',
      schema: CustomerRetentionRecordSchema,
      indexes: { dealerId: string, churnBand: string, clvMinor: number, probabilityAlive: number, asOf: instant },
    }),
    customer_merges: defineRecordCollection({
      description: 'Lineage of customer merges: which record each field of the golden record came from.',
      schema: CustomerMergeRecordSchema,
      indexes: { survivorId: string, at: instant },
    }),
  },
  streams: {
    loyalty_ledger: defineStreamKind({ ...base.streams.loyalty_ledger, description: 'Loyalty ledger entries (LedgerEntrySchema), one stream per account.', schema: LedgerEntrySchema }),
    complaint_events: defineStreamKind({ ...base.streams.complaint_events, description: 'Complaint case events (ComplaintEventSchema), one stream per case.', schema: ComplaintEventSchema }),
  },
});

/** The registry the facade needs; see {@link crmStorageRegistry}. */
export type CrmStorageRegistry = typeof crmStorageRegistry;

/** The collection schemas of {@link crmStorageRegistry}, by name. */
export type CrmCollectionSchemas = { [K in keyof CrmStorageRegistry['collections']]: CrmStorageRegistry['collections'][K]['schema'] };
/** The stream payload schemas of {@link crmStorageRegistry}, by kind. */
export type CrmStreamSchemas = { [K in keyof CrmStorageRegistry['streams']]: CrmStorageRegistry['streams'][K]['schema'] };

/** A storage serving {@link crmStorageRegistry}: what `createCrm` takes. */
export type CrmFacadeStorage = CrmStorage<CrmCollectionSchemas, CrmStreamSchemas>;

/**
 * Checks that a storage serves the facade's registry (the same schemas, not
 * just the same names) and offers transactions. Internal to the facade.
 *
 * @throws `ValidationError` naming what is missing.
 */
export function checkCrmStorage(storage: unknown, path: string): CrmFacadeStorage {
  const candidate = storage as Partial<CrmStorage<SchemaMap, SchemaMap>> | null;
  if (candidate === null || typeof candidate !== 'object' || typeof candidate.transaction !== 'function' || candidate.registry === undefined) {
    throw new ValidationError([{ path, message: 'expected a CrmStorage (createMemoryStorage, createPostgresStorage, connectCrmHttpStorage, …)' }]);
  }
  const issues: ValidationIssue[] = [];
  const served = candidate.registry;
  for (const [name, definition] of Object.entries(crmStorageRegistry.collections)) {
    if (served.collections[name]?.schema !== (definition as { schema: unknown }).schema) {
      issues.push({ path: `${path}.registry.collections.${name}`, message: `the storage does not serve collection ${name} of crmStorageRegistry: create it with { registry: crmStorageRegistry }` });
    }
  }
  for (const [name, definition] of Object.entries(crmStorageRegistry.streams)) {
    if (served.streams[name]?.schema !== (definition as { schema: unknown }).schema) {
      issues.push({ path: `${path}.registry.streams.${name}`, message: `the storage does not serve stream kind ${name} of crmStorageRegistry: create it with { registry: crmStorageRegistry }` });
    }
  }
  if (candidate.capabilities?.transactions !== true) issues.push({ path: `${path}.capabilities.transactions`, message: 'the facade needs a storage with transactions' });
  if (candidate.capabilities?.outbox !== true) issues.push({ path: `${path}.capabilities.outbox`, message: 'the facade needs a storage with an outbox' });
  if (issues.length > 0) throw new ValidationError(issues, { label: 'facade storage' });
  return storage as CrmFacadeStorage;
}
