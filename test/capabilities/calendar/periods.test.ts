import { describe, expect, it } from 'vitest';
import {
  periodKeysOn,
  periodOf,
  previousPeriod,
  samePointIn,
  termOf,
  wholeMonths,
} from '../../../src/capabilities/calendar';
import calendar from '../../../env/calendar.json';

const cal = calendar as Parameters<typeof termOf>[0];

describe('reporting periods', () => {
  it('puts every date in one term: configured dates, summer with VT, Christmas with HT', () => {
    expect(termOf(cal, '2026-08-17')).toEqual({
      key: 'HT2026',
      kind: 'term',
      start: '2026-08-17',
      end: '2027-01-10',
    });
    expect(termOf(cal, '2026-12-30').key).toBe('HT2026');
    expect(termOf(cal, '2027-01-11').key).toBe('VT2027');
    expect(termOf(cal, '2027-07-20').key).toBe('VT2027');
    expect(termOf(cal, '2027-08-16').key).toBe('HT2027');
  });

  it('gives years without configured terms the default dates', () => {
    expect(periodOf(cal, 'HT2025')).toEqual({
      key: 'HT2025',
      kind: 'term',
      start: '2025-08-15',
      end: '2026-01-07',
    });
    // VT 2026 runs from the default start to the day before the configured HT 2026.
    expect(periodOf(cal, 'VT2026')).toEqual({
      key: 'VT2026',
      kind: 'term',
      start: '2026-01-08',
      end: '2026-08-16',
    });
    expect(termOf(cal, '2026-03-01').key).toBe('VT2026');
  });

  it('names years, months and ranges, and refuses what does not exist', () => {
    expect(periodOf(cal, '2026')).toMatchObject({
      kind: 'year',
      start: '2026-01-01',
      end: '2026-12-31',
    });
    expect(periodOf(cal, '2028-02')).toMatchObject({ kind: 'month', end: '2028-02-29' });
    expect(periodOf(cal, '2026-01-01..2026-08-31')).toMatchObject({ kind: 'range' });
    for (const bad of [
      'HT1990',
      'XT2026',
      '2026-13',
      '2026-02-30..2026-03-01',
      '2026-05-01..2026-04-01',
      '',
    ])
      expect(periodOf(cal, bad), bad).toBeNull();
  });

  it('knows the previous period of each kind and the same point in it', () => {
    const ht = periodOf(cal, 'HT2026')!;
    expect(previousPeriod(cal, ht).key).toBe('VT2026');
    expect(previousPeriod(cal, periodOf(cal, 'VT2027')!).key).toBe('HT2026');
    expect(previousPeriod(cal, periodOf(cal, '2026')!).key).toBe('2025');
    expect(previousPeriod(cal, periodOf(cal, '2026-01')!).key).toBe('2025-12');
    expect(previousPeriod(cal, periodOf(cal, '2026-01-01..2026-08-31')!).key).toBe(
      '2025-01-01..2025-08-31',
    );
    expect(samePointIn(ht, previousPeriod(cal, ht), '2026-09-16')).toBe('2026-02-07');
  });

  it('counts a record under its term, year and month; a delår is whole months', () => {
    expect(periodKeysOn(cal, '2026-09-03')).toEqual(['HT2026', '2026', '2026-09']);
    expect(wholeMonths(periodOf(cal, '2026-01-01..2026-08-31')!)).toHaveLength(8);
    expect(wholeMonths(periodOf(cal, '2026-01-15..2026-08-31')!)).toBeNull();
  });
});
