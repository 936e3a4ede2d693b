import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { normalizeVin, validateVin, vinCheckCharacter } from '../../src/customer/index.js';

// Check characters below were computed by hand from the ISO 3779 / GB 16735
// table (letter values, weights 8 7 6 5 4 3 2 10 0 9 8 7 6 5 4 3 2, mod 11).
describe('validateVin', () => {
  it('accepts real-world VINs with correct check characters', () => {
    // The textbook example (Wikipedia, "Vehicle identification number"): sum mod 11 = 10 → X.
    expect(validateVin('1M8GDM9AXKP042788')).toEqual({ valid: true, vin: '1M8GDM9AXKP042788', checkCharacter: 'X' });
    // 2003 Honda Accord, NHTSA decoder example: weighted sum 311, 311 mod 11 = 3.
    expect(validateVin('1HGCM82633A004352').valid).toBe(true);
    // 1993 Acura Legend: weighted sum 364, 364 mod 11 = 1.
    expect(validateVin('JH4KA7561PC008269').valid).toBe(true);
    // All ones: 1 × (sum of weights 89), 89 mod 11 = 1.
    expect(validateVin('11111111111111111').valid).toBe(true);
  });

  it('checks a mainland-China VIN (GB 16735) and names the expected check character', () => {
    // LFV2A21K?B3012345: weighted sum 230, 230 mod 11 = 10 → X.
    expect(validateVin('LFV2A21KXB3012345').valid).toBe(true);
    const result = validateVin('LFV2A21K8B3012345');
    expect(result).toMatchObject({ valid: false, reason: 'check_digit', position: 9, expected: 'X', actual: '8' });
  });

  it('normalises case, spaces and dashes', () => {
    expect(normalizeVin(' lfv2a21k xb3-012345 ')).toBe('LFV2A21KXB3012345');
    expect(validateVin('lfv2a21k xb3-012345').valid).toBe(true);
  });

  it('says which rule failed', () => {
    expect(validateVin('')).toMatchObject({ valid: false, reason: 'empty' });
    expect(validateVin('1M8GDM9AXKP04278')).toMatchObject({ valid: false, reason: 'length' });
    expect(validateVin('1M8GDM9AXKP04278O')).toMatchObject({ valid: false, reason: 'forbidden_letter', position: 17 });
    expect(validateVin('IM8GDM9AXKP042788')).toMatchObject({ valid: false, reason: 'forbidden_letter', position: 1 });
    expect(validateVin('1M8GDM9AXKP04278*')).toMatchObject({ valid: false, reason: 'character', position: 17 });
    expect(validateVin('1M8GDM9A1KP042788')).toMatchObject({ valid: false, reason: 'check_digit', expected: 'X', actual: '1' });
  });

  it('can skip the check digit for markets that do not use it', () => {
    expect(validateVin('WDB1240221A123456', { requireCheckDigit: false }).valid).toBe(true);
    expect(validateVin('WDB1240221A123456')).toMatchObject({ valid: false, reason: 'check_digit' });
  });

  it('accepts exactly one check character for every 16 other characters', () => {
    const alphabet = '0123456789ABCDEFGHJKLMNPRSTUVWXYZ'.split('');
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...alphabet), { minLength: 17, maxLength: 17 }), (chars) => {
        const vin = chars.join('');
        const check = vinCheckCharacter(vin)!;
        const fixed = vin.slice(0, 8) + check + vin.slice(9);
        expect(validateVin(fixed).valid).toBe(true);
        for (const other of '0123456789X') {
          if (other === check) continue;
          expect(validateVin(vin.slice(0, 8) + other + vin.slice(9)).valid).toBe(false);
        }
      }),
      { numRuns: 200 },
    );
  });
});
