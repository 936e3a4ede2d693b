import type { EarningBreakdown, LedgerEntry, LedgerEntryKind } from '../ledger-entry.js';
import { creditFor, type CreditBasis } from './earning-rules.js';
import type { ProgramContext } from './context.js';
import { EffectGroups, type EffectGroup } from './effect-groups.js';
import type { TierEngine } from './tier-engine.js';

/** The kinds of entry that record events. */
export type FactKind = Exclude<LedgerEntryKind, 'expire'>;

/** Order of facts at the same instant: credits first, reversals last. */
const FACT_RANK: Readonly<Record<FactKind, number>> = { earn: 0, adjust: 1, redeem: 2, benefit: 3, reverse: 4 };

/**
 * An event as the replay sees it, whether read back from a fact entry or
 * about to be written.
 *
 * @internal
 */
export interface ReplayFact {
  readonly key: string;
  readonly kind: FactKind;
  readonly memberId: string;
  readonly atMs: number;
  /** The lot an earn or positive adjustment creates. */
  readonly lot: { readonly availableAtMs: number; readonly expiresAtMs: number } | null;
  /** Points the lot holds as recorded (or as computed, for a new bonus or adjustment); see {@link recordFact}. */
  credit: number;
  /** For transaction earns: how to rate them, and the tier they were last rated in (null: not yet). */
  readonly rating: { readonly basis: CreditBasis; recordedTierId: string | null } | null;
  /** Points a redemption or negative adjustment spends. */
  readonly spend: number;
  readonly targetKey: string | null;
  readonly qualifyingPoints: number;
  readonly qualifyingSpendMinor: number;
  readonly benefit: { readonly benefitId: string; readonly quantity: number } | null;
  /** The fact entry it was read from or recorded in; null for a fact being written. */
  entry: LedgerEntry | null;
}

/**
 * A {@link ReplayFact} from its fields — given in the interface's order at
 * every call site, so that all facts share one object shape.
 *
 * @internal
 */
export function makeFact(fields: ReplayFact): ReplayFact {
  return fields;
}

/**
 * Records a written fact in place: its fact entry, the credit its lot
 * holds, and the tier it was rated in. (A fact is recorded once, right after
 * the replay that computed the entry applied it; nothing reads these fields
 * of an applied fact again.)
 *
 * @internal
 */
export function recordFact(fact: ReplayFact, entry: LedgerEntry, credit: number, ratedTierId: string | null): void {
  fact.entry = entry;
  fact.credit = credit;
  if (fact.rating !== null && ratedTierId !== null) fact.rating.recordedTierId = ratedTierId;
}

