import { TZDate } from '@date-fns/tz';
import { addDays, addMonths, addWeeks, differenceInCalendarDays, format } from 'date-fns';
import { z } from 'zod';
import { DEFAULT_TIME_ZONE, InstantSchema, TimeZoneSchema, invalid, parse, parseIsoInstant } from '../core/index.js';
import type { ContactChannel } from '../customer/models/index.js';
import { defineContactCadences, type ContactCadence, type ContactCadencesInput } from './contact-cadence.js';
import { readColumns } from './columns.js';
import { IssueList, checkCustomerId, checkObject, describeValue } from './input-checks.js';

/** A customer's segment, as every segmentation of this module returns it (`segment` is the zone, class or quadrant). */
export interface SegmentAssignment {
  readonly customerId: string;
  readonly segment: string;
}

/**
 * A past contact: a customer and when it happened. Interactions of the
 * customer module fit as they are (filter them to the contacts that count,
 * e.g. outbound calls that reached the customer).
 */
export interface LastContact {
  readonly customerId: string;
  /** When the contact happened: a `Date`, or an ISO 8601 string with an offset. */
  readonly at: Date | string;
}

/**
 * Whether a customer may be contacted on a channel at an instant — pass the
 * customer module's consent check, closed over the purpose (marketing,
 * service reminder) and the customer records.
 */
export type ContactPermission = (customerId: string, channel: ContactChannel, at: Date) => boolean;

/** Whether a calendar day (`YYYY-MM-DD`, in the dealer's zone) is a working day — pass the complaints module's business calendar. */
export type WorkingDayCheck = (day: string) => boolean;

const functionSchema = <T>(what: string) =>
  z.custom<T>((value) => typeof value === 'function', { error: `expected ${what} function` });

/** Options of {@link planContacts}. */
export const ContactPlanOptionsSchema = z.strictObject({
  /** The moment the plan is made; "today" is its calendar day in `timeZone`. */
  asOf: InstantSchema,
  /**
   * Past contacts, in any order, several per customer allowed; the latest at
   * or before `asOf` counts, later ones are ignored (a plan as of a past day
   * does not see the future). Customers with none are due today.
   */
  lastContacts: z.array(z.unknown()).default([]),
  /** The dealer's IANA time zone, for calendar arithmetic; default `Asia/Shanghai`. */
  timeZone: TimeZoneSchema.default(DEFAULT_TIME_ZONE),
  /**
   * Consent check; a customer it refuses for the segment's channel at the
   * planned contact (the start of the contact day in `timeZone`, or `asOf` if
   * later) is skipped with reason `no_consent`. Without it nobody is skipped
   * for consent — pass it for any marketing contact.
   */
  canContact: functionSchema<ContactPermission>('a canContact(customerId, channel, at)').optional(),
  /**
   * Working-day check; due days that fall on a non-working day move forward
   * to the next working day. Without it every day is a working day.
   */
  isWorkingDay: functionSchema<WorkingDayCheck>('an isWorkingDay(day)').optional(),
});

/** Options of {@link planContacts} as accepted on input. */
export type ContactPlanOptions = z.input<typeof ContactPlanOptionsSchema>;

/** One planned contact. */
export interface PlannedContact {
  readonly customerId: string;
  readonly segment: string;
  /** The channel of the segment's cadence. */
  readonly channel: ContactChannel;
  /** The last contact at or before `asOf`, or `null` when there was none. */
  readonly lastContactAt: Date | null;
  /**
   * When the contact falls due (`YYYY-MM-DD` in the dealer's zone): the last
   * contact's day plus the cadence, moved to a working day; today for a
   * customer never contacted.
   */
  readonly dueDate: string;
  /** The day to make the contact: the due date, or for an overdue contact the first working day from today. */
  readonly contactOn: string;
  /** `overdue` (due before today), `due_today` or `upcoming`. */
  readonly status: 'overdue' | 'due_today' | 'upcoming';
  /** Calendar days from the due date to today when overdue, else 0. */
  readonly overdueDays: number;
}

