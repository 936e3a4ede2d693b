import { invalid } from '../../core/index.js';
import { normalizeCnMobile, toE164 } from './mobile.js';

function requireString(value: unknown, path: string): string {
  if (typeof value !== 'string') invalid(path, `expected a string, got ${value === null ? 'null' : typeof value}`);
  return value;
}

function stars(count: number): string {
  return '*'.repeat(Math.max(0, count));
}

/**
 * Masks a phone number for display and logs: a mainland mobile number keeps
 * its first three and last four digits (`138****1234`); another number in
 * E.164 keeps `+` with the next two digits and the last four
 * (`+49*****4567`); anything that is not a phone number is masked entirely.
 *
 * @throws `ValidationError` when `phone` is not a string.
 * @example
 * ```ts
 * maskPhone('+86 138 1234 5678'); // '138****5678'
 * ```
 */
export function maskPhone(phone: string): string {
  const text = requireString(phone, 'phone');
  const mobile = normalizeCnMobile(text);
  if (mobile.valid) return `${mobile.national.slice(0, 3)}****${mobile.national.slice(7)}`;
  const e164 = toE164(text);
  if (e164 !== undefined) return `${e164.slice(0, 3)}${stars(e164.length - 7)}${e164.slice(-4)}`;
  return stars(Array.from(text.trim()).length);
}

/**
 * Masks an identity document number: a number of eight or more characters
 * keeps its first three and last four (`110***********002X`), so the birth
 * date and most of the region are hidden; shorter ones keep the first and
 * last character; one or two characters are masked entirely.
 *
 * @throws `ValidationError` when `idNumber` is not a string.
 * @example
 * ```ts
 * maskIdNumber('11010519491231002X'); // '110***********002X'
 * ```
 */
export function maskIdNumber(idNumber: string): string {
  const chars = Array.from(requireString(idNumber, 'idNumber').normalize('NFKC').replace(/[\s-]/g, '').toUpperCase());
  if (chars.length >= 8) return chars.slice(0, 3).join('') + stars(chars.length - 7) + chars.slice(-4).join('');
  if (chars.length >= 3) return chars[0]! + stars(chars.length - 2) + chars[chars.length - 1]!;
  return stars(chars.length);
}

/**
 * Two-character Chinese family names (复姓). A name that starts with one of
 * these keeps two characters when masked.
 */
const COMPOUND_SURNAMES = new Set(
  (
    '欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 夏侯 轩辕 令狐 端木 南宫 西门 独孤 ' +
    '万俟 闻人 赫连 澹台 公冶 太史 申屠 钟离 宗政 濮阳 淳于 单于 公羊 仲孙 呼延 羊舌 微生 梁丘 左丘 ' +
    '东郭 百里 拓跋 第五 司空 亓官 司寇 巫马 公西 颛孙 壤驷 乐正 漆雕 公良 谷梁 段干 东门 呼衍'
  ).split(' '),
);

const HAN = /\p{Script=Han}/u;

/** Options for {@link maskName}. */
export interface MaskNameOptions {
  /** The family name, when known (it is kept): better than guessing compound surnames. */
  readonly familyName?: string;
}

/**
 * Masks a person's name, keeping the family name: `王芳` → `王*`,
 * `王小明` → `王**`, `欧阳娜娜` → `欧阳**` (two-character surnames are
 * recognised, or pass `familyName`). A name of Latin script keeps the first
 * letter of each word (`John Smith` → `J*** S****`). A one-character name is
 * masked entirely.
 *
 * @throws `ValidationError` when `name` or `familyName` is not a string.
 * @example
 * ```ts
 * maskName('欧阳娜娜'); // '欧阳**'
 * maskName('王芳'); // '王*'
 * ```
 */
export function maskName(name: string, options: MaskNameOptions = {}): string {
  const text = requireString(name, 'name').trim();
  if (options.familyName !== undefined) requireString(options.familyName, 'options.familyName');
  const chars = Array.from(text);
  if (chars.length <= 1) return stars(chars.length);
  if (!HAN.test(text) || /\s/.test(text)) {
    return text
      .split(/(\s+)/)
      .map((part) => (/^\s+$/.test(part) || part === '' ? part : Array.from(part)[0]! + stars(Array.from(part).length - 1)))
      .join('');
  }
  const family = options.familyName?.trim();
  let keep = 1;
  if (family !== undefined && family.length > 0 && text.startsWith(family)) keep = Array.from(family).length;
  else if (COMPOUND_SURNAMES.has(chars.slice(0, 2).join(''))) keep = 2;
  if (keep >= chars.length) keep = chars.length - 1;
  return chars.slice(0, keep).join('') + stars(chars.length - keep);
}

/**
 * Masks an e-mail address, keeping the first character of the local part and
 * the domain: `wang.fang@example.cn` → `w***@example.cn` (always three stars,
 * so the length is not revealed). Text without an `@` is masked entirely.
 *
 * @throws `ValidationError` when `email` is not a string.
 * @example
 * ```ts
 * maskEmail('Wang.Fang@Example.cn'); // 'w***@example.cn'
 * ```
 */
export function maskEmail(email: string): string {
  const text = requireString(email, 'email').trim().toLowerCase();
  const at = text.lastIndexOf('@');
  if (at <= 0 || at === text.length - 1) return stars(Array.from(text).length);
  const local = Array.from(text.slice(0, at));
  return `${local.length === 1 ? '*' : `${local[0]!}***`}${text.slice(at)}`;
}
