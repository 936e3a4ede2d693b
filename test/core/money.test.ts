import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type {
  CrmError} from '../../src/core/index.js';
import {
  MoneySchema,
  ValidationError,
  addMoney,
  currencyMinorDigits,
  decimalToMinor,
  formatMoney,
  minorToDecimal,
  money,
  parse,
  subtractMoney,
  sumMoney,
} from '../../src/core/index.js';

describe('money', () => {
  it('knows the minor digits of ISO 4217 currencies', () => {
    expect(currencyMinorDigits('CNY')).toBe(2);
    expect(currencyMinorDigits('JPY')).toBe(0);
    expect(currencyMinorDigits('KWD')).toBe(3);
    expect(() => currencyMinorDigits('RMB')).toThrow(ValidationError);
  });

  it('rejects unknown currencies and fractional amounts in the schema', () => {
    expect(() => parse(MoneySchema, { amountMinor: 100, currency: 'RMB' })).toThrow(/ISO 4217/);
    expect(() => parse(MoneySchema, { amountMinor: 10.5, currency: 'CNY' })).toThrow(/integer/);
    expect(() => money(Number.MAX_SAFE_INTEGER + 2, 'CNY')).toThrow(ValidationError);
  });

  it('adds and subtracts in one currency and refuses to mix currencies', () => {
    expect(addMoney(money(150, 'CNY'), money(250, 'CNY'))).toEqual({ amountMinor: 400, currency: 'CNY' });
    expect(subtractMoney(money(150, 'CNY'), money(250, 'CNY'))).toEqual({ amountMinor: -100, currency: 'CNY' });
    expect(sumMoney([], 'USD')).toEqual({ amountMinor: 0, currency: 'USD' });
    try {
      addMoney(money(1, 'CNY'), money(1, 'USD'));
      expect.unreachable();
    } catch (error) {
      expect((error as CrmError).code).toBe('CURRENCY_MISMATCH');
    }
    expect(() => sumMoney([money(1, 'CNY'), money(1, 'EUR')], 'CNY')).toThrow(/EUR/);
  });

  it('parses decimal strings exactly, without floats', () => {
    expect(decimalToMinor('1234.5', 'CNY')).toBe(123450);
    expect(decimalToMinor('0.07', 'CNY')).toBe(7);
    expect(decimalToMinor('-19.99', 'USD')).toBe(-1999);
    expect(decimalToMinor('500', 'JPY')).toBe(500);
    expect(decimalToMinor('1.234', 'KWD')).toBe(1234);
    // 0.1 + 0.2 style drift cannot happen: 1.15 * 100 is 114.99999999999999 as a float.
    expect(decimalToMinor('1.15', 'CNY')).toBe(115);
    expect(() => decimalToMinor('1.234', 'CNY')).toThrow(/2 minor digits/);
    expect(() => decimalToMinor('1,234.00', 'CNY')).toThrow(ValidationError);
    expect(() => decimalToMinor('1.5', 'JPY')).toThrow(ValidationError);
  });

  it('writes minor units back as decimals (round trip)', () => {
    expect(minorToDecimal(123450, 'CNY')).toBe('1234.50');
    expect(minorToDecimal(7, 'CNY')).toBe('0.07');
    expect(minorToDecimal(-1999, 'USD')).toBe('-19.99');
    expect(minorToDecimal(500, 'JPY')).toBe('500');
    fc.assert(
      fc.property(fc.integer({ min: -1e12, max: 1e12 }), fc.constantFrom('CNY', 'JPY', 'KWD'), (amount, currency) => {
        expect(decimalToMinor(minorToDecimal(amount, currency), currency)).toBe(amount);
      }),
    );
  });

  it('formats for people', () => {
    expect(formatMoney(money(123450, 'CNY'))).toBe('¥1,234.50');
    expect(formatMoney(money(123450, 'USD'), 'en-US')).toBe('$1,234.50');
  });
});
