import { createMemoryStorage } from 'dealer-crm/adapters/memory';
import { crmStorageRegistry, type Crm, type CrmCallContext, type CrmFacadeStorage } from 'dealer-crm/crm';
import { contexts, customerInput, freshTenant, keyRing, makeCrm, repairOrder, testClock, type TestClock } from './fixtures.js';

/**
 * A small dealer group every facade method can work on: two customers of
 * dealer D-1 who are the same person (one mobile), a customer of D-2, an
 * old prospect, a vehicle and its owner, a loyalty member with points and a
 * repair order, an interaction with notes, an open complaint, and the
 * segments of a segmentation run. The clock stands at 2024-06-01 10:00 in
 * Shanghai.
 */
export async function groupSetup(crm: Crm, tenantId: string): Promise<void> {
  const ctx = contexts(tenantId);
  const staff = ctx.staff();
  await crm.customers.upsert(staff, { idempotencyKey: 'setup-c1', customer: customerInput('C-1') });
  await crm.customers.upsert(staff, {
    idempotencyKey: 'setup-c2',
    customer: customerInput('C-2', { birthday: '1985-06-10', idNumber: undefined, contactPoints: [{ kind: 'mobile', value: '+86 138-1234-5678' }, { kind: 'email', value: 'fang@example.cn' }], updatedAt: '2024-03-01T10:00:00+08:00' }),
  });
  await crm.customers.upsert(ctx.staff('D-2'), { idempotencyKey: 'setup-c3', customer: customerInput('C-3', { name: '李雷', familyName: '李', givenName: '雷', dealerId: 'D-2', idNumber: '44052418800101001X', contactPoints: [{ kind: 'mobile', value: '13900001111' }] }) });
  await crm.customers.upsert(staff, {
    idempotencyKey: 'setup-p1',
    customer: customerInput('P-1', { name: '张伟', familyName: '张', givenName: '伟', lifecycleStage: 'prospect', idNumber: undefined, contactPoints: [{ kind: 'mobile', value: '13700002222' }], createdAt: '2020-01-01T10:00:00+08:00', updatedAt: '2020-01-01T10:00:00+08:00' }),
  });
  const service = ctx.staff('D-1', 'after_sales');
  await crm.vehicles.upsert(service, { idempotencyKey: 'setup-v1', vehicle: { id: 'V-1', vin: 'LSVAU21850N218329', make: '上汽大众', model: '帕萨特', modelYear: 2022, plates: [{ plate: '沪A12345', from: '2023-01-01T00:00:00+08:00' }] } });
  await crm.vehicles.recordOwnership(service, { idempotencyKey: 'setup-o1', ownership: { id: 'O-1', customerId: 'C-1', vehicleId: 'V-1', role: 'owner', from: '2023-01-01T00:00:00+08:00' } });
  const loyalty = ctx.staff('D-1', 'loyalty_administration');
  await crm.loyalty.enroll(loyalty, { idempotencyKey: 'setup-m1', member: { id: 'M-1', programId: 'club', customerId: 'C-1', joinedAt: '2024-01-01T00:00:00+08:00' } });
  await crm.loyalty.adjust(loyalty, { idempotencyKey: 'opening', memberId: 'M-1', points: 2000, reason: 'opening balance', at: '2024-01-02T10:00:00+08:00' });
  await crm.transactions.record(service, { idempotencyKey: 'setup-ro0', transaction: repairOrder('RO-0', 'C-1', '2024-05-01T10:00:00+08:00') });
  await crm.transactions.record(service, { idempotencyKey: 'setup-ro1', transaction: repairOrder('RO-1', 'C-2', '2024-02-01T10:00:00+08:00', 20_000, 10_000) });
  await crm.customers.recordInteraction(staff, {
    idempotencyKey: 'setup-i1',
    interaction: { id: 'I-1', customerId: 'C-1', dealerId: 'D-1', at: '2024-05-20T15:00:00+08:00', channel: 'phone', direction: 'outbound', purpose: 'service_reminder', outcome: 'reached', notes: '王芳说下周三上午来做保养' },
  });
  await crm.complaints.open(ctx.staff('D-1', 'complaint_handling'), {
    idempotencyKey: 'setup-k1',
    complaint: { caseId: 'K-1', eventId: 'K-1-e0', at: '2024-05-31T09:00:00+08:00', dealerId: 'D-1', customerId: 'C-1', channel: 'walk_in', severity: 'complex', category: 'service_quality', subject: '王芳投诉保养后异响' },
  });
  await crm.jobs.segmentation(ctx.manager('D-1', 'analytics'), { idempotencyKey: 'setup-segments' });
}

