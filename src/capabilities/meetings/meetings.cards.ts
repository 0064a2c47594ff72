import type { AdaptiveCardJson } from '../../cards/render';
import { renderCard } from '../../cards/render';
import type { Locale, Translate } from '../../i18n/i18n';
import {
  formatMeetingDate,
  formatMeetingDateTime,
  formatShortLocalDate,
  formatTime,
  type OccurrenceReason,
} from '../calendar';
import type { Forum } from '../forums';
import deadlineReminderTemplate from '../../../adaptive-cards/meetings/deadline-reminder.json';
import changeTemplate from '../../../adaptive-cards/meetings/change.json';
import meetingReminderTemplate from '../../../adaptive-cards/meetings/meeting-reminder.json';
import meetingsTemplate from '../../../adaptive-cards/meetings/meetings.json';
import type { Meeting } from './meetings.types';

export const meetingWhen = (m: Meeting, locale: Locale): string =>
  formatMeetingDateTime(m.start, m.end, m.timeZone, locale);

/** "torsdag 12 mars kl. 12.00" / "Thursday 12 March 12:00". */
export const instantText = (d: Date, zone: string, locale: Locale): string =>
  `${formatMeetingDate(d, zone, locale)} ${formatTime(d, zone, locale)}`;

/** School breaks with an English name; other names from the calendar are shown as written. */
const KNOWN_BREAKS = ['höstlov', 'jullov', 'sportlov', 'påsklov', 'sommarlov'] as const;
const isKnownBreak = (name: string): name is (typeof KNOWN_BREAKS)[number] =>
  (KNOWN_BREAKS as readonly string[]).includes(name);

/**
 * Why a meeting is skipped, moved or cancelled, in plain words: the holiday's name
 * ("Kristi himmelsfärdsdag" / "Ascension Day"), the school break ("påsklov" / "Easter break"),
 * "outside school term", or the chair's own reason.
 */
export function reasonText(t: Translate, locale: Locale, reason: OccurrenceReason): string {
  switch (reason.kind) {
    case 'holiday':
      return locale === 'sv' ? reason.name : reason.nameEn;
    case 'break': {
      const name = reason.name.trim().toLowerCase();
      return isKnownBreak(name) ? t(`forums.break.${name}`) : reason.name;
    }
    case 'outsideTerm':
      return t('forums.reason.outsideTerm');
    case 'scheduleChanged':
      return t('forums.reason.scheduleChanged');
    case 'override':
      return reason.text;
  }
}

/** One entry of the meetings card: a meeting that takes place, or a line for a date that does not. */
export type MeetingEntry =
  { held: true; when: string; deadline: string; note: string } | { held: false; line: string };

/**
 * What the meetings card says about one meeting, from the reason stored with it:
 * "1 apr — ställs in: påsklov", "11 mars — inställt: Studiedag" (a chair's cancellation), or for a
 * moved meeting the note "6 maj → 7 maj (Kristi himmelsfärdsdag)".
 */
export function meetingEntry(t: Translate, locale: Locale, m: Meeting): MeetingEntry {
  const reason = m.reason ? reasonText(t, locale, m.reason) : '';
  const date = formatShortLocalDate(m.originalDate, locale);
  if (m.status === 'skipped')
    return { held: false, line: t('forums.next.skipped', { date, reason }) };
  if (m.status === 'cancelled')
    return { held: false, line: t('forums.next.cancelled', { date, reason }) };
  let note = '';
  if (m.status === 'moved' && m.date !== m.originalDate)
    note = t('forums.next.movedFrom', {
      from: date,
      to: formatShortLocalDate(m.date, locale),
      reason,
    });
  else if (m.status === 'moved') note = t('forums.meeting.note.moved', { reason });
  return {
    held: true,
    when: meetingWhen(m, locale),
    deadline: t('forums.next.deadline', {
      deadline: instantText(m.deadlineAt, m.timeZone, locale),
    }),
    note,
  };
}

/**
 * The forum's coming meetings (`nästa möte`): its place and meeting link, each meeting that takes
 * place, and between them the dates that are skipped or cancelled, with why.
 */
export function meetingsCard(
  t: Translate,
  locale: Locale,
  forum: Forum,
  meetings: readonly Meeting[],
  canChange: boolean,
  status = '',
): AdaptiveCardJson {
  const entries = meetings.map((m) => ({
    id: m.id,
    line: '',
    when: '',
    deadline: '',
    note: '',
    ...meetingEntry(t, locale, m),
    canChange,
  }));
  return renderCard('meetings/meetings', meetingsTemplate, {
    title: t('forums.next.title', { name: forum.name }),
    status,
    empty: entries.some((e) => e.held) ? '' : t('forums.next.empty'),
    place: forum.place ? t('forums.next.place', { place: forum.place }) : '',
    link: forum.meetingLink ?? '',
    labels: {
      cancel: t('forums.meeting.cancel'),
      move: t('forums.meeting.move'),
      join: t('forums.next.join'),
    },
    meetings: entries,
  });
}

export function meetingChangeCard(
  t: Translate,
  locale: Locale,
  forum: Forum,
  meeting: Meeting,
  change: 'cancel' | 'move',
  values: { date?: string; startTime?: string; reason?: string } = {},
  error: string | readonly string[] = [],
): AdaptiveCardJson {
  return renderCard('meetings/change', changeTemplate, {
    title: t(change === 'cancel' ? 'forums.meeting.cancelTitle' : 'forums.meeting.moveTitle'),
    when: `${forum.name}, ${meetingWhen(meeting, locale)}`,
    errors: typeof error === 'string' ? (error ? [error] : []) : [...error],
    move: change === 'move',
    meetingId: meeting.id,
    labels: {
      date: t('forums.meeting.date'),
      startTime: t('forums.meeting.startTime'),
      reason: t('forums.meeting.reason'),
      anonymity: t('forums.meeting.anonymity'),
      submit: t(change === 'cancel' ? 'forums.meeting.cancelSubmit' : 'forums.meeting.moveSubmit'),
    },
    values: {
      date: values.date ?? '',
      startTime: values.startTime ?? '',
      reason: values.reason ?? '',
    },
  });
}

export function deadlineReminderCard(
  t: Translate,
  locale: Locale,
  forum: Forum,
  meeting: Meeting,
): AdaptiveCardJson {
  return renderCard('meetings/deadline-reminder', deadlineReminderTemplate, {
    text: t('forums.reminder.deadline', {
      forum: forum.name,
      meeting: formatMeetingDate(meeting.start, meeting.timeZone, locale),
      deadline: instantText(meeting.deadlineAt, meeting.timeZone, locale),
    }),
    hint: t('forums.reminder.deadlineHint'),
    button: t('forums.reminder.raiseCase'),
    forumId: forum.id,
    meetingId: meeting.id,
  });
}

export function meetingReminderCard(
  t: Translate,
  locale: Locale,
  forum: Forum,
  meeting: Meeting,
): AdaptiveCardJson {
  return renderCard('meetings/meeting-reminder', meetingReminderTemplate, {
    text: t('forums.reminder.meeting', {
      forum: forum.name,
      when: instantText(meeting.start, meeting.timeZone, locale),
    }),
    place: forum.place ? t('forums.reminder.place', { place: forum.place }) : '',
    button: t('forums.reminder.join'),
    link: forum.meetingLink ?? '',
  });
}
