import { z } from 'zod';
import { CrmError, invalid } from './errors.js';

// ISO 4217 active currency codes (list one, 2025 amendments: XCG replaces ANG,
// ZWG replaces ZWL). Precious metals, testing and fund codes (XAU, XTS, XXX, …)
// are not money a dealer bills in and are left out. Minor-unit exponents: every
// code below has two minor digits except those listed in the exponent table.
const CURRENCY_CODES =
  'AED AFN ALL AMD AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BOV BRL BSD BTN BWP BYN BZD ' +
  'CAD CDF CHE CHF CHW CLF CLP CNY COP COU CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP ' +
  'GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW ' +
  'KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN ' +
  'NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD ' +
  'SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD USN UYI UYU UYW ' +
  'UZS VED VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG';

const MINOR_DIGITS_EXCEPTIONS: Readonly<Record<string, number>> = {
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0, RWF: 0, UGX: 0, UYI: 0,
  VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0,
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
  CLF: 4, UYW: 4,
};

const MINOR_DIGITS: ReadonlyMap<string, number> = new Map(
  CURRENCY_CODES.split(' ').map((code) => [code, MINOR_DIGITS_EXCEPTIONS[code] ?? 2]),
);

/** Every ISO 4217 currency code the library accepts, sorted. */
export const currencyCodes: readonly string[] = Object.freeze([...MINOR_DIGITS.keys()].sort());

/** Whether `code` is an active ISO 4217 currency code (upper case). */
export function isCurrencyCode(code: string): boolean {
  return MINOR_DIGITS.has(code);
}

/**
 * The number of minor-unit digits of a currency: 2 for CNY (fen), 0 for JPY,
 * 3 for KWD.
 *
 * @throws {@link ValidationError} for an unknown currency code.
 */
export function currencyMinorDigits(currency: string): number {
  const digits = MINOR_DIGITS.get(currency);
  if (digits === undefined) invalid('currency', unknownCurrencyMessage(currency));
  return digits;
}

function unknownCurrencyMessage(code: unknown): string {
  return `expected an ISO 4217 currency code such as CNY, got ${JSON.stringify(code)}`;
}

/**
 * An ISO 4217 currency code (`CNY`, `USD`, `EUR`).
 *
 * @example
 * ```ts
 * parse(CurrencyCodeSchema, 'CNY');
 * ```
 */
export const CurrencyCodeSchema = z.string().refine(isCurrencyCode, {
  error: (issue) => unknownCurrencyMessage(issue.input),
});

/** An ISO 4217 currency code; see {@link CurrencyCodeSchema}. */
export type CurrencyCode = string;

/**
 * An amount in integer minor units (fen, cents): a safe integer, which may be
 * negative (a loss, a refund).
 */
export const MinorUnitsSchema = z
  .number({ error: 'expected an integer amount in minor units (fen, cents)' })
  .int({ error: 'expected an integer amount in minor units (fen, cents), not a fraction' })
  .refine(Number.isSafeInteger, { error: 'amount is beyond the safe integer range' });

/** A non-negative amount in integer minor units (a price, a revenue line). */
export const NonNegativeMinorUnitsSchema = MinorUnitsSchema.refine((value) => value >= 0, {
  error: 'expected a non-negative amount in minor units',
});

/**
 * Money: an integer count of minor units with its ISO 4217 currency. Never a
 * float: ¥1,234.50 is `{ amountMinor: 123450, currency: 'CNY' }`.
 */
export const MoneySchema = z.strictObject({
  amountMinor: MinorUnitsSchema,
  currency: CurrencyCodeSchema,
});

/** Money as integer minor units with a currency; see {@link MoneySchema}. */
export interface Money {
  /** The amount in minor units (fen for CNY, cents for USD). */
  readonly amountMinor: number;
  /** The ISO 4217 currency code. */
  readonly currency: CurrencyCode;
}

/**
 * Makes a {@link Money} value, checking the amount and the currency.
 *
 * @param amountMinor - integer minor units (fen, cents)
 * @throws {@link ValidationError} for a fractional or unsafe amount or an unknown currency.
 * @example
 * ```ts
 * money(123450, 'CNY'); // ¥1,234.50
 * ```
 */
