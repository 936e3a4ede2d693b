import { describe, expect, it } from 'vitest';
import { ValidationError, payloadHash } from 'dealer-crm/core';
import { createCrmStorage, encodeDocument, type JsonObject } from 'dealer-crm/adapters';
import { createMemoryDriver } from 'dealer-crm/adapters/memory';
import { customerInput } from '../../src/adapters/testing/fixtures.js';

const plan = { filters: [], order: { field: 'id', type: 'string' as const, direction: 'asc' as const }, after: null, limit: 10 };

function setup() {
  const raw = createMemoryDriver();
  const storage = createCrmStorage(raw);
  return { raw, storage, wire: storage.driver };
}

const document = (overrides: Record<string, unknown> = {}): JsonObject => encodeDocument({ ...customerInput('C-1'), ...overrides });

describe('storage.driver: the driver protocol with every input validated', () => {
  it('writes a valid document, recomputing its index instead of trusting the caller', async () => {
    const { raw, wire } = setup();
    const outcome = await wire.putRecords('t', 'customers', [{ id: 'C-1', document: document(), index: { dealerId: 'forged' }, expectedVersion: 0 }]);
    expect(outcome).toEqual({ status: 'written', versions: [1] });
    expect(raw.peekRecord('t', 'customers', 'C-1')?.index.dealerId).toBe('D-SH-01');
  });

  it('refuses a malformed document, an id that is not the document’s, and an unknown collection', async () => {
    const { raw, wire } = setup();
    await expect(wire.putRecords('t', 'customers', [{ id: 'C-1', document: document({ kind: 'robot' }), index: {}, expectedVersion: undefined }])).rejects.toBeInstanceOf(ValidationError);
    await expect(wire.putRecords('t', 'customers', [{ id: 'C-9', document: document(), index: {}, expectedVersion: undefined }])).rejects.toThrow(/expected the id of the document/);
    await expect(wire.getRecords('t', 'nope', ['C-1'])).rejects.toBeInstanceOf(ValidationError);
    expect(raw.peekRecord('t', 'customers', 'C-1')).toBeNull();
  });

  it('recomputes the idempotency hash from the payloads, so a forged hash cannot replay another payload', async () => {
    const { wire } = setup();
    const payload = encodeDocument({ type: 'earn', points: 100 });
    const first = await wire.appendToStream('t', 'loyalty_ledger', 'M-1', { payloads: [payload], idempotency: { key: 'k', payloadHash: 'forged' }, expectedVersion: null, trackDelivery: false });
    expect(first.status).toBe('appended');
    const other = await wire.appendToStream('t', 'loyalty_ledger', 'M-1', {
      payloads: [encodeDocument({ type: 'earn', points: 999 })],
      idempotency: { key: 'k', payloadHash: payloadHash([payload]) },
      expectedVersion: null,
      trackDelivery: false,
    });
    // The driver reports the stored hash; a client compares it with its own and sees the conflict.
    expect(other).toMatchObject({ status: 'replayed', payloadHash: payloadHash([payload]) });
    expect(other.status === 'replayed' && other.payloadHash).not.toBe(payloadHash([encodeDocument({ type: 'earn', points: 999 })]));
  });

  it('checks query plans: declared fields, their types, instants as epoch milliseconds', async () => {
    const { storage, wire } = setup();
    await storage.put('t', 'customers', customerInput('C-1'));
    expect((await wire.queryRecords('t', 'customers', plan)).map((row) => row.id)).toEqual(['C-1']);
    const byTime = { ...plan, filters: [{ field: 'createdAt', type: 'instant' as const, op: 'gte' as const, value: Date.parse('2023-01-01T00:00:00Z') }] };
    expect(await wire.queryRecords('t', 'customers', byTime)).toHaveLength(1);
    await expect(wire.queryRecords('t', 'customers', { ...plan, filters: [{ field: 'email', type: 'string', op: 'eq', value: 'x' }] })).rejects.toBeInstanceOf(ValidationError);
    await expect(wire.queryRecords('t', 'customers', { ...plan, filters: [{ field: 'createdAt', type: 'instant', op: 'gte', value: '2023-01-01' }] })).rejects.toBeInstanceOf(ValidationError);
    await expect(wire.queryRecords('t', 'customers', { ...plan, filters: [{ field: 'createdAt', type: 'string', op: 'isNull' }] })).rejects.toThrow(/createdAt is a instant field|is a instant field/);
    await expect(wire.queryRecords('t', 'customers', { ...plan, limit: 5000 })).rejects.toBeInstanceOf(ValidationError);
  });

  it('validates outbox calls and passes them on', async () => {
    const { storage, wire } = setup();
    await storage.append('t', 'outbox', 'w', [{ type: 'x', occurredAt: '2024-01-01T00:00:00Z' }]);
    const claims = await wire.claimOutbox!('t', 'w', { limit: 5, nowMs: 1000, leaseExpiresAtMs: 2000 });
    expect(claims.map((claim) => [claim.entry.position, claim.attempt])).toEqual([[1, 1]]);
    await expect(wire.claimOutbox!('t', 'w', { limit: 5, nowMs: 1000, leaseExpiresAtMs: 1000 })).rejects.toBeInstanceOf(ValidationError);
    expect(await wire.completeOutbox!('t', 'w', 1, 1, { status: 'delivered', atMs: 1500 })).toBe(true);
    expect((await wire.readOutboxDelivery!('t', 'w', 1))?.status).toBe('delivered');
  });

  it('binds a transaction to its tenant', async () => {
    const { wire } = setup();
    await expect(wire.transaction!('t', (tx) => tx.getRecords('u', 'customers', ['C-1']))).rejects.toBeInstanceOf(ValidationError);
  });
});
