import { randomBytes } from 'node:crypto';
import { createCrmStorage, type StorageDriver } from 'dealer-crm/adapters';
import { createMemoryDriver } from 'dealer-crm/adapters/memory';
import type { CustomerInput, TransactionInput } from 'dealer-crm/customer';
import { defineLoyaltyProgram, defaultLoyaltyProgramConfig } from 'dealer-crm/loyalty';
import {
  createCrm,
  createStaticKeyProvider,
  crmStorageRegistry,
  type CreateCrmOptions,
  type Crm,
  type CrmCallContext,
  type CrmFacadeStorage,
  type CrmAuditEntry,
  type CrmKeyProvider,
} from 'dealer-crm/crm';
import { instrumentDriver, type InstrumentedDriver } from './instrumented-driver.js';

/** Two 256-bit keys, fixed so that failures reproduce. */
export const KEY_2024 = Uint8Array.from({ length: 32 }, (_, i) => (i * 7 + 3) % 256);
export const KEY_2025 = Uint8Array.from({ length: 32 }, (_, i) => (i * 13 + 101) % 256);

export function keyRing(currentKeyId: '2024' | '2025' = '2024', keys: readonly ('2024' | '2025')[] = ['2024']): CrmKeyProvider {
  const material = { '2024': KEY_2024, '2025': KEY_2025 };
  return createStaticKeyProvider({ keys: Object.fromEntries(keys.map((id) => [id, material[id]])), currentKeyId });
}

/** A clock the test moves by hand. */
export interface TestClock {
  now(): Date;
  set(instant: string | Date): void;
  advance(ms: number): void;
}

export function testClock(start = '2024-06-01T10:00:00+08:00'): TestClock {
  let ms = new Date(start).getTime();
  return {
    now: () => new Date(ms),
    set: (instant) => {
      ms = new Date(instant).getTime();
    },
    advance: (delta) => {
      ms += delta;
    },
  };
}

/** Ids `req-1`, `req-2`, … */
export function sequentialIds(prefix = 'id'): () => string {
  let next = 0;
  return () => `${prefix}-${++next}`;
}

/** A tenant id of its own for every test, so that tests can share a database. */
export function freshTenant(): string {
  return `t-${randomBytes(6).toString('hex')}`;
}

/** The default loyalty program with a short name; every test that needs one uses it. */
export const program = defineLoyaltyProgram({ ...defaultLoyaltyProgramConfig, id: 'club', name: 'Owners Club' });

/** Contexts of the default roles. */
export function contexts(tenantId: string) {
  const at = (role: string, purpose: string, dealerId?: string, userId = `U-${role}`): CrmCallContext => ({
    tenantId,
    actor: { userId, role, ...(dealerId === undefined ? {} : { dealerId }) },
    purpose,
  });
  return {
    staff: (dealerId = 'D-1', purpose = 'customer_service') => at('dealer_staff', purpose, dealerId, `U-staff-${dealerId}`),
    manager: (dealerId = 'D-1', purpose = 'customer_service') => at('dealer_manager', purpose, dealerId, `U-manager-${dealerId}`),
    marketing: (dealerId = 'D-1') => at('dealer_marketing', 'marketing', dealerId, `U-marketing-${dealerId}`),
    analyst: (purpose = 'analytics') => at('group_analyst', purpose),
    privacyOfficer: (purpose = 'data_subject_request') => at('privacy_officer', purpose),
    auditor: () => at('auditor', 'security_audit'),
    system: (purpose = 'data_maintenance') => at('system', purpose),
  };
}

