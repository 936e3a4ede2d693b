import { z } from 'zod';
import { CrmError } from '../core/index.js';

/**
 * The states of a complaint case:
 *
 * - `new` — opened, nobody has answered yet;
 * - `acknowledged` — the customer has been answered (a public reply acknowledges a new case);
 * - `in_progress` — the dealer is working on it;
 * - `waiting_on_customer` — the dealer waits for the customer (SLA clocks pause);
 * - `resolved` — a solution was given; the satisfaction follow-up is due;
 * - `closed` — final; the case can no longer change;
 * - `reopened` — the customer was not satisfied; a new resolution cycle runs;
 * - `cancelled` — final; withdrawn, duplicate or opened in error; running clocks are cancelled.
 */
export const ComplaintStatusSchema = z.enum(['new', 'acknowledged', 'in_progress', 'waiting_on_customer', 'resolved', 'closed', 'reopened', 'cancelled']);

/** The state of a complaint case; see {@link ComplaintStatusSchema}. */
export type ComplaintStatus = z.infer<typeof ComplaintStatusSchema>;

/**
 * The allowed transitions of the case state machine, from each state to the
 * states it may move to. Anything else is an `INVALID_TRANSITION`.
 *
 * | from | to |
 * | --- | --- |
 * | new | acknowledged, in_progress, waiting_on_customer, resolved, cancelled |
 * | acknowledged | in_progress, waiting_on_customer, resolved, cancelled |
 * | in_progress | waiting_on_customer, resolved, cancelled |
 * | waiting_on_customer | in_progress, resolved, cancelled |
 * | reopened | acknowledged, in_progress, waiting_on_customer, resolved, cancelled |
 * | resolved | closed, reopened |
 * | closed | — (final) |
 * | cancelled | — (final) |
 */
export const complaintTransitions: Readonly<Record<ComplaintStatus, readonly ComplaintStatus[]>> = Object.freeze({
  new: Object.freeze(['acknowledged', 'in_progress', 'waiting_on_customer', 'resolved', 'cancelled'] as const),
  acknowledged: Object.freeze(['in_progress', 'waiting_on_customer', 'resolved', 'cancelled'] as const),
  in_progress: Object.freeze(['waiting_on_customer', 'resolved', 'cancelled'] as const),
  waiting_on_customer: Object.freeze(['in_progress', 'resolved', 'cancelled'] as const),
  reopened: Object.freeze(['acknowledged', 'in_progress', 'waiting_on_customer', 'resolved', 'cancelled'] as const),
  resolved: Object.freeze(['closed', 'reopened'] as const),
  closed: Object.freeze([] as const),
  cancelled: Object.freeze([] as const),
});

/** The final states: a case in one of them accepts no more events except, after `closed`, a satisfaction result. */
export const finalComplaintStatuses: readonly ComplaintStatus[] = Object.freeze(['closed', 'cancelled'] as const);

/** Whether the case state machine allows moving from `from` to `to`. */
export function canTransitionComplaint(from: ComplaintStatus, to: ComplaintStatus): boolean {
  return complaintTransitions[from].includes(to);
}

/**
 * Throws unless the case state machine allows moving from `from` to `to`.
 *
 * @throws `CrmError` with `code: 'INVALID_TRANSITION'`, naming both states and the allowed targets.
 */
export function assertComplaintTransition(from: ComplaintStatus, to: ComplaintStatus, caseId?: string): void {
  if (!canTransitionComplaint(from, to)) {
    const allowed = complaintTransitions[from];
    throw new CrmError(
      'INVALID_TRANSITION',
      `A complaint case${caseId === undefined ? '' : ` (${caseId})`} cannot move from ${from} to ${to}; from ${from} it may move to ${allowed.length > 0 ? allowed.join(', ') : 'nothing (final state)'}`,
      { details: { caseId: caseId ?? null, from, to, allowed: [...allowed] } },
    );
  }
}
