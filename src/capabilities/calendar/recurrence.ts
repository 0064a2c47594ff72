// Expands a forum's recurrence into LOCAL dates. rrule only ever sees "floating" dates (local
// calendar dates encoded as 00:00 UTC) and no tzid, so its time-zone handling never comes into
// play; local date + local start time are turned into instants with luxon afterwards.
import { RRule } from 'rrule';
import type { Options as RRuleOptions, Weekday as RRuleWeekday } from 'rrule';
import type { ForumSchedule, LocalDate, Recurrence, Weekday } from './calendar.types';
import { floatingToLocalDate, localDateToFloating } from './dates';

const RRULE_DAY: Record<Weekday, RRuleWeekday> = {
  monday: RRule.MO,
  tuesday: RRule.TU,
  wednesday: RRule.WE,
  thursday: RRule.TH,
  friday: RRule.FR,
  saturday: RRule.SA,
  sunday: RRule.SU,
};

/** The RRULE options for a rule-based recurrence (undefined for explicit dates). */
export function toRRuleOptions(
  recurrence: Recurrence,
  firstDate: LocalDate,
  untilDate?: LocalDate,
): Partial<RRuleOptions> | undefined {
  const common: Partial<RRuleOptions> = {
    dtstart: localDateToFloating(firstDate),
    until: untilDate ? localDateToFloating(untilDate) : null,
    wkst: RRule.MO,
  };
  switch (recurrence.kind) {
    case 'weekly':
      return {
        ...common,
        freq: RRule.WEEKLY,
        interval: recurrence.interval,
        byweekday: recurrence.weekdays.map((d) => RRULE_DAY[d]),
      };
    case 'monthlyNthWeekday':
      return {
        ...common,
        freq: RRule.MONTHLY,
        interval: recurrence.interval,
        byweekday: [RRULE_DAY[recurrence.weekday].nth(recurrence.nth)],
      };
    case 'explicit':
      return undefined;
  }
}

/** RFC 5545 text of the rule (no tzid: dates are floating/local), e.g. for export or debugging. */
export function toRRuleString(
  schedule: Pick<ForumSchedule, 'recurrence' | 'firstDate' | 'untilDate'>,
): string | undefined {
  const options = toRRuleOptions(schedule.recurrence, schedule.firstDate, schedule.untilDate);
  return options ? new RRule(options).toString() : undefined;
}

/**
 * Local dates of the series within [from, to] (inclusive), sorted and de-duplicated.
 * The series itself is bounded by firstDate and untilDate (also for explicit dates).
 */
export function expandRecurrence(
  schedule: Pick<ForumSchedule, 'recurrence' | 'firstDate' | 'untilDate'>,
  from: LocalDate,
  to: LocalDate,
): LocalDate[] {
  const { recurrence, firstDate, untilDate } = schedule;
  const lower = from > firstDate ? from : firstDate;
  const upper = untilDate && untilDate < to ? untilDate : to;
  if (lower > upper) return [];
  if (recurrence.kind === 'explicit') {
    return [...new Set(recurrence.dates)].filter((d) => lower <= d && d <= upper).sort();
  }
  const options = toRRuleOptions(recurrence, firstDate, untilDate);
  if (!options) return [];
  const rule = new RRule(options);
  return rule
    .between(localDateToFloating(lower), localDateToFloating(upper), true)
    .map(floatingToLocalDate);
}
