import { z } from 'zod';
import { deepFreeze, parse, ValidationError } from '../core/index.js';

/**
 * What an actor may do through the facade. Each service method needs one:
 * - `customers.read` / `customers.write` — read (get, find, 360° view) or write customers, consents, interactions;
 * - `customers.merge` — merge duplicate customers into a golden record;
 * - `vehicles.read` / `vehicles.write` — vehicles and ownerships;
 * - `transactions.write` — record sales and repair orders (with loyalty accrual);
 * - `loyalty.read` / `loyalty.write` — balances, tiers, benefits / enrol, accrue, redeem, reverse, adjust, use benefits;
 * - `complaints.read` / `complaints.write` — read cases and SLA clocks / open, transition, reply, escalate;
 * - `marketing.list` — build contact lists and contact plans;
 * - `jobs.run` — segmentation and retention jobs over a whole tenant or dealer;
 * - `rights.export` / `rights.erase` — PIPL access and deletion requests, retention limits;
 * - `audit.read` — audit queries and chain verification;
 * - `keys.manage` — the re-encryption job after a key rotation.
 */
export const crmPermissions = Object.freeze([
  'customers.read',
  'customers.write',
  'customers.merge',
  'vehicles.read',
  'vehicles.write',
  'transactions.write',
  'loyalty.read',
  'loyalty.write',
  'complaints.read',
  'complaints.write',
  'marketing.list',
  'jobs.run',
  'rights.export',
  'rights.erase',
  'audit.read',
  'keys.manage',
] as const);

/** A permission; see {@link crmPermissions}. */
export type CrmPermission = (typeof crmPermissions)[number];

/** A permission, validated; see {@link crmPermissions}. */
export const CrmPermissionSchema = z.enum(crmPermissions);

/**
 * How much personal data a role sees under a purpose: `full` (clear values),
 * `masked` (`138****5678`, `王*`, `110***********002X`, the birth year only,
 * an address without its street) or `none` (personal fields left out).
 */
export const CrmDataVisibilitySchema = z.enum(['full', 'masked', 'none']);

/** How much personal data a role sees; see {@link CrmDataVisibilitySchema}. */
export type CrmDataVisibility = z.infer<typeof CrmDataVisibilitySchema>;

/** A role or purpose name: snake_case, 1–64 characters. */
export const CrmAccessNameSchema = z
  .string({ error: 'expected a snake_case name' })
  .regex(/^[a-z][a-z0-9_]{0,63}$/, { error: 'expected a snake_case name of at most 64 characters, such as dealer_staff' });

/**
 * A role: its scope (`dealer`: the actor must name a dealer and sees only
 * that dealer's customers, cases and members; `group`: every dealer of the
 * tenant), its permissions, the purposes it may act under, and how much
 * personal data it sees under each purpose (`byPurpose`, else `default`).
 */
export const CrmRoleSchema = z.strictObject({
  description: z.string().trim().min(1).max(500),
  scope: z.enum(['dealer', 'group']),
  permissions: z.array(CrmPermissionSchema),
  purposes: z.array(CrmAccessNameSchema).min(1, { error: 'a role acts under at least one purpose' }),
  personalData: z.strictObject({
    default: CrmDataVisibilitySchema,
    byPurpose: z.record(CrmAccessNameSchema, CrmDataVisibilitySchema).default({}),
  }),
});

/** A role of the access policy; see {@link CrmRoleSchema}. */
export type CrmRole = z.output<typeof CrmRoleSchema>;

/**
 * The access policy: the purposes of processing the tenant declares (PIPL
 * requires a specific purpose for every use of personal information) and the
 * roles with what each may do and see. Plain data, checked by
 * {@link defineCrmAccessPolicy}.
 */
export const CrmAccessPolicySchema = z
  .strictObject({
    purposes: z.record(CrmAccessNameSchema, z.strictObject({ description: z.string().trim().min(1).max(500) })),
    roles: z.record(CrmAccessNameSchema, CrmRoleSchema),
  })
  .superRefine((policy, ctx) => {
    for (const [name, role] of Object.entries(policy.roles)) {
      role.purposes.forEach((purpose, index) => {
        if (!Object.hasOwn(policy.purposes, purpose)) {
          ctx.addIssue({ code: 'custom', path: ['roles', name, 'purposes', index], message: `purpose ${purpose} is not declared in purposes` });
        }
      });
      for (const purpose of Object.keys(role.personalData.byPurpose)) {
        if (!role.purposes.includes(purpose)) {
          ctx.addIssue({ code: 'custom', path: ['roles', name, 'personalData', 'byPurpose', purpose], message: `role ${name} does not act under purpose ${purpose}` });
        }
      }
    }
  });

/** An access policy as accepted by {@link defineCrmAccessPolicy}. */
export type CrmAccessPolicyInput = z.input<typeof CrmAccessPolicySchema>;
/** A checked, frozen access policy; see {@link CrmAccessPolicySchema}. */
export type CrmAccessPolicy = z.output<typeof CrmAccessPolicySchema>;

/**
 * Checks an access policy and returns it parsed and deeply frozen.
 *
 * @throws `ValidationError` naming each broken rule (an undeclared purpose, an unknown permission).
 * @example
 * ```ts
 * const policy = defineCrmAccessPolicy({
 *   ...defaultCrmAccessPolicy,
 *   roles: { ...defaultCrmAccessPolicy.roles, call_centre: { ...defaultCrmAccessPolicy.roles.dealer_staff, scope: 'group' } },
 * });
 * ```
 */
