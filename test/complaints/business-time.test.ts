import { describe, expect, it } from 'vitest';
import {
  addBusinessTime,
  businessHoursOn,
  businessIntervalsBetween,
  businessTimeBetween,
  defineBusinessCalendar,
  instantOfWallClock,
  isBusinessDay,
  isWithinBusinessHours,
  nextBusinessOpening,
} from 'dealer-crm/complaints';
import { HOUR, MINUTE, at, berlinOffice, china, newYork24x7, newYorkOffice, santiago24x7 } from './support/calendars.js';
import { firstIssue } from './support/errors.js';

describe('addBusinessTime on the China office calendar', () => {
  it('carries a 24-hour target across the National Day block and ends on the make-up Saturday', () => {
    // 2023: Sep 29 (Mid-Autumn) to Oct 6 are holidays; Sat Oct 7 and Sun Oct 8 are make-up working days.
    // Office hours 08:30–12:00 + 13:30–18:00 = 8 h a day.
    // Tue Sep 26 14:00–18:00 = 4 h (4); Wed Sep 27 = 8 h (12); Thu Sep 28 = 8 h (20);
    // Sep 29 – Oct 6 closed; Sat Oct 7: 08:30–12:00 = 3.5 h (23.5), then 13:30 + 0.5 h = 14:00.
    const due = addBusinessTime(china, at('2023-09-26T14:00:00+08:00'), 24 * HOUR);
    expect(due).toEqual(at('2023-10-07T14:00:00+08:00'));
    expect(businessTimeBetween(china, at('2023-09-26T14:00:00+08:00'), due)).toBe(24 * HOUR);
    expect(isBusinessDay(china, '2023-10-07')).toBe(true);
    expect(businessHoursOn(china, '2023-10-07').rule).toBe('extra_working_day');
  });

  it('leaves a deadline that lands on a closing time at the closing time', () => {
    // Wed Sep 27 08:30 + 24 h: Sep 27 (8) + Sep 28 (8) = 16 h, then the whole of Sat Oct 7 (8) ends at 18:00 —
    // the closing time, not Sun Oct 8 08:30.
    expect(addBusinessTime(china, at('2023-09-27T08:30:00+08:00'), 24 * HOUR)).toEqual(at('2023-10-07T18:00:00+08:00'));
    // Thu 17:00 + 1 h = 18:00 the same day.
    expect(addBusinessTime(china, at('2024-06-13T17:00:00+08:00'), HOUR)).toEqual(at('2024-06-13T18:00:00+08:00'));
  });

  it('starts a clock begun in the lunch break at 13:30', () => {
    // Mon 2024-06-17 12:30 is in the 12:00–13:30 break: the clock starts at 13:30, so 1 h ends at 14:30.
    expect(nextBusinessOpening(china, at('2024-06-17T12:30:00+08:00'))).toEqual(at('2024-06-17T13:30:00+08:00'));
    expect(addBusinessTime(china, at('2024-06-17T12:30:00+08:00'), HOUR)).toEqual(at('2024-06-17T14:30:00+08:00'));
    expect(businessTimeBetween(china, at('2024-06-17T12:30:00+08:00'), at('2024-06-17T14:30:00+08:00'))).toBe(HOUR);
    // 3 h from 11:00: 11:00–12:00 (1 h), 13:30–15:30 (2 h).
    expect(addBusinessTime(china, at('2024-06-17T11:00:00+08:00'), 3 * HOUR)).toEqual(at('2024-06-17T15:30:00+08:00'));
  });

  it('starts a clock begun after closing at the next opening, over the weekend', () => {
    // Fri 2024-06-14 19:00 is after closing; Sat and Sun are closed; Mon 08:30 + 30 min = 09:00.
    expect(addBusinessTime(china, at('2024-06-14T19:00:00+08:00'), 30 * MINUTE)).toEqual(at('2024-06-17T09:00:00+08:00'));
    // Friday 16:00 + 4 h: 16:00–18:00 (2 h), Monday 08:30–10:30 (2 h).
    expect(addBusinessTime(china, at('2024-06-14T16:00:00+08:00'), 4 * HOUR)).toEqual(at('2024-06-17T10:30:00+08:00'));
  });

  it('crosses the year end and New Year’s Day', () => {
    // Tue 2024-12-31 17:00–18:00 (1 h); Wed 2025-01-01 is a holiday; Thu 08:30 + 1 h = 09:30.
    expect(addBusinessTime(china, at('2024-12-31T17:00:00+08:00'), 2 * HOUR)).toEqual(at('2025-01-02T09:30:00+08:00'));
  });

  it('returns the start itself for a zero duration, even outside working hours', () => {
    const sunday = at('2024-06-16T10:00:00+08:00');
    expect(addBusinessTime(china, sunday, 0)).toEqual(sunday);
  });

  it('knows the make-up working days and holidays of the bundled data', () => {
    expect(isBusinessDay(china, '2024-10-01')).toBe(false); // National Day
    expect(isBusinessDay(china, '2024-10-12')).toBe(true); // make-up Saturday
    expect(isBusinessDay(china, '2024-10-13')).toBe(false); // an ordinary Sunday
    expect(isBusinessDay(china, '2024-02-04')).toBe(true); // Spring Festival make-up Sunday
    expect(isBusinessDay(china, '2024-02-12')).toBe(false); // Spring Festival
    expect(businessHoursOn(china, '2024-10-01')).toMatchObject({ rule: 'holiday', intervals: [], workingMs: 0 });
  });
});

