import type { LoyaltyMember } from '../member.js';
import type { LoyaltyTierChangeCause as TierChangeCause } from '../tier-status.js';
import type { DayMemo } from './calendar.js';
import type { ProgramContext } from './context.js';


/** One change of a member's earned tier. @internal */
export interface TierChangeRecord {
  readonly atMs: number;
  readonly fromIndex: number;
  readonly toIndex: number;
  readonly cause: TierChangeCause;
}

interface Contribution {
  readonly countsAtMs: number;
  readonly amount: number;
}

/** The tier state machine of one member (or one pooled household). @internal */
export class TierTrack {
  /** Contributions sorted by the instant they count at. */
  readonly contributions: Contribution[] = [];
  index = 0;
  sinceMs: number;
  nextReviewMs: number | null = null;
  graceUntilMs: number | null = null;
  readonly history: TierChangeRecord[] = [];

  constructor(startMs: number) {
    this.sinceMs = startMs;
  }
}

const POOLED = '\u0000household';

/**
 * Replays qualifying amounts through the tier rules in time order: upgrade
 * the moment the window reaches a higher threshold; downgrade only at a
 * review (after the grace period, limited by `maxLevelsDown`). Callers must
 * call {@link TierEngine.advanceTo} with non-decreasing instants.
 *
 * @internal
 */
export class TierEngine {
  private readonly ctx: ProgramContext;
  private readonly members: ReadonlyMap<string, LoyaltyMember>;
  private readonly tracks = new Map<string, TierTrack>();
  private readonly pooled: boolean;
  private readonly days: TierDays;
  private nowMs = Number.NEGATIVE_INFINITY;

  constructor(ctx: ProgramContext, members: ReadonlyMap<string, LoyaltyMember>) {
    this.ctx = ctx;
    this.members = members;
    this.pooled = ctx.program.pooling.tiers === 'household';
    this.days = tierDaysOf(ctx);
  }

  /** The track of a member (the household's when tiers are pooled). */
  track(memberId: string): TierTrack {
    const id = this.pooled ? POOLED : memberId;
    let track = this.tracks.get(id);
    if (track === undefined) {
      track = new TierTrack(this.members.get(memberId)?.joinedAt.getTime() ?? this.nowMs);
      this.tracks.set(id, track);
    }
    return track;
  }

  /** Processes every review and grace end up to and including `ms`. */
  advanceTo(ms: number): void {
    if (ms < this.nowMs) return;
    for (const track of this.tracks.values()) this.advanceTrack(track, ms);
    this.nowMs = ms;
  }

  private advanceTrack(track: TierTrack, ms: number): void {
    for (;;) {
      const review = track.nextReviewMs;
      const grace = track.graceUntilMs;
      if (grace !== null && grace <= ms && (review === null || grace <= review)) this.endGrace(track, grace);
      else if (review !== null && review <= ms) this.review(track, review);
      else return;
    }
  }

  private review(track: TierTrack, atMs: number): void {
    const qualified = this.qualifiedIndex(track, atMs - 1);
    track.nextReviewMs = null;
    if (qualified >= track.index) {
      track.nextReviewMs = this.nextReview(atMs);
    } else if (this.ctx.program.tiers.graceDays > 0) {
      track.graceUntilMs = this.days.graceEnd.get(atMs, this.days.computeGraceEnd);
    } else {
      this.downgrade(track, atMs, qualified, 'review');
    }
  }

  private endGrace(track: TierTrack, atMs: number): void {
    track.graceUntilMs = null;
    const qualified = this.qualifiedIndex(track, atMs - 1);
    if (qualified >= track.index) track.nextReviewMs = this.nextReview(atMs);
    else this.downgrade(track, atMs, qualified, 'grace_expired');
  }

  private downgrade(track: TierTrack, atMs: number, qualified: number, cause: TierChangeCause): void {
    const maxDown = this.ctx.program.tiers.maxLevelsDown;
    const to = maxDown === undefined ? qualified : Math.max(qualified, track.index - maxDown);
    track.history.push({ atMs, fromIndex: track.index, toIndex: to, cause });
    track.index = to;
    track.sinceMs = atMs;
    track.nextReviewMs = to > 0 ? this.nextReview(atMs) : null;
  }

  /**
   * Adds a qualifying amount (negative for a reversal) counted at
   * `countsAtMs`, effective now (`atMs`), and upgrades at once if the window
   * reaches a higher threshold.
   */
  contribute(memberId: string, countsAtMs: number, amount: number, atMs: number): void {
    if (amount === 0) return;
    const track = this.track(memberId);
    this.advanceTrack(track, atMs);
    insertSorted(track.contributions, { countsAtMs, amount });
    if (amount < 0) return;
    // At the top tier with no grace running, more qualifying can change nothing.
    if (track.index === this.ctx.program.tiers.levels.length - 1 && track.graceUntilMs === null) return;
    const qualified = this.qualifiedIndex(track, atMs);
    if (qualified > track.index) {
      track.history.push({ atMs, fromIndex: track.index, toIndex: qualified, cause: 'upgrade' });
      track.index = qualified;
      track.sinceMs = atMs;
      track.graceUntilMs = null;
      track.nextReviewMs = this.nextReview(atMs);
    } else if (track.graceUntilMs !== null && qualified >= track.index) {
      track.graceUntilMs = null;
      track.nextReviewMs = this.nextReview(atMs);
    }
  }

