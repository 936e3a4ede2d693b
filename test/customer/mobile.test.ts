import { describe, expect, it } from 'vitest';
import { normalizeCnMobile, toE164 } from '../../src/customer/index.js';

describe('normalizeCnMobile', () => {
  it('normalises the ways people write mainland mobile numbers to E.164', () => {
    for (const input of ['13812345678', '138 1234 5678', '138-1234-5678', '+86 138 1234 5678', '008613812345678', '8613812345678', '(+86)13812345678']) {
      expect(normalizeCnMobile(input), input).toEqual({ valid: true, e164: '+8613812345678', national: '13812345678' });
    }
  });

  it('rejects numbers outside ^1[3-9]\\d{9}$ and says why', () => {
    expect(normalizeCnMobile('12812345678')).toMatchObject({ valid: false, reason: 'pattern' });
    expect(normalizeCnMobile('1381234567')).toMatchObject({ valid: false, reason: 'length' });
    expect(normalizeCnMobile('138123456789')).toMatchObject({ valid: false, reason: 'length' });
    expect(normalizeCnMobile('138abc45678')).toMatchObject({ valid: false, reason: 'character' });
    expect(normalizeCnMobile('')).toMatchObject({ valid: false, reason: 'empty' });
    expect(normalizeCnMobile('+85291234567')).toMatchObject({ valid: false, reason: 'pattern' });
    // A Beijing landline is not a mobile number.
    expect(normalizeCnMobile('01062345678')).toMatchObject({ valid: false, reason: 'pattern' });
  });

  it('toE164 also keeps international numbers written with a country code', () => {
    expect(toE164('+852 9123 4567')).toBe('+85291234567');
    expect(toE164('0049 30 1234567')).toBe('+49301234567');
    expect(toE164('call me')).toBeUndefined();
  });
});
