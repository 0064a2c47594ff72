// Reporting periods: terms (HT/VT), calendar years, months and any date range. Pure.
import type { Locale } from '../../i18n/i18n';
import { addDays } from './dates';
import type { LocalDate, MunicipalityCalendarConfig, SchoolTerm, TermKind } from './calendar.types';

export type PeriodKind = 'term' | 'year' | 'month' | 'range';

/**
 * A reporting period. Keys: `HT2026`, `VT2027` (terms), `2026` (a calendar year), `2026-09` (a
 * month), `2026-01-01..2026-08-31` (any range, e.g. a *delår*). Dates are inclusive.
 */
export interface Period {
  key: string;
  kind: PeriodKind;
  start: LocalDate;
  end: LocalDate;
}

export type Terms = Pick<MunicipalityCalendarConfig, 'terms'>;

/** When the municipality has not configured a year's terms: the usual Swedish dates. */
const DEFAULT_TERM_START: Record<TermKind, string> = { VT: '01-08', HT: '08-15' };

const TERM_KEY = /^(HT|VT)(\d{4})$/;
const YEAR_KEY = /^(\d{4})$/;
const MONTH_KEY = /^(\d{4})-(0[1-9]|1[0-2])$/;
const RANGE_KEY = /^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$/;
const MIN_YEAR = 2000;
const MAX_YEAR = 2100;

const validDate = (d: string): boolean => {
  const t = Date.parse(`${d}T00:00:00Z`);
  return Number.isFinite(t) && new Date(t).toISOString().slice(0, 10) === d;
};

/** The first day of a term: configured, or the default. */
export function termStart(cal: Terms, kind: TermKind, year: number): LocalDate {
  const configured = cal.terms.find((t) => t.kind === kind && t.year === year);
  return configured?.start ?? `${year}-${DEFAULT_TERM_START[kind]}`;
}

/** The configured term, or one with default dates (HT mid-August to 20 December, VT 8 January to 14 June). */
export function schoolTerm(cal: Terms, kind: TermKind, year: number): SchoolTerm {
  return (
    cal.terms.find((t) => t.kind === kind && t.year === year) ?? {
      kind,
      year,
      start: termStart(cal, kind, year),
      end: kind === 'HT' ? `${year}-12-20` : `${year}-06-14`,
    }
  );
}

const nextTerm = (kind: TermKind, year: number): [TermKind, number] =>
  kind === 'HT' ? ['VT', year + 1] : ['HT', year];
const previousTerm = (kind: TermKind, year: number): [TermKind, number] =>
  kind === 'HT' ? ['VT', year] : ['HT', year - 1];

/**
 * A term as a reporting period: from its first day to the day before the next term starts, so
 * every date belongs to exactly one term (summer counts towards VT, Christmas towards HT).
 */
export function termPeriod(cal: Terms, kind: TermKind, year: number): Period {
  const [nk, ny] = nextTerm(kind, year);
  return {
    key: `${kind}${year}`,
    kind: 'term',
    start: termStart(cal, kind, year),
    end: addDays(termStart(cal, nk, ny), -1),
  };
}

/** The reporting term a date belongs to. */
export function termOf(cal: Terms, date: LocalDate): Period {
  const year = Number(date.slice(0, 4));
  if (date >= termStart(cal, 'HT', year)) return termPeriod(cal, 'HT', year);
  if (date >= termStart(cal, 'VT', year)) return termPeriod(cal, 'VT', year);
  return termPeriod(cal, 'HT', year - 1);
}

/** The keys a record dated `date` is counted under: its term, its year and its month. */
export function periodKeysOn(cal: Terms, date: LocalDate): string[] {
  return [termOf(cal, date).key, date.slice(0, 4), date.slice(0, 7)];
}

/** The period a key names, or null when the key is malformed or out of range. */
export function periodOf(cal: Terms, key: string): Period | null {
  let m = TERM_KEY.exec(key);
  if (m) {
    const year = Number(m[2]);
    return year < MIN_YEAR || year > MAX_YEAR ? null : termPeriod(cal, m[1] as TermKind, year);
  }
  m = YEAR_KEY.exec(key);
  if (m) {
    const year = Number(m[1]);
    if (year < MIN_YEAR || year > MAX_YEAR) return null;
    return { key, kind: 'year', start: `${year}-01-01`, end: `${year}-12-31` };
  }
  m = MONTH_KEY.exec(key);
  if (m) {
    const start = `${key}-01`;
    const year = Number(m[1]);
    if (year < MIN_YEAR || year > MAX_YEAR) return null;
    const next =
      m[2] === '12'
        ? `${year + 1}-01-01`
        : `${year}-${String(Number(m[2]) + 1).padStart(2, '0')}-01`;
    return { key, kind: 'month', start, end: addDays(next, -1) };
  }
  m = RANGE_KEY.exec(key);
  if (m) {
    const [start, end] = [m[1]!, m[2]!];
    if (!validDate(start) || !validDate(end) || start > end) return null;
    const year = Number(start.slice(0, 4));
    if (year < MIN_YEAR || Number(end.slice(0, 4)) > MAX_YEAR) return null;
    return { key, kind: 'range', start, end };
  }
  return null;
}

/** The previous period of the same kind (a range: the same dates a year earlier). */
export function previousPeriod(cal: Terms, period: Period): Period {
  switch (period.kind) {
    case 'term': {
      const m = TERM_KEY.exec(period.key)!;
      const [k, y] = previousTerm(m[1] as TermKind, Number(m[2]));
      return termPeriod(cal, k, y);
    }
    case 'year':
      return periodOf(cal, String(Number(period.key) - 1))!;
    case 'month': {
      const start = addDays(period.start, -1).slice(0, 7);
      return periodOf(cal, start)!;
    }
    case 'range': {
      const back = (d: string) =>
        `${Number(d.slice(0, 4)) - 1}${d.slice(4)}`.replace(/-02-29$/, '-02-28');
      return periodOf(cal, `${back(period.start)}..${back(period.end)}`)!;
    }
  }
}

/**
 * The months a period covers, when it is made of whole months (ranges such as a delår
 * 1 January – 31 August are): their counters add up to it. Null otherwise.
 */
export function wholeMonths(period: Period): string[] | null {
  if (period.kind === 'month') return [period.key];
  if (!period.start.endsWith('-01')) return null;
  const months: string[] = [];
  let cursor = period.start;
  while (cursor <= period.end) {
    const month = periodOf({ terms: [] }, cursor.slice(0, 7))!;
    if (month.end > period.end) return null;
    months.push(month.key);
    cursor = addDays(month.end, 1);
  }
  return months;
}

/** A period's name for people: `HT 2026`, `2026`, `2026-09`, `2026-01-01 – 2026-08-31`. */
export function periodLabel(period: Period, _locale: Locale): string {
  switch (period.kind) {
    case 'term':
      return `${period.key.slice(0, 2)} ${period.key.slice(2)}`;
    case 'range':
      return `${period.start} – ${period.end}`;
    default:
      return period.key;
  }
}

/** The same point of the previous period: `date` shifted by the distance into the period. */
export function samePointIn(period: Period, previous: Period, date: LocalDate): LocalDate {
  const into = Math.round((Date.parse(date) - Date.parse(period.start)) / 86_400_000);
  const shifted = addDays(previous.start, into);
  return shifted > previous.end ? previous.end : shifted;
}
