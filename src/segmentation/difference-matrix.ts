import { z } from 'zod';
import { deepFreeze, IdSchema, parse } from '../core/index.js';
import { IssueList, UniqueIds, checkArray, checkMinorUnits, describeValue } from './input-checks.js';

/**
 * The four strategies of the customer difference matrix (value difference ×
 * need difference, after Peppers and Rogers):
 * - `one_to_one` — customers differ a lot in value and in needs: treat each
 *   one individually (named advisors, tailored offers);
 * - `loyalty_building` — values differ a lot, needs hardly: reward the
 *   valuable ones for staying (points, tiers, member benefits);
 * - `niche` — values hardly differ, needs do: target each need group with its
 *   own package (fleet, new drivers, enthusiasts);
 * - `mass_marketing` — neither differs much: one standard offer for all.
 */
export const DifferenceMatrixSegmentSchema = z.enum(['one_to_one', 'loyalty_building', 'niche', 'mass_marketing']);

/** A difference-matrix strategy; see {@link DifferenceMatrixSegmentSchema}. */
export type DifferenceMatrixSegment = z.infer<typeof DifferenceMatrixSegmentSchema>;

const differenceSchema = z
  .number({ error: 'expected a difference measure from 0 to 1' })
  .min(0, { error: 'expected a difference measure of at least 0' })
  .max(1, { error: 'expected a difference measure of at most 1' });

/**
 * Cut points of the difference matrix: a group's value (need) difference is
 * "high" at or above `valueDifferenceCut` (`needDifferenceCut`); both default
 * to 0.5.
 */
export const DifferenceMatrixPolicySchema = z.strictObject({
  valueDifferenceCut: differenceSchema.default(0.5),
  needDifferenceCut: differenceSchema.default(0.5),
});

/** A parsed, frozen difference-matrix policy; see {@link DifferenceMatrixPolicySchema}. */
export type DifferenceMatrixPolicy = z.output<typeof DifferenceMatrixPolicySchema>;
/** A difference-matrix policy as accepted by {@link defineDifferenceMatrixPolicy}. */
export type DifferenceMatrixPolicyInput = z.input<typeof DifferenceMatrixPolicySchema>;

/**
 * Validates a difference-matrix policy and returns it parsed and deeply frozen.
 *
 * @throws ValidationError when a cut is outside 0–1.
 */
export function defineDifferenceMatrixPolicy(input: DifferenceMatrixPolicyInput): DifferenceMatrixPolicy {
  return deepFreeze(parse(DifferenceMatrixPolicySchema, input, { label: 'difference matrix policy' }));
}

/** The default difference-matrix policy: both cuts at 0.5. */
export const defaultDifferenceMatrixPolicy: DifferenceMatrixPolicy = defineDifferenceMatrixPolicy({
  valueDifferenceCut: 0.5,
  needDifferenceCut: 0.5,
});

/**
 * A group of customers to place in the difference matrix — a dealer's whole
 * base, a segment, a model line — with its two measures, each 0–1. Compute
 * them with {@link valueDifference} and {@link needDifference}, or supply your own.
 */
export interface DifferenceMatrixGroup {
  readonly groupId: string;
  /** How much the customers' values differ, 0 (all equal) to 1. */
  readonly valueDifference: number;
  /** How much the customers' needs differ, 0 (all the same) to 1. */
  readonly needDifference: number;
}

/** A group's place in the difference matrix. */
export interface DifferenceMatrixAssignment extends DifferenceMatrixGroup {
  /** The strategy for the group. */
  readonly segment: DifferenceMatrixSegment;
}

const GroupSchema = z.strictObject({ groupId: IdSchema, valueDifference: differenceSchema, needDifference: differenceSchema });

/**
 * Places groups of customers in the customer difference matrix: high value
 * difference and high need difference → one-to-one; high value, low need →
 * loyalty building; low value, high need → niche; low, low → mass marketing.
 * "High" is at or above the policy's cut (default 0.5).
 *
 * @param groups - one row per group: `groupId`, `valueDifference`, `needDifference` (0–1 each); in input order
 * @throws ValidationError for a measure outside 0–1, a bad or duplicate group id, or an invalid policy.
 * @example
 * ```ts
 * classifyDifferenceMatrix([{ groupId: 'fleet', valueDifference: 0.7, needDifference: 0.2 }]);
 * // [{ groupId: 'fleet', ..., segment: 'loyalty_building' }]
 * ```
 */
