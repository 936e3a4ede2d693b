/** Calendars shared by the complaints tests. */
import { defineAlwaysOpenCalendar, defineBusinessCalendar, defineChinaBusinessCalendar } from 'dealer-crm/complaints';

export const HOUR = 3_600_000;
export const MINUTE = 60_000;

/** Mainland China office hours: Monday–Friday 08:30–12:00 and 13:30–18:00 (8 hours a day), with the bundled holidays. */
export const china = defineChinaBusinessCalendar({ name: 'China office' });

const nineToFive = [{ start: '09:00', end: '17:00' }];
const weekdays = { monday: nineToFive, tuesday: nineToFive, wednesday: nineToFive, thursday: nineToFive, friday: nineToFive };

/** New York, Monday–Friday 09:00–17:00. */
export const newYorkOffice = defineBusinessCalendar({ name: 'New York office', timeZone: 'America/New_York', weeklyHours: weekdays });

/** Berlin, Monday–Friday 09:00–17:00. */
export const berlinOffice = defineBusinessCalendar({ name: 'Berlin office', timeZone: 'Europe/Berlin', weeklyHours: weekdays });

/** Around the clock in New York. */
export const newYork24x7 = defineAlwaysOpenCalendar('America/New_York');

/** Around the clock in Santiago, where daylight saving starts and ends at midnight. */
export const santiago24x7 = defineAlwaysOpenCalendar('America/Santiago');

/** Night hours that straddle New York's daylight-saving changes at 02:00, every day but Saturday, with a holiday and an override. */
const nyNight = [
  { start: '00:00', end: '01:30' },
  { start: '02:30', end: '12:00' },
  { start: '13:00', end: '24:00' },
];
export const newYorkNights = defineBusinessCalendar({
  name: 'New York nights',
  timeZone: 'America/New_York',
  weeklyHours: { sunday: nyNight, monday: nyNight, tuesday: nyNight, wednesday: nyNight, thursday: nyNight, friday: nyNight },
  holidays: [{ date: '2024-11-11', name: 'Veterans Day' }],
  extraWorkingDays: [{ date: '2024-03-16', name: 'stock take', hours: [{ start: '10:00', end: '14:00' }] }],
  overrides: [{ date: '2024-03-12', hours: [{ start: '06:00', end: '07:00' }], note: 'short day' }],
});

/** Hours around Berlin's daylight-saving changes (02:00→03:00 in March, 03:00→02:00 in October). */
const berlinNight = [
  { start: '01:00', end: '02:30' },
  { start: '03:20', end: '22:00' },
];
export const berlinNights = defineBusinessCalendar({
  name: 'Berlin nights',
  timeZone: 'Europe/Berlin',
  weeklyHours: { sunday: berlinNight, monday: berlinNight, tuesday: berlinNight, wednesday: berlinNight, thursday: berlinNight, friday: berlinNight, saturday: [{ start: '10:00', end: '12:00' }] },
});

/** Santiago, open around the clock except Saturdays. */
const allDay = [{ start: '00:00', end: '24:00' }];
export const santiagoMostDays = defineBusinessCalendar({
  name: 'Santiago most days',
  timeZone: 'America/Santiago',
  weeklyHours: { sunday: allDay, monday: allDay, tuesday: allDay, wednesday: allDay, thursday: allDay, friday: allDay },
  holidays: [{ date: '2024-09-18', name: 'Fiestas Patrias' }],
});

/** An ISO instant with offset as a Date (for readable expectations). */
export function at(iso: string): Date {
  return new Date(iso);
}
