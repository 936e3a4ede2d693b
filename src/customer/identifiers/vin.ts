/** Why a VIN failed validation; see {@link validateVin}. */
export type VinFailure = 'empty' | 'length' | 'character' | 'forbidden_letter' | 'check_digit';

/** The result of {@link validateVin}: the normalised VIN and, if it is invalid, which rule failed. */
export type VinValidation =
  | {
      /** The VIN passed every rule. */
      readonly valid: true;
      /** The VIN in upper case without spaces or dashes. */
      readonly vin: string;
      /** The check character at position 9. */
      readonly checkCharacter: string;
    }
  | {
      /** The VIN failed a rule. */
      readonly valid: false;
      /** The input in upper case without spaces or dashes. */
      readonly vin: string;
      /** Which rule failed first. */
      readonly reason: VinFailure;
      /** What was expected and what arrived, in words. */
      readonly message: string;
      /** The 1-based position of the offending character, where one is to blame. */
      readonly position?: number;
      /** For `check_digit`: the check character the other 16 characters call for. */
      readonly expected?: string;
      /** For `check_digit`: the character found at position 9. */
      readonly actual?: string;
    };

/** Options for {@link validateVin}. */
export interface ValidateVinOptions {
  /**
   * Whether position 9 must be a correct check character. `true` by default, as
   * GB 16735 (China) and 49 CFR 565 (North America) require; pass `false` for
   * VINs of markets that do not use the check digit (many European makes).
   */
  readonly requireCheckDigit?: boolean;
}

const WEIGHTS = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2] as const;

// ISO 3779 / GB 16735 transliteration of letters to numbers (I, O and Q are not allowed).
const LETTER_VALUES: Readonly<Record<string, number>> = {
  A: 1, B: 2, C: 3, D: 4, E: 5, F: 6, G: 7, H: 8,
  J: 1, K: 2, L: 3, M: 4, N: 5, P: 7, R: 9,
  S: 2, T: 3, U: 4, V: 5, W: 6, X: 7, Y: 8, Z: 9,
};

/** Upper-cases a VIN and removes spaces and dashes (as typed or printed on documents). */
export function normalizeVin(input: string): string {
  return input.replace(/[\s-]/g, '').toUpperCase();
}

function characterValue(char: string): number | undefined {
  if (char >= '0' && char <= '9') return char.charCodeAt(0) - 48;
  return LETTER_VALUES[char];
}

/**
 * Computes the ISO 3779 / GB 16735 check character of a 17-character VIN:
 * letters are transliterated, each position weighted 8 7 6 5 4 3 2 10 0 9 8 7
 * 6 5 4 3 2, and the sum taken mod 11; a remainder of 10 is written `X`.
 * Position 9 itself has weight 0, so whatever stands there does not matter.
 *
 * @returns the check character, or `undefined` when the VIN is not 17 valid characters.
 * @example
 * ```ts
 * vinCheckCharacter('1M8GDM9AXKP042788'); // 'X'
 * ```
 */
export function vinCheckCharacter(vin: string): string | undefined {
  const normal = normalizeVin(vin);
  if (normal.length !== 17) return undefined;
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const value = characterValue(normal[i]!);
    if (value === undefined) return undefined;
    sum += value * WEIGHTS[i]!;
  }
  const remainder = sum % 11;
  return remainder === 10 ? 'X' : String(remainder);
}

/**
 * Validates a vehicle identification number under ISO 3779 and GB 16735:
 * 17 characters of digits and capital letters except I, O and Q, and the check
 * character at position 9. The input is normalised first (case, spaces, dashes).
 * The result says which rule failed, where, and the check character expected.
 *
 * @example
 * ```ts
 * validateVin('1m8gdm9axkp042788'); // { valid: true, vin: '1M8GDM9AXKP042788', checkCharacter: 'X' }
 * validateVin('1M8GDM9A1KP042788');
 * // { valid: false, reason: 'check_digit', expected: 'X', actual: '1', position: 9, ... }
 * ```
 */
export function validateVin(input: string, options: ValidateVinOptions = {}): VinValidation {
  const vin = normalizeVin(input);
  if (vin.length === 0) return { valid: false, vin, reason: 'empty', message: 'VIN is empty' };
  for (let i = 0; i < vin.length; i++) {
    const char = vin[i]!;
    if (char === 'I' || char === 'O' || char === 'Q') {
      return {
        valid: false,
        vin,
        reason: 'forbidden_letter',
        position: i + 1,
        message: `VIN may not contain the letter ${char} (position ${i + 1}); I, O and Q are excluded to avoid confusion with 1 and 0`,
      };
    }
    if (characterValue(char) === undefined) {
      return {
        valid: false,
        vin,
        reason: 'character',
        position: i + 1,
        message: `VIN may contain only digits and capital letters, got ${JSON.stringify(char)} at position ${i + 1}`,
      };
    }
  }
  if (vin.length !== 17) {
    return { valid: false, vin, reason: 'length', message: `VIN must be 17 characters, got ${vin.length}` };
  }
  const expected = vinCheckCharacter(vin)!;
  const actual = vin[8]!;
  if (options.requireCheckDigit !== false && expected !== actual) {
    return {
      valid: false,
      vin,
      reason: 'check_digit',
      position: 9,
      expected,
      actual,
      message: `VIN check character at position 9 is ${actual}, but the other characters call for ${expected}`,
    };
  }
  return { valid: true, vin, checkCharacter: actual };
}
