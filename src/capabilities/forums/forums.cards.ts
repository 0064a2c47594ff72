import type { AdaptiveCardJson } from '../../cards/render';
import { renderCard } from '../../cards/render';
import type { OrganisationDirectory } from '../../core/organisations';
import type { Locale, Translate } from '../../i18n/i18n';
import { WEEKDAYS, formatMeetingDate, formatMeetingDateTime, formatTime } from '../calendar';
import bindTemplate from '../../../adaptive-cards/forums/bind.json';
import deadlineReminderTemplate from '../../../adaptive-cards/forums/deadline-reminder.json';
import formTemplate from '../../../adaptive-cards/forums/form.json';
import listTemplate from '../../../adaptive-cards/forums/list.json';
import meetingChangeTemplate from '../../../adaptive-cards/forums/meeting-change.json';
import meetingReminderTemplate from '../../../adaptive-cards/forums/meeting-reminder.json';
import meetingsTemplate from '../../../adaptive-cards/forums/meetings.json';
import type { ForumFormValues } from './forums.form';
import { FORUM_KINDS, type Forum, type Meeting } from './forums.types';

const WEEKDAY_NAMES: Record<Locale, readonly string[]> = {
  sv: ['måndag', 'tisdag', 'onsdag', 'torsdag', 'fredag', 'lördag', 'söndag'],
  en: ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'],
};

export const meetingWhen = (m: Meeting, locale: Locale): string =>
  formatMeetingDateTime(m.start, m.end, m.timeZone, locale);

/** "torsdag 12 mars kl. 12.00" / "Thursday 12 March 12:00". */
export const instantText = (d: Date, zone: string, locale: Locale): string =>
  `${formatMeetingDate(d, zone, locale)} ${formatTime(d, zone, locale)}`;

export function recurrenceText(t: Translate, locale: Locale, forum: Forum): string {
  const r = forum.schedule.recurrence;
  if (r.kind === 'weekly') {
    const weekday = r.weekdays
      .map((w) => WEEKDAY_NAMES[locale][WEEKDAYS.indexOf(w)] ?? w)
      .join(', ');
    const time =
      locale === 'sv' ? forum.schedule.startTime.replace(':', '.') : forum.schedule.startTime;
    return t(r.interval === 2 ? 'forums.recurrence.biweekly' : 'forums.recurrence.weekly', {
      weekday,
      time,
    });
  }
  return t(
    r.kind === 'monthlyNthWeekday' ? 'forums.recurrence.monthly' : 'forums.recurrence.explicit',
  );
}

export function forumListCard(
  t: Translate,
  locale: Locale,
  orgs: OrganisationDirectory,
  items: readonly { forum: Forum; next: Meeting | undefined }[],
): AdaptiveCardJson {
  return renderCard('forums/list', listTemplate, {
    title: t('forums.list.title'),
    empty: t('forums.list.empty'),
    footer: t('forums.list.footer'),
    forums: items.map(({ forum, next }) => ({
      name: forum.name,
      details: [
        recurrenceText(t, locale, forum),
        forum.organisations.map((o) => orgs.name(o, locale)).join(', '),
        t(
          !forum.binding
            ? 'forums.list.unbound'
            : forum.binding.status === 'active'
              ? 'forums.list.bound'
              : 'forums.list.broken',
        ),
      ].join(' · '),
      next: next
        ? t('forums.list.next', { when: meetingWhen(next, locale) })
        : t('forums.list.noNext'),
    })),
  });
}

/** One error text or several lines (every gate finding on its own line). */
const lines = (error: string | readonly string[]): string[] =>
  typeof error === 'string' ? (error ? [error] : []) : [...error];

