import { z } from 'zod';
import { CrmError, IdSchema, InstantSchema } from '../../core/index.js';
import {
  ComplaintCancelledEventSchema,
  ComplaintCategoryChangedEventSchema,
  ComplaintClosedEventSchema,
  ComplaintOpenedEventSchema,
  ComplaintReopenedEventSchema,
  ComplaintResolvedEventSchema,
  ComplaintSatisfactionRecordedEventSchema,
  ComplaintSeverityChangedEventSchema,
  ComplaintStatusChangedEventSchema,
  applyComplaintEvent,
  dueEscalations,
  evaluateSla,
  openComplaintCase,
  type CaseSlaEvaluation,
  type ComplaintCase,
  type ComplaintEvent,
  type ComplaintStatus,
  type SlaEscalation,
  type SlaPolicy,
} from '../../complaints/index.js';
import { boundedId } from '../bounded-id.js';
import { checkLive, requireDealer, requireStoredCustomer } from '../customer-records.js';
import { defineMethod, staleRequest, type CrmMethod, type OperationScope } from '../operation.js';
import { queryAll, readWholeStream } from '../reads.js';
import type { CrmRuntime, CrmTx } from '../runtime.js';
import { openTexts, sealTexts, textsOfOwner } from '../sealed-texts.js';

/** The free-text fields of complaint events, encrypted apart from the stream when `complaintText` is configured. */
const TEXT_FIELDS = ['subject', 'note', 'reason', 'resolution'] as const;

const draft = { eventId: IdSchema.optional(), at: InstantSchema.optional() };
const omitted = { id: true, caseId: true, at: true, actorId: true } as const;

/** Input of `complaints.open`: the opened event without its ids (generated unless given) and time (now unless given). */
export const CrmOpenComplaintInputSchema = z.strictObject({
  idempotencyKey: IdSchema,
  complaint: ComplaintOpenedEventSchema.omit({ ...omitted, type: true }).extend({ caseId: IdSchema.optional(), ...draft }),
});

/** Input of `complaints.transition`: a status change, severity or category change, resolution, reopening, closing, cancellation or satisfaction score. */
export const CrmComplaintTransitionInputSchema = z.strictObject({
  idempotencyKey: IdSchema,
  caseId: IdSchema,
  event: z.discriminatedUnion('type', [
    ComplaintStatusChangedEventSchema.omit(omitted).extend(draft),
    ComplaintSeverityChangedEventSchema.omit(omitted).extend(draft),
    ComplaintCategoryChangedEventSchema.omit(omitted).extend(draft),
    ComplaintResolvedEventSchema.omit(omitted).extend(draft),
    ComplaintReopenedEventSchema.omit(omitted).extend(draft),
    ComplaintClosedEventSchema.omit(omitted).extend(draft),
    ComplaintCancelledEventSchema.omit(omitted).extend(draft),
    ComplaintSatisfactionRecordedEventSchema.omit(omitted).extend(draft),
  ]),
});

/** Input of `complaints.reply`: a public reply of the dealer (first response, progress update) or a message of the customer. */
export const CrmComplaintReplyInputSchema = z.strictObject({
  idempotencyKey: IdSchema,
  caseId: IdSchema,
  from: z.enum(['dealer', 'customer']),
  note: z.string().max(4000).optional(),
  ...draft,
});

/** Input of `complaints.get` and `complaints.evaluateSla` (as of an instant, default now). */
export const CrmComplaintRefInputSchema = z.strictObject({ caseId: IdSchema, asOf: InstantSchema.optional() });

/** Input of `complaints.escalationsDue`: the open cases of a dealer (or all the actor may see) as of an instant. */
export const CrmEscalationsDueInputSchema = z.strictObject({ idempotencyKey: IdSchema, dealerId: IdSchema.optional(), asOf: InstantSchema.optional() });

/** Input of `complaints.open`, as accepted. */
export type CrmOpenComplaintInput = z.input<typeof CrmOpenComplaintInputSchema>;
/** Input of `complaints.transition`, as accepted. */
export type CrmComplaintTransitionInput = z.input<typeof CrmComplaintTransitionInputSchema>;
/** Input of `complaints.reply`, as accepted. */
export type CrmComplaintReplyInput = z.input<typeof CrmComplaintReplyInputSchema>;
/** Input of `complaints.get` and `complaints.evaluateSla`, as accepted. */
export type CrmComplaintRefInput = z.input<typeof CrmComplaintRefInputSchema>;
/** Input of `complaints.escalationsDue`, as accepted. */
export type CrmEscalationsDueInput = z.input<typeof CrmEscalationsDueInputSchema>;

