import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ValidationError } from 'dealer-crm/core';
import { maskEmail, maskIdNumber, maskName, maskPhone } from 'dealer-crm/customer';

describe('masking', () => {
  it('masks a mainland mobile as 138****1234 whatever its format', () => {
    expect(maskPhone('13812341234')).toBe('138****1234');
    expect(maskPhone('+86 138-1234-1234')).toBe('138****1234');
    expect(maskPhone('0086 13812341234')).toBe('138****1234');
  });

  it('masks other phone numbers keeping + and two digits and the last four, and hides non-numbers', () => {
    expect(maskPhone('+49 30 1234567')).toBe('+49*****4567'); // +49301234567: 12 characters, 5 masked
    expect(maskPhone('call me')).toBe('*******');
  });

  it('masks identity numbers keeping the first three and last four characters', () => {
    expect(maskIdNumber('11010519491231002x')).toBe('110***********002X'); // 18 − 7 = 11 stars
    expect(maskIdNumber('110105491231002')).toBe('110********1002');
    expect(maskIdNumber('E123456')).toBe('E*****6');
    expect(maskIdNumber('AB')).toBe('**');
  });

  it('masks names keeping the family name, including two-character surnames', () => {
    expect(maskName('王芳')).toBe('王*');
    expect(maskName('王小明')).toBe('王**');
    expect(maskName('欧阳娜娜')).toBe('欧阳**');
    expect(maskName('司马懿')).toBe('司马*');
    expect(maskName('刘䶮')).toBe('刘*'); // a supplementary-plane character counts as one
    expect(maskName('王')).toBe('*');
    expect(maskName('范冰冰', { familyName: '范' })).toBe('范**');
    expect(maskName('张简天明', { familyName: '张简' })).toBe('张简**');
    expect(maskName('John Smith')).toBe('J*** S****');
  });

  it('masks e-mail addresses keeping the first character and the domain', () => {
    expect(maskEmail('Wang.Fang@Example.cn')).toBe('w***@example.cn');
    expect(maskEmail('a@b.cn')).toBe('*@b.cn');
    expect(maskEmail('not-an-email')).toBe('************');
  });

  it('shows only the first three and last four digits of any mainland mobile number', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^1[3-9]\d{9}$/), (mobile) => {
        // Whatever the middle digits are, they are replaced by exactly four stars.
        expect(maskPhone(mobile)).toBe(`${mobile.slice(0, 3)}****${mobile.slice(7)}`);
        expect(maskPhone(`+86 ${mobile}`)).toBe(`${mobile.slice(0, 3)}****${mobile.slice(7)}`);
      }),
      { numRuns: 100 },
    );
  });

  it('throws a ValidationError naming the argument when it is not a string', () => {
    for (const [fn, path] of [
      [() => maskPhone(13812341234 as unknown as string), 'phone'],
      [() => maskIdNumber(undefined as unknown as string), 'idNumber'],
      [() => maskName(null as unknown as string), 'name'],
      [() => maskName('王芳', { familyName: 1 as unknown as string }), 'options.familyName'],
      [() => maskEmail({} as unknown as string), 'email'],
    ] as const) {
      try {
        fn();
        throw new Error('expected a ValidationError');
      } catch (error) {
        expect(error).toBeInstanceOf(ValidationError);
        expect((error as ValidationError).issues[0]!.path).toBe(path);
      }
    }
  });
});