export function money(amountMinor: number, currency: CurrencyCode): Money {
  if (!Number.isSafeInteger(amountMinor)) {
    invalid('amountMinor', `expected an integer amount in minor units, got ${amountMinor}`);
  }
  currencyMinorDigits(currency);
  return Object.freeze({ amountMinor, currency });
}

/**
 * Adds money in one currency.
 *
 * @throws {@link CrmError} `CURRENCY_MISMATCH` when the currencies differ.
 */
export function addMoney(a: Money, b: Money): Money {
  assertSameCurrency(a, b);
  return money(a.amountMinor + b.amountMinor, a.currency);
}

/**
 * Subtracts `b` from `a`, in one currency.
 *
 * @throws {@link CrmError} `CURRENCY_MISMATCH` when the currencies differ.
 */
export function subtractMoney(a: Money, b: Money): Money {
  assertSameCurrency(a, b);
  return money(a.amountMinor - b.amountMinor, a.currency);
}

/**
 * Sums money in one currency; an empty list sums to zero in `currency`.
 *
 * @throws {@link CrmError} `CURRENCY_MISMATCH` when an item is in another currency.
 */
export function sumMoney(items: Iterable<Money>, currency: CurrencyCode): Money {
  let total = 0;
  for (const item of items) {
    if (item.currency !== currency) {
      throw new CrmError('CURRENCY_MISMATCH', `cannot add ${item.currency} to a ${currency} total`, {
        details: { expected: currency, actual: item.currency },
      });
    }
    total += item.amountMinor;
  }
  return money(total, currency);
}

function assertSameCurrency(a: Money, b: Money): void {
  if (a.currency !== b.currency) {
    throw new CrmError('CURRENCY_MISMATCH', `cannot combine ${a.currency} with ${b.currency}`, {
      details: { left: a.currency, right: b.currency },
    });
  }
}

const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;

/**
 * Parses a decimal string (`"1234.5"`, as a DMS export writes amounts) to
 * integer minor units exactly, without going through a float.
 *
 * @throws {@link ValidationError} when the text is not a plain decimal, or has
 * more fraction digits than the currency has minor digits.
 * @example
 * ```ts
 * decimalToMinor('1234.5', 'CNY'); // 123450
 * decimalToMinor('500', 'JPY'); // 500
 * ```
 */
export function decimalToMinor(text: string, currency: CurrencyCode): number {
  const digits = currencyMinorDigits(currency);
  const match = DECIMAL.exec(text.trim());
  if (!match) invalid('', `expected a decimal amount such as 1234.50, got ${JSON.stringify(text)}`);
  const [, sign, whole = '0', fraction = ''] = match;
  if (fraction.length > digits) {
    invalid('', `${currency} has ${digits} minor digits; ${JSON.stringify(text)} has ${fraction.length}`);
  }
  const minor = Number(whole + fraction.padEnd(digits, '0'));
  if (!Number.isSafeInteger(minor)) invalid('', `amount ${JSON.stringify(text)} is beyond the safe integer range`);
  return sign ? -minor : minor;
}

/**
 * Writes integer minor units as a plain decimal string (`123450` CNY →
 * `"1234.50"`), the inverse of {@link decimalToMinor}.
 */
export function minorToDecimal(amountMinor: number, currency: CurrencyCode): string {
  const digits = currencyMinorDigits(currency);
  const negative = amountMinor < 0;
  const text = String(Math.abs(amountMinor)).padStart(digits + 1, '0');
  const whole = digits === 0 ? text : text.slice(0, -digits);
  const fraction = digits === 0 ? '' : `.${text.slice(-digits)}`;
  return `${negative ? '-' : ''}${whole}${fraction}`;
}

/**
 * Formats money for people with `Intl.NumberFormat` (`¥1,234.50`).
 *
 * @param locale - a BCP 47 locale; default `zh-CN`
 */
export function formatMoney(value: Money, locale = 'zh-CN'): string {
  const digits = currencyMinorDigits(value.currency);
  return new Intl.NumberFormat(locale, {
    style: 'currency',
    currency: value.currency,
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(Number(minorToDecimal(value.amountMinor, value.currency)));
}