export function classifyDifferenceMatrix(
  groups: readonly DifferenceMatrixGroup[],
  policy: DifferenceMatrixPolicyInput = defaultDifferenceMatrixPolicy,
): DifferenceMatrixAssignment[] {
  const parsed = defineDifferenceMatrixPolicy(policy);
  const rows = parse(z.array(GroupSchema), groups, { label: 'difference matrix groups', path: 'groups' });
  const issues = new IssueList();
  const unique = new UniqueIds('groups', '.groupId', 'group id');
  rows.forEach((row, index) => unique.check(row.groupId, index, issues));
  issues.throwIfAny('difference matrix groups');
  return rows.map((row) => {
    const highValue = row.valueDifference >= parsed.valueDifferenceCut;
    const highNeed = row.needDifference >= parsed.needDifferenceCut;
    const segment: DifferenceMatrixSegment = highValue ? (highNeed ? 'one_to_one' : 'loyalty_building') : highNeed ? 'niche' : 'mass_marketing';
    return { ...row, segment };
  });
}

/**
 * The value difference of a group of customers: the Gini coefficient of their
 * values (revenue or profit over a window, minor units, non-negative) — the
 * mean absolute difference between two customers taken at random, over twice
 * the mean value. 0 when every customer is worth the same, approaching 1 when
 * one customer is worth everything. 0 for an empty group or all zeros.
 *
 * @param valuesMinor - one value per customer, non-negative integer minor units
 * @throws ValidationError for a negative, fractional or missing value
 * (loss-making customers: pass revenue, or clamp profit at zero).
 * @example
 * ```ts
 * valueDifference([100, 100, 100, 100]); // 0
 * valueDifference([0, 0, 0, 400]); // 0.75
 * ```
 */
export function valueDifference(valuesMinor: readonly number[]): number {
  const issues = new IssueList();
  if (!checkArray(valuesMinor, 'valuesMinor', issues)) issues.throwIfAny('value difference');
  for (let index = 0; index < valuesMinor.length && !issues.full; index++) {
    checkMinorUnits(valuesMinor[index], `valuesMinor[${index}]`, issues, { nonNegative: true, hint: 'pass revenue, or clamp profit at zero' });
  }
  issues.throwIfAny('value difference');
  const sorted = Float64Array.from(valuesMinor).sort();
  const n = sorted.length;
  let total = 0;
  let weighted = 0;
  for (let i = 0; i < n; i++) {
    total += sorted[i]!;
    weighted += (i + 1) * sorted[i]!;
  }
  if (total === 0) return 0;
  // G = Σᵢ Σⱼ |xᵢ − xⱼ| / (2 n² μ) = 2 Σ i·x₍ᵢ₎ / (n Σ x) − (n + 1) / n for ascending x₍ᵢ₎, i from 1.
  return Math.max(0, (2 * weighted) / (n * total) - (n + 1) / n);
}

/**
 * The need difference of a group of customers: the chance that two customers
 * drawn at random (with replacement) have different needs, `1 − Σ pₖ²` over
 * the shares `pₖ` of each need (the Gini–Simpson index). Needs are labels the
 * dealer assigns — the main service reason, the model line, the purchase
 * motive. 0 when everyone has the same need; 0.5 for two needs half and half;
 * 0.9 for ten equally common needs. 0 for an empty group.
 *
 * @param needs - one need label per customer
 * @throws ValidationError for a label that is not a non-empty string.
 * @example
 * ```ts
 * needDifference(['maintenance', 'maintenance', 'accident', 'tyres']); // 1 − (0.25 + 0.0625 + 0.0625) = 0.625
 * ```
 */
export function needDifference(needs: readonly string[]): number {
  const issues = new IssueList();
  if (!checkArray(needs, 'needs', issues)) issues.throwIfAny('need difference');
  const counts = new Map<string, number>();
  needs.forEach((need, index) => {
    if (typeof need !== 'string' || need.length === 0) issues.add(`needs[${index}]`, `expected a need label, a non-empty string, got ${describeValue(need)}`);
    else counts.set(need, (counts.get(need) ?? 0) + 1);
  });
  issues.throwIfAny('need difference');
  const n = needs.length;
  if (n === 0) return 0;
  let concentration = 0;
  for (const count of counts.values()) concentration += (count / n) ** 2;
  return Math.max(0, 1 - concentration);
}
