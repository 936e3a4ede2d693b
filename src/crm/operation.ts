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

function isRetryable(error: unknown): boolean {
  return isCrmError(error, 'VERSION_CONFLICT') && error.details.source !== 'request';
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
      if (!isRetryable(error) || attempt >= rt.retry.maxAttempts) throw error;
      await sleep(Math.random() * Math.min(rt.retry.maxDelayMs, 2 ** Math.min(attempt, 10)));
    }
  }
}

/** Any failure as a `CrmError`: a `CrmError` as it is, anything else `INTERNAL` with the original as its cause. */
function asCrmError(error: unknown, method: string): CrmError {
  if (error instanceof CrmError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new CrmError('INTERNAL', `${method} failed unexpectedly: ${message}`, { cause: error });
}

const requestRecordId = (method: string, key: string) => digestId('crm-request', method, key);

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
      const role = authorise(rt, context, spec);
      const scope: OperationScope<I> = {
        rt,
        context,
        tenantId: context.tenantId,
        role,
        visibility: role.personalData.byPurpose[context.purpose] ?? role.personalData.default,
        input: parsed,
        now: rt.clock.now(),
        requestId: rt.ids(),
      };
      return await execute(rt, spec, scope);
    } catch (error) {
      const failure = asCrmError(error, spec.name);
      if (failure.code === 'FORBIDDEN' && context !== undefined) await auditRefusal(rt, spec, context, parsed, failure);
      throw failure;
    }
  };
}

function authorise<I, O, P>(rt: CrmRuntime, context: CrmCallContext, spec: OperationSpec<I, O, P>): CrmRole {
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
  const recordId = key === undefined ? undefined : requestRecordId(spec.name, key);
  const requestHash = key === undefined ? undefined : payloadHash({ method: spec.name, input: withoutKey(scope.input), actor: context.actor, purpose: context.purpose });
  let prepared = undefined as P;
  if (spec.prepare !== undefined) {
    const earlier = recordId === undefined ? null : await rt.storage.get(tenantId, 'crm_requests', recordId);
    if (earlier === null) prepared = await spec.prepare(scope);
  }
  return inTransaction(rt, tenantId, async (tx) => {
    if (recordId !== undefined && key !== undefined && requestHash !== undefined) {
      const earlier = await tx.get(tenantId, 'crm_requests', recordId);
      if (earlier !== null) {
        if (earlier.record.requestHash !== requestHash) {
          throw new CrmError('IDEMPOTENCY_CONFLICT', `idempotency key ${key} of ${spec.name} was used before for another request; nothing was done`, {
            details: { method: spec.name, idempotencyKey: key },
          });
        }
        await audit(tx, scope, spec, 'replayed', { details: { firstRequestId: earlier.record.requestId } }, key);
        return decodeAnswer(earlier.record.answer) as O;
      }
      if (spec.prepare !== undefined && prepared === undefined) {
        // Request records are never deleted: one seen before the transaction is still there.
        throw new CrmError('INTERNAL', `the request record of ${spec.name} with key ${key} was seen before the transaction and not inside it`);
      }
    }
    const outcome = await spec.run({ ...scope, tx, prepared });
    if (recordId !== undefined && key !== undefined && requestHash !== undefined) {
      await tx.put(
        tenantId,
        'crm_requests',
        { id: recordId, method: spec.name, idempotencyKey: key, actorId: context.actor.userId, requestHash, requestId: scope.requestId, answer: encodeAnswer(outcome.answer), createdAt: scope.now },
        { expectedVersion: 0 },
      );
    }
    await audit(tx, scope, spec, 'ok', outcome.audit, key);
    await emit(tx, scope, spec.event, outcome.event ?? {});
    return outcome.answer;
  });
}

async function emit<I>(tx: CrmTx, scope: OperationScope<I>, type: string, data: Readonly<Record<string, unknown>>): Promise<void> {
  const { context, tenantId } = scope;
  await tx.append(tenantId, 'outbox', scope.rt.outboxStreamId, [
    {
      type,
      occurredAt: scope.now,
      data: toJsonSafe({ requestId: scope.requestId, tenantId, actorId: context.actor.userId, purpose: context.purpose, ...data }) as JsonValue,
    },
  ]);
}

function withoutKey(input: unknown): unknown {
  if (input === null || typeof input !== 'object') return input;
  const { idempotencyKey: _key, ...rest } = input as Record<string, unknown>;
  return rest;
}

async function audit<I, O, P>(tx: CrmTx, scope: OperationScope<I>, spec: OperationSpec<I, O, P>, outcome: CrmAuditOutcome, facts: AuditFacts, key: string | undefined): Promise<void> {
  const { actor, purpose } = scope.context;
  await appendAuditEntry(
    tx,
    scope.tenantId,
    auditDraft(
      {
        action: spec.name,
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

/** Audits a refused call in a transaction of its own (the refused call's transaction was rolled back). */
async function auditRefusal<I, O, P>(rt: CrmRuntime, spec: OperationSpec<I, O, P>, context: CrmCallContext, input: I | undefined, error: CrmError): Promise<void> {
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
    await audit(tx, scope, spec as unknown as OperationSpec<I | undefined, O, P>, 'forbidden', { customerIds, details: toJsonSafe({ ...details, message: error.message }) as Record<string, JsonValue> }, key);
    await emit(tx, scope, 'crm.access_refused', { method: spec.name, customerIds, reason: details.reason ?? null });
  });
}
