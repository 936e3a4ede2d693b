import { z } from 'zod';
import { canonicalJson, deepFreeze, invalid, parse } from '../../core/index.js';
import type { Consent } from '../models/consent.js';
import type { ContactPoint, ContactPointKind } from '../models/contact-point.js';
import type { Customer, CustomerInput } from '../models/customer.js';
import { compareStrings } from '../internal/util.js';
import { parseCustomers } from './resolve-identities.js';

/**
 * A survivorship rule: how to choose between records that both hold a field.
 * - `most_trusted_source` — the record whose `sourceSystem` ranks highest in `sourceTrust`
 *   (a record without one, or with one not listed, ranks below every listed source);
 * - `most_recent` — the record with the latest `updatedAt`;
 * - `most_complete` — the record with the most optional fields filled plus contact points.
 */
export type SurvivorshipRule = 'most_trusted_source' | 'most_recent' | 'most_complete';

/** The customer fields chosen by survivorship, in the order lineage lists them. */
export const survivingFields = Object.freeze([
  'id',
  'type',
  'name',
  'familyName',
  'givenName',
  'gender',
  'birthday',
  'idNumber',
  'organisationCode',
  'dealerId',
  'source',
  'sourceSystem',
  'lifecycleStage',
  'householdId',
  'referredBy',
  'metadata',
] as const satisfies readonly (keyof Customer)[]);

/** A customer field chosen by survivorship (one record's value wins); see {@link survivingFields}. */
export type SurvivingField = (typeof survivingFields)[number];

const RuleSchema = z.enum(['most_trusted_source', 'most_recent', 'most_complete']);

const uniqueList = <T extends z.ZodType>(item: T, what: string) =>
  z.array(item).refine((list) => new Set(list).size === list.length, { error: `${what} may not repeat` });

/**
 * A survivorship policy for {@link mergeCustomers}: the rules applied in
 * order (the first that tells two records apart decides; the smaller record
 * id decides a full tie), the ranking of source systems from most to least
 * trusted, and optional per-field rule orders.
 */
export const SurvivorshipPolicySchema = z.strictObject({
  rules: uniqueList(RuleSchema, 'rules').min(1, { error: 'name at least one survivorship rule' }),
  sourceTrust: uniqueList(z.string().min(1).max(100), 'sourceTrust entries').default([]),
  fieldRules: z.partialRecord(z.enum(survivingFields), uniqueList(RuleSchema, 'rules').min(1)).optional(),
});

/** A survivorship policy as accepted by {@link defineSurvivorshipPolicy}. */
export type SurvivorshipPolicyInput = z.input<typeof SurvivorshipPolicySchema>;
/** A parsed, frozen survivorship policy; see {@link SurvivorshipPolicySchema}. */
export type SurvivorshipPolicy = z.output<typeof SurvivorshipPolicySchema>;

/**
 * Validates a survivorship policy and returns it parsed and deeply frozen.
 *
 * @throws `ValidationError` for an unknown rule, a repeated entry or an unknown field.
 * @example
 * ```ts
 * const policy = defineSurvivorshipPolicy({
 *   ...defaultSurvivorshipPolicy,
 *   sourceTrust: ['oem-hotline', 'dms-sh-01', 'dms-sh-02'],
 *   fieldRules: { birthday: ['most_complete', 'most_recent'] },
 * });
 * ```
 */
export function defineSurvivorshipPolicy(policy: SurvivorshipPolicyInput): SurvivorshipPolicy {
  return deepFreeze(parse(SurvivorshipPolicySchema, policy, { label: 'survivorship policy' }));
}

/** The default survivorship: most trusted source, then most recent, then most complete; no sources ranked. */
export const defaultSurvivorshipPolicy: SurvivorshipPolicy = defineSurvivorshipPolicy({
  rules: ['most_trusted_source', 'most_recent', 'most_complete'],
  sourceTrust: [],
});

/**
 * Why a field of the golden record holds the value it holds:
 * - a {@link SurvivorshipRule} — that rule told the winner from the runner-up;
 * - `only_source` — only one record held the field;
 * - `id_tie_break` — the records tied on every rule; the smaller record id won;
 * - `earliest` / `latest` — `createdAt` is the earliest, `updatedAt` and `lastVerifiedAt` the latest;
 * - `agreed` — every record holds the same value (`kind`);
 * - `follows_id_number` — `idType` comes with the record whose `idNumber` won.
 */
