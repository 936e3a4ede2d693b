import type { z } from 'zod';
import { CrmError, isCrmError, parse, payloadHash, type JsonValue } from '../core/index.js';
import type { CrmDataVisibility, CrmPermission, CrmRole } from './access-policy.js';
import { decodeAnswer, encodeAnswer, toJsonSafe } from './answer-codec.js';
import { appendAuditEntry, auditDraft, type AuditFacts, type CrmAuditOutcome } from './audit-chain.js';
import { digestId } from './bounded-id.js';
import { CrmCallContextSchema, type CrmCallContext, type CrmCallContextInput } from './call-context.js';
import type { CrmRuntime, CrmTx } from './runtime.js';

/** What a method's body sees. Internal to the facade. */
export interface OperationScope<I> {
  readonly rt: CrmRuntime;
  readonly context: CrmCallContext;
  readonly tenantId: string;
  readonly role: CrmRole;
  /** How much personal data the actor sees under the call's purpose. */
  readonly visibility: CrmDataVisibility;
  readonly input: I;
  /** The facade clock when the call began: the call's `asOf` unless the input names one. */
  readonly now: Date;
  readonly requestId: string;
}

/** What a method's body returns: the answer, what the audit records, and the outbox event's data. Internal to the facade. */
export interface OperationOutcome<O> {
  readonly answer: O;
  readonly audit: AuditFacts;
  /** The outbox event's data (ids and counts, never personal data). */
  readonly event?: Readonly<Record<string, unknown>>;
}

/** A facade method, declared. Internal to the facade. */
export interface OperationSpec<I, O, P = undefined> {
  /** The method name, also the audit action: `customers.upsert`. */
  readonly name: string;
  readonly permission: CrmPermission;
  /** The input schema; a write's input has an `idempotencyKey`. */
  readonly input: z.ZodType<I>;
  /** Whether the method writes: then it is idempotent by its input's `idempotencyKey`. */
  readonly write: boolean;
  /** The outbox event type. */
  readonly event: string;
  /** The customers an input names, for the audit of a refused call. */
  readonly customerIdsOf?: (input: I) => readonly string[];
  /** Work done before the transaction (jobs read a whole tenant with `scan`); its result reaches `run`. */
  readonly prepare?: (scope: OperationScope<I>) => Promise<P>;
  /** The body, inside the transaction. */
  readonly run: (scope: OperationScope<I> & { readonly tx: CrmTx; readonly prepared: P }) => Promise<OperationOutcome<O>>;
}

/**
 * A `FORBIDDEN` error naming the customers concerned (for the audit of the
 * refusal). Internal to the facade.
 */
export function forbidden(message: string, customerIds: readonly string[] = [], details: Record<string, unknown> = {}): CrmError {
  return new CrmError('FORBIDDEN', message, { details: { ...details, customerIds: [...customerIds] } });
}

/** A `VERSION_CONFLICT` with the caller's own `expectedVersion`: running the call again cannot help. Internal to the facade. */
export function staleRequest(message: string, details: Record<string, unknown>): CrmError {
  return new CrmError('VERSION_CONFLICT', message, { details: { ...details, source: 'request' } });
}

/**
 * Whether running the call again may succeed: a lost race (`VERSION_CONFLICT`
 * not of the caller's own making), or — once — an `IDEMPOTENCY_CONFLICT` from
 * a stream rather than from the request record. A concurrent twin of this
 * very request can commit between this call's look-up of its request record
 * and its own append (under READ COMMITTED the append sees the twin's
 * entry, stamped at the twin's instant); the next attempt finds the twin's
 * request record and replays its answer. A real conflict fails again.
 */
