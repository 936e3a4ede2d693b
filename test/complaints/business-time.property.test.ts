import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addBusinessTime, businessTimeBetween, nextBusinessOpening, type BusinessCalendar } from 'dealer-crm/complaints';
import { HOUR, MINUTE, berlinNights, china, newYorkNights, santiagoMostDays } from './support/calendars.js';
import { MinuteOracle } from './support/minute-oracle.js';
import { seededRandom } from './support/random.js';

interface Window {
  readonly name: string;
  readonly calendar: BusinessCalendar;
  /** Random starts fall in [from, to); the oracle covers enough after `to` for the longest duration. */
  readonly from: number;
  readonly to: number;
}

const DAY = 24 * HOUR;
const windows: readonly Window[] = [
  { name: 'China around National Day 2023', calendar: china, from: Date.parse('2023-09-20T00:00:00+08:00'), to: Date.parse('2023-10-20T00:00:00+08:00') },
  { name: 'China around Spring Festival 2024', calendar: china, from: Date.parse('2024-02-01T00:00:00+08:00'), to: Date.parse('2024-02-25T00:00:00+08:00') },
  { name: 'New York spring forward 2024', calendar: newYorkNights, from: Date.parse('2024-03-07T00:00:00-05:00'), to: Date.parse('2024-03-18T00:00:00-04:00') },
  { name: 'New York fall back 2024', calendar: newYorkNights, from: Date.parse('2024-10-31T00:00:00-04:00'), to: Date.parse('2024-11-12T00:00:00-05:00') },
  { name: 'Berlin spring forward 2024', calendar: berlinNights, from: Date.parse('2024-03-28T00:00:00+01:00'), to: Date.parse('2024-04-03T00:00:00+02:00') },
  { name: 'Berlin fall back 2024', calendar: berlinNights, from: Date.parse('2024-10-24T00:00:00+02:00'), to: Date.parse('2024-10-30T00:00:00+01:00') },
  { name: 'Santiago midnight changes 2024 (April)', calendar: santiagoMostDays, from: Date.parse('2024-04-04T00:00:00-03:00'), to: Date.parse('2024-04-10T00:00:00-04:00') },
  { name: 'Santiago midnight changes 2024 (September)', calendar: santiagoMostDays, from: Date.parse('2024-09-05T00:00:00-04:00'), to: Date.parse('2024-09-20T00:00:00-03:00') },
];

describe('addBusinessTime and businessTimeBetween against a minute-stepping oracle', () => {
  const CASES_PER_WINDOW = 500;
  const MAX_DURATION = 3 * 8 * HOUR;

  for (const [w, window] of windows.entries()) {
    it(`agree on ${CASES_PER_WINDOW} random cases: ${window.name}`, () => {
      // The oracle covers the starts plus enough days for the longest duration past holiday blocks.
      const oracle = new MinuteOracle(window.calendar, window.from, window.to + 20 * DAY);
      const random = seededRandom(0x5eed + w);
      const span = (window.to - window.from) / MINUTE;
      let checked = 0;
      for (let i = 0; i < CASES_PER_WINDOW; i++) {
        const start = window.from + Math.floor(random() * span) * MINUTE;
        // Durations in whole minutes, biased to include zero, short and day-spanning ones.
        const pick = random();
        const duration = pick < 0.05 ? 0 : Math.floor(random() * (pick < 0.5 ? 4 * HOUR : MAX_DURATION) / MINUTE) * MINUTE;
        const expected = oracle.add(start, duration);
        const actual = addBusinessTime(window.calendar, new Date(start), duration).getTime();
        if (actual !== expected) {
          throw new Error(`${window.name}: add(${new Date(start).toISOString()}, ${duration / MINUTE} min) = ${new Date(actual).toISOString()}, oracle ${new Date(expected).toISOString()}`);
        }
        const end = start + Math.floor(random() * 4 * DAY / MINUTE) * MINUTE;
        const between = businessTimeBetween(window.calendar, new Date(start), new Date(end));
        const oracleBetween = oracle.between(start, end);
        if (between !== oracleBetween) {
          throw new Error(`${window.name}: between(${new Date(start).toISOString()}, ${new Date(end).toISOString()}) = ${between / MINUTE} min, oracle ${oracleBetween / MINUTE} min`);
        }
        const opening = nextBusinessOpening(window.calendar, new Date(start)).getTime();
        expect(opening === start ? oracle.isWorking(start) : !oracle.isWorking(start) && oracle.isWorking(opening) && oracle.between(start, opening) === 0).toBe(true);
        checked += 1;
      }
      expect(checked).toBe(CASES_PER_WINDOW);
    });
  }
});

