import { describe, expect, test } from 'vitest';
import { createMemoryStorage } from 'dealer-crm/adapters/memory';
import { defaultComplaintSlaPolicy } from 'dealer-crm/complaints';
import { defaultLoyaltyProgramConfig } from 'dealer-crm/loyalty';
import { createCrm, createStaticKeyProvider, crmStorageRegistry } from 'dealer-crm/crm';
import { KEY_2024, contexts, customerInput, freshTenant, issuesOf, keyRing, program } from './support/fixtures.js';

describe('createCrm', () => {
  test('refuses a storage that does not serve the facade’s registry, naming what is missing', () => {
    const issues = issuesOf(() => createCrm({ storage: createMemoryStorage() as never, keys: { provider: keyRing() } }));
    expect(issues.map((issue) => issue.path)).toEqual(
      expect.arrayContaining(['options.storage.registry.collections.customers', 'options.storage.registry.collections.customer_lookup', 'options.storage.registry.streams.loyalty_ledger']),
    );
    expect(issues[0]!.message).toMatch(/crmStorageRegistry/);
  });

  test('names every bad option at once', () => {
    const storage = createMemoryStorage({ registry: crmStorageRegistry });
    const issues = issuesOf(() =>
      createCrm({
        storage,
        programs: [program, { ...defaultLoyaltyProgramConfig } as never, program],
        policies: { complaintSla: { ...defaultComplaintSlaPolicy } as never, privacy: { encryptedFields: ['name', 'shoeSize' as never], prospectRetentionDays: 0 } },
        calendars: { default: { timeZone: 'Asia/Shanghai' } as never },
        outboxStreamId: 'two words',
      }),
    );
    expect(issues.map((issue) => issue.path).sort()).toEqual([
      'options.calendars.default',
      'options.keys',
      'options.outboxStreamId',
      'options.policies.complaintSla',
      'options.policies.privacy.encryptedFields[1]',
      'options.policies.privacy.prospectRetentionDays',
      'options.programs[1]',
      'options.programs[2].id',
    ]);
  });

  test('runs with its defaults: the system clock and random UUIDs', async () => {
    const storage = createMemoryStorage({ registry: crmStorageRegistry });
    const crm = createCrm({ storage, keys: { provider: createStaticKeyProvider({ keys: { k1: btoa(String.fromCharCode(...KEY_2024)) }, currentKeyId: 'k1' }) } });
    const tenantId = freshTenant();
    const before = Date.now();
    await crm.customers.upsert(contexts(tenantId).staff(), { idempotencyKey: 'c', customer: customerInput('C-1') });
    const [entry] = (await storage.readStream(tenantId, 'audit_log', 'chain')).entries;
    expect(entry!.payload.at.getTime()).toBeGreaterThanOrEqual(before);
    expect(String(entry!.payload.requestId)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe('createStaticKeyProvider', () => {
  test('takes keys as bytes or base64, the current one first among the ids', async () => {
    const provider = createStaticKeyProvider({ keys: { old: KEY_2024, new: btoa(String.fromCharCode(...KEY_2024.map((byte) => byte ^ 0xff))) }, currentKeyId: 'new' });
    expect(await provider.keyIds()).toEqual(['new', 'old']);
    expect(await provider.keyMaterial('old')).toEqual(KEY_2024);
    expect(await provider.keyMaterial('missing')).toBeNull();
  });

  test('refuses keys that are not 32 bytes and a current key outside the ring', () => {
    expect(issuesOf(() => createStaticKeyProvider({ keys: { short: new Uint8Array(16) }, currentKeyId: 'short' }))).toEqual([{ path: 'options.keys.short', message: 'expected 32 bytes of key material (AES-256), got 16' }]);
    expect(issuesOf(() => createStaticKeyProvider({ keys: { a: KEY_2024 }, currentKeyId: 'b' }))[0]).toMatchObject({ path: 'options.currentKeyId' });
    expect(issuesOf(() => createStaticKeyProvider({ keys: { 'bad.id': KEY_2024 }, currentKeyId: 'bad.id' })).map((issue) => issue.path)).toContain('options.keys.bad.id');
  });

  test('a key the provider cannot give is CRYPTO_FAILED when data under it is read', async () => {
    const storage = createMemoryStorage({ registry: crmStorageRegistry });
    const tenantId = freshTenant();
    await createCrm({ storage, keys: { provider: keyRing() } }).customers.upsert(contexts(tenantId).staff(), { idempotencyKey: 'c', customer: customerInput('C-1') });
    const lost = createCrm({ storage, keys: { provider: createStaticKeyProvider({ keys: { other: KEY_2024 }, currentKeyId: 'other' }) } });
    await expect(lost.customers.get(contexts(tenantId).staff(), { customerId: 'C-1' })).rejects.toMatchObject({ code: 'CRYPTO_FAILED', details: { keyId: '2024' } });
  });
});
