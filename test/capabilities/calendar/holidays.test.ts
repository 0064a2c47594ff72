import Holidays from 'date-holidays';
import { describe, expect, it } from 'vitest';
import { calendarConfigSchema } from '../../../src/capabilities/calendar/calendar.schemas';
import {
  isWorkingDay,
  nonWorkingDayOn,
  subtractWorkingDays,
  swedishNonWorkingDays,
} from '../../../src/capabilities/calendar/holidays';
import {
  breakOn,
  reportingTermFor,
  schoolYearOf,
  termLabel,
  termOn,
} from '../../../src/capabilities/calendar/terms';
import { calendar2026 } from './fixtures';

describe('Swedish non-working days', () => {
  it('lists the röda dagar of 2027 plus the de facto days off, nothing else', () => {
    const days = [...swedishNonWorkingDays(2027).values()].map((d) => `${d.date} ${d.name}`);
    expect(days).toEqual([
      '2027-01-01 nyårsdagen',
      '2027-01-06 trettondedag jul',
      '2027-03-26 långfredagen',
      '2027-03-28 påskdagen',
      '2027-03-29 annandag påsk',
      '2027-05-01 första maj',
      '2027-05-06 Kristi himmelsfärdsdag',
      '2027-05-16 pingstdagen',
      '2027-06-06 nationaldagen',
      '2027-06-25 midsommarafton',
      '2027-06-26 midsommardagen',
      '2027-11-06 alla helgons dag',
      '2027-12-24 julafton',
      '2027-12-25 juldagen',
      '2027-12-26 annandag jul',
      '2027-12-31 nyårsafton',
    ]);
  });

  it('our midsommarafton/julafton/nyårsafton match what date-holidays calls "bank" days', () => {
    const se = new Holidays('SE');
    for (let year = 2024; year <= 2040; year++) {
      const bank = se
        .getHolidays(year)
        .filter((h) => h.type === 'bank')
        .map((h) => h.date.slice(0, 10));
      const deFacto = [...swedishNonWorkingDays(year).values()]
        .filter((d) => d.kind === 'deFacto')
        .map((d) => d.date);
      expect(deFacto).toEqual(bank);
    }
  });

  it('has English names and kinds', () => {
    expect(nonWorkingDayOn('2027-05-06')).toEqual({
      date: '2027-05-06',
      name: 'Kristi himmelsfärdsdag',
      nameEn: 'Ascension Day',
      kind: 'public',
    });
    expect(nonWorkingDayOn('2026-06-19')).toMatchObject({
      name: 'midsommarafton',
      kind: 'deFacto',
    });
  });

  it('half days and observances are working days', () => {
    for (const date of ['2027-01-05', '2027-03-25', '2027-04-30', '2027-11-05', '2027-05-17']) {
      expect(isWorkingDay(date), date).toBe(true);
    }
  });

  it('isWorkingDay: weekends, holidays and municipal days off', () => {
    const config = calendarConfigSchema.parse({
      extraDaysOff: [{ date: '2027-05-07', name: 'klämdag' }],
    });
    expect(isWorkingDay('2027-05-08')).toBe(false); // Saturday
    expect(isWorkingDay('2027-05-06')).toBe(false); // Kristi himmelsfärdsdag
    expect(isWorkingDay('2027-05-07')).toBe(true);
    expect(isWorkingDay('2027-05-07', config)).toBe(false);
    expect(nonWorkingDayOn('2027-05-07', config)).toMatchObject({
      kind: 'municipal',
      nameEn: 'klämdag',
    });
    expect(subtractWorkingDays('2027-05-10', 1, config)).toBe('2027-05-05');
  });

  it('subtractWorkingDays rejects negative counts', () => {
    expect(() => subtractWorkingDays('2027-05-10', -1)).toThrow(RangeError);
  });
});

describe('terms and breaks', () => {
  it('finds terms and breaks (inclusive ranges)', () => {
    expect(termOn(calendar2026, '2026-08-17')).toMatchObject({ kind: 'HT', year: 2026 });
    expect(termOn(calendar2026, '2026-12-18')).toMatchObject({ kind: 'HT' });
    expect(termOn(calendar2026, '2026-12-19')).toBeUndefined();
    expect(breakOn(calendar2026, '2026-10-30')?.name).toBe('höstlov');
    expect(breakOn(calendar2026, '2026-10-31')).toBeUndefined();
    // höstlov lies inside HT
    expect(termOn(calendar2026, '2026-10-28')?.kind).toBe('HT');
  });

  it('labels and reporting terms', () => {
    const vt = { kind: 'VT' as const, year: 2027 };
    expect(termLabel(vt)).toBe('VT 2027');
    expect(schoolYearOf(vt)).toBe('2026/27');
    expect(schoolYearOf({ kind: 'HT', year: 2026 })).toBe('2026/27');
    expect(reportingTermFor(calendar2026, '2026-12-28')).toMatchObject({ kind: 'HT', year: 2026 });
    expect(reportingTermFor(calendar2026, '2026-07-01')).toMatchObject({ kind: 'VT', year: 2026 });
    expect(reportingTermFor(calendar2026, '2025-01-01')).toBeUndefined();
  });
});