/** A customer left out of the plan, and why. */
export interface SkippedContact {
  readonly customerId: string;
  readonly segment: string;
  /**
   * `no_consent` — the consent check refused the segment's channel;
   * `not_contacted` — the segment's cadence is `null` (not contacted on purpose).
   */
  readonly reason: 'no_consent' | 'not_contacted';
  /** The channel that was refused, or `null` for `not_contacted`. */
  readonly channel: ContactChannel | null;
}

/** The result of {@link planContacts}. */
export interface ContactPlan {
  /** Today in the dealer's zone, `YYYY-MM-DD`. */
  readonly today: string;
  readonly timeZone: string;
  /**
   * The contacts, overdue first (most overdue first), then by contact day,
   * then by customer id.
   */
  readonly contacts: readonly PlannedContact[];
  /** How many of `contacts` are overdue (they come first). */
  readonly overdueCount: number;
  /** Customers not planned, in input order. */
  readonly skipped: readonly SkippedContact[];
}

const MAX_NON_WORKING_RUN = 366;

/**
 * Plans the next contact of every customer from its segment's cadence and its
 * last contact: due on the last contact's calendar day plus the cadence (in
 * the dealer's time zone, with date-fns calendar arithmetic: monthly from
 * 31 January is 29 February in a leap year), moved off non-working days;
 * customers never contacted are due today. Customers whose consent does not
 * allow the channel are skipped, and so are segments whose cadence is `null`.
 * The list comes overdue first.
 *
 * @param assignments - one row per customer: `customerId`, `segment` (any segmentation's output fits)
 * @param cadences - a cadence (or `null`) for every segment that occurs; e.g. {@link defaultAbcCadences}
 * @param options - `asOf`, `lastContacts`, and optionally `timeZone`, `canContact`, `isWorkingDay`
 * @throws ValidationError for a bad or duplicate customer id, a segment
 * with no cadence, a bad last contact, bad options, or a working-day check that
 * finds no working day within a year.
 * @example
 * ```ts
 * const plan = planContacts(
 *   [
 *     { customerId: 'C1', segment: 'A' },
 *     { customerId: 'C2', segment: 'B' },
 *   ],
 *   defaultAbcCadences,
 *   {
 *     asOf: '2024-06-03T09:00:00+08:00',
 *     lastContacts: [{ customerId: 'C1', at: '2024-05-10T10:00:00+08:00' }],
 *     canContact: (customerId, channel) => channel === 'phone',
 *   },
 * );
 * plan.contacts.map((c) => [c.customerId, c.dueDate, c.status]);
 * // [['C1', '2024-05-25', 'overdue'], ['C2', '2024-06-03', 'due_today']]
 * ```
 */
export function planContacts(
  assignments: readonly SegmentAssignment[],
  cadences: ContactCadencesInput,
  options: ContactPlanOptions,
): ContactPlan {
  const parsed = parse(ContactPlanOptionsSchema, options, { label: 'contact plan options', path: 'options' });
  const cadenceBySegment = defineContactCadences(cadences);
  const zone = parsed.timeZone;
  const asOf = parsed.asOf;
  const rows = readAssignments(assignments, cadenceBySegment);
  const latest = latestContacts(parsed.lastContacts, asOf);
  const isWorkingDay = parsed.isWorkingDay ?? (() => true);
  const canContact = parsed.canContact;

  const now = new TZDate(asOf.getTime(), zone);
  const today = format(now, 'yyyy-MM-dd');
  const firstWorkingDayFromToday = workingDayOnOrAfter(now, isWorkingDay);

  const contacts: PlannedContact[] = [];
  const skipped: SkippedContact[] = [];
  for (const { customerId, segment } of rows) {
    const cadence = cadenceBySegment[segment]!;
    if (cadence === null) {
      skipped.push({ customerId, segment, reason: 'not_contacted', channel: null });
      continue;
    }
    const last = latest.get(customerId) ?? null;
    const due = last === null ? firstWorkingDayFromToday : workingDayOnOrAfter(addCadence(new TZDate(last.getTime(), zone), cadence), isWorkingDay);
    const dueDate = format(due, 'yyyy-MM-dd');
    const overdue = dueDate < today;
    const contactDay = overdue ? firstWorkingDayFromToday : due;
    const contactOn = format(contactDay, 'yyyy-MM-dd');
    const dayStart = new TZDate(contactDay.getFullYear(), contactDay.getMonth(), contactDay.getDate(), zone);
    const checkAt = dayStart.getTime() > asOf.getTime() ? new Date(dayStart.getTime()) : asOf;
    if (canContact !== undefined && !canContact(customerId, cadence.channel, checkAt)) {
      skipped.push({ customerId, segment, reason: 'no_consent', channel: cadence.channel });
      continue;
    }
    contacts.push({
      customerId,
      segment,
      channel: cadence.channel,
      lastContactAt: last,
      dueDate,
      contactOn,
      status: overdue ? 'overdue' : contactOn === today ? 'due_today' : 'upcoming',
      overdueDays: overdue ? differenceInCalendarDays(now, due) : 0,
    });
  }
  contacts.sort(
    (a, b) =>
      b.overdueDays - a.overdueDays ||
      (a.contactOn < b.contactOn ? -1 : a.contactOn > b.contactOn ? 1 : 0) ||
      (a.customerId < b.customerId ? -1 : a.customerId > b.customerId ? 1 : 0),
  );
  return { today, timeZone: zone, contacts, overdueCount: contacts.filter((contact) => contact.status === 'overdue').length, skipped };
}

