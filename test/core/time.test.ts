import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CalendarDateSchema, InstantSchema, TimeZoneSchema, ValidationError, daysInMonth, parse } from '../../src/core/index.js';

describe('InstantSchema', () => {
  it('accepts Dates and ISO 8601 strings with an offset', () => {
    expect(parse(InstantSchema, '2024-05-01T09:30:00+08:00').toISOString()).toBe('2024-05-01T01:30:00.000Z');
    expect(parse(InstantSchema, '2024-05-01T01:30:00.123Z').getTime()).toBe(Date.UTC(2024, 4, 1, 1, 30, 0, 123));
    const date = new Date(0);
    expect(parse(InstantSchema, date)).toBe(date);
  });

  it('rejects numbers, local times, impossible days and Invalid Date', () => {
    for (const bad of [0, '2024-05-01T09:30:00', '2024-02-30T00:00:00Z', '2024-05-01T24:00:00Z', 'yesterday', new Date('x'), null]) {
      expect(() => parse(InstantSchema, bad), String(bad)).toThrow(ValidationError);
    }
  });
});

describe('CalendarDateSchema', () => {
  it('accepts days that exist and rejects those that do not', () => {
    expect(parse(CalendarDateSchema, '2024-02-29')).toBe('2024-02-29');
    expect(() => parse(CalendarDateSchema, '2023-02-29')).toThrow(/YYYY-MM-DD/);
    expect(() => parse(CalendarDateSchema, '2024-13-01')).toThrow(ValidationError);
    expect(() => parse(CalendarDateSchema, '2024-1-01')).toThrow(ValidationError);
  });

  it('knows month lengths including Gregorian leap years', () => {
    expect(daysInMonth(1900, 2)).toBe(28);
    expect(daysInMonth(2000, 2)).toBe(29);
    expect(daysInMonth(2024, 4)).toBe(30);
    expect(daysInMonth(2024, 12)).toBe(31);
  });
});

describe('TimeZoneSchema', () => {
  it('accepts IANA zones and rejects unknown ones', () => {
    expect(parse(TimeZoneSchema, 'Asia/Shanghai')).toBe('Asia/Shanghai');
    expect(() => parse(TimeZoneSchema, 'Mars/Olympus')).toThrow(/IANA/);
    expect(() => parse(TimeZoneSchema, '')).toThrow(ValidationError);
  });
});

describe('InstantSchema range', () => {
  it('accepts the instants whose ISO form has a four-digit year and rejects those beyond', () => {
    expect(parse(InstantSchema, new Date('0000-01-01T00:00:00.000Z')).toISOString()).toBe('0000-01-01T00:00:00.000Z');
    expect(parse(InstantSchema, new Date('9999-12-31T23:59:59.999Z')).toISOString()).toBe('9999-12-31T23:59:59.999Z');
    // One millisecond outside each end needs the expanded, signed year form (-000001…, +010000…).
    expect(() => parse(InstantSchema, new Date(Date.parse('0000-01-01T00:00:00.000Z') - 1))).toThrow(/between years 0000 and 9999/);
    expect(() => parse(InstantSchema, new Date(Date.parse('9999-12-31T23:59:59.999Z') + 1))).toThrow(/between years 0000 and 9999/);
    // What a Date's toISOString writes always parses back to the same instant, inside the range.
    fc.assert(
      fc.property(fc.date({ min: new Date('0000-01-01T00:00:00.000Z'), max: new Date('9999-12-31T23:59:59.999Z'), noInvalidDate: true }), (date) => {
        expect(parse(InstantSchema, date.toISOString()).getTime()).toBe(date.getTime());
      }),
    );
  });
});
