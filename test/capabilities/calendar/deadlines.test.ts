import { describe, expect, it } from 'vitest';
import {
  computeDeadline,
  computeReminderMoments,
} from '../../../src/capabilities/calendar/deadlines';
import { materializeOccurrences } from '../../../src/capabilities/calendar/occurrences';
import { calendar2026, emptyCalendar, fossam, utc } from './fixtures';

const rule = { workingDaysBefore: 2, time: '12:00' };
const zone = 'Europe/Stockholm';
const iso = (d: Date) => d.toISOString();

describe('computeDeadline (2 working days before at 12:00)', () => {
  it('Thursday meeting → Tuesday 12:00 local', () => {
    expect(iso(computeDeadline('2027-03-11', rule, zone))).toBe('2027-03-09T11:00:00.000Z');
    // Summer time: 12:00 CEST = 10:00Z.
    expect(iso(computeDeadline('2026-09-10', rule, zone))).toBe('2026-09-08T10:00:00.000Z');
  });

  it('over Easter: meeting Tuesday after annandag påsk 2027 → Wednesday before långfredagen', () => {
    // Mon 29/3 annandag påsk, Sun/Sat, Fri 26/3 långfredagen are not working days; skärtorsdagen is.
    expect(iso(computeDeadline('2027-03-30', rule, zone))).toBe('2027-03-24T11:00:00.000Z');
    expect(iso(computeDeadline('2027-03-30', { ...rule, workingDaysBefore: 1 }, zone))).toBe(
      '2027-03-25T11:00:00.000Z',
    );
  });

  it('skips julafton, nyårsafton and nyårsdagen', () => {
    expect(iso(computeDeadline('2027-01-04', rule, zone))).toBe('2026-12-29T11:00:00.000Z');
  });

  it('does NOT skip school breaks (staff work during höstlov)', () => {
    // Monday 2 Nov 2026 after höstlov → Thursday 29 Oct (in höstlov), 12:00 CET = 11:00Z.
    expect(iso(computeDeadline('2026-11-02', rule, zone, calendar2026))).toBe(
      '2026-10-29T11:00:00.000Z',
    );
  });

  it('0 working days = the meeting day itself', () => {
    expect(iso(computeDeadline('2027-03-11', { workingDaysBefore: 0, time: '08:00' }, zone))).toBe(
      '2027-03-11T07:00:00.000Z',
    );
  });
});

describe('computeReminderMoments', () => {
  it('Tuesday after Easter 2027: deadline in CET, meeting in CEST', () => {
    const schedule = fossam({ recurrence: { kind: 'weekly', weekdays: ['tuesday'] } });
    const [occ] = materializeOccurrences(schedule, emptyCalendar, utc('2027-03-30T00:00Z'), 1);
    if (!occ) throw new Error('no occurrence');
    const moments = computeReminderMoments(occ, schedule, emptyCalendar);
    expect(iso(moments.deadlineAt)).toBe('2027-03-24T11:00:00.000Z');
    // default: 24 h before the deadline, 15 min before the meeting (13:00 CEST = 11:00Z)
    expect(iso(moments.deadlineReminderAt)).toBe('2027-03-23T11:00:00.000Z');
    expect(iso(moments.meetingReminderAt)).toBe('2027-03-30T10:45:00.000Z');
  });

  it('hoursBefore is absolute time: 72 h before across the spring-forward night', () => {
    const schedule = fossam({
      recurrence: { kind: 'weekly', weekdays: ['thursday'] },
      reminders: { deadlineReminder: { hoursBefore: 72 }, meetingReminderMinutesBefore: 60 },
    });
    const [occ] = materializeOccurrences(schedule, emptyCalendar, utc('2027-04-01T00:00Z'), 1);
    if (!occ) throw new Error('no occurrence');
    const moments = computeReminderMoments(occ, schedule, emptyCalendar);
    // Deadline Tue 30 Mar 12:00 CEST = 10:00Z; 72 h earlier = Sat 27 Mar 11:00 CET.
    expect(iso(moments.deadlineAt)).toBe('2027-03-30T10:00:00.000Z');
    expect(iso(moments.deadlineReminderAt)).toBe('2027-03-27T10:00:00.000Z');
    expect(iso(moments.meetingReminderAt)).toBe('2027-04-01T10:00:00.000Z');
  });

  it('workingDaysBefore reminder keeps the local time and skips Easter', () => {
    const schedule = fossam({
      recurrence: { kind: 'weekly', weekdays: ['friday'] },
      reminders: { deadlineReminder: { workingDaysBefore: 2 }, meetingReminderMinutesBefore: 10 },
    });
    // Friday 2 April 2027 → deadline Wed 31 Mar 12:00 CEST; reminder 2 working days earlier:
    // Tue 30 Mar (1), Mon 29 Mar is annandag påsk, … Thu 25 Mar (2) at 12:00 CET = 11:00Z.
    const [occ] = materializeOccurrences(schedule, emptyCalendar, utc('2027-04-02T00:00Z'), 1);
    if (!occ) throw new Error('no occurrence');
    const moments = computeReminderMoments(occ, schedule, emptyCalendar);
    expect(iso(moments.deadlineAt)).toBe('2027-03-31T10:00:00.000Z');
    expect(iso(moments.deadlineReminderAt)).toBe('2027-03-25T11:00:00.000Z');
    expect(iso(moments.meetingReminderAt)).toBe('2027-04-02T10:50:00.000Z');
  });

  it('a moved occurrence gets the deadline of its new date', () => {
    const schedule = fossam({ holidayPolicy: 'moveToNextWorkingDay' });
    const [occ] = materializeOccurrences(schedule, emptyCalendar, utc('2027-05-03T00:00Z'), 7);
    if (!occ) throw new Error('no occurrence');
    expect(occ.date).toBe('2027-05-07');
    // Fri 7 May; Thu 6 May is Kristi himmelsfärdsdag → Wed 5 (1), Tue 4 (2).
    expect(iso(computeReminderMoments(occ, schedule, emptyCalendar).deadlineAt)).toBe(
      '2027-05-04T10:00:00.000Z',
    );
  });
});
