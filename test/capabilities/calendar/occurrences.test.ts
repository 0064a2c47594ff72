import { describe, expect, it } from 'vitest';
import { calendarConfigSchema } from '../../../src/capabilities/calendar/calendar.schemas';
import type { Occurrence } from '../../../src/capabilities/calendar/calendar.types';
import {
  materializeOccurrences,
  occurrenceId,
  parseOccurrenceId,
} from '../../../src/capabilities/calendar/occurrences';
import { calendar2026, emptyCalendar, fossam, utc } from './fixtures';

const summary = (occ: Occurrence[]) =>
  occ.map((o) => ({ id: o.id, date: o.date, status: o.status, reason: o.reason }));

describe('holidays', () => {
  // Kristi himmelsfärdsdag 2027 is Thursday 6 May.
  const from = utc('2027-05-03T00:00Z');

  it('skips Kristi himmelsfärdsdag with policy skip', () => {
    const occ = materializeOccurrences(fossam(), emptyCalendar, from, 7);
    expect(summary(occ)).toEqual([
      {
        id: 'fossam:2027-05-06',
        date: '2027-05-06',
        status: 'skipped',
        reason: {
          kind: 'holiday',
          name: 'Kristi himmelsfärdsdag',
          nameEn: 'Ascension Day',
          date: '2027-05-06',
        },
      },
    ]);
  });

  it('moves it to Friday 7 May with policy moveToNextWorkingDay, keeping id and local time', () => {
    const schedule = fossam({ holidayPolicy: 'moveToNextWorkingDay' });
    const [occ] = materializeOccurrences(schedule, emptyCalendar, from, 7);
    expect(occ).toMatchObject({
      id: 'fossam:2027-05-06',
      originalDate: '2027-05-06',
      date: '2027-05-07',
      status: 'moved',
      reason: { kind: 'holiday', name: 'Kristi himmelsfärdsdag' },
    });
    expect(occ?.start.toISOString()).toBe('2027-05-07T11:00:00.000Z');
    expect(occ?.end.toISOString()).toBe('2027-05-07T13:00:00.000Z');
  });

  it('moves past a Friday that is a break (klämdag lovdag) to Monday', () => {
    const config = calendarConfigSchema.parse({
      breaks: [{ name: 'lovdag', start: '2027-05-07', end: '2027-05-07' }],
    });
    const schedule = fossam({ holidayPolicy: 'moveToNextWorkingDay' });
    const [occ] = materializeOccurrences(schedule, config, from, 14);
    expect(occ).toMatchObject({ id: 'fossam:2027-05-06', date: '2027-05-10', status: 'moved' });
    const ignoring = fossam({ holidayPolicy: 'moveToNextWorkingDay', breakPolicy: 'ignore' });
    expect(materializeOccurrences(ignoring, config, from, 14)[0]?.date).toBe('2027-05-07');
  });

  it('skips instead of moving when the next working day already has a meeting of the forum', () => {
    const schedule = fossam({
      holidayPolicy: 'moveToNextWorkingDay',
      recurrence: { kind: 'weekly', weekdays: ['thursday', 'friday'] },
    });
    const occ = materializeOccurrences(schedule, emptyCalendar, from, 7);
    expect(summary(occ).map(({ id, date, status }) => [id, date, status])).toEqual([
      ['fossam:2027-05-06', '2027-05-06', 'skipped'],
      ['fossam:2027-05-07', '2027-05-07', 'scheduled'],
    ]);
  });

  it('treats julafton and nyårsafton (de facto days off) like holidays', () => {
    const occ = materializeOccurrences(fossam(), emptyCalendar, utc('2026-12-21T00:00Z'), 14);
    expect(
      occ.map((o) => [o.date, o.status, o.reason?.kind === 'holiday' && o.reason.name]),
    ).toEqual([
      ['2026-12-24', 'skipped', 'julafton'],
      ['2026-12-31', 'skipped', 'nyårsafton'],
    ]);
  });

  it('municipal extra days off block meetings too', () => {
    const config = calendarConfigSchema.parse({
      extraDaysOff: [{ date: '2026-09-10', name: 'kommunens personaldag' }],
    });
    const [occ] = materializeOccurrences(fossam(), config, utc('2026-09-07T00:00Z'), 7);
    expect(occ).toMatchObject({ status: 'skipped', reason: { name: 'kommunens personaldag' } });
  });
});

