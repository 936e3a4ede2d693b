import { describe, expect, it } from 'vitest';
import {
  defaultAbcCadences,
  defaultPurchaseQuadrantCadences,
  defineContactCadences,
  planContacts,
  type PlannedContact,
} from 'dealer-crm/segmentation';
import { issuesOf } from '../support/errors.js';

// Monday 4 March 2024, 09:00 in Shanghai.
const asOf = new Date('2024-03-04T09:00:00+08:00');

const HOLIDAYS = new Set(['2024-03-11']);
/** Weekends and one holiday are off; the weekday is read at noon UTC, which is the same day everywhere near China. */
function isWorkingDay(day: string): boolean {
  const weekday = new Date(`${day}T12:00:00Z`).getUTCDay();
  return weekday !== 0 && weekday !== 6 && !HOLIDAYS.has(day);
}

function pick(contact: PlannedContact) {
  return [contact.customerId, contact.dueDate, contact.contactOn, contact.status, contact.overdueDays];
}

describe('planContacts', () => {
  it('plans from the last contact plus the cadence, overdue first', () => {
    const plan = planContacts(
      [
        { customerId: 'd', segment: 'C' },
        { customerId: 'c', segment: 'A' },
        { customerId: 'b', segment: 'B' },
        { customerId: 'a', segment: 'A' },
      ],
      defaultAbcCadences,
      {
        asOf,
        lastContacts: [
          { customerId: 'a', at: '2024-01-31T10:00:00+08:00' },
          { customerId: 'b', at: new Date('2024-01-31T10:00:00+08:00') },
          { customerId: 'd', at: '2024-02-10T10:00:00+08:00' },
        ],
      },
    );
    expect(plan.today).toBe('2024-03-04');
    expect(plan.timeZone).toBe('Asia/Shanghai');
    expect(plan.contacts.map(pick)).toEqual([
      // A, every 15 days: 31 Jan + 15 = 15 Feb; 15 Feb → 29 Feb is 14 days, + 4 = 18 days overdue.
      ['a', '2024-02-15', '2024-03-04', 'overdue', 18],
      // B, monthly: 31 Jan + 1 month = 29 Feb (leap year, clamped to the month's end), 4 days overdue.
      ['b', '2024-02-29', '2024-03-04', 'overdue', 4],
      // Never contacted: due today.
      ['c', '2024-03-04', '2024-03-04', 'due_today', 0],
      // C, every two months: 10 Feb + 2 months = 10 Apr.
      ['d', '2024-04-10', '2024-04-10', 'upcoming', 0],
    ]);
    expect(plan.overdueCount).toBe(2);
    expect(plan.contacts[0]!.channel).toBe('phone');
    expect(plan.contacts[0]!.lastContactAt).toEqual(new Date('2024-01-31T02:00:00Z'));
    expect(plan.contacts[2]!.lastContactAt).toBeNull();
    expect(plan.skipped).toEqual([]);
  });

  it('takes the calendar day of the last contact in the dealer time zone', () => {
    // 20:00 UTC on 31 January is 04:00 on 1 February in Shanghai.
    const options = { asOf, lastContacts: [{ customerId: 'x', at: '2024-01-31T20:00:00Z' }] };
    const shanghai = planContacts([{ customerId: 'x', segment: 'B' }], defaultAbcCadences, options);
    expect(pick(shanghai.contacts[0]!)).toEqual(['x', '2024-03-01', '2024-03-04', 'overdue', 3]);
    const utc = planContacts([{ customerId: 'x', segment: 'B' }], defaultAbcCadences, { ...options, timeZone: 'UTC' });
    expect(pick(utc.contacts[0]!)).toEqual(['x', '2024-02-29', '2024-03-04', 'overdue', 4]);
  });

  it('counts calendar days across a daylight-saving change', () => {
    // New York springs forward on Sunday 10 March 2024. 23:30 on 9 March + 1 day = 10 March;
    // 10 March → 10 April is 21 + 10 = 31 calendar days although one of them had 23 hours.
    const plan = planContacts(
      [
        { customerId: 'daily', segment: 'd' },
        { customerId: 'monthly', segment: 'm' },
      ],
      { d: { every: 1, unit: 'day', channel: 'email' }, m: { every: 1, unit: 'month', channel: 'email' } },
      {
        asOf: '2024-04-10T12:00:00-04:00',
        timeZone: 'America/New_York',
        lastContacts: [
          { customerId: 'daily', at: '2024-03-09T23:30:00-05:00' },
          { customerId: 'monthly', at: '2024-03-01T23:30:00-05:00' },
        ],
      },
    );
    expect(plan.contacts.map(pick)).toEqual([
      ['daily', '2024-03-10', '2024-04-10', 'overdue', 31],
      ['monthly', '2024-04-01', '2024-04-10', 'overdue', 9],
    ]);
  });

  it('uses the star / volcano / cow / dog cadences: weekly, fortnightly, monthly, every two months', () => {
    const lastContacts = ['s', 'v', 'c', 'd'].map((customerId) => ({ customerId, at: '2024-03-04T08:00:00+08:00' }));
    const plan = planContacts(
      [
        { customerId: 's', segment: 'star' },
        { customerId: 'v', segment: 'volcano' },
        { customerId: 'c', segment: 'cow' },
        { customerId: 'd', segment: 'dog' },
      ],
      defaultPurchaseQuadrantCadences,
      { asOf, lastContacts },
    );
    expect(plan.contacts.map((contact) => [contact.customerId, contact.dueDate])).toEqual([
      ['s', '2024-03-11'],
      ['v', '2024-03-18'],
      ['c', '2024-04-04'],
      ['d', '2024-05-04'],
    ]);
  });

  it('moves due dates off non-working days, and overdue contacts to the first working day from today', () => {
    const plan = planContacts(
      [
        { customerId: 'weekend', segment: 'B' },
        { customerId: 'holiday', segment: 'star' },
      ],
      defineContactCadences({ ...defaultAbcCadences, ...defaultPurchaseQuadrantCadences }),
      {
        asOf,
        isWorkingDay,
        lastContacts: [
          // Fri 23 Feb + 1 month = Sat 23 Mar → Mon 25 Mar.
          { customerId: 'weekend', at: '2024-02-23T10:00:00+08:00' },
          // Mon 4 Mar + 1 week = Mon 11 Mar, a holiday → Tue 12 Mar.
          { customerId: 'holiday', at: '2024-03-04T08:00:00+08:00' },
        ],
      },
    );
    expect(plan.contacts.map(pick)).toEqual([
      ['holiday', '2024-03-12', '2024-03-12', 'upcoming', 0],
      ['weekend', '2024-03-25', '2024-03-25', 'upcoming', 0],
    ]);
    // On Saturday 9 March, an overdue contact and a never-contacted customer are both for Tuesday 12 March
    // (Monday 11 is the holiday); overdue days count from the due date.
    const saturday = planContacts(
      [
        { customerId: 'late', segment: 'A' },
        { customerId: 'new', segment: 'A' },
      ],
      defaultAbcCadences,
      { asOf: '2024-03-09T10:00:00+08:00', isWorkingDay, lastContacts: [{ customerId: 'late', at: '2024-02-01T10:00:00+08:00' }] },
    );
    expect(saturday.contacts.map(pick)).toEqual([
      // 1 Feb + 15 days = Fri 16 Feb (a working day); 16 Feb → 9 Mar is 22 days.
      ['late', '2024-02-16', '2024-03-12', 'overdue', 22],
      ['new', '2024-03-12', '2024-03-12', 'upcoming', 0],
    ]);
  });

  it('skips customers whose consent does not allow the channel, asking at the planned contact', () => {
    const calls: [string, string, string][] = [];
    const plan = planContacts(
      [
        { customerId: 'yes-now', segment: 'A' },
        { customerId: 'no', segment: 'A' },
        { customerId: 'yes-later', segment: 'C' },
      ],
      defaultAbcCadences,
      {
        asOf,
        lastContacts: [{ customerId: 'yes-later', at: '2024-02-10T10:00:00+08:00' }],
        canContact: (customerId, channel, at) => {
          calls.push([customerId, channel, at.toISOString()]);
          return customerId !== 'no';
        },
      },
    );
    expect(plan.contacts.map((contact) => contact.customerId)).toEqual(['yes-now', 'yes-later']);
    expect(plan.skipped).toEqual([{ customerId: 'no', segment: 'A', reason: 'no_consent', channel: 'phone' }]);
    expect(calls).toEqual([
      ['yes-now', 'phone', '2024-03-04T01:00:00.000Z'], // due today: asOf
      ['no', 'phone', '2024-03-04T01:00:00.000Z'],
      ['yes-later', 'phone', '2024-04-09T16:00:00.000Z'], // 10 Apr 00:00 in Shanghai
    ]);
  });

  it('leaves out segments whose cadence is null, on purpose', () => {
    const plan = planContacts(
      [
        { customerId: 'a', segment: 'A' },
        { customerId: 'p', segment: 'C' },
      ],
      { ...defaultAbcCadences, C: null },
      { asOf },
    );
    expect(plan.contacts.map((contact) => contact.customerId)).toEqual(['a']);
    expect(plan.skipped).toEqual([{ customerId: 'p', segment: 'C', reason: 'not_contacted', channel: null }]);
  });

  it('counts the latest contact at or before asOf and ignores later ones', () => {
    const plan = planContacts([{ customerId: 'a', segment: 'A' }], defaultAbcCadences, {
      asOf,
      lastContacts: [
        { customerId: 'a', at: '2024-01-01T10:00:00+08:00' },
        { customerId: 'a', at: '2024-03-10T10:00:00+08:00' }, // after asOf
        { customerId: 'a', at: '2024-02-20T10:00:00+08:00' },
        { customerId: 'other', at: '2024-02-20T10:00:00+08:00' },
      ],
    });
    // 20 Feb + 15 days = 6 Mar.
    expect(pick(plan.contacts[0]!)).toEqual(['a', '2024-03-06', '2024-03-06', 'upcoming', 0]);
  });

  it('plans nothing for an empty base', () => {
    expect(planContacts([], defaultAbcCadences, { asOf })).toMatchObject({ contacts: [], skipped: [], overdueCount: 0 });
  });

  it('rejects segments without a cadence, duplicate customers and bad options', () => {
    expect(issuesOf(() => planContacts([{ customerId: 'a', segment: 'D' }], defaultAbcCadences, { asOf }))[0]).toEqual({
      path: 'assignments[0].segment',
      message: 'no cadence for segment "D"; add it to the cadences (null to leave it out on purpose)',
    });
    expect(
      issuesOf(() =>
        planContacts(
          [
            { customerId: 'a', segment: 'A' },
            { customerId: 'a', segment: 'B' },
          ],
          defaultAbcCadences,
          { asOf },
        ),
      )[0]!.path,
    ).toBe('assignments[1].customerId');
    expect(issuesOf(() => planContacts([], defaultAbcCadences, { asOf: '2024-03-04 09:00' }))[0]!.path).toBe('options.asOf');
    expect(issuesOf(() => planContacts([], defaultAbcCadences, { asOf, timeZone: 'Mars/Olympus' }))[0]!.path).toBe('options.timeZone');
    expect(issuesOf(() => planContacts([], defaultAbcCadences, { asOf, canContact: true as never }))[0]!.path).toBe('options.canContact');
    expect(issuesOf(() => planContacts([], defaultAbcCadences, { asOf, lastContacts: [{ customerId: 'a', at: 'yesterday' }] }))[0]!.path).toBe(
      'options.lastContacts[0].at',
    );
    expect(issuesOf(() => planContacts([{ customerId: 'a', segment: 'A' }], defaultAbcCadences, { asOf, isWorkingDay: () => false }))[0]!.path).toBe(
      'options.isWorkingDay',
    );
  });
});

describe('defineContactCadences', () => {
  it('ships the ABC and quadrant defaults, frozen', () => {
    expect(defaultAbcCadences).toEqual({
      A: { every: 15, unit: 'day', channel: 'phone' },
      B: { every: 1, unit: 'month', channel: 'phone' },
      C: { every: 2, unit: 'month', channel: 'phone' },
    });
    expect(Object.isFrozen(defaultAbcCadences.A)).toBe(true);
    expect(defaultPurchaseQuadrantCadences.volcano).toEqual({ every: 2, unit: 'week', channel: 'phone' });
  });

  it('rejects bad counts, units and channels with paths', () => {
    const issues = issuesOf(() =>
      defineContactCadences({
        A: { every: 0, unit: 'day', channel: 'phone' },
        B: { every: 1, unit: 'year', channel: 'phone' },
        C: { every: 1, unit: 'day', channel: 'pigeon' },
      } as never),
    );
    expect(issues.map((issue) => issue.path)).toEqual(['A.every', 'B.unit', 'C.channel']);
  });
});
