import { z } from 'zod';
import { CalendarDateSchema, DEFAULT_TIME_ZONE, TimeZoneSchema, deepFreeze as coreDeepFreeze, parse } from '../core/index.js';
import { CalendarTimeline } from './calendar-timeline.js';
import { WorkingHoursSchema, allDayWorkingHours } from './working-hours.js';

/** The days of the week, as keys of a calendar's `weeklyHours`, Sunday first (index = `Date#getDay()`). */
export const weekdayKeys = Object.freeze(['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const);

/** A day of the week; see {@link weekdayKeys}. */
export type Weekday = (typeof weekdayKeys)[number];

/** The working hours of each day of the week; a day left out is closed. */
export const WeeklyHoursSchema = z.strictObject({
  monday: WorkingHoursSchema.default([]),
  tuesday: WorkingHoursSchema.default([]),
  wednesday: WorkingHoursSchema.default([]),
  thursday: WorkingHoursSchema.default([]),
  friday: WorkingHoursSchema.default([]),
  saturday: WorkingHoursSchema.default([]),
  sunday: WorkingHoursSchema.default([]),
});

/** A closed day: a public holiday or a day the dealer shuts. */
export const CalendarHolidaySchema = z.strictObject({
  date: CalendarDateSchema,
  name: z.string().max(200).default(''),
});

/**
 * A day that works although the weekly hours say it is closed: one of China's
 * make-up working days (调休), a weekend the holiday schedule turns into a
 * working day. Without `hours` it works the calendar's `extraWorkingDayHours`.
 */
export const ExtraWorkingDaySchema = z.strictObject({
  date: CalendarDateSchema,
  name: z.string().max(200).default(''),
  hours: WorkingHoursSchema.optional(),
});

/** One-off hours for one date, which win over everything else (an empty list closes the day). */
export const CalendarDateOverrideSchema = z.strictObject({
  date: CalendarDateSchema,
  hours: WorkingHoursSchema,
  note: z.string().max(500).default(''),
});

/**
 * The days the calendar's holiday data covers, both included. Asking the
 * calendar about a day outside them is an error rather than a silent guess,
 * because a year without its holidays would count National Day as working time.
 */
export const CalendarCoverageSchema = z
  .strictObject({ from: CalendarDateSchema, to: CalendarDateSchema })
  .refine((coverage) => coverage.from <= coverage.to, {
    error: (issue) => {
      const value = issue.input as { from: string; to: string };
      return `expected coverage.from on or before coverage.to, got ${value.from} after ${value.to}`;
    },
  });

const BusinessCalendarShape = z.strictObject({
  /** A name for messages and audit trails (`Dealer 0571-01 service`). */
  name: z.string().min(1).max(200).default('business calendar'),
  /** The IANA time zone the working hours are read in. */
  timeZone: TimeZoneSchema.default(DEFAULT_TIME_ZONE),
  weeklyHours: WeeklyHoursSchema,
  holidays: z.array(CalendarHolidaySchema).default([]),
  extraWorkingDays: z.array(ExtraWorkingDaySchema).default([]),
  /** Hours of an extra working day that names none; by default Monday's hours. */
  extraWorkingDayHours: WorkingHoursSchema.optional(),
  overrides: z.array(CalendarDateOverrideSchema).default([]),
  coverage: CalendarCoverageSchema.optional(),
});

/**
 * A business calendar as data: an IANA time zone, weekly working hours (several
 * intervals a day), holidays, extra working days with their hours (China's
 * make-up days) and one-off date overrides. For each date the first rule that
 * applies decides: an override, else a holiday (closed), else an extra working
 * day, else the weekly hours of its weekday.
 *
 * Rules checked: times are `HH:mm` (`24:00` ends the day); an interval's start
 * comes before its end; a day's intervals do not overlap; a date appears at
 * most once in each list and is never both a holiday and an extra working day;
 * the time zone is a known IANA zone; the calendar has some working time.
 */
export const BusinessCalendarConfigSchema = BusinessCalendarShape.superRefine((config, ctx) => {
  for (const list of ['holidays', 'extraWorkingDays', 'overrides'] as const) {
    const seen = new Map<string, number>();
    config[list].forEach((entry, index) => {
      const first = seen.get(entry.date);
      if (first !== undefined) {
        ctx.addIssue({ code: 'custom', path: [list, index, 'date'], message: `expected each date once, got ${entry.date} again (first at ${list}[${first}])` });
      } else seen.set(entry.date, index);
    });
  }
  const holidays = new Set(config.holidays.map((holiday) => holiday.date));
  config.extraWorkingDays.forEach((day, index) => {
    if (holidays.has(day.date)) {
      ctx.addIssue({ code: 'custom', path: ['extraWorkingDays', index, 'date'], message: `expected a date that is not also a holiday, got ${day.date} in both holidays and extraWorkingDays` });
    }
  });
  const weekly = weekdayKeys.some((key) => config.weeklyHours[key].length > 0);
  const extra = config.extraWorkingDays.length > 0 && (config.extraWorkingDays.some((day) => (day.hours ?? []).length > 0) || (config.extraWorkingDayHours ?? config.weeklyHours.monday).length > 0);
  const override = config.overrides.some((entry) => entry.hours.length > 0);
  if (!weekly && !extra && !override) {
    ctx.addIssue({ code: 'custom', path: ['weeklyHours'], message: 'expected some working time, got a calendar that is closed every day' });
  }
}).transform((config) => {
  const { extraWorkingDayHours, ...rest } = config;
  const fallback = extraWorkingDayHours ?? config.weeklyHours.monday;
  return {
    ...rest,
    extraWorkingDays: config.extraWorkingDays.map((day) => ({ date: day.date, name: day.name, hours: day.hours ?? fallback })),
    holidays: [...config.holidays].sort((a, b) => (a.date < b.date ? -1 : 1)),
    overrides: [...config.overrides].sort((a, b) => (a.date < b.date ? -1 : 1)),
  };
}).transform((config) => ({ ...config, extraWorkingDays: [...config.extraWorkingDays].sort((a, b) => (a.date < b.date ? -1 : 1)) }));

/**
 * A business calendar as accepted on input (JSON; arrays may be read-only, so
 * a defined calendar is also a valid configuration); see
 * {@link BusinessCalendarConfigSchema}.
 */
export type BusinessCalendarConfig = ComplaintsReadonly<z.input<typeof BusinessCalendarConfigSchema>>;

/**
 * A defined business calendar: the parsed, deeply frozen, JSON-serialisable
 * configuration (every default filled in, extra working days with their hours,
 * lists sorted by date). `JSON.parse(JSON.stringify(calendar))` gives a config
 * that defines the same calendar. Made by {@link defineBusinessCalendar}.
 */
export type BusinessCalendar = ComplaintsReadonly<z.output<typeof BusinessCalendarConfigSchema>>;

/** A type with every property and array element read-only, recursively: the shape of a defined calendar or policy. */
export type ComplaintsReadonly<T> = T extends Date ? T : T extends readonly (infer U)[] ? readonly ComplaintsReadonly<U>[] : T extends object ? { readonly [K in keyof T]: ComplaintsReadonly<T[K]> } : T;

const TIMELINE = Symbol('dealer-crm.complaints.timeline');

/**
 * Parses a business calendar and returns it deeply frozen. The result carries a
 * hidden, non-enumerable index of its working intervals (built lazily, one day
 * range at a time) so that {@link addBusinessTime} and
 * {@link businessTimeBetween} answer in well under a microsecond; define a
 * calendar once and reuse it. A calendar already defined is returned as is.
 *
 * @throws `ValidationError` naming the path and rule for an unknown time
 * zone, a malformed time, an inverted or overlapping interval, a date listed
 * twice or both as holiday and extra working day, or a calendar with no working
 * time at all.
 * @example
 * ```ts
 * const calendar = defineBusinessCalendar({
 *   name: 'Hangzhou store service',
 *   timeZone: 'Asia/Shanghai',
 *   weeklyHours: {
 *     monday: [{ start: '08:30', end: '12:00' }, { start: '13:30', end: '18:00' }],
 *     saturday: [{ start: '09:00', end: '12:00' }],
 *   },
 *   holidays: [{ date: '2024-10-01', name: 'National Day' }],
 * });
 * ```
 */
export function defineBusinessCalendar(config: BusinessCalendarConfig): BusinessCalendar {
  if (isDefinedBusinessCalendar(config)) return config;
  return defineParsedBusinessCalendar(parse(BusinessCalendarConfigSchema, config, { label: 'business calendar' }));
}

/**
 * A calendar that is open around the clock, every day of the year, in
 * `timeZone` (Asia/Shanghai unless given): business time equals elapsed time.
 * For an OEM hotline's 24×7 promise.
 *
 * @throws `ValidationError` for an unknown time zone.
 */
export function defineAlwaysOpenCalendar(timeZone: string = DEFAULT_TIME_ZONE, name = '24×7'): BusinessCalendar {
  return defineBusinessCalendar(alwaysOpenCalendarConfig(timeZone, name));
}

/** The configuration of a 24×7 calendar in `timeZone` (data, for policies that embed their calendars). */
export function alwaysOpenCalendarConfig(timeZone: string = DEFAULT_TIME_ZONE, name = '24×7'): BusinessCalendarConfig {
  const hours = allDayWorkingHours;
  return {
    name,
    timeZone,
    weeklyHours: { monday: hours, tuesday: hours, wednesday: hours, thursday: hours, friday: hours, saturday: hours, sunday: hours },
  };
}

/** Whether `value` is a calendar returned by {@link defineBusinessCalendar}. */
export function isDefinedBusinessCalendar(value: unknown): value is BusinessCalendar {
  return typeof value === 'object' && value !== null && TIMELINE in value;
}

/**
 * The working-interval index of a calendar, defining the calendar first when
 * it is a plain configuration. Internal to the module.
 */
export function timelineOf(calendar: BusinessCalendarConfig, label = 'calendar'): CalendarTimeline {
  if (isDefinedBusinessCalendar(calendar)) return (calendar as unknown as { [TIMELINE]: CalendarTimeline })[TIMELINE];
  const defined = defineParsedBusinessCalendar(parse(BusinessCalendarConfigSchema, calendar, { label: 'business calendar', path: label }));
  return (defined as unknown as { [TIMELINE]: CalendarTimeline })[TIMELINE];
}

/** Freezes an already parsed calendar configuration and attaches its working-interval index. Internal to the module. */
export function defineParsedBusinessCalendar(parsed: z.output<typeof BusinessCalendarConfigSchema>): BusinessCalendar {
  const calendar = deepFreeze(parsed);
  const holder = { ...calendar };
  Object.defineProperty(holder, TIMELINE, { value: new CalendarTimeline(calendar), enumerable: false, writable: false, configurable: false });
  return Object.freeze(holder) as BusinessCalendar;
}

/** Freezes an object graph (`deepFreeze` from core), typed as deeply readonly. Internal to the module. */
export function deepFreeze<T>(value: T): ComplaintsReadonly<T> {
  return coreDeepFreeze(value) as ComplaintsReadonly<T>;
}