/** A customer of dealer D-1 with every kind of personal field. */
export function customerInput(id: string, overrides: Partial<CustomerInput> = {}): CustomerInput {
  return {
    id,
    kind: 'person',
    type: 'private',
    name: '王芳',
    familyName: '王',
    givenName: '芳',
    gender: 'female',
    birthday: '1985-06-01',
    idNumber: '11010519491231002X',
    dealerId: 'D-1',
    source: 'walk_in',
    lifecycleStage: 'customer',
    contactPoints: [
      {
        kind: 'mobile',
        value: '138 1234 5678',
        primary: true,
        consents: [
          { purpose: 'marketing', channel: 'sms', status: 'granted', at: '2024-01-01T10:00:00+08:00', source: 'paper_form' },
          { purpose: 'service_reminder', channel: 'sms', status: 'granted', at: '2024-01-01T10:00:00+08:00', source: 'paper_form' },
        ],
      },
      { kind: 'email', value: 'Wang.Fang@Example.cn' },
      { kind: 'address', value: { province: '上海市', city: '上海市', district: '浦东新区', street: '世纪大道100号', postalCode: '200120' } },
    ],
    createdAt: '2024-01-01T10:00:00+08:00',
    updatedAt: '2024-01-01T10:00:00+08:00',
    ...overrides,
  };
}

/** The clear values of {@link customerInput} that must never be found in storage. */
export const clearValues = ['王芳', '13812345678', '1234 5678', '11010519491231002X', '110105194912', 'wang.fang@example.cn', '世纪大道', '1985-06-01'];

/**
 * A maintenance repair order at dealer D-1 with a labour and a parts line;
 * each line costs the dealer 40 % of its revenue. Amounts in fen.
 */
export function repairOrder(id: string, customerId: string, at: string, laborMinor = 30_000, partsMinor = 50_000): TransactionInput {
  const laborCost = Math.floor(laborMinor * 0.4);
  const partsCost = Math.floor(partsMinor * 0.4);
  return {
    type: 'repair_order',
    id,
    dealerId: 'D-1',
    customerId,
    vehicleId: 'V-1',
    at,
    currency: 'CNY',
    serviceKind: 'maintenance',
    revenueMinor: laborMinor + partsMinor,
    grossProfitMinor: laborMinor - laborCost + partsMinor - partsCost,
    lines: [
      { category: 'labor', quantity: 1, revenueMinor: laborMinor, costMinor: laborCost },
      { category: 'parts', quantity: 1, revenueMinor: partsMinor, costMinor: partsCost },
    ],
  };
}

/** A facade over a storage with test defaults (a fixed key ring, a test clock, sequential ids, the test program). */
export function makeCrm(storage: CrmFacadeStorage, options: Partial<CreateCrmOptions> & { clock?: TestClock } = {}): Crm {
  return createCrm({
    storage,
    programs: [program],
    keys: { provider: keyRing() },
    clock: testClock(),
    ids: sequentialIds(`req-${randomBytes(3).toString('hex')}`),
    ...options,
  });
}

/** A memory storage over an instrumented driver (writes counted, failures injectable, everything dumpable). */
export function instrumentedMemory(inner: StorageDriver = createMemoryDriver()): { storage: CrmFacadeStorage; driver: InstrumentedDriver } {
  const driver = instrumentDriver(inner);
  return { storage: createCrmStorage(driver, { registry: crmStorageRegistry }), driver };
}

/** The entries of a tenant's audit chain, in order. */
export async function auditChain(storage: CrmFacadeStorage, tenantId: string): Promise<CrmAuditEntry[]> {
  const entries: CrmAuditEntry[] = [];
  for await (const entry of storage.iterateStream(tenantId, 'audit_log', 'chain')) entries.push(entry.payload as unknown as CrmAuditEntry);
  return entries;
}

/** The payloads of a tenant's outbox stream of the facade's events. */
export async function outboxEvents(storage: CrmFacadeStorage, tenantId: string): Promise<{ type: string; data?: unknown }[]> {
  const events: { type: string; data?: unknown }[] = [];
  for await (const entry of storage.iterateStream(tenantId, 'outbox', 'crm-events')) events.push(entry.payload as { type: string; data?: unknown });
  return events;
}

export { issuesOf } from '../../support/errors.js';
