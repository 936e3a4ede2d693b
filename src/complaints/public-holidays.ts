import { z } from 'zod';
import { CalendarDateSchema, invalid, parse } from '../core/index.js';
import { defineBusinessCalendar, type BusinessCalendar, type BusinessCalendarConfig, type ComplaintsReadonly } from './business-calendar.js';
// Mainland China public holidays, make-up working days (调休) and days in lieu,
// 2004 through 2026, from the npm package chinese-days@1.5.7 (MIT licence,
// copyright 2024 Yawei sun; upstream https://github.com/vsme/chinese-days;
// licence text in ./data/holidays-cn.LICENSE). Later years come from the State
// Council's yearly notice: pass them as PublicHolidayData.
import chinaHolidayJson from './data/holidays-cn.json';

const DayNamesSchema = z.record(CalendarDateSchema, z.string().max(200));

/**
 * Public-holiday data for one country or region: the holidays (closed days),
 * the make-up working days (weekend days the schedule turns into working days,
 * China's 调休), and optionally the days given in lieu (informational: they
 * are already among the holidays). Keys are `YYYY-MM-DD`; values name the
 * holiday. The format of the bundled China data, so users can pass their own
 * for later years or other countries.
 */
export const PublicHolidayDataSchema = z.strictObject({
  /** Where the data comes from (publisher, notice, package and version). */
  source: z.string().min(1).max(500),
  holidays: DayNamesSchema,
  makeUpWorkdays: DayNamesSchema.default({}),
  inLieuDays: DayNamesSchema.default({}),
});

/** Public-holiday data; see {@link PublicHolidayDataSchema}. */
export type PublicHolidayData = z.output<typeof PublicHolidayDataSchema>;

/** Public-holiday data as accepted on input. */
export type PublicHolidayDataInput = ComplaintsReadonly<z.input<typeof PublicHolidayDataSchema>>;

/**
 * Mainland China public holidays and make-up working days, 2004 through 2026,
 * as published by the State Council and collected in the npm package
 * `chinese-days@1.5.7` (MIT). Each value reads `English name,Chinese name,days
 * in block` (`National Day,国庆节,7`).
 */
export const chinaPublicHolidays: PublicHolidayData = deepFreezeData(chinaHolidayJson as PublicHolidayData);

function deepFreezeData(data: PublicHolidayData): PublicHolidayData {
  Object.freeze(data.holidays);
  Object.freeze(data.makeUpWorkdays);
  Object.freeze(data.inLieuDays);
  return Object.freeze(data);
}

/** Options for {@link withPublicHolidays}. */
export interface WithPublicHolidaysOptions {
  /** Working hours of a make-up working day; by default the calendar's `extraWorkingDayHours`, else Monday's hours. */
  readonly makeUpDayHours?: BusinessCalendarConfig['weeklyHours']['monday'];
}

/**
 * Adds public-holiday data to a calendar configuration: the holidays become
 * closed days, the make-up working days become extra working days, and the
 * calendar's coverage becomes the years the data covers (every year from the
 * first to the last must have entries), so that asking about a later year is an
 * error instead of a silent guess. Several data sets (the bundled years plus
 * a user's later years) are merged; a date may not be a holiday in one and a
 * working day in another.
 *
 * @throws `ValidationError` for malformed data, a year missing between
 * the first and last, or a date that is both a holiday and a make-up day.
 * @example
 * ```ts
 * const config = withPublicHolidays(
 *   { name: 'Shanghai office', timeZone: 'Asia/Shanghai', weeklyHours: { monday: [{ start: '09:00', end: '18:00' }] } },
 *   [chinaPublicHolidays, holidays2027],
 * );
 * ```
 */
