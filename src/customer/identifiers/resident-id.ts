import { z } from 'zod';
import { DEFAULT_TIME_ZONE, InstantSchema, TimeZoneSchema, invalid, isCalendarDate, parse } from '../../core/index.js';
import { ageInYears, calendarDateIn } from '../internal/util.js';
import { provinceByCode } from './provinces.js';

/** Why a resident identity number failed validation; see {@link validateResidentId}. */
export type ResidentIdFailure =
  | 'empty'
  | 'character'
  | 'length'
  | 'region'
  | 'birth_date'
  | 'born_after_as_of'
  | 'too_old'
  | 'check_character';

/** A person's sex as a resident identity number encodes it (odd sequence digit: male). */
export type ResidentIdSex = 'male' | 'female';

/** The result of {@link validateResidentId}. */
export type ResidentIdValidation =
  | {
      /** The number passed every rule. */
      readonly valid: true;
      /** The 18-character number (a 15-digit legacy number converted), `X` upper-case. */
      readonly idNumber: string;
      /** Whether the input was a 15-digit legacy number that was converted. */
      readonly legacy: boolean;
      /** The check character (position 18). */
      readonly checkCharacter: string;
      /** The birth date encoded in positions 7–14, `YYYY-MM-DD`. */
      readonly birthDate: string;
      /** The sex encoded by the parity of position 17. */
      readonly sex: ResidentIdSex;
      /** The six-digit administrative region code (positions 1–6). */
      readonly regionCode: string;
      /** The two-digit province-level code (positions 1–2). */
      readonly provinceCode: string;
      /** The province-level division's name. */
      readonly province: string;
      /** Whether this is a residence permit number of a Hong Kong, Macao or Taiwan resident (prefix 81/82/83). */
      readonly residencePermit: boolean;
    }
  | {
      /** The number failed a rule. */
      readonly valid: false;
      /** The input as normalised (spaces removed, upper case, full-width digits folded). */
      readonly idNumber: string;
      /** Which rule failed first. */
      readonly reason: ResidentIdFailure;
      /** What was expected and what arrived, in words. */
      readonly message: string;
      /** The 1-based position of the offending character, where one is to blame. */
      readonly position?: number;
      /** The check character the first 17 characters call for, whenever they are 17 digits. */
      readonly expected?: string;
      /** For `check_character`: the character found at position 18. */
      readonly actual?: string;
      /** The birth date as encoded, when positions 7–14 form a real day. */
      readonly birthDate?: string;
      /** The sex as encoded, when the sequence digit is readable. */
      readonly sex?: ResidentIdSex;
      /** The region code as encoded, when the first six characters are digits. */
      readonly regionCode?: string;
    };

/** Options for {@link validateResidentId}. */
export interface ResidentIdOptions {
  /** The instant to judge the birth date against: a birth after it, or an age above `maxAgeYears` at it, fails. */
  readonly asOf?: Date | string;
  /** The greatest plausible age in full years at `asOf`; default 120. */
  readonly maxAgeYears?: number;
  /** The zone in which `asOf` is turned into a calendar day; default `Asia/Shanghai`. */
  readonly timeZone?: string;
}

const OptionsSchema = z.strictObject({
  asOf: InstantSchema.optional(),
  maxAgeYears: z.number().int().positive().max(200).optional(),
  timeZone: TimeZoneSchema.optional(),
});

/** Weights of positions 1–17 in GB 11643 / ISO 7064 MOD 11-2: 2^(18−i) mod 11. */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
/** The check character for each remainder 0–10 of the weighted sum mod 11. */
const CHECK_MAP = '10X98765432';

/**
 * The earliest birth year accepted whatever `asOf` is: resident identity cards
 * were first issued in 1984, and no holder was born before 1870.
 */
const EARLIEST_BIRTH_YEAR = 1870;

/**
 * Computes the GB 11643 check character (ISO 7064 MOD 11-2) of the first 17
 * digits of a resident identity number: each digit times its weight
 * 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2, summed, mod 11, mapped through
 * `1 0 X 9 8 7 6 5 4 3 2`.
 *
 * @param first17 - exactly 17 digits (further characters are ignored)
 * @throws `ValidationError` when the first 17 characters are not digits.
 * @example
 * ```ts
 * residentIdCheckCharacter('11010519491231002'); // 'X' (weighted sum 167, 167 mod 11 = 2 → X)
 * ```
 */
export function residentIdCheckCharacter(first17: string): string {
  if (typeof first17 !== 'string' || !/^\d{17}/.test(first17)) {
    invalid('first17', `expected 17 digits, got ${JSON.stringify(first17)}`);
  }
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (first17.charCodeAt(i) - 48) * WEIGHTS[i]!;
  return CHECK_MAP[sum % 11]!;
}

/** Removes spaces and dashes, folds full-width characters and upper-cases a trailing `x`. */
function normalise(input: string): string {
  return input.normalize('NFKC').replace(/[\s-]/g, '').toUpperCase();
}

