import { describe, expect, test, vi } from 'vitest';
import { createCrmStorage } from 'dealer-crm/adapters';
import type * as AdaptersModule from 'dealer-crm/adapters';
import type * as CrmModule from 'dealer-crm/crm';
import { createMemoryDriver, createMemoryStorage } from 'dealer-crm/adapters/memory';
import { isCrmError } from 'dealer-crm/core';
import { createCrm, createStaticKeyProvider, crmStorageRegistry, type StoredCustomer } from 'dealer-crm/crm';
import { adapterTargets, useAdapter } from './support/adapters.js';
import { KEY_2024, clearValues, contexts, customerInput, freshTenant, instrumentedMemory, keyRing, makeCrm, testClock } from './support/fixtures.js';
import { groupSetup } from './support/scenarios.js';

/** Every clear personal value of the group: names, numbers, addresses, notes and complaint text. */
const groupSecrets = [...clearValues, '李雷', '13900001111', '44052418800101001X', '张伟', '13700002222', 'fang@example.cn', '下周三上午来做保养', '投诉保养后异响'];

describe.each(adapterTargets)('what $name really stores', (target) => {
  const opened = useAdapter(target);

  test('holds no personal value in clear anywhere: records, streams, blind indexes, texts, audit and outbox', async () => {
    const tenantId = freshTenant();
    const { storage } = opened().instrumented();
    await groupSetup(makeCrm(storage), tenantId);
    const raw = await opened().rawText(tenantId);
    // The search works: data that is not personal is there in clear.
    expect(raw).toContain('上汽大众');
    expect(raw).toContain('LSVAU21850N218329');
    for (const secret of groupSecrets) expect(raw.includes(secret), `found ${secret} in clear`).toBe(false);
  });

  test('the stored customer document (read through the driver, as the kit inspects it) has sealed values where personal fields were', async () => {
    const tenantId = freshTenant();
    const crm = makeCrm(opened().client());
    await crm.customers.upsert(contexts(tenantId).staff(), { idempotencyKey: 'c', customer: customerInput('C-1') });
    const document = JSON.parse((await opened().peek(tenantId, 'customers', 'C-1'))!) as StoredCustomer;
    expect(document.name).toBeUndefined();
    expect(Object.keys(document.sealed).sort()).toEqual(['birthday', 'familyName', 'givenName', 'idNumber', 'name']);
    for (const sealed of Object.values(document.sealed)) expect(sealed).toMatch(/^enc1\.m\.2024\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$/);
    expect(document.contactPoints.map((point) => [point.kind, point.value, point.sealed?.slice(0, 12)])).toEqual([
      ['mobile', undefined, 'enc1.m.2024.'],
      ['email', undefined, 'enc1.m.2024.'],
      ['address', undefined, 'enc1.m.2024.'],
    ]);
    // Consents stay readable for the consent checks; gender is not encrypted by default.
    expect(document.contactPoints[0]!.consents).toHaveLength(2);
    expect(document.gender).toBe('female');
  });
});

