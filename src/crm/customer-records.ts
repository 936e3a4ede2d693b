import { CrmError } from '../core/index.js';
import type { VersionedRecord } from '../adapters/index.js';
import type { Customer } from '../customer/index.js';
import { lookupEntries } from './blind-index.js';
import { forbidden, type OperationScope } from './operation.js';
import type { CrmTx } from './runtime.js';
import { openCustomer, sealCustomer, type StoredCustomer } from './stored-customer.js';
import { queryAll } from './reads.js';
import { cipherFor, customerCiphers } from './subject-keys.js';

/** A stored customer with its version. Internal to the facade. */
export type StoredCustomerRecord = VersionedRecord<StoredCustomer>;

/** A live customer: stored, decrypted, with its version. Internal to the facade. */
export interface LiveCustomer {
  readonly stored: StoredCustomer;
  readonly version: number;
  readonly customer: Customer;
}

/** Whether an actor may see data of a dealer: group roles see every dealer, dealer roles their own. Internal to the facade. */
export function seesDealer(scope: OperationScope<unknown>, dealerId: string): boolean {
  return scope.role.scope === 'group' || scope.context.actor.dealerId === dealerId;
}

/**
 * Refuses (FORBIDDEN) when a dealer-scoped actor reaches for another
 * dealer's data. Internal to the facade.
 */
export function requireDealer(scope: OperationScope<unknown>, dealerId: string, what: string, customerIds: readonly string[] = []): void {
  if (seesDealer(scope, dealerId)) return;
  throw forbidden(`${what} belongs to dealer ${dealerId}; role ${scope.context.actor.role} of dealer ${scope.context.actor.dealerId ?? '?'} sees only its own dealer's customers`, customerIds, {
    reason: 'other_dealer',
  });
}

/**
 * Refuses (FORBIDDEN, naming every customer concerned) when a dealer-scoped
 * actor names another dealer in any of many records: what
 * {@link requireDealer} does for one, for a batch. Internal to the facade.
 */
export function requireDealerOfAll(scope: OperationScope<unknown>, records: readonly { readonly dealerId: string; readonly customerId: string }[], what: string): void {
  if (scope.role.scope === 'group') return;
  const others = records.filter((record) => !seesDealer(scope, record.dealerId));
  if (others.length === 0) return;
  const dealers = [...new Set(others.map((record) => record.dealerId))];
  const { role, dealerId } = scope.context.actor;
  throw forbidden(`${others.length} ${what} belong to dealer ${dealers.slice(0, 5).join(', ')}${dealers.length > 5 ? ', …' : ''}; role ${role} of dealer ${dealerId ?? '?'} sees only its own dealer's customers; nothing was written`, [
    ...new Set(others.map((record) => record.customerId)),
  ], { reason: 'other_dealer' });
}

/** Reads a stored customer. Internal to the facade. */
export function getStoredCustomer(tx: CrmTx, tenantId: string, customerId: string): Promise<StoredCustomerRecord | null> {
  return tx.get(tenantId, 'customers', customerId);
}

/**
 * A stored customer the actor may see, or NOT_FOUND / FORBIDDEN. Erased and
 * merged-away records are returned as they are. Internal to the facade.
 */
export async function requireStoredCustomer(scope: OperationScope<unknown>, tx: CrmTx, customerId: string): Promise<StoredCustomerRecord> {
  const found = await getStoredCustomer(tx, scope.tenantId, customerId);
  if (found === null) throw new CrmError('NOT_FOUND', `customer ${customerId} does not exist`, { details: { customerId } });
  requireDealer(scope, found.record.dealerId, `customer ${customerId}`, [customerId]);
  return found;
}

/**
 * Many stored customers (at most 1000 distinct ids) that must all exist, be
 * the actor's to see and be live: NOT_FOUND, FORBIDDEN or
 * INVALID_TRANSITION for the first that is not. One read. Internal to the
 * facade.
 */
export async function requireLiveCustomers(scope: OperationScope<unknown>, tx: CrmTx, customerIds: readonly string[]): Promise<StoredCustomerRecord[]> {
  const ids = [...new Set(customerIds)];
  const found = ids.length === 0 ? [] : await tx.getMany(scope.tenantId, 'customers', ids);
  return ids.map((customerId, index) => {
    const record = found[index] ?? null;
    if (record === null) throw new CrmError('NOT_FOUND', `customer ${customerId} does not exist`, { details: { customerId } });
    requireDealer(scope, record.record.dealerId, `customer ${customerId}`, [customerId]);
    checkLive(record.record);
    return record;
  });
}

/**
 * A live customer the actor may see, decrypted: NOT_FOUND when missing,
 * FORBIDDEN for another dealer's, INVALID_TRANSITION when erased or merged
 * into another record. Internal to the facade.
 */
export async function requireLiveCustomer(scope: OperationScope<unknown>, tx: CrmTx, customerId: string): Promise<LiveCustomer> {
  const found = await requireStoredCustomer(scope, tx, customerId);
  checkLive(found.record);
  return { stored: found.record, version: found.version, customer: await openStoredCustomer(scope, tx, found.record) };
}