/** What a complaint write returns: the case as stored (free text left out when encrypted). */
export interface CrmComplaintAnswer {
  readonly caseId: string;
  /** The id of the event written. */
  readonly eventId: string;
  readonly status: ComplaintStatus;
  readonly version: number;
  readonly case: ComplaintCase;
}

/** A case with its events; free text shown only with full visibility. */
export interface CrmComplaintRecord {
  readonly case: ComplaintCase;
  readonly version: number;
  readonly events: readonly ComplaintEvent[];
}

/** An escalation due, and whether this call is the first to report it (its outbox event was appended now). */
export interface CrmEscalationDue extends SlaEscalation {
  readonly new: boolean;
}

/** What `complaints.escalationsDue` returns. */
export interface CrmEscalationsAnswer {
  readonly asOf: Date;
  readonly casesChecked: number;
  readonly escalations: readonly CrmEscalationDue[];
}

/** The complaint service of the facade. */
export interface CrmComplaintService {
  /** Opens a case. Needs `complaints.write`. */
  readonly open: CrmMethod<CrmOpenComplaintInput, CrmComplaintAnswer>;
  /** Moves a case through its lifecycle. Needs `complaints.write`. */
  readonly transition: CrmMethod<CrmComplaintTransitionInput, CrmComplaintAnswer>;
  /** Records a reply of the dealer or the customer. Needs `complaints.write`. */
  readonly reply: CrmMethod<CrmComplaintReplyInput, CrmComplaintAnswer>;
  /** A case and its events. Needs `complaints.read`. */
  readonly get: CrmMethod<CrmComplaintRefInput, CrmComplaintRecord>;
  /** Every SLA clock of a case. Needs `complaints.read`. */
  readonly evaluateSla: CrmMethod<CrmComplaintRefInput, CaseSlaEvaluation>;
  /** Escalations due over the open cases; each new one goes to the outbox exactly once. Needs `complaints.write`. */
  readonly escalationsDue: CrmMethod<CrmEscalationsDueInput, CrmEscalationsAnswer>;
}

/** The SLA policy of a dealer: its own, or the facade's default. */
function policyFor(rt: CrmRuntime, dealerId: string): SlaPolicy {
  return rt.sla.byDealer.get(dealerId) ?? rt.sla.default;
}

/** Splits the free text off an event when it is encrypted. */
function splitText(rt: CrmRuntime, event: ComplaintEvent): { stored: ComplaintEvent; texts: Record<string, string | undefined> } {
  if (!rt.encrypted.has('complaintText')) return { stored: event, texts: {} };
  const isText = (field: string): field is (typeof TEXT_FIELDS)[number] => (TEXT_FIELDS as readonly string[]).includes(field);
  const entries = Object.entries(event);
  const texts = Object.fromEntries(entries.filter(([field, value]) => isText(field) && typeof value === 'string')) as Record<string, string>;
  const stored = Object.fromEntries(entries.filter(([field]) => !Object.hasOwn(texts, field))) as ComplaintEvent;
  return { stored, texts };
}

async function appendEvent(scope: OperationScope<unknown>, tx: CrmTx, event: ComplaintEvent, next: ComplaintCase, previous: { version: number; eventCount: number; subject: string | null } | null) {
  const { rt, tenantId } = scope;
  const { stored, texts } = splitText(rt, event);
  await tx.append(tenantId, 'complaint_events', event.caseId, [stored], { expectedVersion: previous?.eventCount ?? 0, idempotencyKey: boundedId('event', event.id) });
  const record: ComplaintCase = { ...next, subject: previous === null ? (texts.subject === undefined ? next.subject : null) : previous.subject };
  const written = await tx.put(tenantId, 'complaints', record, { expectedVersion: previous?.version ?? 0 });
  await sealTexts(scope, tx, { owner: 'complaint', ownerId: event.caseId, itemId: event.id, customerId: next.customerId }, texts);
  const answer: CrmComplaintAnswer = { caseId: event.caseId, eventId: event.id, status: record.status, version: written.version, case: written.record };
  return {
    answer,
    audit: { customerIds: customersOf(next), fields: Object.keys(texts).length > 0 ? ['complaintText'] : [], details: { caseId: event.caseId, event: event.type } },
    event: { caseId: event.caseId, eventId: event.id, type: event.type, status: record.status, dealerId: record.dealerId, customerId: record.customerId },
  };
}