function isRetryable(error: unknown, attempt: number): boolean {
  if (isCrmError(error, 'VERSION_CONFLICT')) return error.details.source !== 'request';
  return attempt === 1 && isCrmError(error, 'IDEMPOTENCY_CONFLICT') && error.details.method === undefined;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs `fn` in one storage transaction, again (after a short random pause)
 * when it loses a race with a concurrent call: a `VERSION_CONFLICT` from a
 * conditional write or append, or a deadlock the adapter reports as one.
 * Internal to the facade.
 */
export async function inTransaction<T>(rt: CrmRuntime, tenantId: string, fn: (tx: CrmTx) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await rt.storage.transaction(tenantId, fn);
    } catch (error) {
      if (!isRetryable(error, attempt) || attempt >= rt.retry.maxAttempts) throw error;
      await sleep(Math.random() * Math.min(rt.retry.maxDelayMs, 2 ** Math.min(attempt, 10)));
    }
  }
}

/** Any failure as a `CrmError`: a `CrmError` as it is, anything else `INTERNAL` with the original as its cause. Internal to the facade. */
export function asCrmError(error: unknown, method: string): CrmError {
  if (error instanceof CrmError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new CrmError('INTERNAL', `${method} failed unexpectedly: ${message}`, { cause: error });
}

/** The id of the request record of a write: one per method and idempotency key (and batch, for a bulk call's batches). Internal to the facade. */
export const requestRecordId = (method: string, key: string, ...more: readonly string[]) => digestId('crm-request', method, key, ...more);

/** Where a write keeps its first answer: the request record's id, the client's key, and the hash of the request. Internal to the facade. */
export interface RequestRecordRef {
  readonly method: string;
  readonly recordId: string;
  readonly key: string;
  readonly requestHash: string;
}

/**
 * The first answer of a request made before with the same key, or null:
 * `IDEMPOTENCY_CONFLICT` when that request was another one. Internal to the
 * facade.
 */
export async function earlierAnswer(tx: CrmTx, tenantId: string, ref: RequestRecordRef): Promise<{ readonly answer: unknown; readonly requestId: string } | null> {
  const earlier = await tx.get(tenantId, 'crm_requests', ref.recordId);
  if (earlier === null) return null;
  if (earlier.record.requestHash !== ref.requestHash) throw idempotencyConflict(ref);
  return { answer: decodeAnswer(earlier.record.answer), requestId: earlier.record.requestId };
}

/** The error of a key used before for another request. Internal to the facade. */
export function idempotencyConflict(ref: Pick<RequestRecordRef, 'method' | 'key'>, what = 'request'): CrmError {
  return new CrmError('IDEMPOTENCY_CONFLICT', `idempotency key ${ref.key} of ${ref.method} was used before for another ${what}; nothing was done`, {
    details: { method: ref.method, idempotencyKey: ref.key },
  });
}

/** Keeps the answer of a write under its request record (created: a concurrent twin loses with a retryable conflict). Internal to the facade. */
export async function saveAnswer<I>(tx: CrmTx, scope: OperationScope<I>, ref: RequestRecordRef, answer: unknown): Promise<void> {
  await tx.put(
    scope.tenantId,
    'crm_requests',
    { id: ref.recordId, method: ref.method, idempotencyKey: ref.key, actorId: scope.context.actor.userId, requestHash: ref.requestHash, requestId: scope.requestId, answer: encodeAnswer(answer), createdAt: scope.now },
    { expectedVersion: 0 },
  );
}

/**
 * A facade method: `(context, input) => answer`. It validates both (a
 * `ValidationError` before storage is touched), authorises the actor, runs
 * in one transaction, audits and emits an outbox event.
 */
export type CrmMethod<I, O> = (context: CrmCallContextInput, input: I) => Promise<O>;

/**
 * Builds a facade method from its declaration. Every call:
 * 1. validates the context and the input (a `ValidationError` before any storage access);
 * 2. checks the role, purpose and permission (a refusal is audited, then `FORBIDDEN`);
 * 3. runs `prepare` outside the transaction, if any (jobs);
 * 4. runs in one transaction, retried on a lost race: a write first looks up
 *    its idempotency key (a replay returns the first answer; the same key with
 *    another request is `IDEMPOTENCY_CONFLICT`), then the body, then records
 *    the answer, appends the audit entry and the outbox event;
 * 5. turns any other failure into a `CrmError`.
 * Internal to the facade.
 */
export function defineMethod<I, O, P = undefined>(rt: CrmRuntime, spec: OperationSpec<I, O, P>): (context: unknown, input: unknown) => Promise<O> {
  return async (contextInput: unknown, input: unknown): Promise<O> => {
    let context: CrmCallContext | undefined;
    let parsed: I | undefined;
    try {
      context = parse(CrmCallContextSchema, contextInput, { label: 'call context', path: 'context' });
      parsed = parse(spec.input, input, { label: `${spec.name} input`, path: 'input' });
      return await execute(rt, spec, authorisedScope(rt, context, spec, parsed));
    } catch (error) {
      const failure = asCrmError(error, spec.name);
      if (failure.code === 'FORBIDDEN' && context !== undefined) await auditRefusal(rt, spec, context, parsed, failure);
      throw failure;
    }
  };
}

/**
 * Authorises a call (see {@link authorise}) and gives its scope: the role,
 * what personal data it sees under the purpose, the input, the instant and
 * a new request id. Internal to the facade.
 */
export function authorisedScope<I>(rt: CrmRuntime, context: CrmCallContext, spec: { readonly name: string; readonly permission: CrmPermission }, input: I): OperationScope<I> {
  const role = authorise(rt, context, spec);
  return {
    rt,
    context,
    tenantId: context.tenantId,
    role,
    visibility: role.personalData.byPurpose[context.purpose] ?? role.personalData.default,
    input,
    now: rt.clock.now(),
    requestId: rt.ids(),
  };
}

/** Checks the actor's role, purpose and permission for a method; returns the role. Internal to the facade. */
export function authorise(rt: CrmRuntime, context: CrmCallContext, spec: { readonly name: string; readonly permission: CrmPermission }): CrmRole {
  const { actor, purpose } = context;
  const role = Object.hasOwn(rt.access.roles, actor.role) ? rt.access.roles[actor.role] : undefined;
  if (role === undefined) throw forbidden(`role ${actor.role} is not defined by the access policy`, [], { reason: 'unknown_role' });
  if (!role.purposes.includes(purpose)) {
    throw forbidden(`role ${actor.role} may not act for purpose ${purpose} (it may for ${role.purposes.join(', ')})`, [], { reason: 'purpose_not_allowed' });
  }
  if (!role.permissions.includes(spec.permission)) {
    throw forbidden(`role ${actor.role} lacks permission ${spec.permission} for ${spec.name}`, [], { reason: 'permission_missing', permission: spec.permission });
  }
  if (role.scope === 'dealer' && actor.dealerId === undefined) {
    throw forbidden(`role ${actor.role} works for one dealer: the actor must name its dealerId`, [], { reason: 'dealer_missing' });
  }
  return role;
}

async function execute<I, O, P>(rt: CrmRuntime, spec: OperationSpec<I, O, P>, scope: OperationScope<I>): Promise<O> {
  const { tenantId, context } = scope;
  const key = spec.write ? (scope.input as { idempotencyKey: string }).idempotencyKey : undefined;
  const ref: RequestRecordRef | undefined =
    key === undefined
      ? undefined
      : { method: spec.name, recordId: requestRecordId(spec.name, key), key, requestHash: payloadHash({ method: spec.name, input: withoutKey(scope.input), actor: context.actor, purpose: context.purpose }) };
  let prepared = undefined as P;
  if (spec.prepare !== undefined) {
    const earlier = ref === undefined ? null : await rt.storage.get(tenantId, 'crm_requests', ref.recordId);
    if (earlier === null) prepared = await spec.prepare(scope);
  }
  return inTransaction(rt, tenantId, async (tx) => {
    if (ref !== undefined) {
      const earlier = await earlierAnswer(tx, tenantId, ref);
      if (earlier !== null) {
        await auditCall(tx, scope, spec.name, 'replayed', { details: { firstRequestId: earlier.requestId } }, ref.key);
        return earlier.answer as O;
      }
      if (spec.prepare !== undefined && prepared === undefined) {
        // Request records are never deleted: one seen before the transaction is still there.
        throw new CrmError('INTERNAL', `the request record of ${spec.name} with key ${ref.key} was seen before the transaction and not inside it`);
      }
    }
    const outcome = await spec.run({ ...scope, tx, prepared });
    if (ref !== undefined) await saveAnswer(tx, scope, ref, outcome.answer);
    await auditCall(tx, scope, spec.name, 'ok', outcome.audit, key);
    await emitEvent(tx, scope, spec.event, outcome.event ?? {});
    return outcome.answer;
  });
}

/** Appends a call's event to the outbox. Internal to the facade. */
export async function emitEvent<I>(tx: CrmTx, scope: OperationScope<I>, type: string, data: Readonly<Record<string, unknown>>): Promise<void> {
  const { context, tenantId } = scope;
  await tx.append(tenantId, 'outbox', scope.rt.outboxStreamId, [
    {
      type,
      occurredAt: scope.now,
      data: toJsonSafe({ requestId: scope.requestId, tenantId, actorId: context.actor.userId, purpose: context.purpose, ...data }) as JsonValue,
    },
  ]);
}

/** An input without its `idempotencyKey`: what the request hash covers. Internal to the facade. */
export function withoutKey(input: unknown): unknown {
  if (input === null || typeof input !== 'object') return input;
  const { idempotencyKey: _key, ...rest } = input as Record<string, unknown>;
  return rest;
}

/** Appends a call's entry to the audit chain. Internal to the facade. */
export async function auditCall<I>(tx: CrmTx, scope: OperationScope<I>, method: string, outcome: CrmAuditOutcome, facts: AuditFacts, key: string | undefined): Promise<void> {
  const { actor, purpose } = scope.context;
  await appendAuditEntry(
    tx,
    scope.tenantId,
    auditDraft(
      {
        action: method,
        at: scope.now,
        actorId: actor.userId,
        role: actor.role,
        ...(actor.dealerId === undefined ? {} : { actorDealerId: actor.dealerId }),
        purpose,
        outcome,
        requestId: scope.requestId,
        ...(key === undefined ? {} : { idempotencyKey: key }),
      },
      facts,
    ),
  );
}

/** What {@link auditRefusal} needs of a method. Internal to the facade. */
export interface RefusableMethod<I> {
  readonly name: string;
  readonly write: boolean;
  readonly customerIdsOf?: ((input: I) => readonly string[]) | undefined;
}

/** Audits a refused call in a transaction of its own (the refused call's transaction was rolled back). Internal to the facade. */
export async function auditRefusal<I>(rt: CrmRuntime, spec: RefusableMethod<I>, context: CrmCallContext, input: I | undefined, error: CrmError): Promise<void> {
  const named = Array.isArray(error.details.customerIds) ? (error.details.customerIds as string[]) : [];
  const fromInput = input !== undefined && spec.customerIdsOf !== undefined ? spec.customerIdsOf(input) : [];
  const { customerIds: _ids, ...details } = error.details;
  const scope: OperationScope<I | undefined> = {
    rt,
    context,
    tenantId: context.tenantId,
    role: { description: '', scope: 'group', permissions: [], purposes: [context.purpose], personalData: { default: 'none', byPurpose: {} } },
    visibility: 'none',
    input,
    now: rt.clock.now(),
    requestId: rt.ids(),
  };
  const key = spec.write && input !== undefined ? (input as { idempotencyKey?: string }).idempotencyKey : undefined;
  const customerIds = [...new Set([...named, ...fromInput])];
  await inTransaction(rt, context.tenantId, async (tx) => {
    await auditCall(tx, scope, spec.name, 'forbidden', { customerIds, details: toJsonSafe({ ...details, message: error.message }) as Record<string, JsonValue> }, key);
    await emitEvent(tx, scope, 'crm.access_refused', { method: spec.name, customerIds, reason: details.reason ?? null });
  });
}