/** Refuses an erased or merged-away record where a live customer is needed. Internal to the facade. */
export function checkLive(stored: StoredCustomer): void {
  if (stored.erasedAt !== undefined) {
    throw new CrmError('INVALID_TRANSITION', `customer ${stored.id}'s personal data was erased on ${stored.erasedAt.toISOString()}; the id is kept only as a pseudonym`, {
      details: { customerId: stored.id, erasedAt: stored.erasedAt.toISOString() },
    });
  }
  if (stored.mergedInto !== undefined) {
    throw new CrmError('INVALID_TRANSITION', `customer ${stored.id} was merged into ${stored.mergedInto}; use that record`, { details: { customerId: stored.id, mergedInto: stored.mergedInto } });
  }
}

/** Decrypts a stored customer. Internal to the facade. */
export async function openStoredCustomer(scope: Pick<OperationScope<unknown>, 'rt' | 'tenantId'>, tx: CrmTx, stored: StoredCustomer): Promise<Customer> {
  return openCustomer(stored, await cipherFor(scope.rt, tx, scope.tenantId, { customerId: stored.id }, false));
}

/** One write of {@link writeCustomers}: the customer, the version it must be at (0: create), and the records merged into it. Internal to the facade. */
export interface CustomerWrite {
  readonly customer: Customer;
  readonly expectedVersion: number;
  readonly mergedFrom?: readonly string[] | undefined;
}

/**
 * Encrypts and writes a customer at `expectedVersion` (0: create), and
 * brings its blind indexes up to date. Returns the new version. Internal to
 * the facade.
 */
export async function writeCustomer(
  scope: Pick<OperationScope<unknown>, 'rt' | 'tenantId'>,
  tx: CrmTx,
  customer: Customer,
  expectedVersion: number,
  extra: Pick<StoredCustomer, 'mergedFrom'> = {},
): Promise<number> {
  const [version] = await writeCustomers(scope, tx, [{ customer, expectedVersion, mergedFrom: extra.mergedFrom }]);
  return version!;
}

/**
 * Encrypts and writes up to 1000 distinct customers, each at its expected
 * version, with one read of their data keys, one write of the records and
 * one pass over their blind indexes: what {@link writeCustomer} does for
 * each, in a few storage calls. Returns the new versions in order. Internal
 * to the facade.
 */
export async function writeCustomers(scope: Pick<OperationScope<unknown>, 'rt' | 'tenantId'>, tx: CrmTx, writes: readonly CustomerWrite[]): Promise<number[]> {
  if (writes.length === 0) return [];
  const { rt, tenantId } = scope;
  const ciphers = await customerCiphers(rt, tx, tenantId, writes.map((write) => write.customer.id), true);
  const stored = await Promise.all(
    writes.map(({ customer, mergedFrom }) => sealCustomer(customer, ciphers.get(customer.id)!, rt.encrypted, mergedFrom === undefined ? {} : { mergedFrom: [...mergedFrom] })),
  );
  const written = await tx.putMany(tenantId, 'customers', stored.map((record, index) => ({ record, expectedVersion: writes[index]!.expectedVersion })));
  await replaceLookupsOf(scope, tx, writes.map(({ customer, expectedVersion }) => ({ customerId: customer.id, customer, created: expectedVersion === 0 })));
  return written.map((item) => item.version);
}

/** Replaces a customer's blind-index entries with those of `customer` (none when null: erasure, merge). Internal to the facade. */
export async function replaceLookups(scope: Pick<OperationScope<unknown>, 'rt' | 'tenantId'>, tx: CrmTx, customerId: string, customer: Customer | null): Promise<void> {
  await replaceLookupsOf(scope, tx, [{ customerId, customer }]);
}

/**
 * Replaces the blind-index entries of up to 1000 customers with those of
 * their new data (none when null): one query for the entries they have,
 * deletes of those no longer wanted, writes of the new ones. A customer
 * being `created` has none to query: its entries are only ever written and
 * removed with its record, which did not exist. Internal to the facade.
 */
export async function replaceLookupsOf(
  scope: Pick<OperationScope<unknown>, 'rt' | 'tenantId'>,
  tx: CrmTx,
  items: readonly { readonly customerId: string; readonly customer: Customer | null; readonly created?: boolean }[],
): Promise<void> {
  const { rt, tenantId } = scope;
  const wanted = (await Promise.all(items.map(({ customer }) => (customer === null ? [] : lookupEntries(rt.ring, tenantId, customer))))).flat();
  const wantedIds = new Set(wanted.map((entry) => entry.id));
  const customerIds = [...new Set(items.filter((item) => item.created !== true).map((item) => item.customerId))];
  const existing = customerIds.length === 0 ? [] : await queryAll(tx, tenantId, 'customer_lookup', { customerId: customerIds.length === 1 ? customerIds[0]! : { in: customerIds } });
  const existingIds = new Set(existing.map((item) => item.record.id));
  for (const item of existing) {
    if (!wantedIds.has(item.record.id)) await tx.delete(tenantId, 'customer_lookup', item.record.id);
  }
  const fresh = wanted.filter((entry) => !existingIds.has(entry.id));
  for (let i = 0; i < fresh.length; i += 1000) await tx.putMany(tenantId, 'customer_lookup', fresh.slice(i, i + 1000).map((record) => ({ record })));
}
