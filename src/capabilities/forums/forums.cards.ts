import type { AdaptiveCardJson } from '../../cards/render';
import { renderCard } from '../../cards/render';
import type { OrganisationDirectory } from '../../core/organisations';
import type { Locale, Translate } from '../../i18n/i18n';
import { WEEKDAYS } from '../calendar';
import bindTemplate from '../../../adaptive-cards/forums/bind.json';
import formTemplate from '../../../adaptive-cards/forums/form.json';
import listTemplate from '../../../adaptive-cards/forums/list.json';
import type { ForumFormValues } from './forums.form';
import { meetingWhen, type Meeting } from '../meetings';
import { FORUM_KINDS, type Forum } from './forums.types';

const WEEKDAY_NAMES: Record<Locale, readonly string[]> = {
  sv: ['måndag', 'tisdag', 'onsdag', 'torsdag', 'fredag', 'lördag', 'söndag'],
  en: ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'],
};

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
export const lines = (error: string | readonly string[]): string[] =>
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
