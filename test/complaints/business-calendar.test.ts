import { describe, expect, it } from 'vitest';
import {
  addBusinessTime,
  businessHoursOn,
  chinaPublicHolidays,
  defineAlwaysOpenCalendar,
  defineBusinessCalendar,
  defineChinaBusinessCalendar,
  isBusinessDay,
  isDefinedBusinessCalendar,
  PublicHolidayDataSchema,
  withPublicHolidays,
  type BusinessCalendarConfig,
} from 'dealer-crm/complaints';
import { HOUR, at } from './support/calendars.js';
import { issuesOf } from '../support/errors.js';

const store: BusinessCalendarConfig = {
  name: 'Hangzhou store',
  timeZone: 'Asia/Shanghai',
  weeklyHours: {
    monday: [{ start: '13:30', end: '18:00' }, { start: '08:30', end: '12:00' }],
    saturday: [{ start: '09:00', end: '12:00' }],
  },
  holidays: [{ date: '2024-10-01', name: 'National Day' }],
  extraWorkingDays: [{ date: '2024-10-12', name: 'make-up' }],
  overrides: [{ date: '2024-10-14', hours: [{ start: '10:00', end: '11:00' }], note: 'stock take' }],
};

describe('defineBusinessCalendar', () => {
  it('fills defaults, sorts intervals and gives extra working days their hours', () => {
    const calendar = defineBusinessCalendar(store);
    expect(calendar.weeklyHours.monday).toEqual([{ start: '08:30', end: '12:00' }, { start: '13:30', end: '18:00' }]);
    expect(calendar.weeklyHours.sunday).toEqual([]);
    // An extra working day without hours works Monday's hours.
    expect(calendar.extraWorkingDays).toEqual([{ date: '2024-10-12', name: 'make-up', hours: calendar.weeklyHours.monday }]);
    expect(isDefinedBusinessCalendar(calendar)).toBe(true);
    expect(defineBusinessCalendar(calendar)).toBe(calendar);
  });

  it('returns a deeply frozen, JSON-serialisable calendar that round-trips', () => {
    const calendar = defineBusinessCalendar(store);
    expect(Object.isFrozen(calendar)).toBe(true);
    expect(Object.isFrozen(calendar.weeklyHours.monday)).toBe(true);
    expect(Object.isFrozen(calendar.weeklyHours.monday[0])).toBe(true);
    const json = JSON.parse(JSON.stringify(calendar)) as BusinessCalendarConfig;
    expect(json).toEqual({ ...calendar });
    const again = defineBusinessCalendar(json);
    expect(addBusinessTime(again, at('2024-10-11T17:00:00+08:00'), 2 * HOUR)).toEqual(addBusinessTime(calendar, at('2024-10-11T17:00:00+08:00'), 2 * HOUR));
  });

  it('applies an override first, then a holiday, then an extra working day, then the weekly hours', () => {
    const calendar = defineBusinessCalendar(store);
    expect(businessHoursOn(calendar, '2024-10-14')).toMatchObject({ rule: 'override', name: 'stock take', workingMs: HOUR });
    expect(businessHoursOn(calendar, '2024-10-01')).toMatchObject({ rule: 'holiday', workingMs: 0 });
    expect(businessHoursOn(calendar, '2024-10-12')).toMatchObject({ rule: 'extra_working_day', workingMs: 8 * HOUR });
    expect(businessHoursOn(calendar, '2024-10-19')).toMatchObject({ rule: 'weekly', name: 'saturday', workingMs: 3 * HOUR });
    // A plain configuration works too (parsed on each call).
    expect(isBusinessDay(store, '2024-10-12')).toBe(true);
  });

  it('makes a 24×7 calendar whose business time is elapsed time', () => {
    const hotline = defineAlwaysOpenCalendar();
    expect(hotline.timeZone).toBe('Asia/Shanghai');
    expect(addBusinessTime(hotline, at('2024-10-01T23:30:00+08:00'), 72 * HOUR)).toEqual(at('2024-10-04T23:30:00+08:00'));
  });
});