/** A fresh tenant on a memory storage holding the group of {@link groupSetup}, and its facade. */
export async function groupOnMemory() {
  const tenantId = freshTenant();
  const storage = createMemoryStorage({ registry: crmStorageRegistry });
  const crm = makeCrm(storage);
  await groupSetup(crm, tenantId);
  return { tenantId, storage, crm, ctx: contexts(tenantId) };
}

/** One call of a facade method on the group of {@link groupSetup}: which method, by whom, with what. */
export interface Scenario {
  /** `service.method`, e.g. `loyalty.redeem`. */
  readonly method: string;
  /** Extra setup on top of the group. */
  readonly setup?: (crm: Crm, tenantId: string) => Promise<void>;
  /** A facade for the call, when it differs from the setup's (a rotated key ring). */
  readonly keys?: 'rotated';
  readonly context: (tenantId: string) => CrmCallContext;
  readonly input: Readonly<Record<string, unknown>>;
  /** Whether the method writes (and takes an idempotency key). */
  readonly write: boolean;
}

/** Calls a facade method by its name. */
export function callMethod(crm: Crm, method: string, context: unknown, input: unknown): Promise<unknown> {
  const [service, name] = method.split('.') as [string, string];
  const fn = (crm as unknown as Record<string, Record<string, (context: unknown, input: unknown) => Promise<unknown>>>)[service]![name]!;
  return fn(context, input);
}

/** Runs a scenario's call. */
export function runScenario(crm: Crm, scenario: Scenario, tenantId: string): Promise<unknown> {
  return callMethod(crm, scenario.method, scenario.context(tenantId), scenario.input);
}

/** A seeded generator (mulberry32), so that the made-up histories are the same on every run. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * Forty more customers of D-1 with one to five service visits between
 * January 2022 and May 2024, each spending around a mean of its own: enough
 * history to fit the retention models.
 */
export async function serviceHistories(crm: Crm, tenantId: string): Promise<void> {
  const random = seeded(7);
  const service = contexts(tenantId).staff('D-1', 'after_sales');
  const staff = contexts(tenantId).staff();
  const start = Date.parse('2022-01-01T10:00:00+08:00');
  for (let c = 0; c < 40; c++) {
    const id = `S-${c}`;
    await crm.customers.upsert(staff, { idempotencyKey: `setup-${id}`, customer: customerInput(id, { idNumber: undefined, contactPoints: [{ kind: 'mobile', value: `1390000${String(1000 + c)}` }] }) });
    const visits = 1 + Math.floor(random() * 5);
    const mean = 40_000 + random() * 80_000;
    let day = Math.floor(random() * 400);
    for (let v = 0; v < visits && day < 870; v++) {
      const parts = Math.round((mean * (0.5 + random())) / 100) * 100;
      const at = new Date(start + day * 86_400_000).toISOString();
      await crm.transactions.record(service, { idempotencyKey: `setup-${id}-${v}`, transaction: repairOrder(`RO-${id}-${v}`, id, at, 20_000, parts), accrueLoyalty: false });
      day += 60 + Math.floor(random() * 200);
    }
  }
}

