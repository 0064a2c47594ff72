import {
  calendarConfigSchema,
  forumScheduleSchema,
} from '../../../src/capabilities/calendar/calendar.schemas';
import type {
  ForumSchedule,
  MunicipalityCalendarConfig,
} from '../../../src/capabilities/calendar/calendar.types';

/** Tyresö-like school year 2026/27. */
export const calendar2026: MunicipalityCalendarConfig = calendarConfigSchema.parse({
  terms: [
    { kind: 'VT', year: 2026, start: '2026-01-08', end: '2026-06-12' },
    { kind: 'HT', year: 2026, start: '2026-08-17', end: '2026-12-18' },
    { kind: 'VT', year: 2027, start: '2027-01-11', end: '2027-06-11' },
  ],
  breaks: [
    { name: 'höstlov', start: '2026-10-26', end: '2026-10-30' },
    { name: 'jullov', start: '2026-12-21', end: '2027-01-08' },
    { name: 'sportlov', start: '2027-02-22', end: '2027-02-26' },
    { name: 'påsklov', start: '2027-03-29', end: '2027-04-02' },
  ],
});

export const emptyCalendar: MunicipalityCalendarConfig = calendarConfigSchema.parse({});

/** Fossam-like forum: Thursdays 13:00–15:00 Europe/Stockholm, deadline 2 working days before 12:00. */
export function fossam(overrides: Record<string, unknown> = {}): ForumSchedule {
  return forumScheduleSchema.parse({
    forumId: 'fossam',
    recurrence: { kind: 'weekly', weekdays: ['thursday'] },
    startTime: '13:00',
    durationMinutes: 120,
    firstDate: '2026-01-01',
    deadline: { workingDaysBefore: 2, time: '12:00' },
    ...overrides,
  });
}

/** A UTC instant from an ISO string (tests only; the domain never reads the clock). */
export const utc = (iso: string): Date => new Date(iso);
