import { z } from 'zod';
import { DEFAULT_TIME_ZONE, InstantSchema, TimeZoneSchema, invalid, parse } from '../../core/index.js';
import { normalizeCnMobile } from '../identifiers/mobile.js';
import { validateResidentId } from '../identifiers/resident-id.js';
import type { Customer, CustomerInput } from '../models/customer.js';
import { identityKeys, type IdentityKey } from '../identity/identity-keys.js';
import { clusterCustomers, parseCustomers } from '../identity/resolve-identities.js';
import { DAY_MS, ageInYears, calendarDateIn, compareStrings, median } from '../internal/util.js';

/** The customer fields the scorecard measures. */
export type QualityField = 'name' | 'mobile' | 'email' | 'wechat' | 'address' | 'birthday' | 'gender' | 'idNumber' | 'organisationCode';

/** Fill and validity of one field over a set of customers. */
export interface FieldQuality {
  readonly field: QualityField;
  /** Customers the field applies to (birthday, gender and ID number: persons; organisation code: organisations). */
  readonly applicable: number;
  /** Applicable customers that have the field. */
  readonly filled: number;
  /** `filled / applicable`, a fraction; `null` when nothing applies. */
  readonly fillRate: number | null;
  /** Filled values that a validity rule could judge (e.g. only resident ID numbers, not passports). */
  readonly assessed: number;
  /** Assessed values that passed. */
  readonly valid: number;
  /** `valid / assessed`, a fraction; `null` when nothing was assessed (or the field has no validity rule). */
  readonly validityRate: number | null;
  /** The number of failures by rule (e.g. `{ check_character: 3, region: 1 }`), sorted by rule. */
  readonly issues: Readonly<Record<string, number>>;
}

/** How long ago personal data was last verified with the customer. */
export interface StalenessReport {
  /** Verified more than this many days ago (or never) counts as stale. */
  readonly staleAfterDays: number;
  /** Customers never verified (`lastVerifiedAt` absent). */
  readonly neverVerified: number;
  /** Customers stale: never verified or verified more than `staleAfterDays` ago. */
  readonly stale: number;
  /** `stale / customers`; `null` for no customers. */
  readonly staleShare: number | null;
  /** The median of whole days since verification over verified customers; `null` when none is verified. */
  readonly medianDaysSinceVerified: number | null;
  /** Verified customers by whole days since verification: `minDays ≤ days ≤ maxDays` (`maxDays` null: no upper bound). */
  readonly buckets: readonly { readonly minDays: number; readonly maxDays: number | null; readonly count: number }[];
}

/** Duplicate records found by identity resolution. */
export interface DuplicateReport {
  /** Distinct parties (clusters). */
  readonly clusterCount: number;
  /** Records beyond the first of their cluster. */
  readonly duplicateRecords: number;
  /** `duplicateRecords / customers`; `null` for no customers. */
  readonly duplicateRate: number | null;
  /** Records that are in a cluster of two or more. */
  readonly recordsInDuplicateClusters: number;
  /** The size of the largest cluster. */
  readonly largestCluster: number;
}

/** The data-quality scorecard of a set of customers. */
export interface DataQualityScorecard {
  readonly customerCount: number;
  /** Per field fill and validity, in the order of {@link QualityField}. */
  readonly fields: readonly FieldQuality[];
  readonly staleness: StalenessReport;
  readonly duplicates: DuplicateReport;
}

/** The result of {@link assessDataQuality}: the whole base, and per dealer when asked. */
export interface DataQualityReport extends DataQualityScorecard {
  readonly asOf: Date;
  /** Per dealer of record (duplicates counted within the dealer), sorted by dealer id; present when `byDealer` is set. */
  readonly dealers?: readonly (DataQualityScorecard & { readonly dealerId: string })[];
}