export type MergeReason = SurvivorshipRule | 'only_source' | 'id_tie_break' | 'earliest' | 'latest' | 'agreed' | 'follows_id_number';

/** The lineage of one field of a golden record. */
export interface FieldLineage {
  /** The id of the record the value came from. */
  readonly sourceId: string;
  /** Why that record won. */
  readonly reason: MergeReason;
  /** The ids of every record that held the field, best first. */
  readonly candidateIds: readonly string[];
  /** Whether every candidate held the same value. */
  readonly unanimous: boolean;
}

/** The lineage of one merged contact point. */
export interface ContactPointLineage {
  readonly kind: ContactPointKind;
  /** The contact point's normalised value (an address as canonical JSON). */
  readonly value: string;
  /** The ids of the records that held it, sorted. */
  readonly sourceIds: readonly string[];
  /** How many distinct consent decisions it carries after the union. */
  readonly consentCount: number;
}

/** The result of {@link mergeCustomers}. */
export interface CustomerMerge {
  /** The golden record. */
  readonly customer: Customer;
  /** Per-field lineage; a field no record held has no entry. */
  readonly fields: Readonly<Partial<Record<keyof Customer, FieldLineage>>>;
  /** Where each merged contact point came from, in the golden record's order. */
  readonly contactPoints: readonly ContactPointLineage[];
  /** The ids of the records that carried each tag, by tag. */
  readonly tags: Readonly<Record<string, readonly string[]>>;
  /** The ids of the merged records, sorted. */
  readonly sourceIds: readonly string[];
}

/** Fields every customer record has; the rest count towards completeness. */
const REQUIRED_FIELDS: ReadonlySet<string> = new Set(['id', 'type', 'name', 'dealerId', 'source', 'lifecycleStage']);
const OPTIONAL_FIELDS: readonly (keyof Customer)[] = [...survivingFields.filter((field) => !REQUIRED_FIELDS.has(field)), 'lastVerifiedAt'];

const KIND_ORDER: Readonly<Record<ContactPointKind, number>> = { mobile: 0, phone: 1, email: 2, wechat: 3, address: 4 };

function completeness(customer: Customer): number {
  let filled = customer.contactPoints.length;
  for (const field of OPTIONAL_FIELDS) if (customer[field] !== undefined) filled++;
  return filled;
}

interface Ranked {
  readonly record: Customer;
  readonly trust: number;
  readonly updatedMs: number;
  readonly completeness: number;
}

/** Compares two records under one rule: negative when `a` is better. */
function compareBy(rule: SurvivorshipRule, a: Ranked, b: Ranked): number {
  switch (rule) {
    case 'most_trusted_source':
      return a.trust - b.trust;
    case 'most_recent':
      return b.updatedMs - a.updatedMs;
    case 'most_complete':
      return b.completeness - a.completeness;
  }
}

/** Orders candidates best first under `rules`, ids breaking full ties; says which rule separated the top two. */
function rank(candidates: readonly Ranked[], rules: readonly SurvivorshipRule[]): { order: Ranked[]; reason: MergeReason } {
  const order = [...candidates].sort((a, b) => {
    for (const rule of rules) {
      const diff = compareBy(rule, a, b);
      if (diff !== 0) return diff;
    }
    return compareStrings(a.record.id, b.record.id);
  });
  if (order.length < 2) return { order, reason: 'only_source' };
  const decisive = rules.find((rule) => compareBy(rule, order[0]!, order[1]!) !== 0);
  return { order, reason: decisive ?? 'id_tie_break' };
}

function contactKey(point: ContactPoint): string {
  return point.kind === 'address' ? canonicalJson(point.value) : point.value;
}