export function withPublicHolidays(
  config: BusinessCalendarConfig,
  data: PublicHolidayDataInput | readonly PublicHolidayDataInput[],
  options: WithPublicHolidaysOptions = {},
): BusinessCalendarConfig {
  const many = Array.isArray(data);
  const sets = (many ? data : [data]) as readonly PublicHolidayDataInput[];
  const parsed = sets.map((set, index) =>
    set === chinaPublicHolidays ? chinaPublicHolidays : parse(PublicHolidayDataSchema, set, { label: 'public holiday data', path: many ? `data[${index}]` : 'data' }),
  );
  const holidays = new Map<string, string>();
  const makeUp = new Map<string, string>();
  for (const set of parsed) {
    for (const [date, name] of Object.entries(set.holidays)) holidays.set(date, name);
    for (const [date, name] of Object.entries(set.makeUpWorkdays)) makeUp.set(date, name);
  }
  for (const date of makeUp.keys()) {
    if (holidays.has(date)) invalid('data', `expected ${date} to be either a holiday or a make-up working day, got both`);
  }
  const years = [...holidays.keys(), ...makeUp.keys()].map((date) => Number(date.slice(0, 4)));
  if (years.length === 0) return config;
  const first = Math.min(...years);
  const last = Math.max(...years);
  const present = new Set(years);
  for (let year = first; year <= last; year++) {
    if (!present.has(year)) invalid('data', `expected holiday data for every year from ${first} to ${last}, got none for ${year}`);
  }
  const base = config;
  const ownHolidays = base.holidays ?? [];
  const ownExtra = base.extraWorkingDays ?? [];
  const taken = new Set([...ownHolidays.map((day) => day.date), ...ownExtra.map((day) => day.date)]);
  const hours = options.makeUpDayHours === undefined ? {} : { hours: options.makeUpDayHours };
  const coverageFrom = `${first}-01-01`;
  const coverageTo = `${last}-12-31`;
  const ownCoverage = base.coverage;
  return {
    ...base,
    holidays: [...ownHolidays, ...[...holidays].filter(([date]) => !taken.has(date)).map(([date, name]) => ({ date, name }))],
    extraWorkingDays: [...ownExtra, ...[...makeUp].filter(([date]) => !taken.has(date)).map(([date, name]) => ({ date, name, ...hours }))],
    coverage: ownCoverage === undefined ? { from: coverageFrom, to: coverageTo } : { from: maxDate(ownCoverage.from, coverageFrom), to: minDate(ownCoverage.to, coverageTo) },
  };
}

function maxDate(a: string, b: string): string {
  return a > b ? a : b;
}

function minDate(a: string, b: string): string {
  return a < b ? a : b;
}

/** Options for {@link defineChinaBusinessCalendar}. */
export interface ChinaBusinessCalendarOptions {
  /** A name for messages and audit trails. */
  readonly name?: string;
  /** The zone; Asia/Shanghai unless given. */
  readonly timeZone?: string;
  /** Weekly working hours; by default Monday to Friday 08:30–12:00 and 13:30–18:00. */
  readonly weeklyHours?: BusinessCalendarConfig['weeklyHours'];
  /** Hours of a make-up working day; by default Monday's hours. */
  readonly makeUpDayHours?: BusinessCalendarConfig['weeklyHours']['monday'];
  /** Holiday data; by default {@link chinaPublicHolidays}. Pass `[chinaPublicHolidays, yourLaterYears]` to extend it. */
  readonly holidayData?: PublicHolidayDataInput | readonly PublicHolidayDataInput[];
  /** One-off date overrides (a stock-take afternoon, a dealer event). */
  readonly overrides?: BusinessCalendarConfig['overrides'];
}

/** The default weekly hours of {@link defineChinaBusinessCalendar}: Monday to Friday, 08:30–12:00 and 13:30–18:00. */
export const chinaOfficeWeeklyHours = Object.freeze({
  monday: [{ start: '08:30', end: '12:00' }, { start: '13:30', end: '18:00' }],
  tuesday: [{ start: '08:30', end: '12:00' }, { start: '13:30', end: '18:00' }],
  wednesday: [{ start: '08:30', end: '12:00' }, { start: '13:30', end: '18:00' }],
  thursday: [{ start: '08:30', end: '12:00' }, { start: '13:30', end: '18:00' }],
  friday: [{ start: '08:30', end: '12:00' }, { start: '13:30', end: '18:00' }],
} as const);

/**
 * A business calendar for mainland China: Asia/Shanghai, weekly hours
 * (Monday–Friday 08:30–12:00 and 13:30–18:00 unless given), the public
 * holidays closed and the make-up working days open, covering the years of the
 * holiday data (2004–2026 with the bundled data).
 *
 * @throws `ValidationError` for bad hours or holiday data.
 * @example
 * ```ts
 * const calendar = defineChinaBusinessCalendar({ name: 'Store 0571-01' });
 * isBusinessDay(calendar, '2024-10-12'); // true: make-up Saturday after National Day
 * ```
 */
export function defineChinaBusinessCalendar(options: ChinaBusinessCalendarOptions = {}): BusinessCalendar {
  const weeklyHours = options.weeklyHours ?? chinaOfficeWeeklyHours;
  const config: BusinessCalendarConfig = {
    name: options.name ?? 'China business calendar',
    timeZone: options.timeZone ?? 'Asia/Shanghai',
    weeklyHours,
    overrides: options.overrides ?? [],
  };
  const withOptions = options.makeUpDayHours === undefined ? {} : { makeUpDayHours: options.makeUpDayHours };
  return defineBusinessCalendar(withPublicHolidays(config, options.holidayData ?? chinaPublicHolidays, withOptions));
}