describe('business time in zones with daylight-saving time', () => {
  it('keeps wall-clock working hours across the New York spring-forward weekend', () => {
    // Fri 2024-03-08 16:00 EST + 2 h: 16:00–17:00 (1 h); DST starts Sun Mar 10; Mon 09:00 EDT + 1 h = 10:00 EDT (14:00Z).
    expect(addBusinessTime(newYorkOffice, at('2024-03-08T16:00:00-05:00'), 2 * HOUR)).toEqual(at('2024-03-11T14:00:00Z'));
  });

  it('keeps wall-clock working hours across the New York fall-back weekend', () => {
    // Fri 2024-11-01 16:00 EDT + 2 h: 1 h on Friday; DST ends Sun Nov 3; Mon 10:00 EST = 15:00Z.
    expect(addBusinessTime(newYorkOffice, at('2024-11-01T16:00:00-04:00'), 2 * HOUR)).toEqual(at('2024-11-04T15:00:00Z'));
  });

  it('keeps wall-clock working hours across both Berlin changes', () => {
    // Fri 2024-03-29 16:00 CET + 2 h → Mon 2024-04-01 10:00 CEST = 08:00Z.
    expect(addBusinessTime(berlinOffice, at('2024-03-29T16:00:00+01:00'), 2 * HOUR)).toEqual(at('2024-04-01T08:00:00Z'));
    // Fri 2024-10-25 16:00 CEST + 2 h → Mon 2024-10-28 10:00 CET = 09:00Z.
    expect(addBusinessTime(berlinOffice, at('2024-10-25T16:00:00+02:00'), 2 * HOUR)).toEqual(at('2024-10-28T09:00:00Z'));
  });

  it('counts a 23-hour and a 25-hour day on a calendar open around the clock', () => {
    expect(businessHoursOn(newYork24x7, '2024-03-10').workingMs).toBe(23 * HOUR);
    expect(businessHoursOn(newYork24x7, '2024-11-03').workingMs).toBe(25 * HOUR);
    // Midnight EST (05:00Z) to midnight EDT (04:00Z) is 23 elapsed hours.
    expect(businessTimeBetween(newYork24x7, at('2024-03-10T05:00:00Z'), at('2024-03-11T04:00:00Z'))).toBe(23 * HOUR);
    // Around the clock, business time is elapsed time: Sat 12:00 EDT + 24 h = Sun 11:00 EST.
    expect(addBusinessTime(newYork24x7, at('2024-11-02T12:00:00-04:00'), 24 * HOUR)).toEqual(at('2024-11-03T11:00:00-05:00'));
  });

  it('counts wall-clock night hours on the New York change days', () => {
    const sundayNights = defineBusinessCalendar({ timeZone: 'America/New_York', weeklyHours: { sunday: [{ start: '01:00', end: '04:00' }] } });
    // Mar 10: 01:00 EST (06:00Z) to 04:00 EDT (08:00Z): the skipped hour 02:00–03:00 is lost, 2 h.
    expect(businessHoursOn(sundayNights, '2024-03-10').intervals).toEqual([{ start: at('2024-03-10T06:00:00Z'), end: at('2024-03-10T08:00:00Z') }]);
    // Nov 3: 01:00 EDT (05:00Z) to 04:00 EST (09:00Z): the repeated hour 01:00–02:00 counts twice, 4 h.
    expect(businessHoursOn(sundayNights, '2024-11-03').workingMs).toBe(4 * HOUR);
  });

  it('moves an interval boundary inside the spring-forward gap to the end of the gap', () => {
    const cal = defineBusinessCalendar({ timeZone: 'America/New_York', weeklyHours: { sunday: [{ start: '02:30', end: '05:00' }] } });
    // 02:30 does not exist on Mar 10: the interval starts at 03:00 EDT (07:00Z) and ends at 05:00 EDT (09:00Z).
    expect(businessHoursOn(cal, '2024-03-10').intervals).toEqual([{ start: at('2024-03-10T07:00:00Z'), end: at('2024-03-10T09:00:00Z') }]);
    expect(instantOfWallClock('America/New_York', '2024-03-10', '02:30')).toEqual(at('2024-03-10T07:00:00Z'));
    // An interval wholly inside the gap is empty: the day is closed.
    const inside = defineBusinessCalendar({ timeZone: 'America/New_York', weeklyHours: { sunday: [{ start: '02:15', end: '02:45' }] } });
    expect(isBusinessDay(inside, '2024-03-10')).toBe(false);
    expect(isBusinessDay(inside, '2024-03-17')).toBe(true);
  });

  it('uses the first occurrence of a boundary inside the fall-back fold', () => {
    const ending = defineBusinessCalendar({ timeZone: 'America/New_York', weeklyHours: { sunday: [{ start: '00:00', end: '01:30' }] } });
    // 00:00 EDT (04:00Z) to the first 01:30, EDT (05:30Z): 1.5 h; the repeated 01:00–01:30 EST is not working time.
    expect(businessHoursOn(ending, '2024-11-03').intervals).toEqual([{ start: at('2024-11-03T04:00:00Z'), end: at('2024-11-03T05:30:00Z') }]);
    const starting = defineBusinessCalendar({ timeZone: 'America/New_York', weeklyHours: { sunday: [{ start: '01:30', end: '03:00' }] } });
    // From the first 01:30 (EDT, 05:30Z) to 03:00 EST (08:00Z): 2.5 h.
    expect(businessHoursOn(starting, '2024-11-03').workingMs).toBe(2.5 * HOUR);
  });

  it('handles the Berlin gap and fold the same way', () => {
    const gap = defineBusinessCalendar({ timeZone: 'Europe/Berlin', weeklyHours: { sunday: [{ start: '02:30', end: '03:30' }] } });
    // Mar 31: 02:30 is skipped, so 03:00 CEST (01:00Z) to 03:30 CEST (01:30Z): 30 min.
    expect(businessHoursOn(gap, '2024-03-31').intervals).toEqual([{ start: at('2024-03-31T01:00:00Z'), end: at('2024-03-31T01:30:00Z') }]);
    const fold = defineBusinessCalendar({ timeZone: 'Europe/Berlin', weeklyHours: { sunday: [{ start: '02:30', end: '05:00' }] } });
    // Oct 27: first 02:30 is CEST (00:30Z); 05:00 CET is 04:00Z: 3.5 h.
    expect(businessHoursOn(fold, '2024-10-27').intervals).toEqual([{ start: at('2024-10-27T00:30:00Z'), end: at('2024-10-27T04:00:00Z') }]);
    const nights = defineBusinessCalendar({ timeZone: 'Europe/Berlin', weeklyHours: { sunday: [{ start: '01:00', end: '04:00' }] } });
    expect(businessHoursOn(nights, '2024-03-31').workingMs).toBe(2 * HOUR);
    expect(businessHoursOn(nights, '2024-10-27').workingMs).toBe(4 * HOUR);
  });

  it('handles daylight-saving changes at midnight (Santiago)', () => {
    // Apr 7 2024 00:00 (−03) the clocks go back to Apr 6 23:00 (−04): Apr 6 runs from 03:00Z to 04:00Z next day, 25 h.
    expect(businessHoursOn(santiago24x7, '2024-04-06').workingMs).toBe(25 * HOUR);
    expect(businessHoursOn(santiago24x7, '2024-04-07').workingMs).toBe(24 * HOUR);
    // Sep 8 2024 00:00 (−04) jumps to 01:00 (−03): midnight does not exist, the day starts at 04:00Z and lasts 23 h.
    expect(instantOfWallClock('America/Santiago', '2024-09-08', '00:00')).toEqual(at('2024-09-08T04:00:00Z'));
    expect(businessHoursOn(santiago24x7, '2024-09-07').workingMs).toBe(24 * HOUR);
    expect(businessHoursOn(santiago24x7, '2024-09-08').workingMs).toBe(23 * HOUR);
    // The first 23:30 of Apr 6 is −03 (02:30Z).
    expect(instantOfWallClock('America/Santiago', '2024-04-06', '23:30')).toEqual(at('2024-04-07T02:30:00Z'));
  });
});