/** Options for {@link assessDataQuality}. */
export interface DataQualityOptions {
  /** The instant of the assessment (a Date or an ISO string with offset). */
  readonly asOf: Date | string;
  /** Days after which a verification is stale; default 365. */
  readonly staleAfterDays?: number;
  /** Upper bounds (days, ascending) of the staleness buckets; default `[90, 180, 365, 730]`. */
  readonly stalenessBucketsDays?: readonly number[];
  /** Also score each dealer of record separately. */
  readonly byDealer?: boolean;
  /** The identity keys for duplicate detection; default all (see {@link resolveIdentities}). */
  readonly identityKeys?: readonly IdentityKey[];
  /** The youngest plausible customer age in full years (a birthday implying less is implausible); default 18. */
  readonly minAgeYears?: number;
  /** The oldest plausible age in full years; default 120. */
  readonly maxAgeYears?: number;
  /** The zone for calendar days (ages); default `Asia/Shanghai`. */
  readonly timeZone?: string;
}

const OptionsSchema = z
  .strictObject({
    asOf: InstantSchema,
    staleAfterDays: z.number().int().positive().default(365),
    stalenessBucketsDays: z
      .array(z.number().int().nonnegative())
      .min(1)
      .refine((list) => list.every((value, index) => index === 0 || value > list[index - 1]!), { error: 'bucket bounds must be strictly ascending' })
      .default([90, 180, 365, 730]),
    byDealer: z.boolean().default(false),
    identityKeys: z.array(z.enum(identityKeys as [IdentityKey, ...IdentityKey[]])).min(1).optional(),
    minAgeYears: z.number().int().nonnegative().default(18),
    maxAgeYears: z.number().int().positive().max(200).default(120),
    timeZone: TimeZoneSchema.default(DEFAULT_TIME_ZONE),
  })
  .refine((options) => options.minAgeYears < options.maxAgeYears, { path: ['minAgeYears'], error: 'minAgeYears must be below maxAgeYears' });

type Options = z.output<typeof OptionsSchema>;

const NAME_PLACEHOLDERS = new Set(
  ['未知', '不详', '无', '无名', '匿名', '客户', '先生', '女士', '小姐', '测试', 'test', 'unknown', 'n/a', 'na', 'none', 'null', '-', '--', 'xxx', '.', '?', '？'],
);
const HONORIFIC_ONLY = /^\p{Script=Han}{1,2}(先生|女士|小姐|老师|师傅|总)$/u;
const EMAIL_LOCAL = /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const EMAIL_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const EMAIL_PLACEHOLDER_LOCALS = new Set(['test', 'none', 'null', 'na', 'noemail', 'nomail', 'noreply', 'no-reply', 'xxx', 'unknown', 'example', '123', '123456', '000000', '111111']);
const RESERVED_DOMAINS = /(^|\.)(example\.(com|net|org)|test|invalid|example|localhost)$/;

/** Why an e-mail address is implausible, or `undefined` when it is plausible. */
function emailIssue(email: string): string | undefined {
  const at = email.lastIndexOf('@');
  const local = email.slice(0, at);
  const domain = email.slice(at + 1);
  const labels = domain.split('.');
  const syntax =
    local.length >= 1 &&
    local.length <= 64 &&
    EMAIL_LOCAL.test(local) &&
    labels.length >= 2 &&
    labels.every((label) => EMAIL_LABEL.test(label)) &&
    /^[a-z]{2,}$/.test(labels[labels.length - 1]!);
  if (!syntax) return 'syntax';
  if (EMAIL_PLACEHOLDER_LOCALS.has(local) || RESERVED_DOMAINS.test(domain)) return 'placeholder';
  return undefined;
}

function nameIssue(customer: Customer): string | undefined {
  const name = customer.name.trim();
  if (NAME_PLACEHOLDERS.has(name.toLowerCase())) return 'placeholder';
  if (!/\p{L}/u.test(name)) return 'no_letters';
  if (customer.kind === 'person' && HONORIFIC_ONLY.test(name)) return 'honorific_only';
  return undefined;
}

