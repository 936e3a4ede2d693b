import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { TZDate, tzOffset } from '@date-fns/tz';
import { startOfDay } from 'date-fns';
import { ZonedCalendar } from '../../src/loyalty/internal/calendar.js';

const zones = ['Asia/Shanghai', 'Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'UTC'];

describe('the zoned calendar behind expiry, windows and quota years', () => {
  it('finds the same local day and start of day as date-fns on TZDate, across DST changes', () => {
    const calendars = new Map(zones.map((zone) => [zone, new ZonedCalendar(zone)]));
    fc.assert(
      fc.property(fc.constantFrom(...zones), fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2040-01-01T00:00:00Z'), noInvalidDate: true }), (zone, date) => {
        const calendar = calendars.get(zone)!;
        const local = new TZDate(date.getTime(), zone);
        expect(calendar.day(date.getTime())).toEqual({ year: local.getFullYear(), month: local.getMonth() + 1, day: local.getDate() });
        expect(calendar.startOfDay(date.getTime())).toBe(startOfDay(local).getTime());
      }),
      { numRuns: 3000 },
    );
  });

  it('agrees with tzOffset at every quarter hour of a year, in zones with half-hour and 45-minute offsets', () => {
    for (const zone of zones) {
      const calendar = new ZonedCalendar(zone);
      for (let ms = Date.parse('2024-01-01T00:00:00Z'); ms < Date.parse('2025-01-01T00:00:00Z'); ms += 15 * 60_000) {
        const expected = tzOffset(zone, new Date(ms)) * 60_000;
        if (calendar.offsetMs(ms) !== expected) expect({ zone, at: new Date(ms).toISOString(), offset: calendar.offsetMs(ms) }).toEqual({ zone, at: new Date(ms).toISOString(), offset: expected });
      }
    }
  });

  it('handles the instants right around a DST change', () => {
    const berlin = new ZonedCalendar('Europe/Berlin');
    // 31 March 2024: 02:00 CET → 03:00 CEST at 01:00 UTC; 27 October 2024: 03:00 CEST → 02:00 CET at 01:00 UTC.
    expect(berlin.offsetMs(Date.parse('2024-03-31T00:59:59.999Z'))).toBe(3_600_000);
    expect(berlin.offsetMs(Date.parse('2024-03-31T01:00:00Z'))).toBe(7_200_000);
    expect(berlin.offsetMs(Date.parse('2024-10-27T00:59:59.999Z'))).toBe(7_200_000);
    expect(berlin.offsetMs(Date.parse('2024-10-27T01:00:00Z'))).toBe(3_600_000);
    expect(berlin.isoDay(Date.parse('2024-03-30T22:59:59.999Z'))).toBe('2024-03-30');
    expect(berlin.isoDay(Date.parse('2024-03-30T23:00:00Z'))).toBe('2024-03-31');
  });
});
