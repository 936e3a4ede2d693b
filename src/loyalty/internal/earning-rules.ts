import { CrmError } from '../../core/index.js';
import type { Transaction } from '../../customer/models/index.js';
import type { EarningBreakdown } from '../ledger-entry.js';
import type { ProgramContext } from './context.js';
import { ExactSum, MICRO, applyMicro, divideRounded } from './exact.js';

/** The tier-independent part of an earn, as recorded on the entry. @internal */
export interface CreditBasis {
  readonly basePoints: number;
  readonly campaignId: string | null;
  readonly campaignMultiplierMicro: number;
  readonly capPoints: number | null;
}

/** What a transaction earns before any tier (its {@link CreditBasis}) and its eligible revenue. @internal */
export interface TransactionBase extends CreditBasis {
  readonly eligibleRevenueMinor: number;
}

/**
 * Base points of a transaction: the exact sum of eligible revenue × rate
 * (per currency unit), rounded once by the program's rule. Lines paid under an
 * excluded pay type, repair orders of an excluded service kind and vehicle
 * sales of an excluded kind earn nothing and are not qualifying spend.
 *
 * @internal
 */
export function transactionBase(ctx: ProgramContext, transaction: Transaction): TransactionBase {
  // Sums in plain numbers while they stay safe integers (always, for real amounts); an `ExactSum` redoes any that does not.
  let small = 0;
  let safe = true;
  let eligible = 0;
  if (transaction.type === 'vehicle_sale') {
    if (!ctx.excludedSaleKinds.has(transaction.saleKind)) {
      small = transaction.revenueMinor * ctx.vehicleRateMicro;
      safe = Number.isSafeInteger(small);
      eligible = transaction.revenueMinor;
    }
  } else if (transaction.type !== 'repair_order' || !ctx.excludedServiceKinds.has(transaction.serviceKind)) {
    const rates = ctx.orderRatesMicro[transaction.type];
    for (const line of transaction.lines) {
      if (ctx.excludedPayTypes.has(line.payType)) continue;
      eligible += line.revenueMinor;
      const rate = rates[line.category];
      if (rate !== undefined && rate !== 0) {
        const product = line.revenueMinor * rate;
        small += product;
        if (!Number.isSafeInteger(product) || !Number.isSafeInteger(small)) safe = false;
      }
    }
  }
  const campaign = ctx.campaignFor(transaction.type, transaction.at.getTime());
  return {
    basePoints: divideRounded(safe ? small : exactBase(ctx, transaction), MICRO * ctx.minorPerUnit, ctx.program.earning.rounding),
    campaignId: campaign?.id ?? null,
    campaignMultiplierMicro: campaign?.multiplierMicro ?? MICRO,
    capPoints: ctx.program.earning.maxPointsPerTransaction[transaction.type] ?? null,
    eligibleRevenueMinor: eligible,
  };
}

/** Σ eligible revenue × rate of a transaction, exactly (for sums beyond the safe integers). */
function exactBase(ctx: ProgramContext, transaction: Transaction): number | bigint {
  const sum = new ExactSum();
  if (transaction.type === 'vehicle_sale') {
    if (!ctx.excludedSaleKinds.has(transaction.saleKind)) sum.add(transaction.revenueMinor, ctx.vehicleRateMicro);
  } else if (transaction.type !== 'repair_order' || !ctx.excludedServiceKinds.has(transaction.serviceKind)) {
    const rates = ctx.orderRatesMicro[transaction.type];
    for (const line of transaction.lines) {
      if (ctx.excludedPayTypes.has(line.payType)) continue;
      const rate = rates[line.category];
      if (rate !== undefined && rate !== 0) sum.add(line.revenueMinor, rate);
    }
  }
  return sum.value();
}

/**
 * The points a transaction earns in tier `tierIndex`: base + tier bonus
 * (`base × (m − 1)`) + campaign bonus (`base × (c − 1)`), each bonus rounded
 * by the program's rule, then capped.
 *
 * @internal
 */
export function creditFor(ctx: ProgramContext, basis: CreditBasis, tierIndex: number): RatedCredit {
  const rounding = ctx.program.earning.rounding;
  const tierMicro = ctx.multiplierMicro(tierIndex);
  const tierBonusPoints = applyMicro(basis.basePoints, tierMicro - MICRO, rounding);
  const campaignBonusPoints = applyMicro(basis.basePoints, basis.campaignMultiplierMicro - MICRO, rounding);
  const uncapped = basis.basePoints + tierBonusPoints + campaignBonusPoints;
  const points = basis.capPoints === null ? uncapped : Math.min(uncapped, basis.capPoints);
  return {
    points,
    breakdown: {
      basePoints: basis.basePoints,
      tierId: ctx.tierId(tierIndex),
      tierMultiplier: tierMicro / MICRO,
      tierBonusPoints,
      campaignId: basis.campaignId,
      campaignMultiplier: basis.campaignMultiplierMicro / MICRO,
      campaignBonusPoints,
      capPoints: basis.capPoints,
      cappedPoints: uncapped - points,
    },
  };
}

/** The points of an earn and how they were computed. @internal */
export interface RatedCredit {
  readonly points: number;
  readonly breakdown: EarningBreakdown;
}

/** Checks that a transaction is in the program's currency. @internal */
export function checkCurrency(ctx: ProgramContext, transaction: Transaction, path: string): void {
  if (transaction.currency !== ctx.program.currency) {
    throw new CrmError(
      'CURRENCY_MISMATCH',
      `${path}: the program earns on ${ctx.program.currency} but transaction ${transaction.id} is in ${transaction.currency}`,
      { details: { path, expected: ctx.program.currency, actual: transaction.currency } },
    );
  }
}

/** "expected one of the program's tiers (silver, gold), got "x"". @internal */
export function unknownTierMessage(ctx: ProgramContext, tierId: string): string {
  return `expected one of the program's tiers (${[...ctx.tierIndex.keys()].join(', ')}), got ${JSON.stringify(tierId)}`;
}