const customersOf = (complaint: ComplaintCase): string[] => (complaint.customerId === null ? [] : [complaint.customerId]);

async function requireCase(scope: OperationScope<unknown>, tx: CrmTx, caseId: string) {
  const found = await tx.get(scope.tenantId, 'complaints', caseId);
  if (found === null) throw new CrmError('NOT_FOUND', `complaint case ${caseId} does not exist`, { details: { caseId } });
  requireDealer(scope, found.record.dealerId, `complaint case ${caseId}`, customersOf(found.record));
  return found;
}

/** A case the actor may see, with its whole event stream. */
async function requireCaseWithEvents(scope: OperationScope<unknown>, tx: CrmTx, caseId: string) {
  const found = await requireCase(scope, tx, caseId);
  const { payloads } = await readWholeStream(tx, scope.tenantId, 'complaint_events', caseId);
  return { found, events: payloads, customerIds: customersOf(found.record) };
}

/** Applies an event (without ids and time yet) to a case and stores both. */
async function applyToCase(scope: OperationScope<unknown>, tx: CrmTx, caseId: string, input: { readonly eventId?: string | undefined; readonly at?: Date | undefined } & Record<string, unknown>) {
  const found = await requireCase(scope, tx, caseId);
  const { eventId, at, ...rest } = input;
  const event = { ...rest, id: eventId ?? scope.rt.ids(), caseId, at: at ?? scope.now, actorId: scope.context.actor.userId } as ComplaintEvent;
  const next = applyComplaintEvent(found.record, event, { policy: policyFor(scope.rt, found.record.dealerId) });
  return appendEvent(scope, tx, event, next, { version: found.version, eventCount: found.record.eventCount, subject: found.record.subject });
}

const OPEN_STATUSES: readonly ComplaintStatus[] = ['new', 'acknowledged', 'in_progress', 'waiting_on_customer', 'reopened', 'resolved'];

