import { parse } from '../core/index.js';
import { LoyaltyWriteOptionsSchema, type LoyaltyWriteOptions } from './events.js';
import type { LedgerEntry } from './ledger-entry.js';
import { loyaltyAccountId, type LoyaltyMember, type LoyaltyMemberInput, type LoyaltyTierOverride } from './member.js';
import type { LoyaltyProgram } from './program.js';
import { checkEntries, factsOf } from './internal/ledger-index.js';
import { checkMember, checkProgram } from './internal/operation.js';
import { applyOverrides } from './internal/tier-engine.js';
import { tiersAt } from './internal/tier-replay.js';

/** Why a member's earned tier changed: `upgrade` (at once), `review` (a downgrade at the review date) or `grace_expired` (a downgrade when the grace period ran out). */
export type LoyaltyTierChangeCause = 'upgrade' | 'review' | 'grace_expired';

/** One change of a member's earned tier. */
export interface LoyaltyTierChange {
  readonly at: Date;
  readonly fromTierId: string;
  readonly toTierId: string;
  readonly cause: LoyaltyTierChangeCause;
}

/** A member's tier as of an instant, with progress; see {@link tierStatus}. */
export interface LoyaltyTierStatus {
  readonly asOf: Date;
  readonly memberId: string;
  /** The tier the member holds (earned, with any manual override applied). */
  readonly tierId: string;
  readonly tierName: string;
  /** The tier earned by qualifying amounts alone. */
  readonly earnedTierId: string;
  /** The manual override in force, if any. */
  readonly override: LoyaltyTierOverride | null;
  /** What thresholds measure. */
  readonly basis: LoyaltyProgram['tiers']['basis'];
  /** Qualifying points (or spend, minor units) in the window ending at `asOf`. */
  readonly qualifying: number;
  /** The window: from its first instant to `asOf`. */
  readonly window: { readonly start: Date; readonly end: Date };
  /** The next tier up and how much more qualifying it needs; null at the top. */
  readonly nextTier: { readonly tierId: string; readonly threshold: number; readonly remaining: number } | null;
  /** What keeping the earned tier at the next review needs (the window must reach its threshold). */
  readonly requalify: { readonly threshold: number; readonly remaining: number };
  /** When the earned tier was set. */
  readonly since: Date;
  /** The next review (a downgrade can only happen then); null in the base tier. */
  readonly reviewAt: Date | null;
  /** The end of the grace period, when the member fell short at a review. */
  readonly graceUntil: Date | null;
  /** Every change of the earned tier up to `asOf`. */
  readonly history: readonly LoyaltyTierChange[];
}

/**
 * A member's tier as of `asOf`: the tier held (manual overrides applied) and
 * the tier earned, qualifying progress in the window toward the next tier,
 * what keeping the tier needs, the next review date, any grace period, and
 * the history of changes. Tiers rest on qualifying amounts only — spending
 * or expiring points never lowers them — move up at once and down only at a
 * review.
 *
 * @throws `ValidationError` for a bad member, ledger or `asOf`.
 * @example
 * ```ts
 * const status = tierStatus(program, member, ledger, { asOf });
 * console.log(status.tierId, status.nextTier?.remaining, status.reviewAt);
 * ```
 */
export function tierStatus(program: LoyaltyProgram, member: LoyaltyMemberInput, entries: readonly LedgerEntry[], options: LoyaltyWriteOptions): LoyaltyTierStatus {
  const ctx = checkProgram(program);
  const parsedMember = checkMember(ctx, member);
  const parsed = parse(LoyaltyWriteOptionsSchema, options, { path: 'options' });
  const checked = checkEntries(entries, 'entries', ctx.program.id);
  const members = new Map<string, LoyaltyMember>([[parsedMember.id, parsedMember]]);
  for (const other of parsed.members ?? []) if (loyaltyAccountId(ctx.program, other) === loyaltyAccountId(ctx.program, parsedMember)) members.set(other.id, other);
  const asOfMs = parsed.asOf.getTime();
  const engine = tiersAt(ctx, factsOf(checked, asOfMs), members, asOfMs);
  const track = engine.track(parsedMember.id);
  const qualifying = engine.windowSum(track, asOfMs);
  const levels = ctx.program.tiers.levels;
  const { index, override } = applyOverrides(ctx, parsedMember, track.index, asOfMs);
  const next = levels[track.index + 1];
  const current = levels[track.index]!;
  return {
    asOf: parsed.asOf,
    memberId: parsedMember.id,
    tierId: levels[index]!.id,
    tierName: levels[index]!.name,
    earnedTierId: current.id,
    override,
    basis: ctx.program.tiers.basis,
    qualifying,
    window: { start: new Date(engine.windowStart(asOfMs)), end: parsed.asOf },
    nextTier: next === undefined ? null : { tierId: next.id, threshold: next.threshold, remaining: Math.max(0, next.threshold - qualifying) },
    requalify: { threshold: current.threshold, remaining: Math.max(0, current.threshold - qualifying) },
    since: new Date(track.sinceMs),
    reviewAt: track.nextReviewMs === null ? null : new Date(track.nextReviewMs),
    graceUntil: track.graceUntilMs === null ? null : new Date(track.graceUntilMs),
    history: track.history.map((change) => ({
      at: new Date(change.atMs),
      fromTierId: levels[change.fromIndex]!.id,
      toTierId: levels[change.toIndex]!.id,
      cause: change.cause,
    })),
  };
}