describe('explaining a figure', () => {
  it('lists the working intervals that make up businessTimeBetween, day by day', () => {
    const from = at('2023-09-26T14:00:00+08:00');
    const to = at('2023-10-07T14:00:00+08:00');
    const intervals = businessIntervalsBetween(china, from, to);
    expect(intervals.map((interval) => [interval.date, interval.durationMs / HOUR])).toEqual([
      ['2023-09-26', 4],
      ['2023-09-27', 3.5],
      ['2023-09-27', 4.5],
      ['2023-09-28', 3.5],
      ['2023-09-28', 4.5],
      ['2023-10-07', 3.5],
      ['2023-10-07', 0.5],
    ]);
    expect(intervals.reduce((sum, interval) => sum + interval.durationMs, 0)).toBe(businessTimeBetween(china, from, to));
  });

  it('tells whether an instant is in working hours (start included, end excluded)', () => {
    expect(isWithinBusinessHours(china, at('2024-06-17T08:30:00+08:00'))).toBe(true);
    expect(isWithinBusinessHours(china, at('2024-06-17T12:00:00+08:00'))).toBe(false);
    expect(isWithinBusinessHours(china, at('2024-06-17T17:59:59+08:00'))).toBe(true);
    expect(isWithinBusinessHours(china, at('2024-06-17T18:00:00+08:00'))).toBe(false);
  });

  it('accepts ISO strings with an offset for instants', () => {
    expect(addBusinessTime(china, '2024-06-17T12:30:00+08:00', HOUR)).toEqual(at('2024-06-17T14:30:00+08:00'));
  });
});

