import type { ComplaintCase } from './case-model.js';
import type { ComplaintStatus } from './case-status.js';
import type { ComplaintCategory, ComplaintSeverity } from './case-taxonomy.js';
import type { SlaMetric } from './sla-policy.js';

/**
 * Where a clock stands: `running` (counting), `paused` (waiting on the
 * customer, or no target applies for the moment), `met` (stopped by its due
 * instant), `breached` (not stopped by its due instant — whether it has
 * stopped since or not), `cancelled` (the case was cancelled, the case was
 * reopened before a follow-up was done, or its target was withdrawn before it
 * stopped). A breach is a fact: nothing that happens later undoes it.
 */
export type SlaClockStatus = 'running' | 'paused' | 'met' | 'breached' | 'cancelled';

/** Why a cycle was cancelled. */
export type SlaCancelReason = 'case_cancelled' | 'reopened' | 'target_withdrawn';

/** One interval during which a clock did not count: the exact audit of a pause. */
export interface SlaPause {
  readonly from: Date;
  /** When the clock resumed or stopped; null while the pause lasts. */
  readonly to: Date | null;
  /** `status`: the case was in one of the policy's pause statuses; `no_target`: the case's severity and category had no target for this metric. */
  readonly reason: 'status' | 'no_target';
  /** The case's status when the pause began. */
  readonly status: ComplaintStatus;
  /** The id of the event that began the pause, and of the one that ended it (null while it lasts). */
  readonly startedBy: string;
  readonly endedBy: string | null;
  /**
   * The business time inside the pause (to the evaluation instant while it
   * lasts) on the calendar the clock was measured on: exactly what the pause
   * took off the clock. Null when the clock had no calendar yet.
   */
  readonly businessMs: number | null;
}

/** One interval during which a clock counted, with the calendar it was measured on. */
export interface SlaRunningInterval {
  readonly from: Date;
  readonly to: Date;
  /** The policy calendar's name. */
  readonly calendar: string;
  /** The business time counted in this interval, in milliseconds. */
  readonly businessMs: number;
}

/** A change of target while a cycle was open (a severity or category change). */
export interface SlaRetarget {
  readonly at: Date;
  readonly eventId: string;
  readonly severity: ComplaintSeverity;
  readonly category: ComplaintCategory;
  /** The target before and after, in milliseconds; null when there was or is none. */
  readonly fromTargetMs: number | null;
  readonly toTargetMs: number | null;
  /** The calendar of the new target; null when there is none. */
  readonly calendar: string | null;
}

/**
 * One cycle of a clock: the first response has one, the resolution one per
 * opening and reopen, the periodic update one per interval between replies,
 * the satisfaction follow-up one per resolution. Times are milliseconds of
 * business time on the target's calendar.
 */
export interface SlaCycle {
  /** 1 for the first cycle of this clock. */
  readonly index: number;
  readonly status: SlaClockStatus;
  /** When the cycle started (an event's instant; on a business calendar the clock counts from the next opening). */
  readonly startedAt: Date;
  readonly startedBy: string;
  /** The target in force at the end (stop or evaluation instant); null when none applies now. */
  readonly targetMs: number | null;
  /** The calendar of that target. */
  readonly calendar: string | null;
  /** Whether the clock pauses in the policy's pause statuses. */
  readonly pausable: boolean;
  /**
   * When the target is reached if nothing else pauses the clock: for a running
   * clock from the evaluation instant; for a met one from its stop; for a
   * breached one, the breach instant. Null while paused or cancelled.
   */
  readonly dueAt: Date | null;
  /** Business time counted, to the stop or the evaluation instant. */
  readonly elapsedMs: number;
  /** `max(0, target - elapsed)`; null without a target. */
  readonly remainingMs: number | null;
  /** The instant the target ran out while the cycle was open; null if it never did. */
  readonly breachedAt: Date | null;
  readonly stoppedAt: Date | null;
  readonly stoppedBy: string | null;
  readonly cancelReason: SlaCancelReason | null;
  readonly pausedIntervals: readonly SlaPause[];
  readonly runningIntervals: readonly SlaRunningInterval[];
  readonly retargets: readonly SlaRetarget[];
}

/**
 * One clock of a case: a metric with its current cycle's figures at the top
 * level and every cycle in `cycles` (the current one last).
 */
export interface SlaClock extends Omit<SlaCycle, 'index'> {
  readonly caseId: string;
  readonly dealerId: string;
  readonly metric: SlaMetric;
  /** The case's severity and category at the evaluation instant. */
  readonly severity: ComplaintSeverity;
  readonly category: ComplaintCategory;
  /** The instant the clock was evaluated at. */
  readonly asOf: Date;
  /** The index of the current cycle. */
  readonly cycleIndex: number;
  /** How many cycles breached. */
  readonly breachCount: number;
  readonly cycles: readonly SlaCycle[];
}

/** Every clock of one case, with the case as its events make it, as of an instant. */
export interface CaseSlaEvaluation {
  readonly caseId: string;
  readonly asOf: Date;
  /** The case record replayed from the events up to `asOf`. */
  readonly complaint: ComplaintCase;
  /** The clocks that have (or had) a target, in the order first response, resolution, periodic update, satisfaction follow-up. */
  readonly clocks: readonly SlaClock[];
}
