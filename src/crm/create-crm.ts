import { ValidationError, type Clock, type ValidationIssue } from '../core/index.js';
import { defaultComplaintSlaPolicy, isDefinedBusinessCalendar, isDefinedSlaPolicy, type BusinessCalendar, type SlaPolicy } from '../complaints/index.js';
import { defaultSurvivorshipPolicy, defineSurvivorshipPolicy, type SurvivorshipPolicyInput } from '../customer/index.js';
import type { LoyaltyProgram } from '../loyalty/index.js';
import { defaultChurnRiskPolicy, defineChurnRiskPolicy, type ChurnRiskPolicy } from '../retention/index.js';
import { checkAccessPolicy, type CrmAccessPolicy } from './access-policy.js';
import { CrmKeyRing } from './field-crypto.js';
import type { CrmKeyProvider } from './key-provider.js';
import { CrmPersonalFieldSchema, defaultCrmEncryptedFields, type CrmPersonalField } from './personal-fields.js';
import type { CrmRuntime } from './runtime.js';
import { createAuditService, type CrmAuditService } from './services/audit-service.js';
import { createComplaintService, type CrmComplaintService } from './services/complaint-service.js';
import { createCustomerService, type CrmCustomerService } from './services/customer-service.js';
import { createJobService, type CrmJobService } from './services/job-service.js';
import { createKeyService, type CrmKeyService } from './services/key-service.js';
import { createLoyaltyService, type CrmLoyaltyService } from './services/loyalty-service.js';
import { createMarketingService, type CrmMarketingService } from './services/marketing-service.js';
import { createPrivacyService, type CrmPrivacyService } from './services/privacy-service.js';
import { createTransactionService, type CrmTransactionService } from './services/transaction-service.js';
import { createVehicleService, type CrmVehicleService } from './services/vehicle-service.js';
import { checkCrmStorage, type CrmFacadeStorage } from './storage-registry.js';

/** The keys of a facade: where they come from, and whether each customer gets a data key of its own. */
export interface CrmKeyOptions {
  /** The key ring; see {@link createStaticKeyProvider}. */
  readonly provider: CrmKeyProvider;
  /**
   * Give each customer a 256-bit data key of its own, wrapped under the
   * ring's current key (envelope encryption): erasing the customer destroys
   * the key, so every copy of its ciphertext — in backups too — becomes
   * unreadable (crypto-shredding), and a key rotation re-wraps small keys
   * instead of re-encrypting every field. Default false.
   */
  readonly perCustomerKeys?: boolean;
}

/** Privacy settings of a facade. */
export interface CrmPrivacyPolicy {
  /** The personal fields encrypted before they reach storage; default {@link defaultCrmEncryptedFields}. `[]` stores them in clear (then `keys` may be left out). */
  readonly encryptedFields?: readonly CrmPersonalField[];
  /** Days without any activity after which a prospect's personal data is erased by `privacy.enforceRetentionLimits`; default 1095 (three years). */
  readonly prospectRetentionDays?: number;
}

/** The policies of a facade; each defaults to the module's default policy. */
export interface CrmPolicies {
  /** Roles and purposes; default {@link defaultCrmAccessPolicy}. */
  readonly access?: CrmAccessPolicy;
  /** The complaint SLA policy (from `defineSlaPolicy`); default `defaultComplaintSlaPolicy`. */
  readonly complaintSla?: SlaPolicy;
  /** Dealers with their own SLA policy, by dealer id. */
  readonly complaintSlaByDealer?: Readonly<Record<string, SlaPolicy>>;
  /** How merges choose field values; default `defaultSurvivorshipPolicy`. */
  readonly survivorship?: SurvivorshipPolicyInput;
  /** The churn-risk weights of the retention job; default `defaultChurnRiskPolicy`. */
  readonly churnRisk?: ChurnRiskPolicy;
  /** Encryption and retention limits. */
  readonly privacy?: CrmPrivacyPolicy;
}

/** Options of {@link createCrm}. */
export interface CreateCrmOptions {
  /** A storage serving {@link crmStorageRegistry} with transactions and an outbox. */
  readonly storage: CrmFacadeStorage;
  /** The loyalty programs members may belong to (from `defineLoyaltyProgram`). */
  readonly programs?: readonly LoyaltyProgram[];
  readonly policies?: CrmPolicies;
  /** Business calendars (from `defineBusinessCalendar`) by dealer id, `default` for the others: working days of contact plans. */
  readonly calendars?: Readonly<Record<string, BusinessCalendar>>;
  /** The clock; default the system clock. */
  readonly clock?: Clock;
  /** Makes ids (request ids, generated case and event ids); default `crypto.randomUUID`. */
  readonly ids?: () => string;
  /** The keys; required unless `policies.privacy.encryptedFields` is `[]`. */
  readonly keys?: CrmKeyOptions;
  /** The outbox stream events go to; default `crm-events`. */
  readonly outboxStreamId?: string;
  /** How often a call that lost a race is run again (default 200 times) and the longest pause between runs in ms (default 50). */
  readonly retry?: { readonly maxAttempts?: number; readonly maxDelayMs?: number };
}

