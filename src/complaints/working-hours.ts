import { z } from 'zod';

const TIME_OF_DAY = /^(?:([01]\d|2[0-3]):([0-5]\d)|(24):(00))$/;

/**
 * A wall-clock time of day `HH:mm` from `00:00` to `24:00` (the end of the
 * day). Minutes only: working hours are never set to the second.
 */
export const TimeOfDaySchema = z.string().refine((value) => TIME_OF_DAY.test(value), {
  error: (issue) => `expected a time of day HH:mm from 00:00 to 24:00, got ${JSON.stringify(issue.input)}`,
});

/** Minutes after midnight of a `HH:mm` time of day (`24:00` is 1440). */
export function minutesOfTimeOfDay(time: string): number {
  return Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
}

/**
 * One working interval of a day in wall-clock time, `start` included and `end`
 * excluded: `{ start: '08:30', end: '12:00' }`. `end: '24:00'` runs to the
 * next midnight. `start` must come before `end`: an interval never crosses
 * midnight (split a night shift into the evening of one day and the morning of
 * the next).
 */
export const WorkingIntervalSchema = z
  .strictObject({ start: TimeOfDaySchema, end: TimeOfDaySchema })
  .refine((interval) => minutesOfTimeOfDay(interval.start) < minutesOfTimeOfDay(interval.end), {
    error: (issue) => {
      const value = issue.input as { start: string; end: string };
      return `expected start before end, got the inverted interval ${value.start}–${value.end} (an interval may not cross midnight)`;
    },
  });

/** One working interval of a day; see {@link WorkingIntervalSchema}. */
export type WorkingInterval = z.output<typeof WorkingIntervalSchema>;

/**
 * The working intervals of one day, sorted by start. Intervals may touch
 * (`08:00–12:00` and `12:00–13:00`) but not overlap; an empty list is a closed
 * day.
 */
export const WorkingHoursSchema = z
  .array(WorkingIntervalSchema)
  .transform((intervals) => [...intervals].sort((a, b) => minutesOfTimeOfDay(a.start) - minutesOfTimeOfDay(b.start)))
  .superRefine((intervals, ctx) => {
    for (let i = 1; i < intervals.length; i++) {
      const previous = intervals[i - 1]!;
      const current = intervals[i]!;
      if (minutesOfTimeOfDay(current.start) < minutesOfTimeOfDay(previous.end)) {
        ctx.addIssue({
          code: 'custom',
          message: `expected working intervals that do not overlap, got ${previous.start}–${previous.end} and ${current.start}–${current.end}`,
        });
      }
    }
  });

/** The working intervals of one day; see {@link WorkingHoursSchema}. */
export type WorkingHours = z.output<typeof WorkingHoursSchema>;

/** The same working hours every day from `00:00` to `24:00`: around the clock. */
export const allDayWorkingHours: WorkingHours = Object.freeze([Object.freeze({ start: '00:00', end: '24:00' })]) as WorkingHours;