describe('terms and breaks', () => {
  it('skips a meeting in höstlov (week 44 2026)', () => {
    const occ = materializeOccurrences(fossam(), calendar2026, utc('2026-10-19T00:00Z'), 21);
    expect(summary(occ)).toEqual([
      { id: 'fossam:2026-10-22', date: '2026-10-22', status: 'scheduled', reason: undefined },
      {
        id: 'fossam:2026-10-29',
        date: '2026-10-29',
        status: 'skipped',
        reason: { kind: 'break', name: 'höstlov' },
      },
      { id: 'fossam:2026-11-05', date: '2026-11-05', status: 'scheduled', reason: undefined },
    ]);
  });

  it('breakPolicy ignore meets during breaks', () => {
    const occ = materializeOccurrences(
      fossam({ breakPolicy: 'ignore' }),
      calendar2026,
      utc('2026-10-26T00:00Z'),
      7,
    );
    expect(occ[0]?.status).toBe('scheduled');
  });

  it('breakPolicy move takes the meeting to the first working day after the break', () => {
    const schedule = fossam({
      breakPolicy: 'moveToNextWorkingDay',
      recurrence: { kind: 'weekly', interval: 2, weekdays: ['thursday'] },
      firstDate: '2026-10-01',
    });
    const occ = materializeOccurrences(schedule, calendar2026, utc('2026-10-26T00:00Z'), 14);
    expect(occ[0]).toMatchObject({ id: 'fossam:2026-10-29', date: '2026-11-02', status: 'moved' });
  });

  it('a holiday wins over a break as the reason; skip wins over move', () => {
    // Långfredagen 2027-03-26 is before påsklov; annandag påsk 2027-03-29 is inside it.
    const schedule = fossam({
      holidayPolicy: 'moveToNextWorkingDay',
      recurrence: { kind: 'weekly', weekdays: ['monday'] },
    });
    const [occ] = materializeOccurrences(schedule, calendar2026, utc('2027-03-29T00:00Z'), 1);
    expect(occ).toMatchObject({
      status: 'skipped',
      reason: { kind: 'holiday', name: 'annandag påsk' },
    });
  });

  it('onlyDuringTerms skips meetings outside HT/VT', () => {
    const schedule = fossam({ onlyDuringTerms: true, breakPolicy: 'ignore' });
    const occ = materializeOccurrences(schedule, calendar2026, utc('2026-12-14T00:00Z'), 35);
    expect(occ.map((o) => [o.date, o.status, o.reason?.kind])).toEqual([
      ['2026-12-17', 'scheduled', undefined],
      ['2026-12-24', 'skipped', 'outsideTerm'],
      ['2026-12-31', 'skipped', 'outsideTerm'],
      ['2027-01-07', 'skipped', 'outsideTerm'],
      ['2027-01-14', 'scheduled', undefined],
    ]);
  });
});

describe('stable ids', () => {
  const schedule = fossam({ holidayPolicy: 'moveToNextWorkingDay' });

  it('are <forumId>:<original local date> and parse back', () => {
    expect(occurrenceId('fossam', '2027-05-06')).toBe('fossam:2027-05-06');
    expect(parseOccurrenceId('org:1:fossam:2027-05-06')).toEqual({
      forumId: 'org:1:fossam',
      originalDate: '2027-05-06',
    });
    expect(parseOccurrenceId('fossam')).toBeUndefined();
  });

  it('materialising twice gives identical occurrences', () => {
    const a = materializeOccurrences(schedule, calendar2026, utc('2027-04-01T08:00Z'), 90);
    const b = materializeOccurrences(schedule, calendar2026, utc('2027-04-01T08:00Z'), 90);
    expect(b).toEqual(a);
    expect(new Set(a.map((o) => o.id)).size).toBe(a.length);
  });

  it('a later fromDate gives the same ids and statuses for the overlap', () => {
    const early = materializeOccurrences(schedule, calendar2026, utc('2027-04-01T08:00Z'), 90);
    const late = materializeOccurrences(schedule, calendar2026, utc('2027-05-01T08:00Z'), 60);
    const overlap = early.filter((o) => o.date >= '2027-05-01');
    expect(late.slice(0, overlap.length)).toEqual(overlap);
  });

  it('a moved occurrence keeps its id and appears in a window that starts after its original date', () => {
    // 2027-05-06 22:30Z is 00:30 on Friday 7 May in Stockholm: the window starts on the 7th.
    const occ = materializeOccurrences(schedule, emptyCalendar, utc('2027-05-06T22:30Z'), 3);
    expect(occ.map((o) => [o.id, o.date, o.status])).toEqual([
      ['fossam:2027-05-06', '2027-05-07', 'moved'],
    ]);
  });

  it('rejects a bad horizon', () => {
    expect(() =>
      materializeOccurrences(schedule, emptyCalendar, utc('2027-05-01T00:00Z'), -1),
    ).toThrow(RangeError);
    expect(materializeOccurrences(schedule, emptyCalendar, utc('2027-05-01T00:00Z'), 0)).toEqual(
      [],
    );
  });
});
