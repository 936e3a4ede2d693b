import { z } from 'zod';
import { IdSchema, ValidationError, issuesFromZod, parse, payloadHash, sha256Hex, type ValidationIssue } from '../core/index.js';
import type { CrmPermission } from './access-policy.js';
import { CRM_DEFAULT_BATCH_SIZE, CRM_MAX_BATCH_SIZE, isBulkSource, openItems, type BulkItemRules, type ItemBatch, type OpenedItems } from './bulk-items.js';
import { decodeAnswer } from './answer-codec.js';
import { CrmCallContextSchema, type CrmCallContext } from './call-context.js';
import {
  asCrmError,
  auditCall,
  auditRefusal,
  authorisedScope,
  earlierAnswer,
  emitEvent,
  idempotencyConflict,
  inTransaction,
  requestRecordId,
  saveAnswer,
  withoutKey,
  type OperationOutcome,
  type OperationScope,
  type RequestRecordRef,
} from './operation.js';
import type { CrmRuntime, CrmTx } from './runtime.js';

/** The fields every bulk input has besides its items. Internal to the facade. */
export const bulkEnvelopeShape = {
  idempotencyKey: IdSchema,
  batchSize: z.number().int().min(1).max(CRM_MAX_BATCH_SIZE).default(CRM_DEFAULT_BATCH_SIZE),
};

/** What a bulk method's batch body sees. Internal to the facade. */
export interface BatchScope<Env, E> extends OperationScope<Env> {
  readonly tx: CrmTx;
  /** The batch's items, checked. */
  readonly items: readonly E[];
  /** The batch number, 0 for the first. */
  readonly batch: number;
  /** The input position of the batch's first item. */
  readonly first: number;
}

/** A bulk facade method, declared. Internal to the facade. */
export interface BulkOperationSpec<Env extends { readonly idempotencyKey: string; readonly batchSize: number }, E, B, O> {
  /** The method name, also the audit action: `customers.import`. */
  readonly name: string;
  readonly permission: CrmPermission;
  /** The outbox event type of a batch. */
  readonly event: string;
  /** The input without its items (`idempotencyKey`, `batchSize`, the method's options). */
  readonly envelope: z.ZodType<Env>;
  readonly items: BulkItemRules<E>;
  /** The customers some items name, for the audit of a refused call. */
  readonly customerIdsOf: (items: readonly E[]) => readonly string[];
  /** Access checks on the items alone (FORBIDDEN): on every item of an array before anything is written, else on each batch before it is. */
  readonly authoriseItems?: (scope: OperationScope<Env>, items: readonly E[]) => void;
  /** One batch, inside its transaction: the batch's answer, audit facts and event data. */
  readonly run: (scope: BatchScope<Env, E>) => Promise<OperationOutcome<B>>;
  /** Folds the batches' answers into the call's answer (pure: the same answers give the same result). */
  readonly summary: { readonly empty: O; readonly add: (sum: O, batch: B) => O };
}

/**
 * Builds a bulk facade method: `(context, { idempotencyKey, <items>,
 * batchSize?, … })`. Every call:
 * 1. validates the context and the input; items given as an array are all
 *    validated here (a bad one anywhere: `ValidationError` at
 *    `input.<items>[i]…`, nothing written), items of an iterable per batch;
 * 2. checks the role, purpose and permission, and the items' own access
 *    rules (all of an array's at once); a refusal is audited, then `FORBIDDEN`;
 * 3. runs each batch in a transaction of its own — all or nothing per batch,
 *    run again when it loses a race — idempotently under a key derived from
 *    the call's key and the batch number: a batch written before (same items,
 *    same batch size, same actor and purpose) is a replay that returns its
 *    first answer, audited as such; another request under the key is
 *    `IDEMPOTENCY_CONFLICT`. A new batch writes its request record, one audit
 *    entry and one outbox event;
 * 4. in the last batch's transaction, records the call as complete (the chain
 *    of batch hashes and their count, and the call's answer): a later call
 *    with the key and more or fewer batches is `IDEMPOTENCY_CONFLICT`.
 * So a call that failed half-way (a crash, a lost connection, a refused or
 * missing record in batch k) left batches 0…k−1 written and nothing of
 * batch k; the same call again resumes — earlier batches replay, the rest
 * are written — and answers as one uninterrupted call would have.
 * Internal to the facade.
 */
export function defineBulkMethod<Env extends { readonly idempotencyKey: string; readonly batchSize: number }, E, B, O>(
  rt: CrmRuntime,
  spec: BulkOperationSpec<Env, E, B, O>,
): (context: unknown, input: unknown) => Promise<O> {
  return async (contextInput: unknown, input: unknown): Promise<O> => {
    let context: CrmCallContext | undefined;
    let envelope: Env | undefined;
    let concerned: readonly E[] = [];
    try {
      context = parse(CrmCallContextSchema, contextInput, { label: 'call context', path: 'context' });
      const opened = openInput(spec, input);
      envelope = opened.envelope;
      concerned = opened.items.all ?? [];
      const scope = authorisedScope(rt, context, spec, envelope);
      if (opened.items.all !== null) spec.authoriseItems?.(scope, opened.items.all);
      return await runBatches(rt, spec, scope, opened.items, (items) => {
        concerned = items;
      });
    } catch (error) {
      const failure = asCrmError(error, spec.name);
      if (failure.code === 'FORBIDDEN' && context !== undefined) {
        await auditRefusal(rt, { name: spec.name, write: true, customerIdsOf: () => spec.customerIdsOf(concerned) }, context, envelope, failure);
      }
      throw failure;
    }
  };
}

