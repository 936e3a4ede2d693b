import { CrmError } from '../core/index.js';
import type { VersionedRecord } from '../adapters/index.js';
import type { Customer } from '../customer/index.js';
import { lookupEntries } from './blind-index.js';
import { forbidden, type OperationScope } from './operation.js';
import type { CrmTx } from './runtime.js';
import { openCustomer, sealCustomer, type StoredCustomer } from './stored-customer.js';
import { cipherFor } from './subject-keys.js';

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
  const { rt, tenantId } = scope;
  const cipher = await cipherFor(rt, tx, tenantId, { customerId: customer.id }, true);
  const stored = await sealCustomer(customer, cipher, rt.encrypted, extra);
  const written = await tx.put(tenantId, 'customers', stored, { expectedVersion });
  await replaceLookups(scope, tx, customer.id, customer);
  return written.version;
}

/** Replaces a customer's blind-index entries with those of `customer` (none when null: erasure, merge). Internal to the facade. */
export async function replaceLookups(scope: Pick<OperationScope<unknown>, 'rt' | 'tenantId'>, tx: CrmTx, customerId: string, customer: Customer | null): Promise<void> {
  const { rt, tenantId } = scope;
  const wanted = customer === null ? [] : await lookupEntries(rt.ring, tenantId, customer);
  const wantedIds = new Set(wanted.map((entry) => entry.id));
  const existing = await tx.query(tenantId, 'customer_lookup', { where: { customerId }, limit: 1000 });
  const existingIds = new Set(existing.items.map((item) => item.record.id));
  for (const item of existing.items) {
    if (!wantedIds.has(item.record.id)) await tx.delete(tenantId, 'customer_lookup', item.record.id);
  }
  const fresh = wanted.filter((entry) => !existingIds.has(entry.id));
  if (fresh.length > 0) await tx.putMany(tenantId, 'customer_lookup', fresh.map((record) => ({ record })));
}
