import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { residentIdCheckCharacter, validateResidentId } from 'dealer-crm/customer';
import { issuesOf as issues } from '../support/errors.js';

/**
 * An independent oracle for the GB 11643 check character, derived from the
 * ISO 7064 MOD 11-2 definition rather than from the published tables: the
 * weight of position i (1-based) is 2^(18−i) mod 11, and the check value c
 * makes (Σ digit·weight + c) ≡ 1 (mod 11), i.e. c = (12 − Σ mod 11) mod 11,
 * written X when it is 10.
 */
function oracleCheck(first17: string): string {
  let sum = 0;
  for (let i = 1; i <= 17; i++) {
    let weight = 1;
    for (let e = 0; e < 18 - i; e++) weight = (weight * 2) % 11;
    sum += Number(first17[i - 1]) * weight;
  }
  const c = (12 - (sum % 11)) % 11;
  return c === 10 ? 'X' : String(c);
}

describe('validateResidentId', () => {
  it('accepts the GB 11643-1999 example 11010519491231002X and decodes it', () => {
    // digits   1  1  0  1  0  5  1  9  4  9  1  2  3  1  0  0  2
    // weights  7  9 10  5  8  4  2  1  6  3  7  9 10  5  8  4  2
    // products 7  9  0  5  0 20  2  9 24 27  7 18 30  5  0  0  4  → sum 167
    // 167 mod 11 = 2 (11 × 15 = 165); check map 1 0 X 9 8 … at index 2 is X.
    expect(validateResidentId('11010519491231002X')).toEqual({
      valid: true,
      idNumber: '11010519491231002X',
      legacy: false,
      checkCharacter: 'X',
      birthDate: '1949-12-31',
      sex: 'female', // sequence 002: the last digit 2 is even
      regionCode: '110105', // Beijing, Chaoyang district
      provinceCode: '11',
      province: '北京市',
      residencePermit: false,
    });
  });

  it("accepts the standard's second example 440524188001010014", () => {
    // digits   4  4  0  5  2  4  1  8  8  0  0  1  0  1  0  0  1
    // products 28 36 0 25 16 16  2  8 48  0  0  9  0  5  0  0  2  → sum 195
    // 195 mod 11 = 8 (11 × 17 = 187); index 8 of 1 0 X 9 8 7 6 5 4 3 2 is 4.
    expect(validateResidentId('440524188001010014')).toMatchObject({
      valid: true,
      checkCharacter: '4',
      birthDate: '1880-01-01',
      sex: 'male', // sequence 001: odd
      province: '广东省',
    });
  });

  it('names the check character a mistyped number calls for', () => {
    expect(validateResidentId('110105194912310021')).toMatchObject({
      valid: false,
      reason: 'check_character',
      position: 18,
      expected: 'X',
      actual: '1',
      birthDate: '1949-12-31',
    });
    // 32031119770706001?: products 21 18 0 15 8 4 2 9 42 21 0 63 0 30 0 0 2 → 235;
    // 235 mod 11 = 4 (11 × 21 = 231) → 8. A 3 there is wrong.
    expect(validateResidentId('320311197707060013')).toMatchObject({ valid: false, reason: 'check_character', expected: '8', actual: '3' });
    expect(validateResidentId('320311197707060018').valid).toBe(true);
  });

  it('converts a 15-digit legacy number by inserting 19 and computing the check character', () => {
    // 110105 49 12 31 002 → 110105 1949 12 31 002 + X (the first example's digits)
    expect(validateResidentId('110105491231002')).toMatchObject({ valid: true, idNumber: '11010519491231002X', legacy: true, checkCharacter: 'X', sex: 'female' });
    // 320311 77 07 06 001 → 32031119770706001 + 8 (computed above)
    expect(validateResidentId('320311770706001')).toMatchObject({ valid: true, idNumber: '320311197707060018', birthDate: '1977-07-06', sex: 'male' });
    // A legacy number with an impossible date: 49-02-30.
    expect(validateResidentId('110105490230002')).toMatchObject({ valid: false, reason: 'birth_date', expected: residentIdCheckCharacter('11010519490230002') });
  });

  it('accepts residence-permit numbers of Hong Kong, Macao and Taiwan residents (81, 82, 83)', () => {
    // 81000019940823002?: products 56 9 0 0 0 0 2 9 54 12 0 72 20 15 0 0 4 → 253 = 11 × 23 → 0 → check 1.
    expect(validateResidentId('810000199408230021')).toMatchObject({ valid: true, residencePermit: true, province: '香港特别行政区', sex: 'female' });
  });

  it('rejects an implausible region, naming positions 1–2', () => {
    const first17 = '99010519491231002';
    expect(validateResidentId(first17 + oracleCheck(first17))).toMatchObject({ valid: false, reason: 'region', position: 1, regionCode: '990105' });
    // 71 is Taiwan's GB/T 2260 code, but no resident identity numbers start with it.
    const taiwan = '71010519491231002';
    expect(validateResidentId(taiwan + oracleCheck(taiwan))).toMatchObject({ valid: false, reason: 'region' });
  });

  it('rejects birth dates that are not real days', () => {
    for (const date of ['19491331', '19490229', '19490000', '19490431']) {
      const first17 = `110105${date}002`;
      expect(validateResidentId(first17 + oracleCheck(first17))).toMatchObject({ valid: false, reason: 'birth_date', position: 7 });
    }
    // 2000 was a leap year (divisible by 400).
    const leap = '11010520000229002';
    expect(validateResidentId(leap + oracleCheck(leap))).toMatchObject({ valid: true, birthDate: '2000-02-29' });
  });

  it('judges the birth date against asOf: not later, not absurdly old', () => {
    // 110105 20240101 001 → products 7 9 0 5 0 20 4 0 12 12 0 9 0 5 0 0 2 → 85; 85 mod 11 = 8 → 4.
    const newborn = '110105202401010014';
    expect(validateResidentId(newborn).valid).toBe(true);
    expect(validateResidentId(newborn, { asOf: '2023-12-31T12:00:00+08:00' })).toMatchObject({ valid: false, reason: 'born_after_as_of' });
    // 2023-12-31T16:30Z is already 1 January 2024 in Shanghai, but not in UTC.
    expect(validateResidentId(newborn, { asOf: new Date('2023-12-31T16:30:00Z') }).valid).toBe(true);
    expect(validateResidentId(newborn, { asOf: new Date('2023-12-31T16:30:00Z'), timeZone: 'UTC' })).toMatchObject({ reason: 'born_after_as_of' });
    // Born 1880-01-01: 144 on 2024-01-01, above the default 120; fine with a generous limit.
    expect(validateResidentId('440524188001010014', { asOf: '2024-01-01T00:00:00+08:00' })).toMatchObject({ valid: false, reason: 'too_old' });
    expect(validateResidentId('440524188001010014', { asOf: '2024-01-01T00:00:00+08:00', maxAgeYears: 150 }).valid).toBe(true);
    // Before 1870 is too old whatever asOf says.
    const ancient = '11010518600101001';
    expect(validateResidentId(ancient + oracleCheck(ancient))).toMatchObject({ valid: false, reason: 'too_old' });
  });

  it('says which character or length rule failed', () => {
    expect(validateResidentId('')).toMatchObject({ valid: false, reason: 'empty' });
    expect(validateResidentId('1101051949123100')).toMatchObject({ valid: false, reason: 'length' });
    expect(validateResidentId('1101051949123100X2')).toMatchObject({ valid: false, reason: 'character', position: 17 });
    expect(validateResidentId('11010519491231002A')).toMatchObject({ valid: false, reason: 'character', position: 18 });
    expect(validateResidentId('11010549123100X')).toMatchObject({ valid: false, reason: 'character', position: 15 });
  });

  it('normalises spaces, a lower-case x and full-width digits', () => {
    expect(validateResidentId(' 110105 19491231 002x ')).toMatchObject({ valid: true, idNumber: '11010519491231002X' });
    expect(validateResidentId('１１０１０５１９４９１２３１００２Ｘ')).toMatchObject({ valid: true, idNumber: '11010519491231002X' });
  });

  it('accepts exactly one check character for any plausible first 17 digits', () => {
    const digits17 = fc
      .record({
        province: fc.constantFrom('11', '31', '44', '51', '65'),
        rest: fc.integer({ min: 0, max: 9999 }),
        date: fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2020-12-31T00:00:00Z'), noInvalidDate: true }),
        seq: fc.integer({ min: 0, max: 999 }),
      })
      .map(({ province, rest, date, seq }) => `${province}${String(rest).padStart(4, '0')}${date.toISOString().slice(0, 10).replace(/-/g, '')}${String(seq).padStart(3, '0')}`);
    fc.assert(
      fc.property(digits17, (first17) => {
        const check = oracleCheck(first17);
        expect(residentIdCheckCharacter(first17)).toBe(check);
        for (const candidate of '0123456789X') {
          expect(validateResidentId(first17 + candidate).valid).toBe(candidate === check);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('throws a ValidationError for input that is not a string or bad options', () => {
    expect(issues(() => validateResidentId(12345 as unknown as string))[0]!.path).toBe('input');
    expect(issues(() => validateResidentId('11010519491231002X', { asOf: 'yesterday' }))[0]!.path).toBe('options.asOf');
    expect(issues(() => validateResidentId('11010519491231002X', { maxAgeYears: -1 }))[0]!.path).toBe('options.maxAgeYears');
    expect(issues(() => validateResidentId('11010519491231002X', { timeZone: 'Mars/Olympus' }))[0]!.path).toBe('options.timeZone');
    expect(issues(() => residentIdCheckCharacter('1101051949'))[0]!.path).toBe('first17');
  });
});