/** Parses a bulk input: the envelope by its schema, the items field as an array or iterable (its items checked by `openItems`). */
function openInput<Env extends { readonly idempotencyKey: string; readonly batchSize: number }, E, B, O>(
  spec: BulkOperationSpec<Env, E, B, O>,
  input: unknown,
): { envelope: Env; items: OpenedItems<E> } {
  const field = spec.items.field;
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new ValidationError([{ path: 'input', message: `expected an object with idempotencyKey and ${field}` }], { label: `${spec.name} input` });
  }
  const { [field]: source, ...rest } = input as Record<string, unknown>;
  const issues: ValidationIssue[] = [];
  if (!isBulkSource(source)) issues.push({ path: `input.${field}`, message: `expected an array or an iterable of ${spec.items.noun} records` });
  const parsed = spec.envelope.safeParse(rest);
  if (!parsed.success) issues.push(...issuesFromZod(parsed.error.issues, 'input'));
  if (issues.length > 0 || !parsed.success) throw new ValidationError(issues, { label: `${spec.name} input` });
  return { envelope: parsed.data, items: openItems(spec.items, source as Parameters<typeof openItems>[1], parsed.data.batchSize) };
}

async function runBatches<Env extends { readonly idempotencyKey: string; readonly batchSize: number }, E, B, O>(
  rt: CrmRuntime,
  spec: BulkOperationSpec<Env, E, B, O>,
  scope: OperationScope<Env>,
  items: OpenedItems<E>,
  concern: (items: readonly E[]) => void,
): Promise<O> {
  const { tenantId, context, input } = scope;
  const key = input.idempotencyKey;
  const options = withoutKey(input);
  let chain = '';
  let sum = spec.summary.empty;
  let answer: O | undefined;
  for await (const batch of items.batches()) {
    concern(batch.items);
    if (items.all === null) spec.authoriseItems?.(scope, batch.items);
    const requestHash = payloadHash({ method: spec.name, input: options, batch: batch.index, items: batch.items, actor: context.actor, purpose: context.purpose });
    chain = sha256Hex(`${chain}\u0000${requestHash}`);
    const ref: RequestRecordRef = { method: spec.name, recordId: requestRecordId(spec.name, key, 'batch', String(batch.index)), key, requestHash };
    const call: RequestRecordRef = { method: spec.name, recordId: requestRecordId(spec.name, key), key, requestHash: payloadHash({ method: spec.name, batches: batch.index + 1, chain }) };
    const before = sum;
    const done = await inTransaction(rt, tenantId, (tx) => runBatch(spec, { ...scope, tx, items: batch.items, batch: batch.index, first: batch.first }, batch, ref, call, before));
    sum = done.sum;
    answer = done.answer;
  }
  return answer ?? sum;
}

/** One batch in its transaction: a replay, or the body with its request record, audit entry and event; the call's completion with the last. */
async function runBatch<Env extends { readonly idempotencyKey: string; readonly batchSize: number }, E, B, O>(
  spec: BulkOperationSpec<Env, E, B, O>,
  scope: BatchScope<Env, E>,
  batch: ItemBatch<E>,
  ref: RequestRecordRef,
  call: RequestRecordRef,
  before: O,
): Promise<{ sum: O; answer: O | undefined }> {
  const { tx, tenantId } = scope;
  const earlier = await earlierAnswer(tx, tenantId, ref);
  if (earlier !== null) {
    await auditCall(tx, scope, spec.name, 'replayed', { details: { firstRequestId: earlier.requestId, batch: batch.index } }, ref.key);
    const sum = spec.summary.add(before, earlier.answer as B);
    return { sum, answer: batch.last ? await complete(tx, scope, call, sum) : undefined };
  }
  // A call completed under the key with fewer batches, or other ones: this batch is not a resume.
  if ((await tx.get(tenantId, 'crm_requests', call.recordId)) !== null) throw idempotencyConflict(call, `call (it was complete after other batches)`);
  const outcome = await spec.run(scope);
  await saveAnswer(tx, scope, ref, outcome.answer);
  await auditCall(tx, scope, spec.name, 'ok', { ...outcome.audit, details: { ...outcome.audit.details, batch: batch.index, items: batch.items.length } }, ref.key);
  await emitEvent(tx, scope, spec.event, { ...outcome.event, batch: batch.index, items: batch.items.length, last: batch.last });
  const sum = spec.summary.add(before, outcome.answer);
  return { sum, answer: batch.last ? await complete(tx, scope, call, sum) : undefined };
}

/** Records the call as complete with its answer, or returns the answer it was completed with (a replay); another chain of batches is a conflict. */
async function complete<O>(tx: CrmTx, scope: OperationScope<unknown>, call: RequestRecordRef, sum: O): Promise<O> {
  const earlier = await tx.get(scope.tenantId, 'crm_requests', call.recordId);
  if (earlier === null) {
    await saveAnswer(tx, scope, call, sum);
    return sum;
  }
  if (earlier.record.requestHash !== call.requestHash) throw idempotencyConflict(call, 'call (it was complete after other batches)');
  return decodeAnswer(earlier.record.answer) as O;
}