describe('bad input to business-time functions', () => {

  it('rejects a negative, fractional or non-numeric duration', () => {
    expect(firstIssue(() => addBusinessTime(china, at('2024-06-17T09:00:00+08:00'), -1))).toEqual({ path: 'durationMs', message: 'expected a non-negative whole number of milliseconds, got -1' });
    expect(firstIssue(() => addBusinessTime(china, at('2024-06-17T09:00:00+08:00'), 1.5)).path).toBe('durationMs');
    expect(firstIssue(() => addBusinessTime(china, at('2024-06-17T09:00:00+08:00'), Number.NaN)).path).toBe('durationMs');
    expect(firstIssue(() => addBusinessTime(china, at('2024-06-17T09:00:00+08:00'), '60000' as unknown as number)).path).toBe('durationMs');
  });

  it('rejects invalid instants and a range that ends before it starts', () => {
    expect(firstIssue(() => addBusinessTime(china, new Date('nope'), HOUR)).path).toBe('start');
    expect(firstIssue(() => addBusinessTime(china, '2024-06-17T09:00:00', HOUR)).path).toBe('start');
    expect(firstIssue(() => businessTimeBetween(china, at('2024-06-17T10:00:00+08:00'), at('2024-06-17T09:00:00+08:00'))).path).toBe('to');
  });

  it('refuses to guess outside the holiday data’s years', () => {
    const error = firstIssue(() => addBusinessTime(china, at('2026-12-30T10:00:00+08:00'), 100 * HOUR));
    expect(error.path).toBe('durationMs');
    expect(error.message).toMatch(/2004-01-01 to 2026-12-31; 2027-01-01 is outside it/);
    expect(firstIssue(() => isBusinessDay(china, '2027-10-01')).path).toBe('date');
    expect(firstIssue(() => businessTimeBetween(china, at('2003-12-31T10:00:00+08:00'), at('2024-01-01T10:00:00+08:00'))).path).toBe('from');
  });

  it('rejects a malformed date and an unknown zone for a wall-clock instant', () => {
    expect(firstIssue(() => isBusinessDay(china, '2024-02-30')).path).toBe('date');
    expect(firstIssue(() => instantOfWallClock('Mars/Olympus', '2024-01-01', '09:00')).path).toBe('timeZone');
    expect(firstIssue(() => instantOfWallClock('Asia/Shanghai', '2024-01-01', '25:00')).path).toBe('time');
  });
});
