/**
 * Loading the demo group into a store and reading it back: records in bulk,
 * each customer's transactions as one stream, each complaint case as a record
 * and an event stream, each loyalty account's ledger as a stream. Reading back
 * streams through the store in bounded pages, as a nightly job would.
 */
import type { CrmStorage, SchemaMap } from '../../adapters/index.js';
import { replayComplaintCase, type ComplaintEventInput } from '../../complaints/index.js';
import type { Customer, Lead, Ownership, Transaction, Vehicle } from '../../customer/index.js';
import { loyaltyAccountId, type LedgerEntry, type LoyaltyMember, type LoyaltyProgram } from '../../loyalty/index.js';
import type { Progress } from '../progress.js';
import type { DemoMembership } from './simulate-loyalty.js';

/** The store the demo writes to: the facade's registry (see `crmStorageRegistry`). */
export type DemoStorage = CrmStorage<SchemaMap, SchemaMap>;

/** What {@link loadDemo} writes. */
export interface DemoLoad {
  readonly customers: readonly Customer[];
  readonly vehicles: readonly Vehicle[];
  readonly ownerships: readonly Ownership[];
  readonly leads: readonly Lead[];
  readonly transactionsByCustomer: ReadonlyMap<string, readonly Transaction[]>;
  readonly complaints: readonly (readonly ComplaintEventInput[])[];
}

/** The storage calls a load makes inside one transaction. */
type DemoTx = Parameters<Parameters<DemoStorage['transaction']>[1]>[0];

const LOAD_GROUP = 200;

/**
 * Writes items a group of 200 to a storage transaction (one commit a group
 * instead of one a call: a third faster on PGlite), ticking the progress bar.
 */
async function writeInGroups<T>(storage: DemoStorage, tenantId: string, items: readonly T[], progress: Progress, label: string, write: (tx: DemoTx, item: T) => Promise<void>): Promise<void> {
  progress.start(label, items.length);
  for (let from = 0; from < items.length; from += LOAD_GROUP) {
    const group = items.slice(from, from + LOAD_GROUP);
    await storage.transaction(tenantId, async (tx) => {
      for (const item of group) await write(tx, item);
    });
    progress.tick(from + group.length);
  }
  progress.done(`${items.length.toLocaleString('en-US')}`);
}

async function forEachWithProgress<T>(items: readonly T[], progress: Progress, label: string, fn: (item: T) => Promise<void>, concurrency = 8): Promise<void> {
  progress.start(label, items.length);
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await fn(item);
      progress.tick(++done);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  progress.done(`${items.length.toLocaleString('en-US')}`);
}

/** Writes the group's records and streams (except customers, which the facade imports) into the store. */
export async function loadDemo(storage: DemoStorage, tenantId: string, data: DemoLoad, progress: Progress): Promise<void> {
  progress.start('vehicles, ownerships and leads');
  await storage.importRecords(tenantId, 'vehicles', data.vehicles);
  await storage.importRecords(tenantId, 'ownerships', data.ownerships);
  await storage.importRecords(tenantId, 'leads', data.leads);
  progress.done(`${(data.vehicles.length + data.ownerships.length + data.leads.length).toLocaleString('en-US')} records`);

  await writeInGroups(storage, tenantId, [...data.transactionsByCustomer], progress, 'transaction streams', async (tx, [customerId, transactions]) => {
    await tx.append(tenantId, 'transactions', customerId, transactions, { idempotencyKey: `demo-load:${customerId}`, expectedVersion: 0 });
  });

  await writeInGroups(storage, tenantId, data.complaints, progress, 'complaint cases and event streams', async (tx, events) => {
    const record = replayComplaintCase(events);
    await tx.put(tenantId, 'complaints', record);
    await tx.append(tenantId, 'complaint_events', record.id, events, { idempotencyKey: `demo-load:${record.id}` });
  });
}

/** Writes loyalty members and their ledgers. */
export async function loadLoyalty(storage: DemoStorage, tenantId: string, program: LoyaltyProgram, memberships: readonly DemoMembership[], progress: Progress): Promise<void> {
  await storage.importRecords(tenantId, 'loyalty_members', memberships.map((m) => m.member));
  await writeInGroups(storage, tenantId, memberships, progress, 'loyalty ledgers', async (tx, { member, entries }) => {
    if (entries.length === 0) return;
    await tx.append(tenantId, 'loyalty_ledger', loyaltyAccountId(program, member), entries, { idempotencyKey: `demo-load:${member.id}`, expectedVersion: 0 });
  });
}

/** Reads every entry of one stream. */
export async function readWholeStream<T>(storage: DemoStorage, tenantId: string, kind: string, streamId: string): Promise<T[]> {
  const out: T[] = [];
  for await (const entry of storage.iterateStream(tenantId, kind, streamId, { pageSize: 500 })) out.push(entry.payload as T);
  return out;
}

/** Reads every record of a collection, a page at a time. */
export async function readAll<T>(storage: DemoStorage, tenantId: string, collection: string): Promise<T[]> {
  const out: T[] = [];
  for await (const { record } of storage.scan(tenantId, collection, { pageSize: 1000 })) out.push(record as T);
  return out;
}

/** Reads the loyalty members and their ledgers back. */
export async function readMemberships(storage: DemoStorage, tenantId: string, program: LoyaltyProgram, progress: Progress): Promise<DemoMembership[]> {
  const members = await readAll<LoyaltyMember>(storage, tenantId, 'loyalty_members');
  const memberships: DemoMembership[] = [];
  await forEachWithProgress(members, progress, 'reading loyalty ledgers', async (member) => {
    memberships.push({ member, entries: await readWholeStream<LedgerEntry>(storage, tenantId, 'loyalty_ledger', loyaltyAccountId(program, member)) });
  });
  memberships.sort((a, b) => (a.member.id < b.member.id ? -1 : 1));
  return memberships;
}
