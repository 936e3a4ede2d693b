/** Why a phone number failed normalisation; see {@link normalizeCnMobile}. */
export type MobileFailure = 'empty' | 'character' | 'length' | 'pattern';

/** The result of {@link normalizeCnMobile}. */
export type MobileNormalization =
  | {
      /** The number is a plausible mainland China mobile number. */
      readonly valid: true;
      /** The number in E.164: `+8613812345678`. */
      readonly e164: string;
      /** The 11-digit national number: `13812345678`. */
      readonly national: string;
    }
  | {
      /** The number is not a mainland mobile number. */
      readonly valid: false;
      /** Which rule failed. */
      readonly reason: MobileFailure;
      /** What was expected and what arrived, in words. */
      readonly message: string;
    };

const MAINLAND_MOBILE = /^1[3-9]\d{9}$/;

/**
 * Normalises a mainland China mobile number to E.164. Accepts the national
 * 11-digit form and the `+86`, `0086` and `86` prefixes, with spaces, dashes,
 * dots and parentheses as people write them; the national number must match
 * `^1[3-9]\d{9}$`.
 *
 * @example
 * ```ts
 * normalizeCnMobile('+86 138-1234-5678'); // { valid: true, e164: '+8613812345678', national: '13812345678' }
 * normalizeCnMobile('12812345678'); // { valid: false, reason: 'pattern', ... }
 * ```
 */
export function normalizeCnMobile(input: string): MobileNormalization {
  const compact = input.replace(/[\s\-.()]/g, '');
  if (compact.length === 0) return { valid: false, reason: 'empty', message: 'mobile number is empty' };
  if (!/^\+?\d+$/.test(compact)) {
    return { valid: false, reason: 'character', message: `mobile number may contain only digits and a leading +, got ${JSON.stringify(input)}` };
  }
  let national = compact;
  if (national.startsWith('+86')) national = national.slice(3);
  else if (national.startsWith('0086')) national = national.slice(4);
  else if (national.startsWith('86') && national.length === 13) national = national.slice(2);
  else if (national.startsWith('+')) {
    return { valid: false, reason: 'pattern', message: `expected a +86 mainland number, got ${JSON.stringify(input)}` };
  }
  if (national.length !== 11) {
    return { valid: false, reason: 'length', message: `a mainland mobile number has 11 digits, got ${national.length}` };
  }
  if (!MAINLAND_MOBILE.test(national)) {
    return { valid: false, reason: 'pattern', message: `a mainland mobile number starts 13–19, got ${national.slice(0, 2)}` };
  }
  return { valid: true, e164: `+86${national}`, national };
}

const E164 = /^\+[1-9]\d{6,14}$/;

/**
 * Normalises any phone number to E.164: a mainland mobile number in any of the
 * forms {@link normalizeCnMobile} accepts, or an international number already
 * written with a `+` and country code. Returns `undefined` when neither fits.
 *
 * @example
 * ```ts
 * toE164('138 1234 5678'); // '+8613812345678'
 * toE164('+49 30 1234567'); // '+49301234567'
 * ```
 */
export function toE164(input: string): string | undefined {
  const mobile = normalizeCnMobile(input);
  if (mobile.valid) return mobile.e164;
  const compact = input.replace(/[\s\-.()]/g, '');
  const international = compact.startsWith('00') ? `+${compact.slice(2)}` : compact;
  return E164.test(international) ? international : undefined;
}
