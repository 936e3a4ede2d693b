import { z } from 'zod';
import { invalid, parse } from '../../core/index.js';
import { provinceByPlateAbbreviation } from './provinces.js';

/**
 * The kind of a licence plate under GA 36-2018:
 * - `ordinary` — blue or yellow plates: province, authority letter, five serial characters (`京A12345`);
 * - `new_energy_small` — green small new-energy plates: six serial characters, the first `D` (battery
 *   electric) or `F` (other new energy), the second a letter or digit, the last four digits (`沪AD12345`);
 * - `new_energy_large` — yellow-green large new-energy plates: five digits then `D` or `F` (`粤B12345D`);
 * - `coach` (`…学`), `trailer` (`…挂`), `police` (`…警`) — four serial characters and a suffix;
 * - `hong_kong_macau` — Guangdong plates for cross-border vehicles: `粤Z` + four characters + `港` or `澳`.
 */
export type PlateKind = 'ordinary' | 'new_energy_small' | 'new_energy_large' | 'coach' | 'trailer' | 'police' | 'hong_kong_macau';

/** The propulsion a new-energy plate states: `battery_electric` (D) or `other_new_energy` (F: plug-in hybrid, range extender, fuel cell). */
export type PlateEnergy = 'battery_electric' | 'other_new_energy';

/** Why a plate failed validation; see {@link validatePlate}. */
export type PlateFailure = 'empty' | 'province' | 'authority' | 'character' | 'length' | 'pattern';

/** The result of {@link validatePlate}. */
export type PlateValidation =
  | {
      /** The plate follows GA 36. */
      readonly valid: true;
      /** The plate normalised: no spaces or separator dot, upper case (`京A·12345` → `京A12345`). */
      readonly plate: string;
      /** Which kind of plate it is. */
      readonly kind: PlateKind;
      /** The province abbreviation (`京`). */
      readonly province: string;
      /** The province-level division's GB/T 2260 code (`11`). */
      readonly provinceCode: string;
      /** The issuing authority letter (`A`). */
      readonly authority: string;
      /** The serial characters after the authority letter, without a suffix character. */
      readonly serial: string;
      /** For a new-energy plate: the propulsion its D/F letter states. */
      readonly energy?: PlateEnergy;
      /** For a plate with a suffix character: `学`, `挂`, `警`, `港` or `澳`. */
      readonly suffix?: string;
    }
  | {
      /** The plate does not follow GA 36. */
      readonly valid: false;
      /** The input normalised as far as it could be. */
      readonly plate: string;
      /** Which rule failed first. */
      readonly reason: PlateFailure;
      /** What was expected and what arrived, in words. */
      readonly message: string;
      /** The 1-based position of the offending character, where one is to blame. */
      readonly position?: number;
    };

/** Options for {@link validatePlate}. */
export interface PlateOptions {
  /**
   * Also accept the later small new-energy series letters some registration
   * offices moved on to once the D and F series ran out (A B C E for battery
   * electric, G H J K for other new energy). These are not in GA 36-2018 itself;
   * off by default.
   */
  readonly extendedNewEnergySeries?: boolean;
}

const OptionsSchema = z.strictObject({ extendedNewEnergySeries: z.boolean().optional() });

/** Serial characters: digits and capital letters except I and O (GA 36: they read as 1 and 0). */
const SERIAL = /^[0-9A-HJ-NP-Z]$/;
const SUFFIX_KINDS: Readonly<Record<string, PlateKind>> = { 学: 'coach', 挂: 'trailer', 警: 'police', 港: 'hong_kong_macau', 澳: 'hong_kong_macau' };
const BATTERY = new Set(['D']);
const OTHER = new Set(['F']);
const BATTERY_EXTENDED = new Set(['D', 'A', 'B', 'C', 'E']);
const OTHER_EXTENDED = new Set(['F', 'G', 'H', 'J', 'K']);

function isDigit(char: string | undefined): boolean {
  return char !== undefined && char >= '0' && char <= '9';
}

/**
 * Validates a mainland China motor-vehicle licence plate number under GA 36-2018:
 * a province abbreviation (`京`, `沪`, `粤`, …), an issuing-authority letter,
 * and a serial of digits and letters other than I and O — five characters on
 * ordinary plates, six on new-energy plates (small: `D`/`F` first, then a
 * letter or digit, then four digits; large: five digits then `D`/`F`), four
 * plus a suffix on coach, trailer, police and Hong Kong/Macao plates. The
 * input is normalised first: full-width characters folded, spaces, dots
 * (`·`) and dashes removed, letters upper-cased.
 *
 * @throws `ValidationError` when `input` is not a string or an option is malformed.
 * @example
 * ```ts
 * validatePlate('京A·12345'); // { valid: true, plate: '京A12345', kind: 'ordinary', ... }
 * validatePlate('粤BD12345'); // { valid: true, kind: 'new_energy_small', energy: 'battery_electric', ... }
 * validatePlate('粤B12345F'); // { valid: true, kind: 'new_energy_large', energy: 'other_new_energy', ... }
 * validatePlate('京AO1234'); // { valid: false, reason: 'character', position: 3, ... }
 * ```
 */
