import { describe, expect, it } from 'vitest';
import { ValidationError } from 'dealer-crm/core';
import { chinaProvinces, provinceByCode, validatePlate } from 'dealer-crm/customer';
import { issuesOf } from '../support/errors.js';

describe('validatePlate', () => {
  it('accepts ordinary plates and normalises separators and case', () => {
    expect(validatePlate('京A·12345')).toEqual({ valid: true, plate: '京A12345', kind: 'ordinary', province: '京', provinceCode: '11', authority: 'A', serial: '12345' });
    expect(validatePlate('沪 b 8c9d2')).toMatchObject({ valid: true, plate: '沪B8C9D2', kind: 'ordinary' });
    expect(validatePlate('粤Ｂ１２３４５')).toMatchObject({ valid: true, plate: '粤B12345' });
  });

  it('accepts small new-energy plates: D or F, a letter or digit, then four digits', () => {
    expect(validatePlate('粤BD12345')).toMatchObject({ valid: true, kind: 'new_energy_small', energy: 'battery_electric', serial: 'D12345' });
    expect(validatePlate('沪AF1A234')).toMatchObject({ valid: false, reason: 'pattern', position: 5 });
    expect(validatePlate('沪AFA1234')).toMatchObject({ valid: true, kind: 'new_energy_small', energy: 'other_new_energy' });
    expect(validatePlate('京AD1234A')).toMatchObject({ valid: false, reason: 'pattern', position: 8 });
  });

  it('accepts large new-energy plates: five digits then D or F', () => {
    expect(validatePlate('粤B12345D')).toMatchObject({ valid: true, kind: 'new_energy_large', energy: 'battery_electric' });
    expect(validatePlate('粤B12345F')).toMatchObject({ valid: true, kind: 'new_energy_large', energy: 'other_new_energy' });
    expect(validatePlate('粤B1234AF')).toMatchObject({ valid: false, reason: 'pattern', position: 7 });
  });

  it('accepts the later series letters only when asked', () => {
    expect(validatePlate('沪AA12345')).toMatchObject({ valid: false, reason: 'pattern' });
    expect(validatePlate('沪AA12345', { extendedNewEnergySeries: true })).toMatchObject({ valid: true, energy: 'battery_electric' });
    expect(validatePlate('沪AG12345', { extendedNewEnergySeries: true })).toMatchObject({ valid: true, energy: 'other_new_energy' });
  });

  it('accepts plates with a suffix: coach, trailer, police, Hong Kong and Macao', () => {
    expect(validatePlate('京A1234学')).toMatchObject({ valid: true, kind: 'coach', suffix: '学', serial: '1234' });
    expect(validatePlate('鲁B1234挂')).toMatchObject({ valid: true, kind: 'trailer' });
    expect(validatePlate('京A1234警')).toMatchObject({ valid: true, kind: 'police' });
    expect(validatePlate('粤Z1234港')).toMatchObject({ valid: true, kind: 'hong_kong_macau', suffix: '港' });
    expect(validatePlate('粤Z1A23澳')).toMatchObject({ valid: true, kind: 'hong_kong_macau', suffix: '澳' });
    expect(validatePlate('京A1234港')).toMatchObject({ valid: false, reason: 'pattern' });
    expect(validatePlate('京A12345警')).toMatchObject({ valid: false, reason: 'length' });
  });

  it('says which rule failed', () => {
    expect(validatePlate('')).toMatchObject({ valid: false, reason: 'empty' });
    expect(validatePlate('AB12345')).toMatchObject({ valid: false, reason: 'province', position: 1 });
    expect(validatePlate('港A12345')).toMatchObject({ valid: false, reason: 'province' });
    expect(validatePlate('京112345')).toMatchObject({ valid: false, reason: 'authority', position: 2 });
    expect(validatePlate('京I12345')).toMatchObject({ valid: false, reason: 'authority' });
    expect(validatePlate('京AO1234')).toMatchObject({ valid: false, reason: 'character', position: 3 });
    expect(validatePlate('京A1234I')).toMatchObject({ valid: false, reason: 'character', position: 7 });
    expect(validatePlate('京A1234')).toMatchObject({ valid: false, reason: 'length' });
    expect(validatePlate('京A1234567')).toMatchObject({ valid: false, reason: 'length' });
    expect(validatePlate('京A123456')).toMatchObject({ valid: false, reason: 'pattern' });
  });

  it('knows every mainland province abbreviation', () => {
    const abbreviations = chinaProvinces.flatMap((p) => (p.plateAbbreviation ? [p.plateAbbreviation] : []));
    expect(abbreviations.join('')).toBe('京津冀晋蒙辽吉黑沪苏浙皖闽赣鲁豫鄂湘粤桂琼渝川贵云藏陕甘青宁新');
    for (const abbreviation of abbreviations) expect(validatePlate(`${abbreviation}A12345`).valid).toBe(true);
    expect(provinceByCode('44')?.plateAbbreviation).toBe('粤');
  });

  it('throws a ValidationError for input that is not a string or unknown options', () => {
    expect(() => validatePlate(null as unknown as string)).toThrow(ValidationError);
    expect(issuesOf(() => validatePlate('京A12345', { strict: true } as never))[0]!.path).toBe('options');
    expect(issuesOf(() => validatePlate(42 as unknown as string))[0]!.path).toBe('input');
  });
});