function addCadence(day: TZDate, cadence: ContactCadence): TZDate {
  switch (cadence.unit) {
    case 'day':
      return addDays(day, cadence.every);
    case 'week':
      return addWeeks(day, cadence.every);
    case 'month':
      return addMonths(day, cadence.every);
  }
}

function workingDayOnOrAfter(day: TZDate, isWorkingDay: WorkingDayCheck): TZDate {
  let candidate = day;
  for (let step = 0; step <= MAX_NON_WORKING_RUN; step++) {
    if (isWorkingDay(format(candidate, 'yyyy-MM-dd'))) return candidate;
    candidate = addDays(candidate, 1);
  }
  return invalid('options.isWorkingDay', `found no working day within ${MAX_NON_WORKING_RUN} days from ${format(day, 'yyyy-MM-dd')}`, 'contact plan options');
}

function readAssignments(assignments: unknown, cadences: Readonly<Record<string, ContactCadence | null>>): SegmentAssignment[] {
  const { ids, labels } = readColumns(assignments, 'assignments', 'assignments', [], ['segment']);
  const segments = labels[0]!;
  const issues = new IssueList();
  segments.forEach((segment, index) => {
    if (!Object.hasOwn(cadences, segment)) {
      issues.add(`assignments[${index}].segment`, `no cadence for segment ${JSON.stringify(segment)}; add it to the cadences (null to leave it out on purpose)`);
    }
  });
  issues.throwIfAny('assignments');
  return ids.map((customerId, index) => ({ customerId, segment: segments[index]! }));
}

function latestContacts(contacts: readonly unknown[], asOf: Date): Map<string, Date> {
  const issues = new IssueList();
  const latest = new Map<string, Date>();
  for (let index = 0; index < contacts.length && !issues.full; index++) {
    const row = contacts[index];
    const path = `options.lastContacts[${index}]`;
    if (!checkObject(row, path, issues)) continue;
    const { customerId, at: raw } = row;
    const at = raw instanceof Date ? (Number.isNaN(raw.getTime()) ? undefined : raw) : typeof raw === 'string' ? parseIsoInstant(raw) : undefined;
    if (at === undefined) {
      issues.add(`${path}.at`, `expected a Date or an ISO 8601 date-time with an offset, got ${describeValue(raw)}`);
      continue;
    }
    if (!checkCustomerId(customerId, `${path}.customerId`, issues)) continue;
    if (at.getTime() > asOf.getTime()) continue;
    const known = latest.get(customerId);
    if (known === undefined || at.getTime() > known.getTime()) latest.set(customerId, at);
  }
  issues.throwIfAny('last contacts');
  return latest;
}