/**
 * Validates a PRC resident identity number under GB 11643-1999: 18 characters
 * (six-digit region code, eight-digit birth date, three-digit sequence whose
 * parity gives the sex, and an ISO 7064 MOD 11-2 check character), or a
 * 15-digit legacy number (two-digit birth year, no check character), which is
 * converted to 18 by inserting `19` before the year and computing the check
 * character. The region must start with a province-level code; the birth date
 * must be a real day, no earlier than 1870, and — when `asOf` is given — not
 * after `asOf` nor more than `maxAgeYears` (120) before it.
 *
 * Rules are checked in this order and the first failure is reported:
 * characters, length, region, birth date, birth after `asOf`, age, check
 * character. Whenever the first 17 characters are digits the expected check
 * character is reported too, so a caller can show it.
 *
 * @throws `ValidationError` when `input` is not a string or an option is malformed.
 * @example
 * ```ts
 * validateResidentId('11010519491231002X');
 * // { valid: true, idNumber: '11010519491231002X', birthDate: '1949-12-31', sex: 'female', regionCode: '110105', ... }
 * validateResidentId('110105491231002'); // legacy → idNumber '11010519491231002X'
 * validateResidentId('110105194912310021');
 * // { valid: false, reason: 'check_character', expected: 'X', actual: '1', position: 18, ... }
 * ```
 */
export function validateResidentId(input: string, options: ResidentIdOptions = {}): ResidentIdValidation {
  if (typeof input !== 'string') invalid('input', `expected the identity number as a string, got ${typeof input}`);
  const opts = parse(OptionsSchema, options, { path: 'options' });
  const id = normalise(input);
  if (id.length === 0) return { valid: false, idNumber: id, reason: 'empty', message: 'identity number is empty' };

  const legacyShape = id.length === 15;
  for (let i = 0; i < id.length; i++) {
    const char = id[i]!;
    const isDigit = char >= '0' && char <= '9';
    const isCheckX = char === 'X' && i === 17 && id.length === 18;
    if (!isDigit && !isCheckX) {
      return {
        valid: false,
        idNumber: id,
        reason: 'character',
        position: i + 1,
        message:
          char === 'X'
            ? `X may only stand at position 18 as the check character, found at position ${i + 1}`
            : `an identity number holds digits (and X as the 18th character), got ${JSON.stringify(char)} at position ${i + 1}`,
      };
    }
  }
  if (id.length !== 18 && !legacyShape) {
    return { valid: false, idNumber: id, reason: 'length', message: `an identity number has 18 characters (or 15 digits for a legacy number), got ${id.length}` };
  }

  const first17 = legacyShape ? `${id.slice(0, 6)}19${id.slice(6, 15)}` : id.slice(0, 17);
  const expected = residentIdCheckCharacter(first17);
  const regionCode = first17.slice(0, 6);
  const sex: ResidentIdSex = (first17.charCodeAt(16) - 48) % 2 === 1 ? 'male' : 'female';
  const rawBirth = first17.slice(6, 14);
  const birthDate = `${rawBirth.slice(0, 4)}-${rawBirth.slice(4, 6)}-${rawBirth.slice(6, 8)}`;
  const realBirth = isCalendarDate(birthDate);
  const known = { idNumber: id, expected, regionCode, sex, ...(realBirth ? { birthDate } : {}) };

  const province = provinceByCode(regionCode.slice(0, 2));
  if (province === undefined) {
    return {
      valid: false,
      ...known,
      reason: 'region',
      position: 1,
      message: `positions 1–2 must be a province-level code (11 Beijing … 65 Xinjiang, 81–83 residence permits), got ${regionCode.slice(0, 2)}`,
    };
  }
  const birthPosition = 7;
  const birthPositions = legacyShape ? 'positions 7–12 (a legacy number, year 19YY)' : 'positions 7–14';
  if (!realBirth) {
    return { valid: false, ...known, reason: 'birth_date', position: birthPosition, message: `${birthPositions} must be a real birth date, got ${legacyShape ? id.slice(6, 12) : rawBirth}` };
  }
  if (Number(rawBirth.slice(0, 4)) < EARLIEST_BIRTH_YEAR) {
    return { valid: false, ...known, reason: 'too_old', position: birthPosition, message: `birth date ${birthDate} is before ${EARLIEST_BIRTH_YEAR}` };
  }
  if (opts.asOf !== undefined) {
    const today = calendarDateIn(opts.asOf, opts.timeZone ?? DEFAULT_TIME_ZONE);
    if (birthDate > today) {
      return { valid: false, ...known, reason: 'born_after_as_of', position: birthPosition, message: `birth date ${birthDate} is after the as-of day ${today}` };
    }
    const maxAge = opts.maxAgeYears ?? 120;
    const age = ageInYears(birthDate, today);
    if (age > maxAge) {
      return { valid: false, ...known, reason: 'too_old', position: birthPosition, message: `birth date ${birthDate} makes the holder ${age} on ${today}, above the plausible ${maxAge}` };
    }
  }
  if (!legacyShape && id[17] !== expected) {
    return {
      valid: false,
      ...known,
      reason: 'check_character',
      position: 18,
      actual: id[17]!,
      message: `check character at position 18 is ${id[17]!}, but the first 17 digits call for ${expected}`,
    };
  }
  return {
    valid: true,
    idNumber: first17 + expected,
    legacy: legacyShape,
    checkCharacter: expected,
    birthDate,
    sex,
    regionCode,
    provinceCode: province.code,
    province: province.name,
    residencePermit: province.residencePermit === true,
  };
}