function mergeContactPoints(ranked: readonly Ranked[]): { points: ContactPoint[]; lineage: ContactPointLineage[] } {
  interface Acc {
    kind: ContactPointKind;
    key: string;
    value: ContactPoint['value'];
    id?: string;
    primary: boolean;
    verifiedAt?: Date;
    consents: Map<string, Consent>;
    sourceIds: Set<string>;
  }
  const byKey = new Map<string, Acc>();
  const primaryTaken = new Set<ContactPointKind>();
  const usedIds = new Set<string>();
  for (const { record } of ranked) {
    for (const point of record.contactPoints) {
      const key = contactKey(point);
      const mapKey = `${point.kind}\u0000${key}`;
      let acc = byKey.get(mapKey);
      if (acc === undefined) {
        acc = { kind: point.kind, key, value: point.value, primary: false, consents: new Map(), sourceIds: new Set() };
        byKey.set(mapKey, acc);
      }
      acc.sourceIds.add(record.id);
      if (acc.id === undefined && point.id !== undefined && !usedIds.has(point.id)) {
        acc.id = point.id;
        usedIds.add(point.id);
      }
      if (point.primary === true && !primaryTaken.has(point.kind)) {
        acc.primary = true;
        primaryTaken.add(point.kind);
      }
      if (point.verifiedAt !== undefined && (acc.verifiedAt === undefined || point.verifiedAt > acc.verifiedAt)) acc.verifiedAt = point.verifiedAt;
      for (const consent of point.consents) acc.consents.set(canonicalJson(consent), consent);
    }
  }
  const accs = [...byKey.values()].sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || Number(b.primary) - Number(a.primary) || compareStrings(a.key, b.key));
  const points = accs.map((acc) => {
    const consents = [...acc.consents]
      .sort(([ka, a], [kb, b]) => a.at.getTime() - b.at.getTime() || compareStrings(ka, kb))
      .map(([, consent]) => consent);
    return {
      kind: acc.kind,
      value: acc.value,
      ...(acc.id === undefined ? {} : { id: acc.id }),
      ...(acc.primary ? { primary: true } : {}),
      ...(acc.verifiedAt === undefined ? {} : { verifiedAt: acc.verifiedAt }),
      consents,
    } as ContactPoint;
  });
  const lineage = accs.map((acc) => ({ kind: acc.kind, value: acc.key, sourceIds: [...acc.sourceIds].sort(compareStrings), consentCount: acc.consents.size }));
  return { points, lineage };
}

/**
 * Merges records of one real person (a cluster from {@link resolveIdentities})
 * into a golden record, with per-field lineage: for each field, which record's
 * value survived and why. Scalar fields are chosen by the survivorship rules
 * in order — most trusted source system, most recently updated, most
 * complete — with the smaller record id breaking a full tie; `idType` follows
 * the winning `idNumber`; `createdAt` is the earliest, `updatedAt` and
 * `lastVerifiedAt` the latest; the golden `id` is the best record's id.
 * Contact points are unioned (deduplicated by kind and normalised value, their
 * consent histories unioned and deduplicated, `verifiedAt` the latest, one
 * primary per kind from the best record that marks one) and tags unioned.
 *
 * The result does not depend on the order of `records`, and loses nothing:
 * every field held by some record is in the golden record, and so is every
 * contact point and consent decision.
 *
 * @param survivorship - a policy (see {@link defineSurvivorshipPolicy}); default {@link defaultSurvivorshipPolicy}
 * @throws `ValidationError` for no records, a malformed record, a repeated id, records of
 * different kinds (a person and an organisation are never one party), or a malformed policy.
 * @example
 * ```ts
 * const { customer, fields } = mergeCustomers([fromDealerA, fromDealerB], { ...defaultSurvivorshipPolicy, sourceTrust: ['dms-a'] });
 * fields.birthday; // { sourceId: 'A-1', reason: 'most_trusted_source', candidateIds: ['A-1', 'B-9'], unanimous: false }
 * ```
 */