/** One field's tally while scanning. */
class Tally {
  applicable = 0;
  filled = 0;
  assessed = 0;
  valid = 0;
  readonly issues = new Map<string, number>();
  /** Records one customer: not applicable, empty, filled but not judged, valid, or an issue code. */
  add(applicable: boolean, filled: boolean, verdict?: string | null): void {
    if (!applicable) return;
    this.applicable++;
    if (!filled) return;
    this.filled++;
    if (verdict === undefined) return;
    this.assessed++;
    if (verdict === null) this.valid++;
    else this.issues.set(verdict, (this.issues.get(verdict) ?? 0) + 1);
  }
  result(field: QualityField): FieldQuality {
    const issues: Record<string, number> = {};
    for (const key of [...this.issues.keys()].sort(compareStrings)) issues[key] = this.issues.get(key)!;
    return {
      field,
      applicable: this.applicable,
      filled: this.filled,
      fillRate: this.applicable === 0 ? null : this.filled / this.applicable,
      assessed: this.assessed,
      valid: this.valid,
      validityRate: this.assessed === 0 ? null : this.valid / this.assessed,
      issues,
    };
  }
}

const FIELDS: readonly QualityField[] = ['name', 'mobile', 'email', 'wechat', 'address', 'birthday', 'gender', 'idNumber', 'organisationCode'];

function scorecard(customers: readonly Customer[], options: Options, today: string, asOfMs: number): DataQualityScorecard {
  const tallies = new Map(FIELDS.map((field) => [field, new Tally()]));
  const tally = (field: QualityField) => tallies.get(field)!;
  const days: number[] = [];
  let neverVerified = 0;
  for (const customer of customers) {
    const person = customer.kind === 'person';
    const points = customer.contactPoints;
    tally('name').add(true, true, nameIssue(customer) ?? null);

    const mobiles = points.filter((point) => point.kind === 'mobile');
    const badMobile = mobiles.some((point) => point.value.startsWith('+86') && !normalizeCnMobile(point.value).valid);
    tally('mobile').add(true, mobiles.length > 0, badMobile ? 'not_mainland_mobile' : null);

    const emails = points.filter((point) => point.kind === 'email');
    const emailVerdict = emails.map((point) => emailIssue(point.value)).find((issue) => issue !== undefined);
    tally('email').add(true, emails.length > 0, emailVerdict ?? null);
    tally('wechat').add(true, points.some((point) => point.kind === 'wechat'));
    tally('address').add(true, points.some((point) => point.kind === 'address'));

    const resident = person && customer.idNumber !== undefined && (customer.idType ?? 'resident_id') === 'resident_id';
    const id = resident
      ? validateResidentId(customer.idNumber!, { asOf: options.asOf, maxAgeYears: options.maxAgeYears, timeZone: options.timeZone })
      : undefined;
    tally('idNumber').add(person, customer.idNumber !== undefined, id === undefined ? undefined : id.valid ? null : id.reason);

    let birthdayVerdict: string | null = null;
    if (customer.birthday !== undefined) {
      if (customer.birthday > today) birthdayVerdict = 'born_after_as_of';
      else if (ageInYears(customer.birthday, today) < options.minAgeYears) birthdayVerdict = 'too_young';
      else if (ageInYears(customer.birthday, today) > options.maxAgeYears) birthdayVerdict = 'too_old';
      else if (id?.valid === true && id.birthDate !== customer.birthday) birthdayVerdict = 'mismatch_id_number';
    }
    tally('birthday').add(person, customer.birthday !== undefined, birthdayVerdict);

    const comparable = customer.gender === 'male' || customer.gender === 'female';
    const genderVerdict = comparable && id?.valid === true ? (id.sex === customer.gender ? null : 'mismatch_id_number') : undefined;
    tally('gender').add(person, customer.gender !== undefined, genderVerdict);
    tally('organisationCode').add(!person, customer.organisationCode !== undefined);

    if (customer.lastVerifiedAt === undefined) neverVerified++;
    else days.push(Math.floor((asOfMs - customer.lastVerifiedAt.getTime()) / DAY_MS));
  }

  const bounds = options.stalenessBucketsDays;
  const buckets = [...bounds, null].map((maxDays, index) => ({
    minDays: index === 0 ? 0 : bounds[index - 1]! + 1,
    maxDays,
    count: days.filter((d) => d >= (index === 0 ? 0 : bounds[index - 1]! + 1) && (maxDays === null || d <= maxDays)).length,
  }));
  const stale = neverVerified + days.filter((d) => d > options.staleAfterDays).length;

  const resolution = clusterCustomers(customers, options.identityKeys === undefined ? {} : { keys: options.identityKeys });
  let inDuplicates = 0;
  let largest = 0;
  for (const cluster of resolution.clusters) {
    if (cluster.customerIds.length > 1) inDuplicates += cluster.customerIds.length;
    largest = Math.max(largest, cluster.customerIds.length);
  }
  const n = customers.length;
  return {
    customerCount: n,
    fields: FIELDS.map((field) => tally(field).result(field)),
    staleness: {
      staleAfterDays: options.staleAfterDays,
      neverVerified,
      stale,
      staleShare: n === 0 ? null : stale / n,
      medianDaysSinceVerified: days.length === 0 ? null : median(days),
      buckets,
    },
    duplicates: {
      clusterCount: resolution.clusterCount,
      duplicateRecords: resolution.duplicateCount,
      duplicateRate: n === 0 ? null : resolution.duplicateCount / n,
      recordsInDuplicateClusters: inDuplicates,
      largestCluster: largest,
    },
  };
}

