// Materialises a forum's occurrences in a window, applying terms, breaks, holidays and the
// forum's policies, and applies chairs' per-occurrence overrides.
import { DateTime } from 'luxon';
import type {
  ForumSchedule,
  HolidayPolicy,
  LocalDate,
  MunicipalityCalendarConfig,
  Occurrence,
  OccurrenceOverride,
  OccurrenceReason,
} from './calendar.types';
import {
  addDays,
  instantToLocalDate,
  instantToLocalTime,
  isValidLocalDate,
  localDateTimeToInstant,
} from './dates';
import { isWorkingDay, nonWorkingDayOn } from './holidays';
import { expandRecurrence } from './recurrence';
import { breakOn, termOn } from './terms';

/** A moved meeting is never placed more than this many days after its original date. */
export const MAX_MOVE_DAYS = 31;
const MAX_HORIZON_DAYS = 3660;

/** Stable id of an occurrence: `<forumId>:<original local date>`. */
export function occurrenceId(forumId: string, originalDate: LocalDate): string {
  return `${forumId}:${originalDate}`;
}

/** Splits an occurrence id (the forum id may itself contain ':'). */
export function parseOccurrenceId(
  id: string,
): { forumId: string; originalDate: LocalDate } | undefined {
  const i = id.lastIndexOf(':');
  if (i <= 0) return undefined;
  const originalDate = id.slice(i + 1);
  return isValidLocalDate(originalDate) ? { forumId: id.slice(0, i), originalDate } : undefined;
}

function timesOn(
  date: LocalDate,
  startTime: string,
  durationMinutes: number,
  zone: string,
): { start: Date; end: Date } {
  const start = localDateTimeToInstant(date, startTime, zone);
  const end = DateTime.fromJSDate(start).plus({ minutes: durationMinutes }).toJSDate();
  return { start, end };
}

interface Blocker {
  reason: OccurrenceReason;
  policy: HolidayPolicy;
}

/** Why a date cannot host the meeting (holiday before break), and the policy that applies. */
function blockerOn(
  schedule: ForumSchedule,
  config: MunicipalityCalendarConfig,
  date: LocalDate,
): Blocker | undefined {
  const holiday = nonWorkingDayOn(date, config);
  const brk = schedule.breakPolicy === 'ignore' ? undefined : breakOn(config, date);
  if (!holiday && !brk) return undefined;
  // If several apply, 'skip' wins over 'move' (e.g. långfredagen inside påsklov).
  const policies: HolidayPolicy[] = [];
  if (holiday) policies.push(schedule.holidayPolicy);
  if (brk && schedule.breakPolicy !== 'ignore') policies.push(schedule.breakPolicy);
  const policy = policies.includes('skip') ? 'skip' : 'moveToNextWorkingDay';
  const reason: OccurrenceReason = holiday
    ? { kind: 'holiday', name: holiday.name, nameEn: holiday.nameEn, date }
    : { kind: 'break', name: brk?.name ?? '' };
  return { reason, policy };
}

/** A date a blocked meeting may be moved to. */
function canHostMovedMeeting(
  schedule: ForumSchedule,
  config: MunicipalityCalendarConfig,
  date: LocalDate,
): boolean {
  if (!isWorkingDay(date, config)) return false;
  if (schedule.breakPolicy !== 'ignore' && breakOn(config, date)) return false;
  return !schedule.onlyDuringTerms || termOn(config, date) !== undefined;
}

function resolveOccurrence(
  schedule: ForumSchedule,
  config: MunicipalityCalendarConfig,
  originalDate: LocalDate,
  nextOriginalDate: LocalDate | undefined,
): Occurrence {
  const { forumId, startTime, durationMinutes, timeZone } = schedule;
  const base = {
    id: occurrenceId(forumId, originalDate),
    forumId,
    originalDate,
    timeZone,
  };
  const at = (date: LocalDate) => timesOn(date, startTime, durationMinutes, timeZone);
  if (schedule.onlyDuringTerms && !termOn(config, originalDate)) {
    return {
      ...base,
      date: originalDate,
      ...at(originalDate),
      status: 'skipped',
      reason: { kind: 'outsideTerm' },
    };
  }
  const blocker = blockerOn(schedule, config, originalDate);
  if (!blocker) return { ...base, date: originalDate, ...at(originalDate), status: 'scheduled' };
  if (blocker.policy === 'moveToNextWorkingDay') {
    // The moved meeting must land strictly before the next regular date of the series: if the
    // next working day already is (or is after) an occurrence of this forum, we skip instead.
    // This also keeps two moved meetings from ever landing on the same day.
    for (let i = 1; i <= MAX_MOVE_DAYS; i++) {
      const candidate = addDays(originalDate, i);
      if (nextOriginalDate !== undefined && candidate >= nextOriginalDate) break;
      if (canHostMovedMeeting(schedule, config, candidate)) {
        return {
          ...base,
          date: candidate,
          ...at(candidate),
          status: 'moved',
          reason: blocker.reason,
        };
      }
    }
  }
  return {
    ...base,
    date: originalDate,
    ...at(originalDate),
    status: 'skipped',
    reason: blocker.reason,
  };
}