export function forumFormCard(
  t: Translate,
  locale: Locale,
  orgs: OrganisationDirectory,
  users: readonly { id: string; name: string }[],
  values: ForumFormValues,
  error: string | readonly string[] = [],
  editing?: Forum,
): AdaptiveCardJson {
  return renderCard('forums/form', formTemplate, {
    forumId: editing?.id ?? '',
    labels: {
      title: editing ? t('forums.form.editTitle', { name: editing.name }) : t('forums.form.title'),
      save: t('forums.form.save'),
      name: t('forums.form.name'),
      code: t('forums.form.code'),
      codeHelp: t('forums.form.codeHelp'),
      kind: t('forums.form.kind'),
      organisations: t('forums.form.organisations'),
      chairs: t('forums.form.chairs'),
      weekday: t('forums.form.weekday'),
      interval: t('forums.form.interval'),
      startTime: t('forums.form.startTime'),
      duration: t('forums.form.duration'),
      firstDate: t('forums.form.firstDate'),
      deadlineDays: t('forums.form.deadlineDays'),
      deadlineTime: t('forums.form.deadlineTime'),
      holidayPolicy: t('forums.form.holidayPolicy'),
      deadlineReminderHours: t('forums.form.deadlineReminderHours'),
      meetingReminderMinutes: t('forums.form.meetingReminderMinutes'),
      onlyDuringTerms: t('forums.form.onlyDuringTerms'),
      place: t('forums.form.place'),
      meetingLink: t('forums.form.meetingLink'),
      submit: t('forums.form.submit'),
      required: t('forums.form.required'),
    },
    errors: lines(error),
    values,
    kinds: FORUM_KINDS.map((k) => ({ title: t(`forums.kind.${k}`), value: k })),
    organisationChoices: orgs.all().map((o) => ({ title: o.name[locale], value: o.code })),
    userChoices: users.map((u) => ({ title: u.name, value: u.id })),
    weekdays: WEEKDAYS.slice(0, 5).map((w, i) => ({
      title: WEEKDAY_NAMES[locale][i] ?? w,
      value: w,
    })),
    intervals: [
      { title: t('forums.form.everyWeek'), value: '1' },
      { title: t('forums.form.everyOtherWeek'), value: '2' },
    ],
    holidayPolicies: [
      { title: t('forums.form.skip'), value: 'skip' },
      { title: t('forums.form.move'), value: 'moveToNextWorkingDay' },
    ],
  });
}

export function bindCard(t: Translate, forums: readonly Forum[]): AdaptiveCardJson {
  return renderCard('forums/bind', bindTemplate, {
    title: t('forums.bind.title'),
    intro: t('forums.bind.intro'),
    empty: t('forums.bind.empty'),
    label: t('forums.bind.label'),
    submit: t('forums.bind.submit'),
    forums: forums.map((f) => ({ id: f.id, name: f.name })),
  });
}

export function meetingsCard(
  t: Translate,
  locale: Locale,
  forum: Forum,
  meetings: readonly Meeting[],
  canChange: boolean,
  status = '',
): AdaptiveCardJson {
  return renderCard('forums/meetings', meetingsTemplate, {
    title: t('forums.next.title', { name: forum.name }),
    status,
    empty: t('forums.next.empty'),
    labels: { cancel: t('forums.meeting.cancel'), move: t('forums.meeting.move') },
    meetings: meetings.map((m) => ({
      id: m.id,
      when: meetingWhen(m, locale),
      deadline: t('forums.next.deadline', {
        deadline: instantText(m.deadlineAt, m.timeZone, locale),
      }),
      note:
        m.status === 'moved' && m.reason?.kind === 'override'
          ? t('forums.meeting.note.moved', { reason: m.reason.text })
          : '',
      canChange,
    })),
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
  return renderCard('forums/meeting-change', meetingChangeTemplate, {
    title: t(change === 'cancel' ? 'forums.meeting.cancelTitle' : 'forums.meeting.moveTitle'),
    when: `${forum.name}, ${meetingWhen(meeting, locale)}`,
    errors: lines(error),
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
  return renderCard('forums/deadline-reminder', deadlineReminderTemplate, {
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
  return renderCard('forums/meeting-reminder', meetingReminderTemplate, {
    text: t('forums.reminder.meeting', {
      forum: forum.name,
      when: instantText(meeting.start, meeting.timeZone, locale),
    }),
    place: forum.place ? t('forums.reminder.place', { place: forum.place }) : '',
    button: t('forums.reminder.join'),
    link: forum.meetingLink ?? '',
  });
}
