import { z } from 'zod';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { ValidationError } from 'dealer-crm/core';
import {
  builtInRecordCollections,
  builtInStreamKinds,
  createCrmStorage,
  defaultStorageRegistry,
  defineRecordCollection,
  defineStorageRegistry,
  defineStreamKind,
  extendStorageRegistry,
  jsonPayloadSchema,
  jsonRecordSchema,
} from 'dealer-crm/adapters';
import { createMemoryDriver, createMemoryStorage } from 'dealer-crm/adapters/memory';
import type { Customer } from 'dealer-crm/customer';
import { issuesOf } from '../support/errors.js';

/** The paths of the issues of the ValidationError `fn` throws. */
function issues(fn: () => unknown) {
  return issuesOf(fn).map((issue) => issue.path);
}

const ComplaintSchema = z.strictObject({
  id: z.string(),
  status: z.enum(['new', 'closed']),
  customerId: z.string().optional(),
  openedAt: z.coerce.date().optional(),
});

describe('the default registry', () => {
  it('holds the eight collections and six stream kinds of the SDK', () => {
    expect(Object.keys(defaultStorageRegistry.collections)).toEqual(['customers', 'vehicles', 'ownerships', 'leads', 'complaints', 'loyalty_members', 'programs', 'policies']);
    expect(Object.keys(defaultStorageRegistry.streams)).toEqual(['loyalty_ledger', 'complaint_events', 'interactions', 'transactions', 'audit_log', 'outbox']);
    expect(defaultStorageRegistry.collections.customers.indexes.createdAt).toEqual({ type: 'instant' });
    expect(Object.isFrozen(defaultStorageRegistry.collections)).toBe(true);
  });

  it('types records by collection', async () => {
    const storage = createMemoryStorage();
    const found = await storage.get('t', 'customers', 'C-1');
    expectTypeOf(found).toEqualTypeOf<{ readonly record: Customer; readonly version: number } | null>();
  });
});

describe('defineStorageRegistry', () => {
  it('names every broken rule', () => {
    expect(
      issues(() =>
        defineStorageRegistry({
          collections: {
            Bad: defineRecordCollection({ description: '', schema: z.object({ id: z.string() }), indexes: {} }),
            good: defineRecordCollection({ description: '', schema: z.object({ id: z.string() }), indexes: { id: { type: 'string' }, 'x.y': { type: 'string' }, n: { type: 'decimal' as never } } }),
          },
          streams: { events: defineStreamKind({ description: '', schema: jsonPayloadSchema({}), tracksDelivery: true }) },
        }),
      ),
    ).toEqual(['collections.Bad', 'collections.good.indexes.id', 'collections.good.indexes.x.y', 'collections.good.indexes.n.type', 'streams.events.tracksDelivery']);
  });
});

describe('extendStorageRegistry', () => {
  it('replaces a schema keeping the indexes, and types the collection with it', async () => {
    const registry = extendStorageRegistry(defaultStorageRegistry, {
      collections: { complaints: defineRecordCollection({ ...builtInRecordCollections.complaints, schema: ComplaintSchema }) },
    });
    const storage = createCrmStorage(createMemoryDriver(), { registry });
    const written = await storage.put('t', 'complaints', { id: 'K-1', status: 'new' });
    expectTypeOf(written.record).toEqualTypeOf<z.output<typeof ComplaintSchema>>();
    await expect(storage.put('t', 'complaints', { id: 'K-2', status: 'open' as never })).rejects.toBeInstanceOf(ValidationError);
  });

  it('refuses a replacement that changes the indexes', () => {
    expect(issues(() => extendStorageRegistry(defaultStorageRegistry, { collections: { complaints: defineRecordCollection({ description: '', schema: ComplaintSchema, indexes: { status: { type: 'string' } } }) } }))).toEqual([
      'collections.complaints.indexes',
    ]);
  });

  it('adds collections and stream kinds, which need a driver with customCollections', async () => {
    const registry = extendStorageRegistry(defaultStorageRegistry, {
      collections: { notes: defineRecordCollection({ description: 'notes', schema: jsonRecordSchema({ at: { type: 'instant', required: true } }), indexes: { at: { type: 'instant' } } }) },
      streams: { calls: defineStreamKind({ description: 'calls', schema: jsonPayloadSchema({}) }) },
    });
    const storage = createCrmStorage(createMemoryDriver(), { registry });
    await storage.put('t', 'notes', { id: 'N-1', at: '2024-01-01T00:00:00Z' });
    expect((await storage.query('t', 'notes', { where: { at: { gte: new Date('2023-12-31T00:00:00Z') } } })).items.map((item) => item.record.id)).toEqual(['N-1']);
    await storage.append('t', 'calls', 'C-1', [{ minutes: 3 }]);
    const plain = { ...createMemoryDriver(), capabilities: { transactions: true, outbox: true, customCollections: false, bulkImport: false } };
    expect(() => createCrmStorage(plain, { registry })).toThrow(expect.objectContaining({ code: 'UNSUPPORTED' }));
    expect(() => createCrmStorage(plain)).not.toThrow();
  });

  it('leaves the built-in definitions frozen and shared', () => {
    expect(Object.isFrozen(builtInStreamKinds.outbox)).toBe(true);
    expect(defaultStorageRegistry.streams.outbox).toBe(builtInStreamKinds.outbox);
  });
});