/** The complaint methods of a facade. Internal to the facade. */
export function createComplaintService(rt: CrmRuntime): CrmComplaintService {
  return {
    open: defineMethod(rt, {
      name: 'complaints.open',
      permission: 'complaints.write',
      input: CrmOpenComplaintInputSchema,
      write: true,
      event: 'crm.complaint.opened',
      customerIdsOf: (input) => (input.complaint.customerId === undefined ? [] : [input.complaint.customerId]),
      async run(scope) {
        const { tx, input, tenantId } = scope;
        const { caseId, eventId, at, ...fields } = input.complaint;
        requireDealer(scope, fields.dealerId, `a complaint at dealer ${fields.dealerId}`, fields.customerId === undefined ? [] : [fields.customerId]);
        if (fields.customerId !== undefined) checkLive((await requireStoredCustomer(scope, tx, fields.customerId)).record);
        const event = { ...fields, type: 'opened', id: eventId ?? rt.ids(), caseId: caseId ?? rt.ids(), at: at ?? scope.now, actorId: scope.context.actor.userId } as ComplaintEvent;
        const existing = await tx.get(tenantId, 'complaints', event.caseId);
        if (existing !== null) throw staleRequest(`complaint case ${event.caseId} already exists; nothing was written`, { collection: 'complaints', id: event.caseId, expectedVersion: 0, actualVersion: existing.version });
        return appendEvent(scope, tx, event, openComplaintCase(event), null);
      },
    }),

    transition: defineMethod(rt, {
      name: 'complaints.transition',
      permission: 'complaints.write',
      input: CrmComplaintTransitionInputSchema,
      write: true,
      event: 'crm.complaint.transitioned',
      run: (scope) => applyToCase(scope, scope.tx, scope.input.caseId, scope.input.event),
    }),

    reply: defineMethod(rt, {
      name: 'complaints.reply',
      permission: 'complaints.write',
      input: CrmComplaintReplyInputSchema,
      write: true,
      event: 'crm.complaint.replied',
      run: (scope) => {
        const { from, caseId, idempotencyKey: _key, ...rest } = scope.input;
        return applyToCase(scope, scope.tx, caseId, { ...rest, type: from === 'dealer' ? 'public_reply' : 'customer_reply' });
      },
    }),

    get: defineMethod(rt, {
      name: 'complaints.get',
      permission: 'complaints.read',
      input: CrmComplaintRefInputSchema,
      write: false,
      event: 'crm.complaint.viewed',
      async run(scope) {
        const { tx, input } = scope;
        const { found, events: payloads, customerIds } = await requireCaseWithEvents(scope, tx, input.caseId);
        const full = scope.visibility === 'full';
        const texts = full ? await openTexts(scope, tx, await textsOfOwner(scope, tx, input.caseId)) : new Map<string, Record<string, string>>();
        const events = payloads.map((event) => ({ ...event, ...(texts.get(event.id) ?? {}) }) as ComplaintEvent);
        const opened = events[0];
        const subject = full && opened !== undefined && opened.type === 'opened' ? (opened.subject ?? found.record.subject) : found.record.subject;
        const answer: CrmComplaintRecord = { case: { ...found.record, subject }, version: found.version, events };
        return { answer, audit: { customerIds, fields: texts.size > 0 ? ['complaintText'] : [], visibility: scope.visibility, details: { caseId: input.caseId } }, event: { caseId: input.caseId } };
      },
    }),

    evaluateSla: defineMethod(rt, {
      name: 'complaints.evaluateSla',
      permission: 'complaints.read',
      input: CrmComplaintRefInputSchema,
      write: false,
      event: 'crm.complaint.sla_evaluated',
      async run(scope) {
        const { found, events, customerIds } = await requireCaseWithEvents(scope, scope.tx, scope.input.caseId);
        const answer = evaluateSla(policyFor(rt, found.record.dealerId), events, { asOf: scope.input.asOf ?? scope.now });
        return { answer, audit: { customerIds, details: { caseId: scope.input.caseId } }, event: { caseId: scope.input.caseId } };
      },
    }),

    escalationsDue: defineMethod(rt, {
      name: 'complaints.escalationsDue',
      permission: 'complaints.write',
      input: CrmEscalationsDueInputSchema,
      write: true,
      event: 'crm.complaint.escalations_checked',
      async run(scope) {
        const { tx, input, tenantId } = scope;
        const asOf = input.asOf ?? scope.now;
        const dealerId = scope.role.scope === 'dealer' ? scope.context.actor.dealerId : input.dealerId;
        if (input.dealerId !== undefined) requireDealer(scope, input.dealerId, `the complaints of dealer ${input.dealerId}`);
        const cases = await queryAll(tx, tenantId, 'complaints', { status: { in: [...OPEN_STATUSES] }, ...(dealerId === undefined ? {} : { dealerId }) });
        const escalations: CrmEscalationDue[] = [];
        for (const { record } of cases) {
          const policy = policyFor(rt, record.dealerId);
          const { payloads } = await readWholeStream(tx, tenantId, 'complaint_events', record.id);
          const { clocks } = evaluateSla(policy, payloads, { asOf });
          for (const escalation of dueEscalations(policy, clocks, { asOf })) {
            const { breached: _breached, ...stable } = escalation;
            const appended = await tx.append(
              tenantId,
              'outbox',
              rt.outboxStreamId,
              [{ type: 'crm.complaint.escalation_due', occurredAt: escalation.reachedAt, data: { ...stable, reachedAt: escalation.reachedAt.toISOString() } }],
              { idempotencyKey: boundedId('escalation', escalation.key) },
            );
            escalations.push({ ...escalation, new: !appended.replayed });
          }
        }
        const answer: CrmEscalationsAnswer = { asOf, casesChecked: cases.length, escalations };
        const fresh = escalations.filter((escalation) => escalation.new);
        return { answer, audit: { details: { casesChecked: cases.length, newEscalations: fresh.length } }, event: { casesChecked: cases.length, newEscalations: fresh.map((escalation) => escalation.key) } };
      },
    }),
  };
}
