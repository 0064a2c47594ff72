// Swedish / English date and time formatting for bot messages (luxon, explicit zone + locale).
// Swedish running text writes times with a period: "kl. 12.00".
import { DateTime } from 'luxon';
import type { LocalDate, OccurrenceReason } from './calendar.types';

export type CalendarLocale = 'sv' | 'en';

function inZone(date: Date, zone: string, locale: CalendarLocale): DateTime {
  const dt = DateTime.fromJSDate(date, { zone }).setLocale(locale);
  if (!dt.isValid) throw new RangeError(`Invalid zone: ${zone}`);
  return dt;
}

function dateFormat(withYear: boolean): string {
  return withYear ? 'cccc d LLLL yyyy' : 'cccc d LLLL';
}

/** "torsdag 12 mars" / "Thursday 12 March" (with `withYear`: "torsdag 12 mars 2027"). */
export function formatMeetingDate(
  date: Date,
  zone: string,
  locale: CalendarLocale,
  options: { withYear?: boolean } = {},
): string {
  return inZone(date, zone, locale).toFormat(dateFormat(options.withYear ?? false));
}

/** A zone-less local date ('2027-05-06') → "torsdag 6 maj" / "Thursday 6 May". */
export function formatLocalDate(
  date: LocalDate,
  locale: CalendarLocale,
  options: { withYear?: boolean } = {},
): string {
  const dt = DateTime.fromISO(date, { zone: 'utc' }).setLocale(locale);
  if (!dt.isValid) throw new RangeError(`Invalid local date: ${date}`);
  return dt.toFormat(dateFormat(options.withYear ?? false));
}

/** A zone-less local date ('2027-04-01') → "1 apr" / "1 Apr" (short month, no period). */
export function formatShortLocalDate(date: LocalDate, locale: CalendarLocale): string {
  const dt = DateTime.fromISO(date, { zone: 'utc' }).setLocale(locale);
  if (!dt.isValid) throw new RangeError(`Invalid local date: ${date}`);
  return dt.toFormat('d LLL').replace(/\.$/, '');
}

function clock(dt: DateTime, locale: CalendarLocale): string {
  return dt.toFormat(locale === 'sv' ? 'HH.mm' : 'HH:mm');
}

/** "kl. 12.00" / "12:00". */
export function formatTime(date: Date, zone: string, locale: CalendarLocale): string {
  const text = clock(inZone(date, zone, locale), locale);
  return locale === 'sv' ? `kl. ${text}` : text;
}

/** "kl. 13.00–15.00" / "13:00–15:00". */
export function formatTimeRange(
  start: Date,
  end: Date,
  zone: string,
  locale: CalendarLocale,
): string {
  const range = `${clock(inZone(start, zone, locale), locale)}–${clock(inZone(end, zone, locale), locale)}`;
  return locale === 'sv' ? `kl. ${range}` : range;
}

/** "torsdag 12 mars kl. 13.00–15.00" / "Thursday 12 March, 13:00–15:00". */
export function formatMeetingDateTime(
  start: Date,
  end: Date,
  zone: string,
  locale: CalendarLocale,
): string {
  const day = formatMeetingDate(start, zone, locale);
  const time = formatTimeRange(start, end, zone, locale);
  return locale === 'sv' ? `${day} ${time}` : `${day}, ${time}`;
}

/** Why an occurrence was skipped/moved/cancelled, for a message: "helgdag (juldagen)". */
export function describeOccurrenceReason(reason: OccurrenceReason, locale: CalendarLocale): string {
  switch (reason.kind) {
    case 'holiday':
      return locale === 'sv' ? `helgdag (${reason.name})` : `holiday (${reason.nameEn})`;
    case 'break':
      return locale === 'sv' ? reason.name : `school break (${reason.name})`;
    case 'outsideTerm':
      return locale === 'sv' ? 'utanför terminstid' : 'outside school term';
    case 'scheduleChanged':
      return locale === 'sv' ? 'forumets schema har ändrats' : "the forum's schedule changed";
    case 'override':
      return reason.text;
  }
}
