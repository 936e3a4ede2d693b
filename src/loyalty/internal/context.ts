import { currencyMinorDigits } from '../../core/index.js';
import type { LineCategory, PayType } from '../../customer/models/index.js';
import type { LoyaltyProgram } from '../program.js';
import { ZonedCalendar, type DayMemo } from './calendar.js';
import { IsoInstantFormatter } from './iso-instant.js';
import { MICRO, toMicro } from './exact.js';

/** A campaign with its local days turned into instants: `[startMs, endMs)`. */
export interface CampaignWindow {
  readonly id: string;
  readonly startMs: number;
  readonly endMs: number;
  readonly multiplierMicro: number;
  readonly types: ReadonlySet<string> | null;
}

/** Sentinel expiry of a lot that never expires. */
export const NEVER = Number.POSITIVE_INFINITY;

/**
 * A program compiled for computation: rates in millionths, lookups as maps
 * and sets, campaign days as instants, and a zoned calendar with its memo.
 * Made once per call (or batch) from a frozen program.
 *
 * @internal
 */
export class ProgramContext {
  readonly program: LoyaltyProgram;
  readonly calendar: ZonedCalendar;
  /** Formats instants as `toISOString` does, faster (for payload hashes). */
  readonly iso = new IsoInstantFormatter();
  /** 10^(minor digits of the program currency): minor units per currency unit. */
  readonly minorPerUnit: number;
  readonly vehicleRateMicro: number;
  readonly orderRatesMicro: Readonly<Record<'repair_order' | 'parts_sale', Readonly<Partial<Record<LineCategory, number>>>>>;
  readonly excludedPayTypes: ReadonlySet<PayType>;
  readonly excludedServiceKinds: ReadonlySet<string>;
  readonly excludedSaleKinds: ReadonlySet<string>;
  readonly campaigns: readonly CampaignWindow[];
  readonly tierIndex: ReadonlyMap<string, number>;
  readonly tierMultiplierMicro: readonly number[];
  readonly rewards: ReadonlyMap<string, LoyaltyProgram['rewards'][number]>;

  constructor(program: LoyaltyProgram) {
    this.program = program;
    this.calendar = new ZonedCalendar(program.timeZone);
    this.expiryMemo = this.calendar.memoOf('expiry');
    this.availableMemo = this.calendar.memoOf('available');
    this.minorPerUnit = 10 ** currencyMinorDigits(program.currency);
    const rates = program.earning.rates;
    this.vehicleRateMicro = toMicro(rates.vehicle_sale);
    this.orderRatesMicro = {
      repair_order: microRecord(rates.repair_order),
      parts_sale: microRecord(rates.parts_sale),
    };
    this.excludedPayTypes = new Set(program.earning.excludedPayTypes);
    this.excludedServiceKinds = new Set(program.earning.excludedServiceKinds);
    this.excludedSaleKinds = new Set(program.earning.excludedSaleKinds);
    this.campaigns = program.bonuses.campaigns.map((campaign) => ({
      id: campaign.id,
      startMs: this.calendar.startOfIsoDay(campaign.from),
      endMs: this.calendar.startOfDayAfterDays(this.calendar.startOfIsoDay(campaign.to), 1),
      multiplierMicro: toMicro(campaign.multiplier),
      types: campaign.transactionTypes ? new Set(campaign.transactionTypes) : null,
    }));
    this.tierIndex = new Map(program.tiers.levels.map((level, index) => [level.id, index]));
    this.tierMultiplierMicro = program.tiers.levels.map((level) => toMicro(level.earnMultiplier));
    this.rewards = new Map(program.rewards.map((reward) => [reward.id, reward]));
  }

  /** The tier id at `index`. */
  tierId(index: number): string {
    return this.program.tiers.levels[index]!.id;
  }

  /**
   * The first instant at which points earned at `earnedAtMs` are gone, or
   * {@link NEVER}. `end_of_month` with 24 months: earned 15 March 2024 →
   * 1 April 2026 00:00 local.
   */
  expiresAt(earnedAtMs: number): number {
    if (this.program.expiry.kind === 'never') return NEVER;
    return this.expiryMemo.get(earnedAtMs, this.computeExpiry);
  }

  private readonly expiryMemo: DayMemo;
  private readonly availableMemo: DayMemo;

  private readonly computeExpiry = (ms: number): number => {
    const rule = this.program.expiry;
    const calendar = this.calendar;
    if (rule.kind === 'never') return NEVER;
    if (rule.at === 'end_of_day') return calendar.startOfDayAfterDays(calendar.startOfDayAfterMonths(ms, rule.months), 1);
    if (rule.at === 'end_of_month') return calendar.startOfMonthAfterMonths(ms, rule.months + 1);
    return calendar.startOfYearAfterYears(calendar.startOfMonthAfterMonths(ms, rule.months), 1);
  };

  /** When points earned at `atMs` become spendable (the start of the local day `pendingDays` later, or at once). */
  availableAt(atMs: number): number {
    if (this.program.earning.pendingDays === 0) return atMs;
    return this.availableMemo.get(atMs, this.computeAvailable);
  }

  private readonly computeAvailable = (ms: number): number => this.calendar.startOfDayAfterDays(ms, this.program.earning.pendingDays);

  /** The best campaign for a transaction of `type` at `atMs`, or null. */
  campaignFor(type: string, atMs: number): CampaignWindow | null {
    let best: CampaignWindow | null = null;
    for (const campaign of this.campaigns) {
      if (atMs < campaign.startMs || atMs >= campaign.endMs) continue;
      if (campaign.types !== null && !campaign.types.has(type)) continue;
      if (best === null || campaign.multiplierMicro > best.multiplierMicro) best = campaign;
    }
    return best;
  }

  /** The multiplier of tier `index` in millionths (1.25 → 1,250,000). */
  multiplierMicro(index: number): number {
    return this.tierMultiplierMicro[index] ?? MICRO;
  }
}

function microRecord(rates: Partial<Record<LineCategory, number>>): Partial<Record<LineCategory, number>> {
  const out: Partial<Record<LineCategory, number>> = {};
  for (const [category, rate] of Object.entries(rates) as [LineCategory, number][]) out[category] = toMicro(rate);
  return out;
}

const contexts = new WeakMap<LoyaltyProgram, ProgramContext>();

/**
 * The compiled context of a frozen program, made once and kept while the
 * program is alive. The context is immutable apart from its calendar memo,
 * which only caches results that depend on nothing but the local day (and
 * is bounded), so sharing it across calls changes no result — it only saves
 * the time-zone arithmetic.
 *
 * @internal
 */
export function contextFor(program: LoyaltyProgram): ProgramContext {
  let ctx = contexts.get(program);
  if (ctx === undefined) {
    ctx = new ProgramContext(program);
    contexts.set(program, ctx);
  }
  return ctx;
}
