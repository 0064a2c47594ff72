// School terms (HT/VT) and breaks (lov) from the municipality calendar configuration.
import type {
  LocalDate,
  MunicipalityCalendarConfig,
  SchoolBreak,
  SchoolTerm,
} from './calendar.types';

// LocalDates ('YYYY-MM-DD') compare correctly as strings.
function within(date: LocalDate, range: { start: LocalDate; end: LocalDate }): boolean {
  return range.start <= date && date <= range.end;
}

/** The term that contains `date` (breaks inside a term still count as in the term). */
export function termOn(
  config: Pick<MunicipalityCalendarConfig, 'terms'>,
  date: LocalDate,
): SchoolTerm | undefined {
  return config.terms.find((t) => within(date, t));
}

/** The school break that contains `date`, if any. */
export function breakOn(
  config: Pick<MunicipalityCalendarConfig, 'breaks'>,
  date: LocalDate,
): SchoolBreak | undefined {
  return config.breaks.find((b) => within(date, b));
}

/** 'HT 2026', 'VT 2027' — the label used in follow-up reports. */
export function termLabel(term: Pick<SchoolTerm, 'kind' | 'year'>): string {
  return `${term.kind} ${term.year}`;
}

/** School year a term belongs to, e.g. HT 2026 and VT 2027 → '2026/27'. */
export function schoolYearOf(term: Pick<SchoolTerm, 'kind' | 'year'>): string {
  const first = term.kind === 'HT' ? term.year : term.year - 1;
  return `${first}/${String(first + 1).slice(2)}`;
}

/**
 * The term a date belongs to for reporting: the term containing it, or else the most recent term
 * that ended before it (so summer counts towards VT, Christmas towards HT).
 */
export function reportingTermFor(
  config: Pick<MunicipalityCalendarConfig, 'terms'>,
  date: LocalDate,
): SchoolTerm | undefined {
  const containing = termOn(config, date);
  if (containing) return containing;
  return [...config.terms]
    .filter((t) => t.end < date)
    .sort((a, b) => b.end.localeCompare(a.end))[0];
}
