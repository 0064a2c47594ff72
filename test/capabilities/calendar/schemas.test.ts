import { describe, expect, it } from 'vitest';
import {
  calendarConfigSchema,
  forumScheduleSchema,
} from '../../../src/capabilities/calendar/calendar.schemas';

const minimal = {
  forumId: 'fossam',
  recurrence: { kind: 'weekly', weekdays: ['thursday'] },
  startTime: '13:00',
  durationMinutes: 120,
  firstDate: '2023-01-19',
  deadline: { workingDaysBefore: 2, time: '12:00' },
};

describe('forumScheduleSchema', () => {
  it('fills defaults', () => {
    expect(forumScheduleSchema.parse(minimal)).toEqual({
      ...minimal,
      recurrence: { kind: 'weekly', interval: 1, weekdays: ['thursday'] },
      timeZone: 'Europe/Stockholm',
      holidayPolicy: 'skip',
      breakPolicy: 'skip',
      onlyDuringTerms: false,
      reminders: { deadlineReminder: { hoursBefore: 24 }, meetingReminderMinutesBefore: 15 },
    });
  });

  it.each([
    ['bad zone', { timeZone: 'Europe/Stockolm' }],
    ['24:00', { startTime: '24:00' }],
    ['1:00', { startTime: '1:00' }],
    ['30 February', { firstDate: '2027-02-30' }],
    ['until before first', { untilDate: '2022-12-31' }],
    ['same-day deadline after start', { deadline: { workingDaysBefore: 0, time: '14:00' } }],
    ['no weekdays', { recurrence: { kind: 'weekly', weekdays: [] } }],
    ['5th Tuesday', { recurrence: { kind: 'monthlyNthWeekday', nth: 5, weekday: 'tuesday' } }],
    ['zero duration', { durationMinutes: 0 }],
    [
      'both reminder kinds',
      {
        reminders: {
          deadlineReminder: { hoursBefore: 2, workingDaysBefore: 1 },
          meetingReminderMinutesBefore: 5,
        },
      },
    ],
  ])('rejects %s', (_name, patch) => {
    expect(forumScheduleSchema.safeParse({ ...minimal, ...patch }).success).toBe(false);
  });
});

describe('calendarConfigSchema', () => {
  const ht = { kind: 'HT', year: 2026, start: '2026-08-17', end: '2026-12-18' };
  const vt = { kind: 'VT', year: 2027, start: '2027-01-11', end: '2027-06-11' };

  it('accepts terms and breaks and defaults the lists', () => {
    expect(calendarConfigSchema.parse({ terms: [ht, vt] })).toEqual({
      terms: [ht, vt],
      breaks: [],
      extraDaysOff: [],
    });
  });

  it('rejects overlapping terms, reversed ranges and a year that does not match', () => {
    expect(
      calendarConfigSchema.safeParse({ terms: [ht, { ...vt, start: '2026-12-01', year: 2026 }] })
        .success,
    ).toBe(false);
    expect(
      calendarConfigSchema.safeParse({
        breaks: [{ name: 'höstlov', start: '2026-10-30', end: '2026-10-26' }],
      }).success,
    ).toBe(false);
    expect(calendarConfigSchema.safeParse({ terms: [{ ...vt, year: 2026 }] }).success).toBe(false);
    expect(
      calendarConfigSchema.safeParse({
        breaks: [{ name: ' ', start: '2026-10-26', end: '2026-10-30' }],
      }).success,
    ).toBe(false);
  });
});