export function defineCrmAccessPolicy(input: CrmAccessPolicyInput): CrmAccessPolicy {
  return deepFreeze(parse(CrmAccessPolicySchema, input, { label: 'access policy' })) as CrmAccessPolicy;
}

const dealerWork = ['customer_service', 'sales', 'after_sales', 'complaint_handling', 'loyalty_administration'];
const fullFor = (purposes: readonly string[]) => Object.fromEntries(purposes.map((purpose) => [purpose, 'full' as const]));
const staffPermissions: CrmPermission[] = ['customers.read', 'customers.write', 'vehicles.read', 'vehicles.write', 'transactions.write', 'loyalty.read', 'loyalty.write', 'complaints.read', 'complaints.write'];

/**
 * The default access policy of a dealer group:
 *
 * | role | scope | may | sees personal data |
 * |---|---|---|---|
 * | `dealer_staff` | dealer | customers, vehicles, transactions, loyalty, complaints | in full for dealer work |
 * | `dealer_marketing` | dealer | read customers, contact lists | in full for marketing (to send), masked otherwise |
 * | `dealer_manager` | dealer | as staff, plus merges, contact lists, jobs | in full for dealer work and marketing, masked for analytics |
 * | `group_analyst` | group | read everything, contact lists, jobs, merges | masked, in full only for `data_quality` (resolving duplicates) |
 * | `privacy_officer` | group | PIPL export and erasure, audit | in full for `data_subject_request`, none for audits |
 * | `auditor` | group | audit queries | none |
 * | `system` | group | jobs, retention limits, key rotation, complaint escalations | none |
 */
export const defaultCrmAccessPolicy: CrmAccessPolicy = defineCrmAccessPolicy({
  purposes: {
    customer_service: { description: 'Serving a customer who is in touch: showroom, service lane, call centre.' },
    sales: { description: 'Selling a vehicle: quotes, test drives, contracts, delivery.' },
    after_sales: { description: 'Service, repairs, parts and warranty work.' },
    complaint_handling: { description: 'Handling a complaint against the service promise.' },
    loyalty_administration: { description: 'Running the member program: points, tiers, benefits.' },
    marketing: { description: 'Offers and campaigns to customers who consented.' },
    analytics: { description: 'Segmentation, forecasts and reports; no one customer is the point.' },
    data_quality: { description: 'Finding and merging duplicate records of one person.' },
    data_subject_request: { description: 'A PIPL request of the person: access, copy, deletion.' },
    security_audit: { description: 'Reviewing who accessed what.' },
    data_maintenance: { description: 'Scheduled upkeep: retention limits, key rotation.' },
  },
  roles: {
    dealer_staff: {
      description: "A dealer's sales, service and front-desk staff.",
      scope: 'dealer',
      permissions: staffPermissions,
      purposes: dealerWork,
      personalData: { default: 'masked', byPurpose: fullFor(dealerWork) },
    },
    dealer_marketing: {
      description: "A dealer's marketing staff.",
      scope: 'dealer',
      permissions: ['customers.read', 'loyalty.read', 'marketing.list'],
      purposes: ['marketing', 'analytics'],
      personalData: { default: 'masked', byPurpose: { marketing: 'full' } },
    },
    dealer_manager: {
      description: "A dealer's general or after-sales manager.",
      scope: 'dealer',
      permissions: [...staffPermissions, 'customers.merge', 'marketing.list', 'jobs.run'],
      purposes: [...dealerWork, 'marketing', 'analytics', 'data_quality'],
      personalData: { default: 'masked', byPurpose: { ...fullFor(dealerWork), marketing: 'full', data_quality: 'full' } },
    },
    group_analyst: {
      description: "An analyst of the dealer group or the OEM's regional office.",
      scope: 'group',
      permissions: ['customers.read', 'customers.merge', 'vehicles.read', 'loyalty.read', 'complaints.read', 'marketing.list', 'jobs.run'],
      purposes: ['analytics', 'marketing', 'data_quality'],
      personalData: { default: 'masked', byPurpose: { data_quality: 'full' } },
    },
    privacy_officer: {
      description: 'The personal-information protection officer who answers PIPL requests.',
      scope: 'group',
      permissions: ['customers.read', 'rights.export', 'rights.erase', 'audit.read'],
      purposes: ['data_subject_request', 'security_audit'],
      personalData: { default: 'none', byPurpose: { data_subject_request: 'full' } },
    },
    auditor: {
      description: 'An internal or external auditor.',
      scope: 'group',
      permissions: ['audit.read'],
      purposes: ['security_audit'],
      personalData: { default: 'none', byPurpose: {} },
    },
    system: {
      description: 'Scheduled jobs of the backend.',
      scope: 'group',
      permissions: ['jobs.run', 'rights.erase', 'keys.manage', 'complaints.write'],
      purposes: ['analytics', 'data_maintenance', 'complaint_handling'],
      personalData: { default: 'none', byPurpose: {} },
    },
  },
});

/** Whether `value` is a policy returned by {@link defineCrmAccessPolicy}. @internal */
export function checkAccessPolicy(value: unknown, path: string): CrmAccessPolicy {
  if (value === undefined) return defaultCrmAccessPolicy;
  if (value === null || typeof value !== 'object' || !Object.isFrozen(value)) {
    throw new ValidationError([{ path, message: 'expected an access policy returned by defineCrmAccessPolicy' }]);
  }
  return value as CrmAccessPolicy;
}
