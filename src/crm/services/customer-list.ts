import { z } from 'zod';
import { IdSchema } from '../../core/index.js';
import { seesDealer } from '../customer-records.js';
import { defineMethod, type CrmMethod } from '../operation.js';
import type { CrmRuntime } from '../runtime.js';
import { presentRecord, type CrmCustomerRecord } from './customer-service.js';

/** The most customers one `customers.list` page returns. */
export const CRM_MAX_LIST_PAGE = 1000;

/**
 * Input of `customers.list`: a page of the tenant's customers in id order,
 * optionally of one dealer; `cursor` is the `nextCursor` of the page before.
 * A dealer-scoped actor lists only its own dealer's customers.
 */
export const CrmListCustomersInputSchema = z.strictObject({
  dealerId: IdSchema.optional(),
  /** Page size, 1–1000; default 500. */
  limit: z.number().int().min(1).max(CRM_MAX_LIST_PAGE).default(500),
  cursor: z.string().min(1).max(4096).nullable().optional(),
  /** Also return merged and erased records (status and id, no data); default false. */
  includeInactive: z.boolean().default(false),
});
/** Input of `customers.list` (see {@link CrmListCustomersInputSchema}). */
export type CrmListCustomersInput = z.input<typeof CrmListCustomersInputSchema>;

/** A page of `customers.list`. */
export interface CrmCustomerPage {
  /** The customers on the page, as the actor may see them. */
  readonly customers: readonly CrmCustomerRecord[];
  /** Pass as `cursor` for the next page; `null` after the last. */
  readonly nextCursor: string | null;
}

/** The `customers.list` method of a facade. Internal to the facade. */
export function createCustomerList(rt: CrmRuntime): CrmMethod<CrmListCustomersInput, CrmCustomerPage> {
  return defineMethod(rt, {
    name: 'customers.list',
    permission: 'customers.read',
    input: CrmListCustomersInputSchema,
    write: false,
    event: 'crm.customer.listed',
    async run(scope) {
      const { tx, tenantId, input, context, role } = scope;
      const ownDealer = role.scope === 'dealer' ? context.actor.dealerId : undefined;
      const dealerId = input.dealerId ?? ownDealer;
      // A dealer-scoped actor asking for another dealer gets an empty page, as a query would: listing reveals nothing.
      const visible = dealerId === undefined || seesDealer(scope, dealerId);
      const page = visible
        ? await tx.query(tenantId, 'customers', { ...(dealerId === undefined ? {} : { where: { dealerId } }), limit: input.limit, cursor: input.cursor ?? null })
        : { items: [], nextCursor: null };
      const customers: CrmCustomerRecord[] = [];
      const fields = new Set<string>();
      for (const item of page.items) {
        const presented = await presentRecord(scope, tx, item);
        if (presented.answer.status !== 'active' && !input.includeInactive) continue;
        customers.push(presented.answer);
        for (const field of presented.fields) fields.add(field);
      }
      const customerIds = customers.map((record) => record.customerId);
      return {
        answer: { customers, nextCursor: page.nextCursor },
        audit: { customerIds, fields: [...fields], visibility: scope.visibility, details: { listed: customers.length, ...(dealerId === undefined ? {} : { dealerId }) } },
        event: { customerIds },
      };
    },
  });
}
