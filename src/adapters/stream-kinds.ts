import type { z } from 'zod';
import { InteractionSchema, TransactionSchema } from '../customer/models/index.js';
import { jsonPayloadSchema, type JsonPayload, type JsonPayloadInput } from './json-record.js';

/**
 * A kind of append-only stream: the schema of each entry's payload, and
 * optionally the payload field that must equal the stream id (an interaction
 * appended to customer C-1's stream must name `customerId: 'C-1'`).
 */
export interface StreamKindDefinition<S extends z.ZodType = z.ZodType> {
  /** What the streams of this kind hold, for people. */
  readonly description: string;
  /** The schema of one entry's payload (its output must be an object). */
  readonly schema: S;
  /** A top-level payload field that must equal the stream id, if any. */
  readonly streamIdField?: string;
  /**
   * Whether entries carry a delivery state that workers claim and complete
   * (the outbox). Only the built-in `outbox` kind has it.
   */
  readonly tracksDelivery?: boolean;
}

/**
 * Defines a stream kind; the result is frozen.
 *
 * @example
 * ```ts
 * const calls = defineStreamKind({ description: 'Call recordings per customer', schema: jsonPayloadSchema({ at: { type: 'instant', required: true } }) });
 * ```
 */
export function defineStreamKind<S extends z.ZodType>(definition: StreamKindDefinition<S>): StreamKindDefinition<S> {
  return Object.freeze({ ...definition });
}

/** The payload of an audit-log entry: who did what to which record, when; plus any JSON. */
export interface AuditLogPayload extends JsonPayload {
  /** What was done (`customers.put`, `loyalty.redeem`). */
  action: string;
  /** When it was done. */
  at: Date;
}

/** The payload of an outbox entry: an event to deliver (e.g. by webhook); plus any JSON. */
export interface OutboxPayload extends JsonPayload {
  /** The event type (`loyalty.points_earned`), sent as the webhook's event name. */
  type: string;
  /** When the event happened. */
  occurredAt: Date;
}

const auditLogSchema = jsonPayloadSchema({
  action: { type: 'string', required: true },
  at: { type: 'instant', required: true },
  actorId: { type: 'string' },
  collection: { type: 'string' },
  recordId: { type: 'string' },
}) as unknown as z.ZodType<AuditLogPayload, JsonPayloadInput>;

const outboxSchema = jsonPayloadSchema({
  type: { type: 'string', required: true },
  occurredAt: { type: 'instant', required: true },
  data: { type: 'json' },
}) as unknown as z.ZodType<OutboxPayload, JsonPayloadInput>;

/**
 * The stream kinds of the SDK. Interactions and transactions are validated
 * with the customer models and keyed by customer; the loyalty ledger (per
 * member) and complaint events (per case) hold generic JSON payloads until
 * their modules register stricter schemas; the audit log and the outbox have
 * small fixed envelopes. Only the outbox tracks delivery.
 */
export const builtInStreamKinds = Object.freeze({
  loyalty_ledger: defineStreamKind({
    description: 'Loyalty ledger entries, one stream per member (generic JSON until the loyalty module registers its schema).',
    schema: jsonPayloadSchema({ at: { type: 'instant' }, recordedAt: { type: 'instant' }, expiresAt: { type: 'instant' } }),
  }),
  complaint_events: defineStreamKind({
    description: 'Complaint case events, one stream per case (generic JSON until the complaints module registers its schema).',
    schema: jsonPayloadSchema({ at: { type: 'instant' } }),
  }),
  interactions: defineStreamKind({
    description: 'Interactions (InteractionSchema), one stream per customer.',
    schema: InteractionSchema,
    streamIdField: 'customerId',
  }),
  transactions: defineStreamKind({
    description: 'Transactions (TransactionSchema), one stream per customer.',
    schema: TransactionSchema,
    streamIdField: 'customerId',
  }),
  audit_log: defineStreamKind({
    description: 'Audit log entries ({ action, at, actorId?, collection?, recordId?, …JSON }).',
    schema: auditLogSchema,
  }),
  outbox: defineStreamKind({
    description: 'Events to deliver ({ type, occurredAt, data?, …JSON }), each with a delivery state.',
    schema: outboxSchema,
    tracksDelivery: true,
  }),
});

/** The payload schemas of the built-in stream kinds, by kind: the stream type map of the default registry. */
export type DefaultStreamSchemas = { [K in keyof typeof builtInStreamKinds]: (typeof builtInStreamKinds)[K]['schema'] };
