// Local-date arithmetic. LocalDates are handled as plain calendar dates (luxon in UTC, where
// every day has 24 hours); they only meet a real time zone in `localDateTimeToInstant`.
import { DateTime, IANAZone } from 'luxon';
import type { LocalDate, LocalTime, Weekday } from './calendar.types';
import { WEEKDAYS } from './calendar.types';

const LOCAL_DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
const LOCAL_TIME_RE = /^([01]\d|2[0-3]):[0-5]\d$/;

function parseDate(date: LocalDate): DateTime {
  const dt = LOCAL_DATE_RE.test(date) ? DateTime.fromISO(date, { zone: 'utc' }) : null;
  if (!dt?.isValid) throw new RangeError(`Invalid local date: ${date}`);
  return dt;
}

export function isValidLocalDate(value: string): boolean {
  return LOCAL_DATE_RE.test(value) && DateTime.fromISO(value, { zone: 'utc' }).isValid;
}

export function isValidLocalTime(value: string): boolean {
  return LOCAL_TIME_RE.test(value);
}

export function parseLocalTime(time: LocalTime): { hour: number; minute: number } {
  if (!LOCAL_TIME_RE.test(time)) throw new RangeError(`Invalid local time: ${time}`);
  return { hour: Number(time.slice(0, 2)), minute: Number(time.slice(3, 5)) };
}

export function addDays(date: LocalDate, days: number): LocalDate {
  return parseDate(date).plus({ days }).toISODate() ?? date;
}

/** ISO weekday: 1 = Monday … 7 = Sunday. */
export function isoWeekday(date: LocalDate): number {
  return parseDate(date).weekday;
}

export function weekdayName(date: LocalDate): Weekday {
  const name = WEEKDAYS[isoWeekday(date) - 1];
  if (!name) throw new RangeError(`No weekday for ${date}`);
  return name;
}

export function isWeekend(date: LocalDate): boolean {
  return isoWeekday(date) >= 6;
}

/** Calendar year of a LocalDate. */
export function yearOf(date: LocalDate): number {
  return parseDate(date).year;
}

/** Whole days from `a` to `b` (positive when b is later). */
export function daysBetween(a: LocalDate, b: LocalDate): number {
  return Math.round(parseDate(b).diff(parseDate(a), 'days').days);
}

/** A LocalDate as a `Date` at 00:00 UTC (the "floating" form rrule works with). */
export function localDateToFloating(date: LocalDate): Date {
  return parseDate(date).toJSDate();
}

/** Inverse of `localDateToFloating`: reads the UTC calendar fields. */
export function floatingToLocalDate(date: Date): LocalDate {
  return date.toISOString().slice(0, 10);
}

/**
 * Wall-clock date + time in `zone` → UTC instant. A wall-clock time that does not exist
 * (inside the spring-forward gap) is shifted forward by luxon; an ambiguous one (autumn) resolves
 * to the earlier offset.
 */
export function localDateTimeToInstant(date: LocalDate, time: LocalTime, zone: string): Date {
  const d = parseDate(date);
  const { hour, minute } = parseLocalTime(time);
  const dt = DateTime.fromObject(
    { year: d.year, month: d.month, day: d.day, hour, minute },
    { zone },
  );
  if (!dt.isValid) throw new RangeError(`Invalid zone or time: ${date} ${time} ${zone}`);
  return dt.toJSDate();
}

/** The local date of an instant in `zone`. */
export function instantToLocalDate(instant: Date, zone: string): LocalDate {
  const dt = DateTime.fromJSDate(instant, { zone });
  const iso = dt.isValid ? dt.toISODate() : null;
  if (!iso) throw new RangeError(`Invalid zone or instant: ${zone}`);
  return iso;
}

/** The local wall-clock time 'HH:mm' of an instant in `zone`. */
export function instantToLocalTime(instant: Date, zone: string): LocalTime {
  return DateTime.fromJSDate(instant, { zone }).toFormat('HH:mm');
}

export function isValidTimeZone(zone: string): boolean {
  return IANAZone.isValidZone(zone);
}