describe('laws of business time (property tests)', () => {
  const calendars = fc.constantFrom(
    { calendar: china, from: Date.parse('2023-01-01T00:00:00+08:00'), to: Date.parse('2025-12-01T00:00:00+08:00') },
    { calendar: newYorkNights, from: Date.parse('2024-01-01T00:00:00Z'), to: Date.parse('2025-12-01T00:00:00Z') },
    { calendar: berlinNights, from: Date.parse('2024-01-01T00:00:00Z'), to: Date.parse('2025-12-01T00:00:00Z') },
    { calendar: santiagoMostDays, from: Date.parse('2024-01-01T00:00:00Z'), to: Date.parse('2025-12-01T00:00:00Z') },
  );
  const setup = calendars.chain(({ calendar, from, to }) =>
    fc.record({
      calendar: fc.constant(calendar),
      start: fc.integer({ min: from, max: to }),
      a: fc.integer({ min: 0, max: 200 * HOUR }),
      b: fc.integer({ min: 0, max: 200 * HOUR }),
    }),
  );

  it('is additive: add(add(s, a), b) = add(s, a + b)', () => {
    fc.assert(
      fc.property(setup, ({ calendar, start, a, b }) => {
        const stepwise = addBusinessTime(calendar, addBusinessTime(calendar, new Date(start), a), b);
        expect(stepwise.getTime()).toBe(addBusinessTime(calendar, new Date(start), a + b).getTime());
      }),
      { numRuns: 400 },
    );
  });

  it('inverts: businessTimeBetween(s, addBusinessTime(s, d)) = d', () => {
    fc.assert(
      fc.property(setup, ({ calendar, start, a }) => {
        expect(businessTimeBetween(calendar, new Date(start), addBusinessTime(calendar, new Date(start), a))).toBe(a);
      }),
      { numRuns: 400 },
    );
  });

  it('gives the earliest such instant: one millisecond less of business time ends no later', () => {
    fc.assert(
      fc.property(setup, ({ calendar, start, a }) => {
        fc.pre(a > 0);
        const end = addBusinessTime(calendar, new Date(start), a).getTime();
        expect(businessTimeBetween(calendar, new Date(start), new Date(end - 1))).toBe(a - 1);
      }),
      { numRuns: 300 },
    );
  });

  it('is monotone in the start and in the duration', () => {
    fc.assert(
      fc.property(setup, fc.integer({ min: 0, max: 30 * DAY }), ({ calendar, start, a, b }, shift) => {
        const s = new Date(start);
        const later = new Date(start + shift);
        expect(addBusinessTime(calendar, later, a).getTime()).toBeGreaterThanOrEqual(addBusinessTime(calendar, s, a).getTime());
        const [small, large] = a <= b ? [a, b] : [b, a];
        expect(addBusinessTime(calendar, s, large).getTime()).toBeGreaterThanOrEqual(addBusinessTime(calendar, s, small).getTime());
        expect(addBusinessTime(calendar, s, a).getTime()).toBeGreaterThanOrEqual(start);
        expect(businessTimeBetween(calendar, s, later)).toBeGreaterThanOrEqual(0);
        expect(businessTimeBetween(calendar, s, later)).toBeLessThanOrEqual(shift);
      }),
      { numRuns: 300 },
    );
  });

  it('splits: between(a, c) = between(a, b) + between(b, c)', () => {
    fc.assert(
      fc.property(setup, fc.integer({ min: 0, max: 20 * DAY }), fc.integer({ min: 0, max: 20 * DAY }), ({ calendar, start }, x, y) => {
        const a = new Date(start);
        const b = new Date(start + x);
        const c = new Date(start + x + y);
        expect(businessTimeBetween(calendar, a, c)).toBe(businessTimeBetween(calendar, a, b) + businessTimeBetween(calendar, b, c));
      }),
      { numRuns: 300 },
    );
  });
});
