import type { Interaction, Transaction } from '../../customer/index.js';
import type { CrmRuntime } from '../runtime.js';
import type { StoredCustomer } from '../stored-customer.js';

/** Records read per round trip by the jobs: the most they hold of a collection at once. */
export const JOB_PAGE_SIZE = 500;

/**
 * Every customer of a tenant (or of one dealer), streamed a page at a time
 * with `scan`. Merged-away records are skipped (their history belongs to
 * the golden record); erased ones are kept only with `includeErased` — the
 * jobs count them under their pseudonymous id so that totals stay right,
 * while anything that contacts people leaves them out. Internal to the facade.
 */
export async function* liveCustomers(rt: CrmRuntime, tenantId: string, dealerId: string | undefined, includeErased = false): AsyncGenerator<StoredCustomer> {
  for await (const { record } of rt.storage.scan(tenantId, 'customers', { ...(dealerId === undefined ? {} : { where: { dealerId } }), pageSize: JOB_PAGE_SIZE })) {
    if (record.mergedInto === undefined && (includeErased || record.erasedAt === undefined)) yield record;
  }
}

/**
 * One customer's whole transaction history — its own stream and those of the
 * records merged into it, relabelled with its id — read a page at a time.
 * Internal to the facade.
 */
export async function customerTransactions(rt: CrmRuntime, tenantId: string, customer: StoredCustomer): Promise<Transaction[]> {
  const out: Transaction[] = [];
  for (const id of [customer.id, ...(customer.mergedFrom ?? [])]) {
    for await (const entry of rt.storage.iterateStream(tenantId, 'transactions', id, { pageSize: JOB_PAGE_SIZE })) {
      out.push(entry.payload.customerId === customer.id ? entry.payload : { ...entry.payload, customerId: customer.id });
    }
  }
  return out;
}

/** The latest interaction of a customer (its own and merged records') at or before an instant, or null. Internal to the facade. */
export async function latestInteraction(rt: CrmRuntime, tenantId: string, customer: StoredCustomer, asOf: Date, accept: (interaction: Interaction) => boolean = () => true): Promise<Interaction | null> {
  let latest: Interaction | null = null;
  for (const id of [customer.id, ...(customer.mergedFrom ?? [])]) {
    for await (const { payload } of rt.storage.iterateStream(tenantId, 'interactions', id, { pageSize: JOB_PAGE_SIZE })) {
      if (payload.at.getTime() > asOf.getTime() || !accept(payload)) continue;
      if (latest === null || payload.at.getTime() > latest.at.getTime()) latest = payload;
    }
  }
  return latest;
}