/**
 * The service facade: every method takes `(context, input)` — the context
 * names the tenant, the actor (user, role, dealer) and the purpose — and
 * validates, authorises, runs in one storage transaction, is idempotent
 * where it writes (by the input's `idempotencyKey`), audits in the
 * hash-chained audit stream and emits an outbox event.
 */
export interface Crm {
  /** Customers: upsert, lookups by mobile, identity number and VIN, merges, the 360° view, consents, interactions. */
  readonly customers: CrmCustomerService;
  /** Vehicles and ownerships. */
  readonly vehicles: CrmVehicleService;
  /** Sales and repair orders, with loyalty accrual. */
  readonly transactions: CrmTransactionService;
  /** Loyalty: enrolment, accrual, redemption, reversal, adjustment, benefits, balance and tier. */
  readonly loyalty: CrmLoyaltyService;
  /** Complaint cases, SLA clocks and escalations. */
  readonly complaints: CrmComplaintService;
  /** Consent-checked contact lists and contact plans. */
  readonly marketing: CrmMarketingService;
  /** Segmentation and retention jobs over a whole tenant or dealer. */
  readonly jobs: CrmJobService;
  /** PIPL rights: export, erasure, retention limits. */
  readonly privacy: CrmPrivacyService;
  /** Re-encryption after a key rotation. */
  readonly keys: CrmKeyService;
  /** Audit trails and chain verification. */
  readonly audit: CrmAuditService;
  /** The storage the facade works on. */
  readonly storage: CrmFacadeStorage;
  /** The access policy in force. */
  readonly accessPolicy: CrmAccessPolicy;
}

const systemClock: Clock = Object.freeze({ now: () => new Date() });
const randomIds = () => globalThis.crypto.randomUUID();

function isFrozenObject(value: unknown): boolean {
  return value !== null && typeof value === 'object' && Object.isFrozen(value);
}

