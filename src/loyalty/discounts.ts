import { z } from 'zod';
import { IdSchema, apportion, invalid, parse } from '../core/index.js';
import { TransactionLineSchema, type LineCategory, type PayType } from '../customer/models/index.js';
import type { LoyaltyProgram } from './program.js';
import { unknownTierMessage } from './internal/earning-rules.js';
import { ExactSum, MICRO, divideRounded, toMicro } from './internal/exact.js';
import { checkProgram } from './internal/operation.js';

/** The input of {@link applyMemberDiscounts}: the member's tier and the order lines. */
export const MemberDiscountInputSchema = z.strictObject({
  tierId: IdSchema,
  lines: z.array(TransactionLineSchema).max(10_000),
});
/** The input of {@link applyMemberDiscounts}: the tier the member holds and the order lines (the customer module's transaction lines). */
export type MemberDiscountInput = z.input<typeof MemberDiscountInputSchema>;

/** One order line after member discounts. */
export interface MemberDiscountLine {
  /** The line's position in the input. */
  readonly index: number;
  readonly category: LineCategory;
  readonly payType: PayType;
  /** The line's revenue before the discount, minor units. */
  readonly revenueMinor: number;
  /** The rate applied (0.3 for 30 %); 0 when the line is not discounted. */
  readonly discountRate: number;
  /** The discount, minor units. */
  readonly discountMinor: number;
  /** What remains to pay, minor units. */
  readonly netMinor: number;
}

/** The result of {@link applyMemberDiscounts}. */
export interface MemberDiscountResult {
  readonly tierId: string;
  readonly lines: readonly MemberDiscountLine[];
  /** Per discounted category: the eligible revenue, the rate and the discount (rounded once on the total). */
  readonly byCategory: Partial<Record<LineCategory, { readonly eligibleMinor: number; readonly rate: number; readonly discountMinor: number }>>;
  readonly totalBeforeMinor: number;
  readonly discountMinor: number;
  readonly totalAfterMinor: number;
}

/**
 * Applies a tier's member discounts (labor 30 % off, parts 5 % off) to the
 * lines of an order, in integer minor units. Only lines paid by the
 * program's `discountPayTypes` (default: the customer) are discounted — a
 * warranty line is the OEM's. Each category's discount is computed exactly
 * on its eligible total and rounded once (half up, or down when the program
 * says `floor`), then split over its lines by the largest-remainder method,
 * so line discounts add up exactly to the category's rounded discount.
 *
 * @throws `ValidationError` for an unknown tier or a bad line.
 * @example
 * ```ts
 * const { discountMinor, lines } = applyMemberDiscounts(program, { tierId: 'platinum', lines: order.lines });
 * ```
 */
export function applyMemberDiscounts(program: LoyaltyProgram, input: MemberDiscountInput): MemberDiscountResult {
  const ctx = checkProgram(program);
  const parsed = parse(MemberDiscountInputSchema, input, { path: 'input', label: 'order to discount' });
  const tierIndex = ctx.tierIndex.get(parsed.tierId);
  if (tierIndex === undefined) invalid('input.tierId', unknownTierMessage(ctx, parsed.tierId));
  const tier = ctx.program.tiers.levels[tierIndex]!;
  const payTypes = new Set(ctx.program.benefits.discountPayTypes);
  const rounding = ctx.program.benefits.discountRounding;
  const discounts = new Array<number>(parsed.lines.length).fill(0);
  const byCategory: MemberDiscountResult['byCategory'] = {};
  for (const [category, rate] of Object.entries(tier.discounts) as [LineCategory, number][]) {
    if (rate === 0) continue;
    const micro = toMicro(rate);
    const indexes: number[] = [];
    const exact = new ExactSum();
    let eligible = 0;
    parsed.lines.forEach((line, index) => {
      if (line.category !== category || !payTypes.has(line.payType)) return;
      indexes.push(index);
      exact.add(line.revenueMinor, micro);
      eligible += line.revenueMinor;
    });
    if (indexes.length === 0) continue;
    const total = divideRounded(exact.value(), MICRO, rounding);
    const parts = apportion(total, indexes.map((index) => parsed.lines[index]!.revenueMinor));
    indexes.forEach((lineIndex, k) => {
      discounts[lineIndex] = parts[k]!;
    });
    byCategory[category] = { eligibleMinor: eligible, rate, discountMinor: total };
  }
  let before = 0;
  let discount = 0;
  const lines = parsed.lines.map((line, index) => {
    const discountMinor = discounts[index]!;
    before += line.revenueMinor;
    discount += discountMinor;
    return {
      index,
      category: line.category,
      payType: line.payType,
      revenueMinor: line.revenueMinor,
      discountRate: discountMinor > 0 || (payTypes.has(line.payType) && (tier.discounts[line.category] ?? 0) > 0) ? (tier.discounts[line.category] ?? 0) : 0,
      discountMinor,
      netMinor: line.revenueMinor - discountMinor,
    };
  });
  return { tierId: tier.id, lines, byCategory, totalBeforeMinor: before, discountMinor: discount, totalAfterMinor: before - discount };
}
