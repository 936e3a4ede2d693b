import { z } from 'zod';
import { CustomerSchema, type CustomerInput } from '../../customer/index.js';
import type { CrmBulkSource } from '../bulk-items.js';
import { bulkEnvelopeShape, defineBulkMethod } from '../bulk-operation.js';
import { checkLive, requireDealer, requireDealerOfAll, writeCustomers } from '../customer-records.js';
import type { CrmMethod } from '../operation.js';
import { personalFieldsOf } from '../present-customer.js';
import type { CrmRuntime } from '../runtime.js';

/**
 * Input of `customers.import`: many customers (customer model) — an array,
 * or an iterable read a batch at a time — each created or replaced,
 * `batchSize` to a storage transaction (default 250, at most 1000).
 */
export interface CrmImportCustomersInput {
  readonly idempotencyKey: string;
  readonly customers: CrmBulkSource<CustomerInput>;
  readonly batchSize?: number;
}

/** What `customers.import` returns: counts over every batch of the call. */
export interface CrmCustomerImportAnswer {
  /** Storage transactions the call was written in. */
  readonly batches: number;
  /** Customers written. */
  readonly customers: number;
  /** Of those, customers that did not exist before. */
  readonly created: number;
  /** Of those, customers whose record was replaced (a new version). */
  readonly replaced: number;
}

const ImportEnvelopeSchema = z.strictObject(bulkEnvelopeShape);

/** The `customers.import` method of a facade. Internal to the facade. */
export function createCustomerImport(rt: CrmRuntime): CrmMethod<CrmImportCustomersInput, CrmCustomerImportAnswer> {
  return defineBulkMethod(rt, {
    name: 'customers.import',
    permission: 'customers.write',
    event: 'crm.customer.batch_imported',
    envelope: ImportEnvelopeSchema,
    items: { field: 'customers', noun: 'customer', schema: CustomerSchema, identity: (customer) => customer.id },
    customerIdsOf: (customers) => customers.map((customer) => customer.id),
    authoriseItems: (scope, customers) => requireDealerOfAll(scope, customers.map((customer) => ({ dealerId: customer.dealerId, customerId: customer.id })), 'customers'),
    async run(scope) {
      const { tx, tenantId, items } = scope;
      const ids = items.map((customer) => customer.id);
      const existing = ids.length === 0 ? [] : await tx.getMany(tenantId, 'customers', ids);
      const writes = items.map((customer, index) => {
        const found = existing[index] ?? null;
        if (found === null) return { customer, expectedVersion: 0 };
        requireDealer(scope, found.record.dealerId, `customer ${customer.id}`, [customer.id]);
        checkLive(found.record);
        return { customer, expectedVersion: found.version, mergedFrom: found.record.mergedFrom };
      });
      await writeCustomers(scope, tx, writes);
      const created = writes.filter((write) => write.expectedVersion === 0).length;
      const answer = { customers: items.length, created, replaced: items.length - created };
      return {
        answer,
        audit: { customerIds: ids, fields: [...new Set(items.flatMap((customer) => personalFieldsOf(customer)))] },
        event: { customerIds: ids, created, replaced: answer.replaced },
      };
    },
    summary: {
      empty: { batches: 0, customers: 0, created: 0, replaced: 0 } satisfies CrmCustomerImportAnswer,
      add: (sum: CrmCustomerImportAnswer, batch: Omit<CrmCustomerImportAnswer, 'batches'>): CrmCustomerImportAnswer => ({
        batches: sum.batches + 1,
        customers: sum.customers + batch.customers,
        created: sum.created + batch.created,
        replaced: sum.replaced + batch.replaced,
      }),
    },
  });
}