function buildRuntime(options: CreateCrmOptions): CrmRuntime {
  if (options === null || typeof options !== 'object') throw new ValidationError([{ path: 'options', message: 'expected the options of createCrm' }]);
  const issues: ValidationIssue[] = [];
  const issue = (path: string, message: string) => issues.push({ path, message });
  const storage = checkCrmStorage(options.storage, 'options.storage');
  const policies = options.policies ?? {};
  const access = checkAccessPolicy(policies.access, 'options.policies.access');

  const programs = new Map<string, LoyaltyProgram>();
  (options.programs ?? []).forEach((program, index) => {
    if (!isFrozenObject(program) || typeof program.id !== 'string') issue(`options.programs[${index}]`, 'expected a program returned by defineLoyaltyProgram');
    else if (programs.has(program.id)) issue(`options.programs[${index}].id`, `program ${program.id} is given twice`);
    else programs.set(program.id, program);
  });

  if (policies.complaintSla !== undefined && !isDefinedSlaPolicy(policies.complaintSla)) issue('options.policies.complaintSla', 'expected a policy returned by defineSlaPolicy');
  const slaByDealer = new Map<string, SlaPolicy>();
  for (const [dealerId, policy] of Object.entries(policies.complaintSlaByDealer ?? {})) {
    if (!isDefinedSlaPolicy(policy)) issue(`options.policies.complaintSlaByDealer.${dealerId}`, 'expected a policy returned by defineSlaPolicy');
    else slaByDealer.set(dealerId, policy);
  }
  const calendars = new Map<string, BusinessCalendar>();
  for (const [key, calendar] of Object.entries(options.calendars ?? {})) {
    if (!isDefinedBusinessCalendar(calendar)) issue(`options.calendars.${key}`, 'expected a calendar returned by defineBusinessCalendar');
    else calendars.set(key, calendar);
  }

  const privacy = policies.privacy ?? {};
  const encrypted = new Set<CrmPersonalField>();
  (privacy.encryptedFields ?? defaultCrmEncryptedFields).forEach((field, index) => {
    if (!CrmPersonalFieldSchema.safeParse(field).success) issue(`options.policies.privacy.encryptedFields[${index}]`, `expected one of ${CrmPersonalFieldSchema.options.join(', ')}`);
    else encrypted.add(field);
  });
  const prospectRetentionDays = privacy.prospectRetentionDays ?? 1095;
  if (!Number.isInteger(prospectRetentionDays) || prospectRetentionDays < 1) issue('options.policies.privacy.prospectRetentionDays', 'expected a whole number of days, at least 1');

  const keys = options.keys;
  let ring: CrmKeyRing | null = null;
  if (keys === undefined) {
    if (encrypted.size > 0) issue('options.keys', `keys are required: ${[...encrypted].join(', ')} are encrypted before they reach storage (pass { provider }, or policies.privacy.encryptedFields: [] to store them in clear)`);
  } else {
    const provider = keys?.provider as Partial<CrmKeyProvider> | undefined;
    if (provider === undefined || typeof provider.currentKeyId !== 'function' || typeof provider.keyIds !== 'function' || typeof provider.keyMaterial !== 'function') {
      issue('options.keys.provider', 'expected a key provider { currentKeyId(), keyIds(), keyMaterial(keyId) } (see createStaticKeyProvider)');
    } else ring = new CrmKeyRing(keys.provider);
    if (keys.perCustomerKeys !== undefined && typeof keys.perCustomerKeys !== 'boolean') issue('options.keys.perCustomerKeys', 'expected a boolean');
  }

  const clock = options.clock ?? systemClock;
  if (typeof clock?.now !== 'function') issue('options.clock', 'expected a clock { now(): Date }');
  const ids = options.ids ?? randomIds;
  if (typeof ids !== 'function') issue('options.ids', 'expected a function returning a new id');
  const outboxStreamId = options.outboxStreamId ?? 'crm-events';
  if (typeof outboxStreamId !== 'string' || !/^[A-Za-z0-9_.:-]{1,128}$/.test(outboxStreamId)) issue('options.outboxStreamId', 'expected a stream id of 1–128 letters, digits, _ . : or -');
  const maxAttempts = options.retry?.maxAttempts ?? 200;
  const maxDelayMs = options.retry?.maxDelayMs ?? 50;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) issue('options.retry.maxAttempts', 'expected a whole number, at least 1');
  if (!Number.isFinite(maxDelayMs) || maxDelayMs < 0) issue('options.retry.maxDelayMs', 'expected a non-negative number of milliseconds');

  let survivorship = defaultSurvivorshipPolicy;
  let churnRisk = defaultChurnRiskPolicy;
  try {
    if (policies.survivorship !== undefined) survivorship = defineSurvivorshipPolicy(policies.survivorship);
    if (policies.churnRisk !== undefined) churnRisk = defineChurnRiskPolicy(policies.churnRisk);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    for (const found of error.issues) issue(`options.policies${found.path === '' ? '' : `.${found.path}`}`, found.message);
  }
  if (issues.length > 0) throw new ValidationError(issues, { label: 'createCrm options' });
  return {
    storage,
    access,
    clock,
    ids,
    ring,
    encrypted,
    perCustomerKeys: keys?.perCustomerKeys === true,
    programs,
    sla: { default: policies.complaintSla ?? defaultComplaintSlaPolicy, byDealer: slaByDealer },
    survivorship,
    churnRisk,
    calendars,
    prospectRetentionDays,
    outboxStreamId,
    retry: { maxAttempts, maxDelayMs },
  };
}

/**
 * Creates the service facade over a storage: customers, vehicles,
 * transactions, loyalty, complaints, marketing, jobs, PIPL rights, keys and
 * audit, each method validating its input, checking the actor's role and
 * purpose, running in one transaction (again, when it loses a race), idempotent where it writes,
 * audited in a hash-chained stream, and emitting an outbox event. Personal
 * fields are encrypted with AES-256-GCM before they reach storage and found
 * again through keyed blind indexes.
 *
 * @throws `ValidationError` naming every bad option: a storage without the
 * facade's registry, transactions or outbox, a program or policy not made by
 * its `define…` function, missing keys while fields are encrypted.
 * @example
 * ```ts
 * const storage = createMemoryStorage({ registry: crmStorageRegistry });
 * const crm = createCrm({ storage, keys: { provider: createStaticKeyProvider({ keys: { k1: key }, currentKeyId: 'k1' }) } });
 * const context = { tenantId: 'group-sh', actor: { userId: 'U-7', role: 'dealer_staff', dealerId: 'D-1' }, purpose: 'customer_service' };
 * await crm.customers.upsert(context, { idempotencyKey: 'upsert-C-1', customer });
 * ```
 */
export function createCrm(options: CreateCrmOptions): Crm {
  const rt = buildRuntime(options);
  return Object.freeze({
    customers: Object.freeze(createCustomerService(rt)),
    vehicles: Object.freeze(createVehicleService(rt)),
    transactions: Object.freeze(createTransactionService(rt)),
    loyalty: Object.freeze(createLoyaltyService(rt)),
    complaints: Object.freeze(createComplaintService(rt)),
    marketing: Object.freeze(createMarketingService(rt)),
    jobs: Object.freeze(createJobService(rt)),
    privacy: Object.freeze(createPrivacyService(rt)),
    keys: Object.freeze(createKeyService(rt)),
    audit: Object.freeze(createAuditService(rt)),
    storage: rt.storage,
    accessPolicy: rt.access,
  });
}