export function mergeCustomers(records: readonly CustomerInput[], survivorship: SurvivorshipPolicyInput = defaultSurvivorshipPolicy): CustomerMerge {
  const parsed = parseCustomers(records, 'records');
  if (parsed.length === 0) invalid('records', 'expected at least one record to merge');
  const policy = parse(SurvivorshipPolicySchema, survivorship, { path: 'survivorship', label: 'survivorship policy' });
  parsed.forEach((record, index) => {
    if (record.kind !== parsed[0]!.kind) {
      invalid(`records[${index}].kind`, `records of one party share a kind: records[0] is a ${parsed[0]!.kind}, this one a ${record.kind}`);
    }
  });
  const trustRank = new Map(policy.sourceTrust.map((source, index) => [source, index]));
  const ranked: Ranked[] = parsed.map((record) => ({
    record,
    trust: record.sourceSystem === undefined ? policy.sourceTrust.length : (trustRank.get(record.sourceSystem) ?? policy.sourceTrust.length),
    updatedMs: record.updatedAt.getTime(),
    completeness: completeness(record),
  }));

  const golden: Record<string, unknown> = {};
  const fields: Partial<Record<keyof Customer, FieldLineage>> = {};
  for (const field of survivingFields) {
    const candidates = ranked.filter((entry) => entry.record[field] !== undefined);
    if (candidates.length === 0) continue;
    const { order, reason } = rank(candidates, policy.fieldRules?.[field] ?? policy.rules);
    const winner = order[0]!.record;
    const value = winner[field];
    golden[field] = value;
    const first = canonicalJson(value);
    fields[field] = {
      sourceId: winner.id,
      reason,
      candidateIds: order.map((entry) => entry.record.id),
      unanimous: order.every((entry) => canonicalJson(entry.record[field]) === first),
    };
    if (field === 'idNumber') {
      golden.idType = winner.idType ?? 'resident_id';
      const holders = order.filter((entry) => entry.record.idType !== undefined).map((entry) => entry.record.id);
      fields.idType = { sourceId: winner.id, reason: 'follows_id_number', candidateIds: holders, unanimous: new Set(order.map((e) => e.record.idType ?? 'resident_id')).size === 1 };
    }
  }
  // An idType without an idNumber (odd, but the schema allows it) still survives.
  const idTypeHolders = ranked.filter((entry) => entry.record.idType !== undefined);
  if (golden.idType === undefined && idTypeHolders.length > 0) {
    const holders = rank(idTypeHolders, policy.rules);
    {
      golden.idType = holders.order[0]!.record.idType;
      fields.idType = {
        sourceId: holders.order[0]!.record.id,
        reason: holders.reason,
        candidateIds: holders.order.map((entry) => entry.record.id),
        unanimous: new Set(holders.order.map((entry) => entry.record.idType)).size === 1,
      };
    }
  }
  const extreme = (field: 'createdAt' | 'updatedAt' | 'lastVerifiedAt', pick: 'earliest' | 'latest') => {
    const holders = ranked.filter((entry) => entry.record[field] !== undefined);
    if (holders.length === 0) return;
    const sign = pick === 'earliest' ? 1 : -1;
    const order = [...holders].sort((a, b) => sign * (a.record[field]!.getTime() - b.record[field]!.getTime()) || compareStrings(a.record.id, b.record.id));
    golden[field] = order[0]!.record[field];
    fields[field] = {
      sourceId: order[0]!.record.id,
      reason: holders.length === 1 ? 'only_source' : pick,
      candidateIds: order.map((entry) => entry.record.id),
      unanimous: new Set(order.map((entry) => entry.record[field]!.getTime())).size === 1,
    };
  };
  extreme('createdAt', 'earliest');
  extreme('updatedAt', 'latest');
  extreme('lastVerifiedAt', 'latest');

  const byId = [...ranked].sort((a, b) => compareStrings(a.record.id, b.record.id));
  golden.kind = parsed[0]!.kind;
  fields.kind = { sourceId: byId[0]!.record.id, reason: parsed.length === 1 ? 'only_source' : 'agreed', candidateIds: byId.map((e) => e.record.id), unanimous: true };

  const recordOrder = rank(ranked, policy.rules).order;
  const { points, lineage } = mergeContactPoints(recordOrder);
  golden.contactPoints = points;
  const tagSources = new Map<string, Set<string>>();
  for (const { record } of ranked) {
    for (const tag of record.tags) {
      let ids = tagSources.get(tag);
      if (ids === undefined) tagSources.set(tag, (ids = new Set()));
      ids.add(record.id);
    }
  }
  const tagNames = [...tagSources.keys()].sort(compareStrings);
  golden.tags = tagNames;
  const tags: Record<string, readonly string[]> = Object.create(null) as Record<string, readonly string[]>;
  for (const tag of tagNames) tags[tag] = [...tagSources.get(tag)!].sort(compareStrings);

  return {
    customer: golden as Customer,
    fields,
    contactPoints: lineage,
    tags,
    sourceIds: byId.map((entry) => entry.record.id),
  };
}