/** Every facade method, called once on the group. */
export function scenarios(): Scenario[] {
  const as = (pick: (ctx: ReturnType<typeof contexts>) => CrmCallContext) => (tenantId: string) => pick(contexts(tenantId));
  const staff = as((ctx) => ctx.staff());
  const service = as((ctx) => ctx.staff('D-1', 'after_sales'));
  const loyalty = as((ctx) => ctx.staff('D-1', 'loyalty_administration'));
  const complaints = as((ctx) => ctx.staff('D-1', 'complaint_handling'));
  const read = (method: string, context: Scenario['context'], input: Scenario['input']): Scenario => ({ method, context, input, write: false });
  const write = (method: string, context: Scenario['context'], input: Scenario['input'], extra: Partial<Scenario> = {}): Scenario => ({ method, context, input, write: true, ...extra });
  return [
    write('customers.upsert', staff, { idempotencyKey: 'u-1', customer: customerInput('C-1', { name: '王芳芳', updatedAt: '2024-06-01T10:00:00+08:00' }) }),
    write('customers.import', staff, {
      idempotencyKey: 'import-1',
      customers: [
        customerInput('N-1', { idNumber: undefined, contactPoints: [{ kind: 'mobile', value: '13600000001' }] }),
        customerInput('N-2', { name: '赵敏', familyName: '赵', givenName: '敏', idNumber: undefined, contactPoints: [{ kind: 'mobile', value: '13600000002' }, { kind: 'email', value: 'zhao.min@example.cn' }] }),
        customerInput('C-1', { name: '王芳芳', updatedAt: '2024-06-01T10:00:00+08:00' }),
      ],
    }),
    read('customers.list', staff, { limit: 10 }),
    read('customers.get', staff, { customerId: 'C-1' }),
    read('customers.findByMobile', staff, { mobile: '138 1234 5678' }),
    read('customers.findByIdNumber', staff, { idNumber: '110105491231002' }),
    read('customers.findByVin', staff, { vin: 'lsvau21850n218329' }),
    write('customers.merge', as((ctx) => ctx.manager('D-1', 'data_quality')), { idempotencyKey: 'merge-1', customerIds: ['C-1', 'C-2'] }),
    read('customers.view', staff, { customerId: 'C-1' }),
    write('customers.recordConsent', staff, {
      idempotencyKey: 'consent-1',
      customerId: 'C-1',
      contactPoint: { kind: 'mobile' },
      consent: { purpose: 'marketing', channel: 'sms', status: 'withdrawn', at: '2024-05-30T10:00:00+08:00', source: 'phone_recording' },
    }),
    write('customers.recordInteraction', staff, {
      idempotencyKey: 'interaction-2',
      interaction: { id: 'I-2', customerId: 'C-1', at: '2024-05-31T11:00:00+08:00', channel: 'wechat', direction: 'inbound', purpose: 'enquiry', notes: '询问延保价格' },
    }),
    write('vehicles.upsert', service, { idempotencyKey: 'v-2', vehicle: { id: 'V-2', vin: 'LFV2A21KXB3012345', make: 'Volkswagen', model: 'Sagitar', modelYear: 2011 } }),
    write('vehicles.recordOwnership', as((ctx) => ctx.staff('D-1', 'sales')), { idempotencyKey: 'o-2', ownership: { id: 'O-2', customerId: 'C-2', vehicleId: 'V-1', role: 'owner', from: '2024-05-15T00:00:00+08:00' } }),
    read('vehicles.get', service, { vehicleId: 'V-1' }),
    write('transactions.record', service, { idempotencyKey: 'ro-9', transaction: repairOrder('RO-9', 'C-1', '2024-05-20T10:00:00+08:00') }),
    write('transactions.recordMany', service, {
      idempotencyKey: 'ros-1',
      transactions: [repairOrder('RO-10', 'C-1', '2024-05-21T10:00:00+08:00'), repairOrder('RO-11', 'C-2', '2024-05-22T10:00:00+08:00', 10_000, 20_000), repairOrder('RO-12', 'C-1', '2024-05-23T10:00:00+08:00')],
    }),
    write('loyalty.enroll', loyalty, { idempotencyKey: 'm-2', member: { id: 'M-2', programId: 'club', customerId: 'C-2' } }),
    write('loyalty.enrollMany', loyalty, {
      idempotencyKey: 'members-1',
      members: [
        { id: 'M-2', programId: 'club', customerId: 'C-2' },
        { id: 'M-3', programId: 'club', customerId: 'P-1', joinedAt: '2024-05-01T00:00:00+08:00' },
      ],
    }),
    write('loyalty.accrue', loyalty, { idempotencyKey: 'bday', memberId: 'M-1', event: { type: 'birthday', at: '2024-06-01T09:00:00+08:00' } }),
    write('loyalty.redeem', loyalty, { idempotencyKey: 'POS-1', memberId: 'M-1', points: 500 }),
    write('loyalty.reverse', loyalty, { idempotencyKey: 'refund-ro0', memberId: 'M-1', targetKey: 'transaction:RO-0', reason: 'RO-0 refunded' }),
    write('loyalty.adjust', loyalty, { idempotencyKey: 'goodwill', memberId: 'M-1', points: 100, reason: 'goodwill' }),
    write('loyalty.useBenefit', loyalty, { idempotencyKey: 'wash-1', memberId: 'M-1', benefitId: 'wash' }),
    read('loyalty.balance', loyalty, { memberId: 'M-1' }),
    read('loyalty.tier', loyalty, { memberId: 'M-1' }),
    read('loyalty.benefits', loyalty, { memberId: 'M-1' }),
    write('complaints.open', complaints, {
      idempotencyKey: 'k-2',
      complaint: { caseId: 'K-2', eventId: 'K-2-e0', dealerId: 'D-1', customerId: 'C-2', channel: 'oem_hotline', severity: 'difficult', category: 'parts_availability', subject: '配件等了三周', note: '客户很生气' },
    }),
    write('complaints.transition', complaints, { idempotencyKey: 'k-1-resolve', caseId: 'K-1', event: { type: 'resolved', eventId: 'K-1-e1', rootCause: 'service_quality', resolution: '更换了隔音垫' } }),
    write('complaints.reply', complaints, { idempotencyKey: 'k-1-reply', caseId: 'K-1', from: 'dealer', eventId: 'K-1-e2', note: '已安排技师回电' }),
    read('complaints.get', complaints, { caseId: 'K-1' }),
    read('complaints.evaluateSla', complaints, { caseId: 'K-1' }),
    write('complaints.escalationsDue', as((ctx) => ctx.system('complaint_handling')), { idempotencyKey: 'tick-1' }),
    read('marketing.contactList', as((ctx) => ctx.marketing()), { channel: 'sms', segment: { abcClass: 'A' } }),
    read('marketing.contactPlan', as((ctx) => ctx.marketing()), { dealerId: 'D-1' }),
    write('jobs.segmentation', as((ctx) => ctx.analyst()), { idempotencyKey: 'seg-2', windowDays: 730 }),
    write('jobs.retention', as((ctx) => ctx.analyst()), { idempotencyKey: 'ret-1', discountRate: 0.01, marginRate: 0.35 }, { setup: serviceHistories }),
    read('privacy.exportCustomerData', as((ctx) => ctx.privacyOfficer()), { customerId: 'C-1' }),
    write('privacy.eraseCustomer', as((ctx) => ctx.privacyOfficer()), { idempotencyKey: 'erase-c1', customerId: 'C-1', reason: 'PIPL request 2024-0042' }),
    write('privacy.enforceRetentionLimits', as((ctx) => ctx.system()), { idempotencyKey: 'limits-1' }),
    write('keys.reencrypt', as((ctx) => ctx.system()), { idempotencyKey: 'rotate-2025' }, { keys: 'rotated' }),
    read('audit.customerAccess', as((ctx) => ctx.auditor()), { customerId: 'C-1', verify: true }),
    read('audit.userActivity', as((ctx) => ctx.auditor()), { userId: 'U-staff-D-1' }),
    read('audit.verifyChain', as((ctx) => ctx.auditor()), {}),
  ];
}

/** The key ring of a scenario's call. */
export function scenarioKeys(scenario: Scenario) {
  return scenario.keys === 'rotated' ? keyRing('2025', ['2024', '2025']) : keyRing();
}

/**
 * A fresh tenant holding the group (and the scenario's own setup), and the
 * facade the scenario's call is made through (with its key ring), both on
 * `storage` and one test clock.
 */
export async function scenarioTenant(scenario: Scenario, storage: CrmFacadeStorage): Promise<{ tenantId: string; crm: Crm; clock: TestClock }> {
  const tenantId = freshTenant();
  const clock = testClock();
  const setupCrm = makeCrm(storage, { clock });
  await groupSetup(setupCrm, tenantId);
  await scenario.setup?.(setupCrm, tenantId);
  return { tenantId, clock, crm: makeCrm(storage, { clock, keys: { provider: scenarioKeys(scenario) } }) };
}
