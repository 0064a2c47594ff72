// Pure calendar domain for forums: types only.
// Conventions: a LocalDate is 'YYYY-MM-DD' and a LocalTime is 'HH:mm', both in the forum's own
// IANA time zone (wall-clock). Instants are always UTC `Date`s. Nothing here reads the clock.

/** Calendar date without zone, 'YYYY-MM-DD' (e.g. '2027-05-06'). */
export type LocalDate = string;
/** Wall-clock time, 24h 'HH:mm' (e.g. '13:00'). */
export type LocalTime = string;

export const WEEKDAYS = [
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
  'sunday',
] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** 1st..4th, or -1 = the last one in the month. */
export type NthOfMonth = 1 | 2 | 3 | 4 | -1;

export type Recurrence =
  /** Every `interval` weeks (1 = every week, 2 = every other week), counted from the week (Mon–Sun) of `firstDate`. */
  | { kind: 'weekly'; interval: number; weekdays: Weekday[] }
  /** e.g. 2nd Tuesday (nth 2) or last Thursday (nth -1) every `interval` months. */
  | { kind: 'monthlyNthWeekday'; interval: number; nth: NthOfMonth; weekday: Weekday }
  /** Hand-picked dates (e.g. stormöten twice per term). */
  | { kind: 'explicit'; dates: LocalDate[] };

/**
 * What to do with a meeting that falls on a blocked day.
 * - skip: the occurrence is kept with status 'skipped' (so reports can count it).
 * - moveToNextWorkingDay: moved to the next weekday that is not a holiday / day off, not in a
 *   break (unless breaks are ignored) and in a term (if onlyDuringTerms). If that day is on or
 *   after the next regular date of the same series (i.e. it already is, or would pass, an
 *   occurrence of the same forum), or another moved occurrence already took it, it is skipped.
 */
export type HolidayPolicy = 'skip' | 'moveToNextWorkingDay';
/** Same as HolidayPolicy for school breaks, plus 'ignore' = meet as usual during breaks. */
export type BreakPolicy = HolidayPolicy | 'ignore';

/** "N working days before the meeting at HH:mm" (local time of the forum). */
export interface DeadlineRule {
  workingDaysBefore: number;
  time: LocalTime;
}

export type DeadlineReminderRule =
  /** Absolute hours before the deadline (24 h across a DST night is 23 or 25 wall-clock hours). */
  | { hoursBefore: number }
  /** N working days before the deadline, at the deadline's local time of day. */
  | { workingDaysBefore: number };

export interface ReminderPlan {
  deadlineReminder: DeadlineReminderRule;
  meetingReminderMinutesBefore: number;
}

export interface ForumSchedule {
  forumId: string;
  recurrence: Recurrence;
  /** Local start time of each meeting. */
  startTime: LocalTime;
  durationMinutes: number;
  /** IANA zone, default Europe/Stockholm. */
  timeZone: string;
  /** Start of the series (inclusive). */
  firstDate: LocalDate;
  /** End of the series (inclusive). */
  untilDate?: LocalDate | undefined;
  holidayPolicy: HolidayPolicy;
  breakPolicy: BreakPolicy;
  /** Meet only on dates inside a school term (HT/VT) of the municipality calendar. */
  onlyDuringTerms: boolean;
  deadline: DeadlineRule;
  reminders: ReminderPlan;
}

export type TermKind = 'HT' | 'VT';

/** A school term, e.g. HT 2026: 2026-08-17 – 2026-12-18 (dates inclusive). */
export interface SchoolTerm {
  kind: TermKind;
  /** Calendar year the term is in (HT 2026, VT 2027). */
  year: number;
  start: LocalDate;
  end: LocalDate;
}

/** A school break (lov), e.g. höstlov 2026-10-26 – 2026-10-30 (dates inclusive). */
export interface SchoolBreak {
  /** Swedish name as the municipality uses it: 'höstlov', 'jullov', 'sportlov', 'påsklov' … */
  name: string;
  start: LocalDate;
  end: LocalDate;
}

/** A municipality-specific non-working day for staff (e.g. a locally agreed klämdag). */
export interface ExtraDayOff {
  date: LocalDate;
  name: string;
  nameEn?: string | undefined;
}

export interface MunicipalityCalendarConfig {
  terms: SchoolTerm[];
  breaks: SchoolBreak[];
  extraDaysOff: ExtraDayOff[];
}

export type NonWorkingDayKind = 'public' | 'deFacto' | 'municipal';

/** A röd dag, a de facto day off (midsommarafton, julafton, nyårsafton) or a municipal day off. */
export interface NonWorkingDay {
  date: LocalDate;
  /** Swedish name, e.g. 'Kristi himmelsfärdsdag'. */
  name: string;
  nameEn: string;
  kind: NonWorkingDayKind;
}

export type OccurrenceStatus = 'scheduled' | 'skipped' | 'moved' | 'cancelled';

export type OccurrenceReason =
  | { kind: 'holiday'; name: string; nameEn: string; date: LocalDate }
  | { kind: 'break'; name: string }
  | { kind: 'outsideTerm' }
  /** The forum's schedule changed and no longer produces this date. */
  | { kind: 'scheduleChanged' }
  /** A chair cancelled or moved the occurrence; `text` is the chair's own reason. */
  | { kind: 'override'; text: string };

export interface Occurrence {
  /** `<forumId>:<originalDate>`; never changes, even when the occurrence is moved. */
  id: string;
  forumId: string;
  /** The date the recurrence rule produced (local). */
  originalDate: LocalDate;
  /** The local date it actually takes place (= originalDate unless moved). */
  date: LocalDate;
  start: Date;
  end: Date;
  timeZone: string;
  status: OccurrenceStatus;
  reason?: OccurrenceReason | undefined;
}

export type OccurrenceOverride =
  | { action: 'cancel'; reason: string }
  | {
      action: 'move';
      reason: string;
      date: LocalDate;
      /** Defaults to the occurrence's current local start time. */
      startTime?: LocalTime | undefined;
      /** Defaults to the occurrence's current duration. */
      durationMinutes?: number | undefined;
    };

export interface ReminderMoments {
  deadlineAt: Date;
  deadlineReminderAt: Date;
  meetingReminderAt: Date;
}
