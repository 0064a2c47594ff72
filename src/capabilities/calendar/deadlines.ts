// Case deadlines and reminder moments for an occurrence. All "local" values are wall-clock in
// the forum's zone; results are UTC instants, correct across summer-time changes.
import { DateTime } from 'luxon';
import type {
  DeadlineRule,
  ForumSchedule,
  MunicipalityCalendarConfig,
  Occurrence,
  ReminderMoments,
} from './calendar.types';
import { instantToLocalDate, instantToLocalTime, localDateTimeToInstant } from './dates';
import { subtractWorkingDays } from './holidays';

/**
 * Deadline for raising cases before a meeting on local `meetingDate`: `workingDaysBefore`
 * working days earlier at `time`. Working days skip weekends, röda dagar, the de facto days off
 * (midsommarafton, julafton, nyårsafton) and the municipality's extra days off — but NOT school
 * breaks, since staff work during lov. With workingDaysBefore 0 the deadline is on the meeting
 * day itself.
 */
export function computeDeadline(
  meetingDate: string,
  rule: DeadlineRule,
  timeZone: string,
  config?: Pick<MunicipalityCalendarConfig, 'extraDaysOff'>,
): Date {
  const date = subtractWorkingDays(meetingDate, rule.workingDaysBefore, config);
  return localDateTimeToInstant(date, rule.time, timeZone);
}

/**
 * When to close case intake and when to remind, for an occurrence (uses its effective date and
 * start, so moved occurrences get moved deadlines). Computed for any status; callers decide not
 * to remind for skipped/cancelled ones.
 * - deadlineAt: the forum's deadline rule applied to the occurrence's local date.
 * - deadlineReminderAt: `hoursBefore` = absolute hours before deadlineAt; `workingDaysBefore` =
 *   that many working days before the deadline's date, at the deadline's local time.
 * - meetingReminderAt: start minus `meetingReminderMinutesBefore` minutes.
 */
export function computeReminderMoments(
  occurrence: Pick<Occurrence, 'date' | 'start'>,
  schedule: Pick<ForumSchedule, 'deadline' | 'reminders' | 'timeZone'>,
  config: Pick<MunicipalityCalendarConfig, 'extraDaysOff'>,
): ReminderMoments {
  const zone = schedule.timeZone;
  const deadlineAt = computeDeadline(occurrence.date, schedule.deadline, zone, config);
  const rule = schedule.reminders.deadlineReminder;
  let deadlineReminderAt: Date;
  if ('hoursBefore' in rule) {
    deadlineReminderAt = DateTime.fromJSDate(deadlineAt)
      .minus({ hours: rule.hoursBefore })
      .toJSDate();
  } else {
    const date = subtractWorkingDays(
      instantToLocalDate(deadlineAt, zone),
      rule.workingDaysBefore,
      config,
    );
    deadlineReminderAt = localDateTimeToInstant(date, instantToLocalTime(deadlineAt, zone), zone);
  }
  const meetingReminderAt = DateTime.fromJSDate(occurrence.start)
    .minus({ minutes: schedule.reminders.meetingReminderMinutesBefore })
    .toJSDate();
  return { deadlineAt, deadlineReminderAt, meetingReminderAt };
}
