import { z } from 'zod';
import { IdSchema } from '../../core/index.js';
import type { CrmDataVisibility } from '../access-policy.js';
import { actorAuditStream, CRM_AUDIT_CHAIN_STREAM, crmAuditEntryHash, customerAuditStream, type CrmAuditEntry, type CrmAuditOutcome } from '../audit-chain.js';
import { requireStoredCustomer } from '../customer-records.js';
import { defineMethod, forbidden, type CrmMethod, type OperationScope } from '../operation.js';
import type { CrmRuntime, CrmTx } from '../runtime.js';
import { verifyAuditChain, type CrmAuditChainReport } from '../verify-audit-chain.js';

const page = {
  /** The first position of the index stream to read (default 1). */
  fromPosition: z.number().int().min(1).default(1),
  /** Entries per page, 1–1000 (default 100). */
  limit: z.number().int().min(1).max(1000).default(100),
  /** Check each entry against the hash chain (slower: one read per entry). */
  verify: z.boolean().default(false),
};

/** Input of `audit.customerAccess`: who accessed a customer's data (every read and write that named them, and refused attempts). */
export const CrmCustomerAccessInputSchema = z.strictObject({ customerId: IdSchema, ...page });
/** Input of `audit.userActivity`: what a user did and looked at. */
export const CrmUserActivityInputSchema = z.strictObject({ userId: IdSchema, ...page });
/** Input of `audit.verifyChain`: optionally an anchor kept outside the storage; see `verifyAuditChain`. */
export const CrmVerifyChainInputSchema = z.strictObject({
  anchor: z.strictObject({ position: z.number().int().positive(), hash: z.string().regex(/^[0-9a-f]{64}$/) }).optional(),
});

/** Input of `audit.customerAccess`, as accepted. */
export type CrmCustomerAccessInput = z.input<typeof CrmCustomerAccessInputSchema>;
/** Input of `audit.userActivity`, as accepted. */
export type CrmUserActivityInput = z.input<typeof CrmUserActivityInputSchema>;
/** Input of `audit.verifyChain`, as accepted. */
export type CrmVerifyChainInput = z.input<typeof CrmVerifyChainInputSchema>;

/** One access in an audit trail: a summary of the chain entry at `chainPosition`. */
export interface CrmAuditAccess {
  readonly action: string;
  readonly at: Date;
  readonly actorId: string;
  readonly role: string;
  readonly purpose: string;
  readonly outcome: CrmAuditOutcome;
  readonly requestId: string;
  readonly fields: readonly string[];
  readonly visibility?: CrmDataVisibility;
  readonly chainPosition: number;
  readonly hash: string;
  /** The customers the call named (a user's trail). */
  readonly customerIds?: readonly string[];
  /** Whether the chain entry at `chainPosition` matches this summary and is intact (only with `verify`). */
  readonly verified?: boolean;
}

/** A page of an audit trail. */
export interface CrmAuditTrail {
  readonly entries: readonly CrmAuditAccess[];
  /** Pass as `fromPosition` for the next page; null on the last. */
  readonly nextPosition: number | null;
}

/** The audit service of the facade. */
export interface CrmAuditService {
  /** Who accessed this customer. Needs `audit.read`. */
  readonly customerAccess: CrmMethod<CrmCustomerAccessInput, CrmAuditTrail>;
  /** What this user did and looked at. Needs `audit.read`. */
  readonly userActivity: CrmMethod<CrmUserActivityInput, CrmAuditTrail>;
  /** Verifies the tenant's hash chain. Needs `audit.read`. */
  readonly verifyChain: CrmMethod<CrmVerifyChainInput, CrmAuditChainReport>;
}

async function readTrail(
  scope: OperationScope<{ readonly fromPosition: number; readonly limit: number; readonly verify: boolean }>,
  tx: CrmTx,
  streamId: string,
  keep: (payload: Record<string, unknown>) => boolean,
  matches: (entry: CrmAuditEntry) => boolean,
): Promise<CrmAuditTrail> {
  const { tenantId, input } = scope;
  const read = await tx.readStream(tenantId, 'audit_log', streamId, { fromPosition: input.fromPosition, limit: input.limit });
  const entries: CrmAuditAccess[] = [];
  for (const { payload } of read.entries) {
    if (!keep(payload)) continue;
    const { customerId: _customerId, customerCount: _count, ...summary } = payload as unknown as CrmAuditAccess & { customerId?: string; customerCount?: number };
    if (!input.verify) {
      entries.push(summary);
      continue;
    }
    const chained = await tx.readStream(tenantId, 'audit_log', CRM_AUDIT_CHAIN_STREAM, { fromPosition: summary.chainPosition, limit: 1 });
    const entry = chained.entries[0]?.payload as unknown as CrmAuditEntry | undefined;
    const verified = entry !== undefined && entry.hash === summary.hash && crmAuditEntryHash(entry) === entry.hash && entry.seq === summary.chainPosition && matches(entry);
    entries.push({ ...summary, verified });
  }
  return { entries, nextPosition: read.nextPosition };
}

/** The audit methods of a facade. Internal to the facade. */
export function createAuditService(rt: CrmRuntime): CrmAuditService {
  return {
    customerAccess: defineMethod(rt, {
      name: 'audit.customerAccess',
      permission: 'audit.read',
      input: CrmCustomerAccessInputSchema,
      write: false,
      event: 'crm.audit.read',
      customerIdsOf: (input) => [input.customerId],
      async run(scope) {
        const { tx, input } = scope;
        if (scope.role.scope === 'dealer') await requireStoredCustomer(scope, tx, input.customerId);
        const answer = await readTrail(
          scope,
          tx,
          customerAuditStream(input.customerId),
          (payload) => payload.customerId === input.customerId,
          (entry) => entry.customerIds.includes(input.customerId),
        );
        return { answer, audit: { customerIds: [input.customerId], details: { trail: 'customer', entries: answer.entries.length } }, event: { customerId: input.customerId } };
      },
    }),

    userActivity: defineMethod(rt, {
      name: 'audit.userActivity',
      permission: 'audit.read',
      input: CrmUserActivityInputSchema,
      write: false,
      event: 'crm.audit.read',
      async run(scope) {
        const { tx, input } = scope;
        if (scope.role.scope === 'dealer' && input.userId !== scope.context.actor.userId) {
          throw forbidden(`a dealer-scoped role reads only its own user's activity, not ${input.userId}'s`, [], { reason: 'other_user' });
        }
        const answer = await readTrail(
          scope,
          tx,
          actorAuditStream(input.userId),
          (payload) => payload.actorId === input.userId,
          (entry) => entry.actorId === input.userId,
        );
        return { answer, audit: { details: { trail: 'user', userId: input.userId, entries: answer.entries.length } }, event: { userId: input.userId } };
      },
    }),

    verifyChain: defineMethod(rt, {
      name: 'audit.verifyChain',
      permission: 'audit.read',
      input: CrmVerifyChainInputSchema,
      write: false,
      event: 'crm.audit.verified',
      prepare: (scope) => verifyAuditChain(rt.storage, { tenantId: scope.tenantId, ...(scope.input.anchor === undefined ? {} : { anchor: scope.input.anchor }) }),
      async run(scope) {
        const answer = scope.prepared;
        return {
          answer,
          audit: { details: { valid: answer.valid, entries: answer.entries, problems: answer.problems.length } },
          event: { valid: answer.valid, entries: answer.entries, headHash: answer.headHash },
        };
      },
    }),
  };
}