/**
 * Occurrences whose effective local date (the moved date for moved ones, else the original date)
 * lies in [local date of `fromDate`, + horizonDays) in the forum's zone, sorted by start.
 * Skipped occurrences are included (status 'skipped' + reason) so callers can show and count
 * them. The result for a given original date never depends on `fromDate`/`horizonDays`, so ids
 * and statuses are stable between runs.
 */
export function materializeOccurrences(
  schedule: ForumSchedule,
  config: MunicipalityCalendarConfig,
  fromDate: Date,
  horizonDays: number,
): Occurrence[] {
  if (!Number.isInteger(horizonDays) || horizonDays < 0 || horizonDays > MAX_HORIZON_DAYS) {
    throw new RangeError(`horizonDays must be an integer 0..${MAX_HORIZON_DAYS}`);
  }
  const windowStart = instantToLocalDate(fromDate, schedule.timeZone);
  const windowEnd = addDays(windowStart, horizonDays); // exclusive
  // Look back for meetings moved into the window, and ahead for the "next regular date" check.
  const originals = expandRecurrence(
    schedule,
    addDays(windowStart, -MAX_MOVE_DAYS),
    addDays(windowEnd, MAX_MOVE_DAYS),
  );
  const result: Occurrence[] = [];
  originals.forEach((originalDate, i) => {
    if (originalDate >= windowEnd) return;
    const occurrence = resolveOccurrence(schedule, config, originalDate, originals[i + 1]);
    if (windowStart <= occurrence.date && occurrence.date < windowEnd) result.push(occurrence);
  });
  return sortOccurrences(result);
}

function sortOccurrences(occurrences: Occurrence[]): Occurrence[] {
  return occurrences.sort(
    (a, b) => a.start.getTime() - b.start.getTime() || a.id.localeCompare(b.id),
  );
}

function applyOne(occurrence: Occurrence, override: OccurrenceOverride): Occurrence {
  const reason: OccurrenceReason = { kind: 'override', text: override.reason };
  if (override.action === 'cancel') return { ...occurrence, status: 'cancelled', reason };
  const zone = occurrence.timeZone;
  const startTime = override.startTime ?? instantToLocalTime(occurrence.start, zone);
  const duration =
    override.durationMinutes ??
    Math.round((occurrence.end.getTime() - occurrence.start.getTime()) / 60_000);
  return {
    ...occurrence,
    date: override.date,
    ...timesOn(override.date, startTime, duration, zone),
    status: 'moved',
    reason,
  };
}

/**
 * Applies chairs' overrides keyed by occurrence id: 'cancel' → status 'cancelled', 'move' →
 * new local date/time (status 'moved'). The id and originalDate never change. Overrides for ids
 * not in `occurrences` are ignored (materialise a wide enough window). Returns a new sorted list.
 */
export function applyOverrides(
  occurrences: readonly Occurrence[],
  overrides: Readonly<Record<string, OccurrenceOverride>> | ReadonlyMap<string, OccurrenceOverride>,
): Occurrence[] {
  const lookup = (id: string): OccurrenceOverride | undefined =>
    overrides instanceof Map
      ? (overrides as ReadonlyMap<string, OccurrenceOverride>).get(id)
      : Object.prototype.hasOwnProperty.call(overrides, id)
        ? (overrides as Readonly<Record<string, OccurrenceOverride>>)[id]
        : undefined;
  return sortOccurrences(
    occurrences.map((o) => {
      const override = lookup(o.id);
      return override ? applyOne(o, override) : o;
    }),
  );
}