describe('bad calendars', () => {
  it('rejects overlapping intervals', () => {
    const found = issuesOf(() => defineBusinessCalendar({ weeklyHours: { monday: [{ start: '08:00', end: '12:00' }, { start: '11:00', end: '13:00' }] } }));
    expect(found).toEqual([{ path: 'weeklyHours.monday', message: 'expected working intervals that do not overlap, got 08:00–12:00 and 11:00–13:00' }]);
  });

  it('accepts intervals that only touch', () => {
    expect(defineBusinessCalendar({ weeklyHours: { monday: [{ start: '08:00', end: '12:00' }, { start: '12:00', end: '13:00' }] } }).weeklyHours.monday).toHaveLength(2);
  });

  it('rejects inverted and empty intervals', () => {
    expect(issuesOf(() => defineBusinessCalendar({ weeklyHours: { friday: [{ start: '18:00', end: '08:30' }] } }))).toEqual([
      { path: 'weeklyHours.friday[0]', message: 'expected start before end, got the inverted interval 18:00–08:30 (an interval may not cross midnight)' },
    ]);
    expect(issuesOf(() => defineBusinessCalendar({ weeklyHours: { friday: [{ start: '09:00', end: '09:00' }] } }))[0]!.path).toBe('weeklyHours.friday[0]');
  });

  it('rejects malformed times', () => {
    for (const bad of ['8:30', '24:30', '12:60', '', 'noon']) {
      expect(issuesOf(() => defineBusinessCalendar({ weeklyHours: { monday: [{ start: bad, end: '23:00' }] } }))[0]!.path, bad).toBe('weeklyHours.monday[0].start');
    }
  });

  it('rejects an unknown time zone', () => {
    expect(issuesOf(() => defineBusinessCalendar({ timeZone: 'Asia/Beijing', weeklyHours: { monday: [{ start: '09:00', end: '17:00' }] } }))).toEqual([
      { path: 'timeZone', message: 'expected an IANA time zone such as Asia/Shanghai, got "Asia/Beijing"' },
    ]);
  });

  it('rejects a date listed twice, a holiday that is also a working day, and an inverted coverage', () => {
    const found = issuesOf(() =>
      defineBusinessCalendar({
        weeklyHours: { monday: [{ start: '09:00', end: '17:00' }] },
        holidays: [{ date: '2024-10-01' }, { date: '2024-10-01' }],
        extraWorkingDays: [{ date: '2024-10-01' }],
        coverage: { from: '2025-01-01', to: '2024-01-01' },
      }),
    );
    expect(found.map((issue) => issue.path)).toEqual(['coverage', 'holidays[1].date', 'extraWorkingDays[0].date']);
  });

  it('rejects a calendar with no working time at all', () => {
    expect(issuesOf(() => defineBusinessCalendar({ weeklyHours: {} }))[0]).toEqual({ path: 'weeklyHours', message: 'expected some working time, got a calendar that is closed every day' });
  });

  it('rejects unknown keys (a typo is not silently ignored)', () => {
    expect(issuesOf(() => defineBusinessCalendar({ weeklyHours: { monday: [] }, holiday: [] } as unknown as BusinessCalendarConfig))[0]!.path).toBe('');
  });
});

describe('public-holiday data', () => {
  it('bundles valid China data for at least 2020 through 2026', () => {
    expect(() => PublicHolidayDataSchema.parse(chinaPublicHolidays)).not.toThrow();
    expect(chinaPublicHolidays.source).toMatch(/chinese-days@1\.5\.7/);
    for (let year = 2020; year <= 2026; year++) {
      expect(Object.keys(chinaPublicHolidays.holidays).filter((date) => date.startsWith(`${year}-10-0`)).length, String(year)).toBeGreaterThanOrEqual(3);
      expect(Object.keys(chinaPublicHolidays.makeUpWorkdays).some((date) => date.startsWith(String(year))), String(year)).toBe(true);
    }
    // Make-up working days are weekend days.
    for (const date of Object.keys(chinaPublicHolidays.makeUpWorkdays)) expect([0, 6]).toContain(new Date(`${date}T00:00:00Z`).getUTCDay());
  });

  it('lets users add later years and other countries', () => {
    const later = {
      source: 'State Council notice for 2027 (example)',
      holidays: { '2027-01-01': "New Year's Day" },
      makeUpWorkdays: { '2027-01-02': "New Year's Day" },
    };
    const calendar = defineChinaBusinessCalendar({ holidayData: [chinaPublicHolidays, later] });
    expect(calendar.coverage).toEqual({ from: '2004-01-01', to: '2027-12-31' });
    expect(isBusinessDay(calendar, '2027-01-01')).toBe(false);
    expect(isBusinessDay(calendar, '2027-01-02')).toBe(true);

    const germany = defineBusinessCalendar(
      withPublicHolidays(
        { name: 'Berlin', timeZone: 'Europe/Berlin', weeklyHours: { monday: [{ start: '09:00', end: '17:00' }], thursday: [{ start: '09:00', end: '17:00' }] } },
        { source: 'Berlin public holidays 2024', holidays: { '2024-10-03': 'Tag der Deutschen Einheit' } },
      ),
    );
    expect(isBusinessDay(germany, '2024-10-03')).toBe(false);
    expect(isBusinessDay(germany, '2024-10-07')).toBe(true);
  });

  it('rejects holiday data with a missing year or a date that is both holiday and make-up day', () => {
    const gap = { source: 'x', holidays: { '2027-01-01': 'a', '2029-01-01': 'b' } };
    expect(issuesOf(() => withPublicHolidays({ weeklyHours: { monday: [] } }, gap))[0]!.message).toBe('expected holiday data for every year from 2027 to 2029, got none for 2028');
    const both = [
      { source: 'a', holidays: { '2027-01-01': 'a' } },
      { source: 'b', holidays: {}, makeUpWorkdays: { '2027-01-01': 'b' } },
    ];
    expect(issuesOf(() => withPublicHolidays({ weeklyHours: { monday: [] } }, both))[0]!.message).toMatch(/either a holiday or a make-up working day/);
    expect(issuesOf(() => withPublicHolidays({ weeklyHours: { monday: [] } }, { source: 'x', holidays: { '2027-02-30': 'no such day' } }))[0]!.path).toMatch(/^data\.holidays/);
  });
});
