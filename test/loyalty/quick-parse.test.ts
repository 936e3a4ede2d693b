/**
 * The hand-written fast paths behind every loyalty call must agree with the
 * zod schemas they stand in for: whenever a fast path accepts a value, the
 * schema accepts it too and produces the same output. (When a fast path
 * declines, the caller falls back to the schema, so declining is always safe.)
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IdSchema, InstantSchema } from 'dealer-crm/core';
import { LoyaltyMemberSchema } from 'dealer-crm/loyalty';
import { isId, quickAsOfOnly, quickInstant, quickMember } from '../../src/loyalty/internal/quick-parse.js';
import { IsoInstantFormatter, MAX_ISO_INSTANT_MS, MIN_ISO_INSTANT_MS } from '../../src/loyalty/internal/iso-instant.js';

const idLike = fc.oneof(
  fc.string({ maxLength: 140 }),
  fc.constantFrom('', ' m1', 'm1 ', 'm\u0000', 'm\u0085', 'x'.repeat(128), 'x'.repeat(129), 'M-0001', '会员-1'),
);
const instantLike = fc.oneof(
  fc.date({ noInvalidDate: false }),
  fc.date({ min: new Date(MIN_ISO_INSTANT_MS - 10), max: new Date(MAX_ISO_INSTANT_MS + 10) }),
  fc.constantFrom('2024-03-15T10:00:00Z', '2024-03-15T10:00:00+08:00', '2024-03-15', '2024-02-30T00:00:00Z', 'yesterday', '2024-03-15T10:00:00'),
  // Valid dates only: an Invalid Date has no ISO string (invalid dates are covered above).
  fc.date({ min: new Date('1990-01-01'), max: new Date('2040-01-01'), noInvalidDate: true }).map((d) => d.toISOString()),
  fc.integer(),
);

function schemaResult<T>(schema: { safeParse(v: unknown): { success: boolean; data?: T } }, value: unknown): T | undefined {
  const result = schema.safeParse(value);
  return result.success ? result.data : undefined;
}

describe('the fast paths agree with the schemas', () => {
  it('isId accepts exactly what IdSchema accepts', () => {
    fc.assert(fc.property(idLike, (value) => {
      expect(isId(value)).toBe(IdSchema.safeParse(value).success);
    }), { numRuns: 2000 });
  });

  it('isId answers the same whatever it was asked before (it remembers the last id it accepted)', () => {
    fc.assert(fc.property(fc.array(idLike, { minLength: 1, maxLength: 6 }), (values) => {
      // Each value asked twice in a row and once after the others: the remembered id must never leak into another answer.
      for (const value of values) {
        expect(isId(value)).toBe(IdSchema.safeParse(value).success);
        expect(isId(value)).toBe(IdSchema.safeParse(value).success);
      }
      for (const value of [...values].reverse()) expect(isId(value)).toBe(IdSchema.safeParse(value).success);
    }), { numRuns: 1000 });
  });

  it('quickInstant returns what InstantSchema returns, or declines', () => {
    fc.assert(fc.property(instantLike, (value) => {
      const quick = quickInstant(value);
      const parsed = schemaResult<Date>(InstantSchema, value);
      if (quick !== null) expect(parsed?.getTime()).toBe(quick.getTime());
      else if (value instanceof Date || typeof value === 'string') expect(parsed).toBeUndefined();
    }), { numRuns: 2000 });
  });

  it('quickMember returns what LoyaltyMemberSchema returns, or declines', () => {
    const memberLike = fc.record(
      {
        id: idLike,
        programId: fc.constantFrom('owners-club', ' bad'),
        customerId: idLike,
        joinedAt: instantLike,
        birthday: fc.constantFrom('1980-02-29', '1981-02-29', '1990-13-01', 19800101),
        householdId: fc.constantFrom('h-1', ''),
        tierOverrides: fc.constantFrom([], [{ tier: 'gold' }]),
        extra: fc.constant(1),
      },
      { requiredKeys: [] },
    );
    fc.assert(fc.property(memberLike, (value) => {
      const quick = quickMember(value);
      if (quick === null) return;
      const parsed = LoyaltyMemberSchema.safeParse(value);
      expect(parsed.success).toBe(true);
      expect(quick).toEqual(parsed.data);
    }), { numRuns: 3000 });
  });

  it('quickAsOfOnly takes an options object holding only asOf', () => {
    expect(quickAsOfOnly({ asOf: '2024-01-01T00:00:00Z' })?.toISOString()).toBe('2024-01-01T00:00:00.000Z');
    expect(quickAsOfOnly({ asOf: '2024-01-01T00:00:00Z', dryRun: true })).toBeNull();
    expect(quickAsOfOnly({})).toBeNull();
    expect(quickAsOfOnly(null)).toBeNull();
  });

  it('IsoInstantFormatter writes exactly what Date#toISOString writes', () => {
    const formatter = new IsoInstantFormatter();
    fc.assert(fc.property(fc.integer({ min: MIN_ISO_INSTANT_MS, max: MAX_ISO_INSTANT_MS }), (ms) => {
      expect(formatter.format(ms)).toBe(new Date(ms).toISOString());
    }), { numRuns: 5000 });
    for (const ms of [MIN_ISO_INSTANT_MS, MAX_ISO_INSTANT_MS, 0, -1, 86_399_999, 951_782_400_000]) expect(formatter.format(ms)).toBe(new Date(ms).toISOString());
  });
});