export function validatePlate(input: string, options: PlateOptions = {}): PlateValidation {
  if (typeof input !== 'string') invalid('input', `expected the plate as a string, got ${typeof input}`);
  const opts = parse(OptionsSchema, options, { path: 'options' });
  const plate = input.normalize('NFKC').replace(/[\s·•.\-・]/g, '').toUpperCase();
  const chars = Array.from(plate);
  const fail = (reason: PlateFailure, message: string, position?: number): PlateValidation =>
    position === undefined ? { valid: false, plate, reason, message } : { valid: false, plate, reason, message, position };

  if (chars.length === 0) return fail('empty', 'plate is empty');
  const province = provinceByPlateAbbreviation(chars[0]!);
  if (province === undefined) {
    return fail('province', `a plate starts with a province abbreviation such as 京, 沪 or 粤, got ${JSON.stringify(chars[0])}`, 1);
  }
  const authority = chars[1];
  if (authority === undefined || !/^[A-HJ-Z]$/.test(authority)) {
    return fail('authority', `the second character is the issuing authority's letter A–Z (not I), got ${JSON.stringify(authority ?? '')}`, 2);
  }
  const last = chars[chars.length - 1]!;
  const suffixKind = SUFFIX_KINDS[last];
  const serialChars = suffixKind === undefined ? chars.slice(2) : chars.slice(2, -1);
  for (let i = 0; i < serialChars.length; i++) {
    const char = serialChars[i]!;
    if (!SERIAL.test(char)) {
      const why = char === 'I' || char === 'O' ? 'I and O are not used on plates (they read as 1 and 0)' : 'the serial holds digits and capital letters';
      return fail('character', `${why}, got ${JSON.stringify(char)} at position ${i + 3}`, i + 3);
    }
  }
  const serial = serialChars.join('');
  const base = { valid: true, plate, province: chars[0]!, provinceCode: province.code, authority, serial } as const;

  if (suffixKind !== undefined) {
    if (serial.length !== 4) {
      return fail('length', `a plate ending in ${last} has four serial characters before it, got ${serial.length}`);
    }
    if (suffixKind === 'hong_kong_macau' && !(chars[0] === '粤' && authority === 'Z')) {
      return fail('pattern', `Hong Kong and Macao plates are issued as 粤Z…${last}, got ${chars[0]!}${authority}`, 1);
    }
    return { ...base, kind: suffixKind, suffix: last };
  }
  if (serial.length === 5) return { ...base, kind: 'ordinary' };
  if (serial.length !== 6) {
    return fail('length', `an ordinary plate has five serial characters and a new-energy plate six, got ${serial.length}`);
  }

  const battery = opts.extendedNewEnergySeries === true ? BATTERY_EXTENDED : BATTERY;
  const other = opts.extendedNewEnergySeries === true ? OTHER_EXTENDED : OTHER;
  const head = serial[0]!;
  const tail = serial[5]!;
  if (battery.has(head) || other.has(head)) {
    // Small new-energy plate: letter, letter-or-digit, four digits.
    for (let i = 2; i < 6; i++) {
      if (!isDigit(serial[i])) {
        return fail('pattern', `a small new-energy plate ends in four digits, got ${JSON.stringify(serial[i])} at position ${i + 3}`, i + 3);
      }
    }
    return { ...base, kind: 'new_energy_small', energy: battery.has(head) ? 'battery_electric' : 'other_new_energy' };
  }
  if (tail === 'D' || tail === 'F') {
    for (let i = 0; i < 5; i++) {
      if (!isDigit(serial[i])) {
        return fail('pattern', `a large new-energy plate has five digits before ${tail}, got ${JSON.stringify(serial[i])} at position ${i + 3}`, i + 3);
      }
    }
    return { ...base, kind: 'new_energy_large', energy: tail === 'D' ? 'battery_electric' : 'other_new_energy' };
  }
  const letters = opts.extendedNewEnergySeries === true ? 'D/F (or A B C E / G H J K)' : 'D or F';
  return fail('pattern', `a new-energy plate's six-character serial starts with ${letters} (small vehicles) or ends with D or F (large vehicles), got ${serial}`, 3);
}