/** Total order of facts: time, then rank (credits first, reversals last), then key (code-unit order). @internal */
export function compareFacts(a: ReplayFact, b: ReplayFact): number {
  if (a.atMs !== b.atMs) return a.atMs - b.atMs;
  if (a.kind !== b.kind) return FACT_RANK[a.kind] - FACT_RANK[b.kind];
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

/** A lot during the replay. @internal */
export interface LotState {
  readonly key: string;
  readonly memberId: string;
  readonly atMs: number;
  readonly availableAtMs: number;
  readonly expiresAtMs: number;
  readonly credit: number;
  remaining: number;
  lapsed: boolean;
  lapsedPoints: number;
  reversedBy: string | null;
}

/** Something that consumes points: a redemption, a negative adjustment or a reversal. @internal */
export interface Consumer {
  readonly key: string;
  readonly kind: FactKind;
  readonly memberId: string;
  /** Points drawn from other lots (spends; a reversal's claw-back and debt settlements), by lot, in draw order. */
  readonly draws: Map<string, number>;
  debtOutstanding: number;
  forgiven: number;
  queued: boolean;
}

/** Lifetime totals of a replay, by the kind of entry that moved the points. @internal */
export interface ReplayTotals {
  earned: number;
  adjusted: number;
  redeemed: number;
  expired: number;
  reversed: number;
}

/** Options of a {@link LedgerReplay}. @internal */
export interface ReplayOptions {
  /** Collect effect groups (for writes). */
  collect: boolean;
  /** Rate transaction earns by the projected tier (null: use recorded credits). */
  tiers: TierEngine | null;
  /** Members whose recorded earns may be re-rated (their records are known). */
  rerateMembers: ReadonlySet<string> | null;
}

/**
 * The ledger's meaning: its facts replayed in time order (not arrival
 * order). Lots are credited, spends draw from lots oldest expiry first
 * (then oldest earned, then key), lots lapse at their expiry, reversals take
 * back what is left of their lot and treat the already-spent part by the
 * program's policy, debts are settled from the next lots. Because the result
 * depends only on the set of facts and their timestamps, replaying events in
 * any order of arrival gives the same balances.
 *
 * @internal
 */
export class LedgerReplay {
  readonly ctx: ProgramContext;
  readonly options: ReplayOptions;
  readonly lots = new Map<string, LotState>();
  /** Unlapsed lots sorted by expiry, earn time, key. */
  readonly live: LotState[] = [];
  readonly facts = new Map<string, ReplayFact>();
  readonly debts: Consumer[] = [];
  readonly groups = new EffectGroups();
  readonly totals: ReplayTotals = { earned: 0, adjusted: 0, redeemed: 0, expired: 0, reversed: 0 };
  readonly ratings = new Map<string, EarningBreakdown>();
  collect: boolean;
  debtTotal = 0;
  forgivenTotal = 0;
  nowMs = Number.NEGATIVE_INFINITY;
  // Made on first use: most replays (earns only) never spend.
  private consumerMap: Map<string, Consumer> | null = null;
  private shortfallMap: Map<string, number> | null = null;
  private availableBeforeMap: Map<string, number> | null = null;

  constructor(ctx: ProgramContext, options: ReplayOptions) {
    this.ctx = ctx;
    this.options = options;
    this.collect = options.collect;
  }

  /** Spends and reversals by key. */
  get consumers(): Map<string, Consumer> {
    return (this.consumerMap ??= new Map());
  }

  /** Points a spend could not fund, by its key. */
  get shortfalls(): Map<string, number> {
    return (this.shortfallMap ??= new Map());
  }

  /** Points available just before a spend (collected writes only), by its key. */
  get availableBefore(): Map<string, number> {
    return (this.availableBeforeMap ??= new Map());
  }

  /** Lapses every lot whose expiry is at or before `ms`, and moves the tiers on. */
  advanceTo(ms: number): void {
    if (ms < this.nowMs) return;
    while (this.live.length > 0 && this.live[0]!.expiresAtMs <= ms) {
      const lot = this.live.shift()!;
      lot.lapsed = true;
      if (lot.remaining > 0) {
        this.move('expire', lot.key, lot.memberId, lot.expiresAtMs, lot.key, -lot.remaining);
        lot.lapsedPoints += lot.remaining;
        lot.remaining = 0;
      }
    }
    this.options.tiers?.advanceTo(ms);
    this.nowMs = ms;
  }

  /** Applies one fact; facts must come in {@link compareFacts} order. */
  apply(fact: ReplayFact): void {
    this.advanceTo(fact.atMs);
    this.facts.set(fact.key, fact);
    switch (fact.kind) {
      case 'earn':
        this.createLot(fact, this.creditOf(fact));
        break;
      case 'adjust':
        if (fact.lot !== null) this.createLot(fact, fact.credit);
        else if (fact.spend > 0) this.spend(fact);
        break;
      case 'redeem':
        this.spend(fact);
        break;
      case 'reverse':
        this.reverse(fact);
        break;
      case 'benefit':
        break;
    }
    this.contribute(fact);
  }

  /** Points spendable at the current instant `ms` (lots available by then). */
  availableAt(ms: number): number {
    let sum = 0;
    for (const lot of this.live) if (lot.availableAtMs <= ms) sum += lot.remaining;
    return sum;
  }

  private creditOf(fact: ReplayFact): number {
    const rating = fact.rating;
    const tiers = this.options.tiers;
    if (tiers === null) return fact.credit;
    if (rating === null) {
      // A bonus: flat points; record the tier it was earned in, for the entry.
      if (fact.entry === null) this.ratings.set(fact.key, flatBreakdown(this.ctx, fact.credit, tiers.effectiveIndex(fact.memberId, fact.atMs)));
      return fact.credit;
    }
    if (rating.recordedTierId !== null && !(this.options.rerateMembers?.has(fact.memberId) ?? false)) return fact.credit;
    const index = tiers.effectiveIndex(fact.memberId, fact.atMs);
    if (rating.recordedTierId === this.ctx.tierId(index)) return fact.credit;
    const credit = creditFor(this.ctx, rating.basis, index);
    this.ratings.set(fact.key, credit.breakdown);
    return credit.points;
  }

  private contribute(fact: ReplayFact): void {
    const tiers = this.options.tiers;
    if (tiers === null) return;
    contributeFact(this.ctx, tiers, fact, this.facts);
  }

  private createLot(fact: ReplayFact, credit: number): void {
    const lotInfo = fact.lot!;
    const lot: LotState = {
      key: fact.key,
      memberId: fact.memberId,
      atMs: fact.atMs,
      availableAtMs: lotInfo.availableAtMs,
      expiresAtMs: lotInfo.expiresAtMs,
      credit,
      remaining: credit,
      lapsed: false,
      lapsedPoints: 0,
      reversedBy: null,
    };
    this.lots.set(lot.key, lot);
    if (credit !== 0) this.move(fact.kind, fact.key, fact.memberId, fact.atMs, lot.key, credit);
    insertLot(this.live, lot);
    this.settleDebts(lot, fact.atMs);
  }

  private settleDebts(lot: LotState, atMs: number): void {
    while (this.debts.length > 0 && lot.remaining > 0) {
      const owner = this.debts[0]!;
      const amount = Math.min(owner.debtOutstanding, lot.remaining);
      lot.remaining -= amount;
      this.move(owner.kind, owner.key, owner.memberId, atMs, lot.key, -amount);
      addDraw(owner, lot.key, amount);
      this.changeDebt(owner, atMs, -amount);
    }
  }

  private consumer(fact: ReplayFact): Consumer {
    const consumer: Consumer = { key: fact.key, kind: fact.kind, memberId: fact.memberId, draws: new Map(), debtOutstanding: 0, forgiven: 0, queued: false };
    this.consumers.set(fact.key, consumer);
    return consumer;
  }

  private spend(fact: ReplayFact): void {
    const consumer = this.consumer(fact);
    if (this.collect) this.availableBefore.set(fact.key, this.availableAt(fact.atMs));
    const drawn = this.draw(consumer, fact.spend, fact.atMs, true);
    const shortfall = fact.spend - drawn;
    if (shortfall > 0) {
      this.shortfalls.set(fact.key, shortfall);
      if (this.ctx.program.reversal.shortfall === 'forgive') this.changeForgiven(consumer, fact.atMs, shortfall);
      else this.changeDebt(consumer, fact.atMs, shortfall);
    }
  }

  /** Draws up to `need` points from live lots (spendable ones only when `availableOnly`). */
  private draw(consumer: Consumer, need: number, atMs: number, availableOnly: boolean): number {
    let drawn = 0;
    for (const lot of this.live) {
      if (drawn === need) break;
      if (lot.remaining === 0 || (availableOnly && lot.availableAtMs > atMs)) continue;
      const amount = Math.min(lot.remaining, need - drawn);
      lot.remaining -= amount;
      drawn += amount;
      this.move(consumer.kind, consumer.key, consumer.memberId, atMs, lot.key, -amount);
      addDraw(consumer, lot.key, amount);
    }
    return drawn;
  }

  private reverse(fact: ReplayFact): void {
    const target = this.facts.get(fact.targetKey ?? '');
    const reversal = this.consumer(fact);
    if (target === undefined) return;
    const lot = this.lots.get(target.key);
    if (lot !== undefined) {
      const take = lot.remaining;
      if (take > 0) {
        lot.remaining = 0;
        this.move('reverse', fact.key, fact.memberId, fact.atMs, lot.key, -take);
      }
      lot.reversedBy = fact.key;
      const shortfall = lot.credit - take - lot.lapsedPoints;
      if (shortfall <= 0) return;
      const policy = this.ctx.program.reversal.shortfall;
      let rest = shortfall;
      if (policy === 'claw_back') {
        rest -= this.draw(reversal, shortfall, fact.atMs, false);
      }
      if (rest === 0) return;
      if (policy === 'forgive') this.changeForgiven(reversal, fact.atMs, rest);
      else this.changeDebt(reversal, fact.atMs, rest);
      return;
    }
    const spent = this.consumers.get(target.key);
    if (spent === undefined) return;
    for (const [lotKey, amount] of [...spent.draws]) {
      if (amount === 0) continue;
      this.restore(this.lots.get(lotKey)!, amount, reversal, fact.atMs);
    }
    spent.draws.clear();
    if (spent.debtOutstanding > 0) this.transferDebtRelease(spent, reversal, fact.atMs);
    if (spent.forgiven > 0) {
      this.changeForgiven(reversal, fact.atMs, -spent.forgiven);
      spent.forgiven = 0;
    }
  }

  /** Cancels a reversed spend's outstanding debt, recorded on the reversal. */
  private transferDebtRelease(spent: Consumer, reversal: Consumer, atMs: number): void {
    const amount = spent.debtOutstanding;
    spent.debtOutstanding = 0;
    this.dequeue(spent);
    this.debtTotal -= amount;
    this.recordDebt(reversal, atMs, -amount);
  }

  /** Returns `amount` points to a lot a spend (or claw-back) drew from. */
  private restore(lot: LotState, amount: number, by: Consumer, atMs: number): void {
    this.move('reverse', by.key, by.memberId, atMs, lot.key, amount);
    if (lot.reversedBy !== null) {
      this.returnToReverser(lot, amount, atMs);
    } else if (lot.lapsed) {
      this.move('expire', lot.key, lot.memberId, atMs, lot.key, -amount);
      lot.lapsedPoints += amount;
    } else {
      lot.remaining += amount;
    }
  }

  /**
   * Points returned to a lot that was itself reversed belong to its
   * reversal, which needed them: they cancel its debt first, then go back to
   * the lots it clawed from (latest first), then undo what it forgave.
   */
  private returnToReverser(lot: LotState, amount: number, atMs: number): void {
    const reverser = this.consumers.get(lot.reversedBy!)!;
    this.move('reverse', reverser.key, reverser.memberId, atMs, lot.key, -amount);
    let left = amount;
    const debt = Math.min(left, reverser.debtOutstanding);
    if (debt > 0) {
      this.changeDebt(reverser, atMs, -debt);
      left -= debt;
    }
    for (const [lotKey, drawn] of [...reverser.draws].reverse()) {
      if (left === 0) break;
      const back = Math.min(left, drawn);
      if (back === 0) continue;
      reverser.draws.set(lotKey, drawn - back);
      this.restore(this.lots.get(lotKey)!, back, reverser, atMs);
      left -= back;
    }
    const forgiven = Math.min(left, reverser.forgiven);
    if (forgiven > 0) this.changeForgiven(reverser, atMs, -forgiven);
  }

  private changeDebt(owner: Consumer, atMs: number, delta: number): void {
    owner.debtOutstanding += delta;
    this.debtTotal += delta;
    if (owner.debtOutstanding > 0 && !owner.queued) {
      owner.queued = true;
      this.debts.push(owner);
    } else if (owner.debtOutstanding === 0) this.dequeue(owner);
    this.recordDebt(owner, atMs, delta);
  }

  private dequeue(owner: Consumer): void {
    if (!owner.queued) return;
    owner.queued = false;
    const index = this.debts.indexOf(owner);
    if (index >= 0) this.debts.splice(index, 1);
  }

  private recordDebt(owner: Consumer, atMs: number, delta: number): void {
    if (this.collect) this.group(owner.kind, owner.key, owner.memberId, atMs).debt += delta;
  }

  private changeForgiven(owner: Consumer, atMs: number, delta: number): void {
    owner.forgiven += delta;
    this.forgivenTotal += delta;
    if (this.collect) this.group(owner.kind, owner.key, owner.memberId, atMs).forgiven += delta;
  }

  private move(kind: LedgerEntryKind, eventKey: string, memberId: string, atMs: number, lotKey: string, points: number): void {
    switch (kind) {
      case 'earn':
        this.totals.earned += points;
        break;
      case 'adjust':
        this.totals.adjusted += points;
        break;
      case 'redeem':
        this.totals.redeemed -= points;
        break;
      case 'expire':
        this.totals.expired -= points;
        break;
      case 'reverse':
        this.totals.reversed -= points;
        break;
      case 'benefit':
        break;
    }
    if (!this.collect) return;
    this.group(kind, eventKey, memberId, atMs).movements.add(lotKey, points);
  }

  /** The effect group of an event at an instant, created on first use. */
  group(kind: LedgerEntryKind, eventKey: string, memberId: string, atMs: number): EffectGroup {
    return this.groups.at(kind, eventKey, memberId, atMs);
  }
}

/**
 * Feeds a fact's qualifying amount to the tiers: earns and adjustments add
 * theirs at their own time; a reversal takes its target's back, counted in
 * the target's window but effective from the reversal.
 *
 * @internal
 */
export function contributeFact(ctx: ProgramContext, tiers: TierEngine, fact: ReplayFact, facts: ReadonlyMap<string, ReplayFact>): void {
  const byPoints = ctx.program.tiers.basis === 'qualifying_points';
  if (fact.kind === 'earn' || fact.kind === 'adjust') {
    const amount = byPoints ? fact.qualifyingPoints : fact.qualifyingSpendMinor;
    tiers.contribute(fact.memberId, fact.atMs, amount, fact.atMs);
  } else if (fact.kind === 'reverse') {
    const target = facts.get(fact.targetKey ?? '');
    if (target === undefined) return;
    const amount = byPoints ? target.qualifyingPoints : target.qualifyingSpendMinor;
    tiers.contribute(target.memberId, target.atMs, -amount, fact.atMs);
  }
}

/** The breakdown of a flat bonus earned in tier `tierIndex`. @internal */
export function flatBreakdown(ctx: ProgramContext, points: number, tierIndex: number): EarningBreakdown {
  return {
    basePoints: points,
    tierId: ctx.tierId(tierIndex),
    tierMultiplier: 1,
    tierBonusPoints: 0,
    campaignId: null,
    campaignMultiplier: 1,
    campaignBonusPoints: 0,
    capPoints: null,
    cappedPoints: 0,
  };
}

function addDraw(consumer: Consumer, lotKey: string, amount: number): void {
  consumer.draws.set(lotKey, (consumer.draws.get(lotKey) ?? 0) + amount);
}

function compareLots(a: LotState, b: LotState): number {
  if (a.expiresAtMs !== b.expiresAtMs) return a.expiresAtMs - b.expiresAtMs;
  if (a.atMs !== b.atMs) return a.atMs - b.atMs;
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

function insertLot(live: LotState[], lot: LotState): void {
  let hi = live.length;
  if (hi === 0 || compareLots(live[hi - 1]!, lot) <= 0) {
    live.push(lot);
    return;
  }
  let lo = 0;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (compareLots(live[mid]!, lot) <= 0) lo = mid + 1;
    else hi = mid;
  }
  live.splice(lo, 0, lot);
}
