import { z } from 'zod';
import { CurrencyCodeSchema, IdSchema, InstantSchema, MinorUnitsSchema } from '../core/index.js';
import { SealedValueSchema } from './sealed-value.js';

/*
 * The records the facade keeps besides the domain's own: blind indexes,
 * customers' data keys, answers of idempotent requests, encrypted free text,
 * job results and merge lineage. Every one is JSON with its instants as
 * `Date`s, validated on the way in and out like any collection.
 */

/** The kinds of blind index: E.164 phone numbers (mobile and phone contact points), identity numbers, e-mail addresses. */
export const LookupKindSchema = z.enum(['phone', 'id_number', 'email']);

/** A blind-index kind; see {@link LookupKindSchema}. */
export type LookupKind = z.infer<typeof LookupKindSchema>;

/**
 * One blind-index entry: the HMAC-SHA256 digest (under a key of the ring)
 * of a customer's normalised mobile, identity number or e-mail address. The
 * value itself is never stored.
 */
export const CustomerLookupSchema = z.strictObject({
  id: IdSchema,
  kind: LookupKindSchema,
  digest: z.string().regex(/^[0-9a-f]{64}$/),
  customerId: IdSchema,
  keyId: IdSchema,
});

/** A customer's own data key, wrapped under a key of the ring (per-customer keys; deleting it crypto-shreds the customer). */
export const CustomerDataKeySchema = z.strictObject({
  id: IdSchema,
  keyId: IdSchema,
  wrappedKey: SealedValueSchema,
  createdAt: InstantSchema,
});

/** The first answer of an idempotent request, kept so that a replay returns it. Answers never hold personal data. */
export const CrmRequestRecordSchema = z.strictObject({
  id: IdSchema,
  method: z.string().min(1).max(100),
  idempotencyKey: IdSchema,
  actorId: IdSchema,
  requestHash: z.string().regex(/^[0-9a-f]{64}$/),
  requestId: IdSchema,
  /** The answer as tagged JSON text (instants survive). */
  answer: z.string(),
  createdAt: InstantSchema,
});

/** An encrypted piece of free text (interaction notes, complaint subjects and notes), kept apart from append-only streams so it can be erased. */
export const SealedTextSchema = z.strictObject({
  id: IdSchema,
  /** The customer it is about, or null (a case without a customer). */
  customerId: IdSchema.nullable(),
  /** The subject the ciphertext is bound to: the customer id, or `case:<caseId>`. */
  subjectId: z.string().min(1).max(200),
  /** What holds the text: an `interaction` or a `complaint` case. */
  owner: z.enum(['interaction', 'complaint']),
  /** The interaction or case. */
  ownerId: IdSchema,
  /** The complaint event within the case, or null. */
  itemId: IdSchema.nullable(),
  /** The field: `notes`, `subject`, `note`, `reason`, `resolution`. */
  field: z.string().min(1).max(64),
  value: SealedValueSchema,
});

/** What a segmentation job wrote about one customer: values in the window, pyramid zone, ABC class, RFM segment. */
export const CustomerSegmentRecordSchema = z.strictObject({
  id: IdSchema,
  customerId: IdSchema,
  dealerId: IdSchema,
  asOf: InstantSchema,
  runId: IdSchema,
  currency: CurrencyCodeSchema.nullable(),
  revenueMinor: MinorUnitsSchema,
  profitMinor: MinorUnitsSchema,
  purchaseCount: z.number().int().nonnegative(),
  pyramidZone: z.string().min(1).max(64),
  pyramidRank: z.number().int().positive(),
  abcClass: z.string().min(1).max(8),
  rfmSegment: z.string().min(1).max(64).nullable(),
  rfmCode: z.string().regex(/^[1-5]{3}$/).nullable(),
});

/** What a retention job wrote about one customer: visit history, P(alive), CLV and churn risk. */
export const CustomerRetentionRecordSchema = z.strictObject({
  id: IdSchema,
  customerId: IdSchema,
  dealerId: IdSchema,
  asOf: InstantSchema,
  runId: IdSchema,
  frequency: z.number().int().nonnegative(),
  recency: z.number().nonnegative(),
  age: z.number().nonnegative(),
  probabilityAlive: z.number().min(0).max(1),
  expectedVisits: z.number().nonnegative(),
  expectedSpendMinor: MinorUnitsSchema,
  clvMinor: MinorUnitsSchema,
  churnScore: z.number().min(0).max(1),
  churnBand: z.enum(['low', 'medium', 'high']),
});

const lineageSchema = z.strictObject({
  sourceId: IdSchema,
  reason: z.string().min(1).max(64),
  candidateIds: z.array(IdSchema),
  unanimous: z.boolean(),
});

/** The lineage of a merge: which record each field of the golden record came from, and which records gave each contact point. */
export const CustomerMergeRecordSchema = z.strictObject({
  id: IdSchema,
  survivorId: IdSchema,
  mergedIds: z.array(IdSchema).min(1),
  at: InstantSchema,
  actorId: IdSchema,
  fields: z.record(z.string(), lineageSchema),
  contactPoints: z.array(z.strictObject({ kind: z.enum(['mobile', 'phone', 'email', 'wechat', 'address']), sourceIds: z.array(IdSchema), consentCount: z.number().int().nonnegative() })),
});

/** A stored merge lineage. */
export type CustomerMergeRecord = z.output<typeof CustomerMergeRecordSchema>;
/** A stored blind-index entry. */
export type CustomerLookup = z.output<typeof CustomerLookupSchema>;
/** A stored job result of the segmentation job. */
export type CustomerSegmentRecord = z.output<typeof CustomerSegmentRecordSchema>;
/** A stored job result of the retention job. */
export type CustomerRetentionRecord = z.output<typeof CustomerRetentionRecordSchema>;
/** A stored piece of encrypted free text. */
export type SealedText = z.output<typeof SealedTextSchema>;
