// Public API of the pure calendar domain (no I/O, no clock: time is always a parameter).
export * from './calendar.types';
export * from './calendar.schemas';
export {
  addDays,
  instantToLocalDate,
  instantToLocalTime,
  isValidLocalDate,
  isValidLocalTime,
  isValidTimeZone,
  localDateTimeToInstant,
} from './dates';
export {
  isWorkingDay,
  nonWorkingDayOn,
  subtractWorkingDays,
  swedishNonWorkingDays,
} from './holidays';
export {
  periodKeysOn,
  periodLabel,
  periodOf,
  previousPeriod,
  samePointIn,
  schoolTerm,
  termOf,
  termPeriod,
  wholeMonths,
  type Period,
  type PeriodKind,
  type Terms,
} from './periods';
export { breakOn, reportingTermFor, schoolYearOf, termLabel, termOn } from './terms';
export { expandRecurrence, toRRuleString } from './recurrence';
export {
  applyOverrides,
  materializeOccurrences,
  MAX_MOVE_DAYS,
  occurrenceId,
  parseOccurrenceId,
} from './occurrences';
export { computeDeadline, computeReminderMoments } from './deadlines';
export * from './format';
