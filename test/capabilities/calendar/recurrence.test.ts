import { describe, expect, it } from 'vitest';
import { materializeOccurrences } from '../../../src/capabilities/calendar/occurrences';
import { expandRecurrence, toRRuleString } from '../../../src/capabilities/calendar/recurrence';
import { emptyCalendar, fossam, utc } from './fixtures';

describe('weekly recurrence across summer-time changes (Europe/Stockholm)', () => {
  it('keeps 13:00–15:00 local across the March 2027 change (CET → CEST)', () => {
    const occ = materializeOccurrences(fossam(), emptyCalendar, utc('2027-03-15T00:00Z'), 21);
    expect(occ.map((o) => [o.date, o.start.toISOString(), o.end.toISOString()])).toEqual([
      ['2027-03-18', '2027-03-18T12:00:00.000Z', '2027-03-18T14:00:00.000Z'],
      ['2027-03-25', '2027-03-25T12:00:00.000Z', '2027-03-25T14:00:00.000Z'],
      ['2027-04-01', '2027-04-01T11:00:00.000Z', '2027-04-01T13:00:00.000Z'],
    ]);
    expect(occ.every((o) => o.status === 'scheduled')).toBe(true);
  });

  it('keeps 13:00–15:00 local across the October 2026 change (CEST → CET)', () => {
    const occ = materializeOccurrences(fossam(), emptyCalendar, utc('2026-10-19T00:00Z'), 14);
    expect(occ.map((o) => [o.date, o.start.toISOString(), o.end.toISOString()])).toEqual([
      ['2026-10-22', '2026-10-22T11:00:00.000Z', '2026-10-22T13:00:00.000Z'],
      ['2026-10-29', '2026-10-29T12:00:00.000Z', '2026-10-29T14:00:00.000Z'],
    ]);
  });

  it('uses the forum zone, not UTC, for the meeting day', () => {
    const helsinki = fossam({ timeZone: 'Europe/Helsinki', startTime: '00:30' });
    const [first] = materializeOccurrences(helsinki, emptyCalendar, utc('2026-09-01T00:00Z'), 7);
    expect(first?.date).toBe('2026-09-03');
    expect(first?.start.toISOString()).toBe('2026-09-02T21:30:00.000Z');
  });
});

describe('expandRecurrence', () => {
  const base = { firstDate: '2026-08-17' };

  it('every other week counts from the week of firstDate', () => {
    const dates = expandRecurrence(
      { ...base, recurrence: { kind: 'weekly', interval: 2, weekdays: ['thursday'] } },
      '2026-08-01',
      '2026-10-31',
    );
    expect(dates).toEqual([
      '2026-08-20',
      '2026-09-03',
      '2026-09-17',
      '2026-10-01',
      '2026-10-15',
      '2026-10-29',
    ]);
  });

  it('gives the same phase whatever window is asked for', () => {
    const schedule = {
      ...base,
      recurrence: { kind: 'weekly' as const, interval: 2, weekdays: ['thursday' as const] },
    };
    expect(expandRecurrence(schedule, '2026-09-10', '2026-09-30')).toEqual(['2026-09-17']);
  });

  it('supports several weekdays per week', () => {
    const dates = expandRecurrence(
      { ...base, recurrence: { kind: 'weekly', interval: 1, weekdays: ['monday', 'wednesday'] } },
      '2026-08-17',
      '2026-08-26',
    );
    expect(dates).toEqual(['2026-08-17', '2026-08-19', '2026-08-24', '2026-08-26']);
  });

  it('2nd Tuesday of the month', () => {
    const dates = expandRecurrence(
      {
        ...base,
        recurrence: { kind: 'monthlyNthWeekday', interval: 1, nth: 2, weekday: 'tuesday' },
      },
      '2026-08-01',
      '2027-01-31',
    );
    expect(dates).toEqual(['2026-09-08', '2026-10-13', '2026-11-10', '2026-12-08', '2027-01-12']);
  });

  it('last Thursday of the month', () => {
    const dates = expandRecurrence(
      {
        ...base,
        recurrence: { kind: 'monthlyNthWeekday', interval: 1, nth: -1, weekday: 'thursday' },
      },
      '2026-08-01',
      '2026-12-31',
    );
    expect(dates).toEqual(['2026-08-27', '2026-09-24', '2026-10-29', '2026-11-26', '2026-12-31']);
  });

  it('explicit dates: sorted, de-duplicated, bounded by firstDate and untilDate', () => {
    const dates = expandRecurrence(
      {
        firstDate: '2026-09-01',
        untilDate: '2026-12-01',
        recurrence: {
          kind: 'explicit',
          dates: ['2026-11-12', '2026-09-24', '2026-11-12', '2026-08-20', '2026-12-10'],
        },
      },
      '2026-01-01',
      '2027-12-31',
    );
    expect(dates).toEqual(['2026-09-24', '2026-11-12']);
  });

  it('untilDate is inclusive and nothing is produced after it', () => {
    const dates = expandRecurrence(
      {
        firstDate: '2026-08-17',
        untilDate: '2026-09-03',
        recurrence: { kind: 'weekly', interval: 1, weekdays: ['thursday'] },
      },
      '2026-08-01',
      '2026-12-31',
    );
    expect(dates).toEqual(['2026-08-20', '2026-08-27', '2026-09-03']);
  });

  it('exposes the underlying RRULE', () => {
    const text = toRRuleString({
      firstDate: '2026-08-17',
      recurrence: { kind: 'weekly', interval: 2, weekdays: ['thursday'] },
    });
    expect(text).toContain('FREQ=WEEKLY;INTERVAL=2;BYDAY=TH');
    expect(
      toRRuleString({
        firstDate: '2026-08-17',
        recurrence: { kind: 'explicit', dates: ['2026-09-01'] },
      }),
    ).toBeUndefined();
  });
});