/**
 * The data-quality scorecard an OEM runs over its dealers' customer data:
 * per field the fill rate and the validity rate, how stale the verification
 * of personal data is, and how many records are duplicates of one real
 * person — for the whole base and, with `byDealer`, per dealer of record.
 *
 * Validity goes beyond what `CustomerSchema` already enforces (a record that
 * fails the schema is rejected, not scored):
 * - name — not a placeholder (`未知`, `test`, `-`), has letters, and for a person not an
 *   honorific alone (`王先生`, `李女士`);
 * - mobile — a `+86` number is a real mainland mobile number (`1[3-9]` + 9 digits);
 * - email — strict syntax, not a placeholder (`test@…`, `noreply@…`) or reserved domain (`example.com`);
 * - idNumber — resident identity numbers pass {@link validateResidentId} as of `asOf`
 *   (other documents are counted as filled but not assessed);
 * - birthday — not after `asOf`, an age between `minAgeYears` (18) and `maxAgeYears` (120), and the
 *   birth date of a valid resident identity number;
 * - gender — agrees with the sex a valid resident identity number encodes;
 * - wechat, address, organisationCode — fill only.
 *
 * Staleness counts whole days (24-hour periods) from `lastVerifiedAt` to `asOf`. Duplicates come from
 * {@link resolveIdentities} with `identityKeys` (within each dealer for the per-dealer cards).
 *
 * @throws `ValidationError` for a malformed record, a repeated id, a `lastVerifiedAt` after
 * `asOf`, or malformed options (`options.asOf` not an instant, …).
 * @example
 * ```ts
 * const report = assessDataQuality(customers, { asOf: '2024-06-30T00:00:00+08:00', byDealer: true });
 * report.fields.find((f) => f.field === 'idNumber'); // { fillRate: 0.62, validityRate: 0.97, issues: { check_character: 4 }, ... }
 * ```
 */
export function assessDataQuality(customers: readonly CustomerInput[], options: DataQualityOptions): DataQualityReport {
  const opts = parse(OptionsSchema, options, { path: 'options', label: 'data-quality options' });
  const records = parseCustomers(customers);
  const asOfMs = opts.asOf.getTime();
  records.forEach((customer, index) => {
    if (customer.lastVerifiedAt !== undefined && customer.lastVerifiedAt.getTime() > asOfMs) {
      invalid(`customers[${index}].lastVerifiedAt`, `lastVerifiedAt ${customer.lastVerifiedAt.toISOString()} is after asOf ${opts.asOf.toISOString()}`);
    }
  });
  const today = calendarDateIn(opts.asOf, opts.timeZone);
  const overall = scorecard(records, opts, today, asOfMs);
  if (!opts.byDealer) return { asOf: opts.asOf, ...overall };
  const byDealer = new Map<string, Customer[]>();
  for (const customer of records) {
    const list = byDealer.get(customer.dealerId);
    if (list === undefined) byDealer.set(customer.dealerId, [customer]);
    else list.push(customer);
  }
  const dealers = [...byDealer.keys()].sort(compareStrings).map((dealerId) => ({ dealerId, ...scorecard(byDealer.get(dealerId)!, opts, today, asOfMs) }));
  return { asOf: opts.asOf, ...overall, dealers };
}