describe('field-level encryption', () => {
  test('binds a ciphertext to its customer and field: moved to another record it does not decrypt', async () => {
    const tenantId = freshTenant();
    const storage = createMemoryStorage({ registry: crmStorageRegistry });
    const crm = makeCrm(storage);
    const staff = contexts(tenantId).staff();
    await crm.customers.upsert(staff, { idempotencyKey: 'c1', customer: customerInput('C-1') });
    await crm.customers.upsert(staff, { idempotencyKey: 'c2', customer: customerInput('C-2', { name: '李雷' }) });
    const one = (await storage.get(tenantId, 'customers', 'C-1'))!;
    const two = (await storage.get(tenantId, 'customers', 'C-2'))!;
    // Someone with write access to the database copies C-1's sealed name into C-2.
    await storage.put(tenantId, 'customers', { ...two.record, sealed: { ...two.record.sealed, name: one.record.sealed.name! } });
    const error = await crm.customers.get(staff, { customerId: 'C-2' }).catch((caught: unknown) => caught);
    expect(isCrmError(error, 'CRYPTO_FAILED')).toBe(true);
    // Or moves C-1's family name into its given name.
    await storage.put(tenantId, 'customers', { ...one.record, sealed: { ...one.record.sealed, givenName: one.record.sealed.familyName! } });
    await expect(crm.customers.get(staff, { customerId: 'C-1' })).rejects.toMatchObject({ code: 'CRYPTO_FAILED' });
  });

  test('detects a changed byte of a ciphertext', async () => {
    const tenantId = freshTenant();
    const storage = createMemoryStorage({ registry: crmStorageRegistry });
    const crm = makeCrm(storage);
    const staff = contexts(tenantId).staff();
    await crm.customers.upsert(staff, { idempotencyKey: 'c1', customer: customerInput('C-1') });
    const stored = (await storage.get(tenantId, 'customers', 'C-1'))!;
    const sealed = stored.record.sealed.idNumber!;
    const flipped = sealed.slice(0, -2) + (sealed.at(-2) === 'A' ? 'B' : 'A') + sealed.at(-1);
    await storage.put(tenantId, 'customers', { ...stored.record, sealed: { ...stored.record.sealed, idNumber: flipped } });
    await expect(crm.customers.get(staff, { customerId: 'C-1' })).rejects.toMatchObject({ code: 'CRYPTO_FAILED' });
  });

  test('refuses to read with the wrong key material under the right key id', async () => {
    const tenantId = freshTenant();
    const storage = createMemoryStorage({ registry: crmStorageRegistry });
    await makeCrm(storage).customers.upsert(contexts(tenantId).staff(), { idempotencyKey: 'c1', customer: customerInput('C-1') });
    const impostor = makeCrm(storage, { keys: { provider: createStaticKeyProvider({ keys: { '2024': new Uint8Array(32).fill(1) }, currentKeyId: '2024' }) } });
    await expect(impostor.customers.get(contexts(tenantId).staff(), { customerId: 'C-1' })).rejects.toMatchObject({ code: 'CRYPTO_FAILED' });
    // And a lookup by mobile under the wrong blind-index key finds nobody.
    expect((await impostor.customers.findByMobile(contexts(tenantId).staff(), { mobile: '13812345678' })).customers).toEqual([]);
  });

  test('keeps blind indexes apart per tenant: the same mobile has another digest in another tenant', async () => {
    const storage = createMemoryStorage({ registry: crmStorageRegistry });
    const crm = makeCrm(storage);
    const [a, b] = [freshTenant(), freshTenant()];
    for (const tenantId of [a, b]) await crm.customers.upsert(contexts(tenantId).staff(), { idempotencyKey: 'c', customer: customerInput('C-1') });
    const digests = async (tenantId: string) =>
      (await storage.query(tenantId, 'customer_lookup', { where: { customerId: 'C-1' } })).items.map((item) => `${item.record.kind}:${item.record.digest}`).sort();
    const [first, second] = [await digests(a), await digests(b)];
    expect(first.map((digest) => digest.split(':')[0])).toEqual(['email', 'id_number', 'phone']);
    expect(first.filter((digest) => second.includes(digest))).toEqual([]);
  });

  test('finds a customer by any spelling of the mobile and by a 15- or 18-digit identity number', async () => {
    const tenantId = freshTenant();
    const crm = makeCrm(createMemoryStorage({ registry: crmStorageRegistry }));
    const staff = contexts(tenantId).staff();
    await crm.customers.upsert(staff, { idempotencyKey: 'c', customer: customerInput('C-1') });
    for (const mobile of ['13812345678', '138 1234 5678', '+86 138-1234-5678', '+8613812345678']) {
      expect((await crm.customers.findByMobile(staff, { mobile })).customers.map((record) => record.customerId), mobile).toEqual(['C-1']);
    }
    // The standard's example number: 18 digits with X, in lower case, and its legacy 15-digit form.
    for (const idNumber of ['11010519491231002X', '11010519491231002x', '110105491231002']) {
      expect((await crm.customers.findByIdNumber(staff, { idNumber })).customers.map((record) => record.customerId), idNumber).toEqual(['C-1']);
    }
    expect((await crm.customers.findByMobile(staff, { mobile: '13900000000' })).customers).toEqual([]);
    await expect(crm.customers.findByMobile(staff, { mobile: 'not a number' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  test('runs without keys only when nothing is to be encrypted', async () => {
    const storage = createMemoryStorage({ registry: crmStorageRegistry });
    expect(() => createCrm({ storage })).toThrow(/keys are required/);
    const tenantId = freshTenant();
    const clear = createCrm({ storage, policies: { privacy: { encryptedFields: [] } } });
    await clear.customers.upsert(contexts(tenantId).staff(), { idempotencyKey: 'c', customer: customerInput('C-1') });
    expect((await storage.get(tenantId, 'customers', 'C-1'))!.record.name).toBe('王芳');
    expect((await clear.customers.findByMobile(contexts(tenantId).staff(), { mobile: '13812345678' })).customers).toHaveLength(1);
  });

  test('encrypts only the configured fields', async () => {
    const tenantId = freshTenant();
    const storage = createMemoryStorage({ registry: crmStorageRegistry });
    const crm = makeCrm(storage, { policies: { privacy: { encryptedFields: ['idNumber', 'mobile'] } } });
    await crm.customers.upsert(contexts(tenantId).staff(), { idempotencyKey: 'c', customer: customerInput('C-1') });
    const stored = (await storage.get(tenantId, 'customers', 'C-1'))!.record;
    expect(stored.name).toBe('王芳');
    expect(Object.keys(stored.sealed)).toEqual(['idNumber']);
    expect(stored.contactPoints.map((point) => point.sealed === undefined)).toEqual([false, true, true]);
  });
});

describe('the two implementations of the ciphers', () => {
  test('what Node’s native AES-256-GCM and HMAC write, WebCrypto alone reads — and the other way round', async () => {
    // On Node the facade seals and digests with node:crypto (synchronous, faster in bulk); elsewhere with
    // WebCrypto. A second copy of the package, loaded in a runtime that offers no node:crypto, is the
    // WebCrypto-only one. Both serve one memory database, each through its own storage core.
    const driver = createMemoryDriver();
    const nativeCrm = makeCrm(createCrmStorage(driver, { registry: crmStorageRegistry }), { keys: { provider: keyRing(), perCustomerKeys: true } });
    const getBuiltinModule = process.getBuiltinModule;
    vi.resetModules();
    process.getBuiltinModule = ((id: string) => (id === 'node:crypto' || id === 'crypto' ? undefined : getBuiltinModule(id))) as typeof process.getBuiltinModule;
    let portable: typeof CrmModule;
    let portableAdapters: typeof AdaptersModule;
    try {
      portable = await import('dealer-crm/crm');
      portableAdapters = await import('dealer-crm/adapters');
    } finally {
      process.getBuiltinModule = getBuiltinModule;
    }
    const portableCrm = portable.createCrm({
      storage: portableAdapters.createCrmStorage(driver, { registry: portable.crmStorageRegistry }),
      keys: { provider: portable.createStaticKeyProvider({ keys: { '2024': KEY_2024 }, currentKeyId: '2024' }), perCustomerKeys: true },
      clock: testClock(),
    });
    const tenantId = freshTenant();
    const staff = contexts(tenantId).staff();
    await nativeCrm.customers.upsert(staff, { idempotencyKey: 'native', customer: customerInput('C-1') });
    await portableCrm.customers.upsert(staff, { idempotencyKey: 'portable', customer: customerInput('C-2', { name: '李雷', contactPoints: [{ kind: 'mobile', value: '13900001111' }] }) });
    for (const crm of [nativeCrm, portableCrm]) {
      expect((await crm.customers.get(staff, { customerId: 'C-1' })).customer).toMatchObject({ name: '王芳', idNumber: '11010519491231002X' });
      expect((await crm.customers.get(staff, { customerId: 'C-2' })).customer).toMatchObject({ name: '李雷', contactPoints: [{ value: '+8613900001111' }] });
      // The blind indexes agree: each finds the customer the other wrote.
      expect((await crm.customers.findByMobile(staff, { mobile: '138 1234 5678' })).customers.map((match) => match.customerId)).toEqual(['C-1']);
      expect((await crm.customers.findByMobile(staff, { mobile: '139 0000 1111' })).customers.map((match) => match.customerId)).toEqual(['C-2']);
    }
    // And both refuse a changed byte.
    const stored = await nativeCrm.storage.get(tenantId, 'customers', 'C-2');
    const sealed = stored!.record.sealed.name!;
    await nativeCrm.storage.put(tenantId, 'customers', { ...stored!.record, sealed: { ...stored!.record.sealed, name: sealed.slice(0, -2) + (sealed.at(-2) === 'A' ? 'B' : 'A') + sealed.at(-1) } });
    await expect(nativeCrm.customers.get(staff, { customerId: 'C-2' })).rejects.toMatchObject({ code: 'CRYPTO_FAILED' });
    await expect(portableCrm.customers.get(staff, { customerId: 'C-2' })).rejects.toMatchObject({ code: 'CRYPTO_FAILED' });
  });
});

describe('key rotation', () => {
  test('old data stays readable, new data uses the new key, and the re-encryption job moves the rest', async () => {
    const tenantId = freshTenant();
    const { storage, driver } = instrumentedMemory();
    const clock = testClock();
    await groupSetup(makeCrm(storage, { clock }), tenantId);
    const rotated = makeCrm(storage, { clock, keys: { provider: keyRing('2025', ['2024', '2025']) } });
    const staff = contexts(tenantId).staff();
    // Readable under the old key, found through the old blind index.
    expect((await rotated.customers.get(staff, { customerId: 'C-1' })).customer?.name).toBe('王芳');
    expect((await rotated.customers.findByMobile(staff, { mobile: '13812345678' })).customers.map((record) => record.customerId).sort()).toEqual(['C-1', 'C-2']);
    // New data under the new key.
    await rotated.customers.upsert(staff, { idempotencyKey: 'c9', customer: customerInput('C-9', { name: '赵敏', idNumber: undefined, contactPoints: [] }) });
    expect((await storage.get(tenantId, 'customers', 'C-9'))!.record.sealed.name).toMatch(/^enc1\.m\.2025\./);
    expect(await driver.rawText(tenantId)).toContain('enc1.m.2024.');

    // The job moves everything, a few customers at a time.
    const system = contexts(tenantId).system();
    const first = await rotated.keys.reencrypt(system, { idempotencyKey: 'rotate-1', limit: 2 });
    expect(first).toMatchObject({ keyId: '2025', customers: 2 });
    expect(first.remaining).toBeGreaterThan(0);
    let remaining = first.remaining;
    for (let round = 2; remaining > 0; round++) remaining = (await rotated.keys.reencrypt(system, { idempotencyKey: `rotate-${round}`, limit: 2 })).remaining;
    const raw = await driver.rawText(tenantId);
    expect(raw).not.toContain('enc1.m.2024.');
    expect(raw).not.toContain('"keyId":"2024"');

    // The old key can go: everything reads and is found with the new key alone.
    const onlyNew = makeCrm(storage, { clock, keys: { provider: createStaticKeyProvider({ keys: { '2025': keyRingMaterial2025() }, currentKeyId: '2025' }) } });
    expect((await onlyNew.customers.view(staff, { customerId: 'C-1' })).recentInteractions[0]?.notes).toBe('王芳说下周三上午来做保养');
    expect((await onlyNew.customers.findByIdNumber(staff, { idNumber: '11010519491231002X' })).customers.map((record) => record.customerId)).toEqual(['C-1']);
    expect((await onlyNew.complaints.get(contexts(tenantId).staff('D-1', 'complaint_handling'), { caseId: 'K-1' })).case.subject).toBe('王芳投诉保养后异响');
  });

  test('with per-customer keys, a rotation re-wraps the small data keys and leaves the records as they are', async () => {
    const tenantId = freshTenant();
    const storage = createMemoryStorage({ registry: crmStorageRegistry });
    const old = makeCrm(storage, { keys: { provider: keyRing(), perCustomerKeys: true } });
    await old.customers.upsert(contexts(tenantId).staff(), { idempotencyKey: 'c', customer: customerInput('C-1') });
    const before = (await storage.get(tenantId, 'customers', 'C-1'))!.record;
    for (const sealed of Object.values(before.sealed)) expect(sealed).toMatch(/^enc1\.c\.dek\./);
    expect((await storage.get(tenantId, 'customer_keys', 'C-1'))!.record.keyId).toBe('2024');

    const rotated = makeCrm(storage, { keys: { provider: keyRing('2025', ['2024', '2025']), perCustomerKeys: true } });
    const report = await rotated.keys.reencrypt(contexts(tenantId).system(), { idempotencyKey: 'rotate' });
    expect(report).toMatchObject({ dataKeysRewrapped: 1, recordsReencrypted: 0, remaining: 0 });
    expect((await storage.get(tenantId, 'customer_keys', 'C-1'))!.record.keyId).toBe('2025');
    expect((await storage.get(tenantId, 'customers', 'C-1'))!.record.sealed).toEqual(before.sealed);
    const onlyNew = makeCrm(storage, { keys: { provider: createStaticKeyProvider({ keys: { '2025': keyRingMaterial2025() }, currentKeyId: '2025' }), perCustomerKeys: true } });
    expect((await onlyNew.customers.get(contexts(tenantId).staff(), { customerId: 'C-1' })).customer?.idNumber).toBe('11010519491231002X');
  });
});

describe('crypto-shredding with per-customer keys', () => {
  test('an erased customer restored from a backup cannot be read: its data key is gone', async () => {
    const tenantId = freshTenant();
    const storage = createMemoryStorage({ registry: crmStorageRegistry });
    const crm = makeCrm(storage, { keys: { provider: keyRing(), perCustomerKeys: true } });
    const ctx = contexts(tenantId);
    await crm.customers.upsert(ctx.staff(), { idempotencyKey: 'c', customer: customerInput('C-1') });
    const backup = (await storage.get(tenantId, 'customers', 'C-1'))!.record;
    await crm.privacy.eraseCustomer(ctx.privacyOfficer(), { idempotencyKey: 'erase', customerId: 'C-1', reason: 'PIPL deletion request' });
    expect(await storage.get(tenantId, 'customer_keys', 'C-1')).toBeNull();
    // Restore the old record from the backup: the ciphertext is there, the key is not.
    await storage.put(tenantId, 'customers', backup);
    const error = await crm.customers.get(ctx.staff(), { customerId: 'C-1' }).catch((caught: unknown) => caught);
    expect(isCrmError(error, 'CRYPTO_FAILED')).toBe(true);
    expect((error as Error).message).toMatch(/no readable name/);
  });

  test('without per-customer keys the same restore would be readable, which is why erasure also deletes the fields', async () => {
    const tenantId = freshTenant();
    const storage = createMemoryStorage({ registry: crmStorageRegistry });
    const crm = makeCrm(storage);
    const ctx = contexts(tenantId);
    await crm.customers.upsert(ctx.staff(), { idempotencyKey: 'c', customer: customerInput('C-1') });
    const backup = (await storage.get(tenantId, 'customers', 'C-1'))!.record;
    await crm.privacy.eraseCustomer(ctx.privacyOfficer(), { idempotencyKey: 'erase', customerId: 'C-1', reason: 'PIPL deletion request' });
    expect((await storage.get(tenantId, 'customers', 'C-1'))!.record.sealed).toEqual({});
    await storage.put(tenantId, 'customers', backup);
    expect((await crm.customers.get(ctx.staff(), { customerId: 'C-1' })).customer?.name).toBe('王芳');
  });
});

function keyRingMaterial2025(): Uint8Array {
  // The fixture's 2025 key (see support/fixtures.ts), spelled out: byte i is (13 i + 101) mod 256.
  const material = Uint8Array.from({ length: 32 }, (_, i) => (i * 13 + 101) % 256);
  expect(material).not.toEqual(KEY_2024);
  return material;
}