  /** The earned tier index of a member now. */
  earnedIndex(memberId: string): number {
    return this.track(memberId).index;
  }

  /** The tier index a member holds at `ms` (the earned tier with manual overrides applied). */
  effectiveIndex(memberId: string, ms: number): number {
    const member = this.members.get(memberId);
    const earned = this.earnedIndex(memberId);
    if (member === undefined || member.tierOverrides.length === 0) return earned;
    return applyOverrides(this.ctx, member, earned, ms).index;
  }

  /** The qualifying amount in the window that ends at `ms`. */
  windowSum(track: TierTrack, ms: number): number {
    const start = this.windowStart(ms);
    const list = track.contributions;
    let sum = 0;
    for (let i = lowerBound(list, start); i < list.length; i++) {
      const contribution = list[i]!;
      if (contribution.countsAtMs > ms) break;
      sum += contribution.amount;
    }
    return sum;
  }

  /** The first instant of the window that ends at `ms`. */
  windowStart(ms: number): number {
    return this.days.windowStart.get(ms, this.days.computeWindowStart);
  }

  /** The highest tier whose threshold the window ending at `ms` reaches. */
  qualifiedIndex(track: TierTrack, ms: number): number {
    return indexForAmount(this.ctx, this.windowSum(track, ms));
  }

  /**
   * The next review after `ms` (a tier set at `ms`). Reviews fall at 00:00
   * local, so the answer depends only on the local day of `ms`.
   */
  nextReview(ms: number): number {
    return this.days.nextReview.get(ms, this.days.computeNextReview);
  }
}

/**
 * The day functions of a program's tier rules, with their memos: made once
 * per program context and shared by every engine (one is made per write).
 */
class TierDays {
  private readonly ctx: ProgramContext;
  readonly graceEnd: DayMemo;
  readonly windowStart: DayMemo;
  readonly nextReview: DayMemo;

  constructor(ctx: ProgramContext) {
    this.ctx = ctx;
    const calendar = ctx.calendar;
    this.graceEnd = calendar.memoOf('grace-end');
    this.windowStart = calendar.memoOf(ctx.program.tiers.window.kind === 'calendar_year' ? 'calendar-window' : 'rolling-window');
    this.nextReview = calendar.memoOf(ctx.program.tiers.review.kind === 'anniversary' ? 'anniversary-review' : 'yearly-review');
  }

  readonly computeGraceEnd = (at: number): number => this.ctx.calendar.startOfDayAfterDays(at, this.ctx.program.tiers.graceDays);

  readonly computeWindowStart = (at: number): number => {
    const window = this.ctx.program.tiers.window;
    const calendar = this.ctx.calendar;
    if (window.kind === 'calendar_year') return calendar.startOfYearAfterYears(at, 0);
    return calendar.startOfDayAfterDays(calendar.startOfDayAfterMonths(at, -window.months), 1);
  };

  readonly computeNextReview = (at: number): number => {
    const review = this.ctx.program.tiers.review;
    const calendar = this.ctx.calendar;
    if (review.kind === 'anniversary') return calendar.startOfDayAfterMonths(at, review.months);
    const { year } = calendar.day(at);
    const thisYear = calendar.startOfLocalDay(year, review.month, review.day);
    return thisYear > at ? thisYear : calendar.startOfLocalDay(year + 1, review.month, review.day);
  };
}

const tierDays = new WeakMap<ProgramContext, TierDays>();

function tierDaysOf(ctx: ProgramContext): TierDays {
  let days = tierDays.get(ctx);
  if (days === undefined) {
    days = new TierDays(ctx);
    tierDays.set(ctx, days);
  }
  return days;
}

/** The highest tier whose threshold `amount` reaches. @internal */
export function indexForAmount(ctx: ProgramContext, amount: number): number {
  const levels = ctx.program.tiers.levels;
  let index = 0;
  for (let i = 1; i < levels.length; i++) if (amount >= levels[i]!.threshold) index = i;
  return index;
}

/** The override in force at `ms` and the tier it gives. @internal */
export function applyOverrides(
  ctx: ProgramContext,
  member: LoyaltyMember | undefined,
  earnedIndex: number,
  ms: number,
): { readonly index: number; readonly override: LoyaltyMember['tierOverrides'][number] | null } {
  let active: LoyaltyMember['tierOverrides'][number] | null = null;
  for (const override of member?.tierOverrides ?? []) {
    if (override.from.getTime() > ms) continue;
    if (override.until !== undefined && override.until.getTime() <= ms) continue;
    if (active === null || override.from.getTime() >= active.from.getTime()) active = override;
  }
  if (active === null) return { index: earnedIndex, override: null };
  const overrideIndex = ctx.tierIndex.get(active.tierId) ?? 0;
  return { index: active.mode === 'fixed' ? overrideIndex : Math.max(earnedIndex, overrideIndex), override: active };
}

function insertSorted(list: Contribution[], item: Contribution): void {
  if (list.length === 0 || list[list.length - 1]!.countsAtMs <= item.countsAtMs) {
    list.push(item);
    return;
  }
  list.splice(upperBound(list, item.countsAtMs), 0, item);
}

function lowerBound(list: readonly Contribution[], ms: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]!.countsAtMs < ms) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function upperBound(list: readonly Contribution[], ms: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]!.countsAtMs <= ms) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
