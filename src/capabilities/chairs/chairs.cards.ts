import type { AdaptiveCardJson } from '../../cards/render';
import { renderCard } from '../../cards/render';
import type { AgendaFollowUpItem } from '../../core/agenda';
import type { OutcomeOption } from '../../core/outcomes';
import type { Locale, Translate } from '../../i18n/i18n';
import { fieldNotes, type FieldReview } from '../anonymity';
import type { CaseRecord } from '../cases';
import type { Forum } from '../forums';
import { meetingWhen, type Meeting } from '../meetings';
import digestTemplate from '../../../adaptive-cards/chairs/digest.json';
import agendaPostTemplate from '../../../adaptive-cards/chairs/agenda-post.json';
import mentionTemplate from '../../../adaptive-cards/chairs/mention.json';
import minutesTemplate from '../../../adaptive-cards/chairs/minutes.json';
import startTemplate from '../../../adaptive-cards/chairs/start.json';
import type { Agenda, MinutesContent } from './chairs.types';
import { ATTENDANCE } from './chairs.types';

/** One language's labels and names for the chairs' cards. */
export interface CardLabels {
  t: Translate;
  locale: Locale;
  orgName(code: string): string;
  concern(code: string): string;
}

const placeLine = (t: Translate, forum: Forum) =>
  forum.place ? t('forums.next.place', { place: forum.place }) : '';

/**
 * The digest a chair gets before the meeting: every case in order with code, raising
 * organisation, age band, concerns, what has been tried and the question; counts per
 * organisation; items to follow up (only when there are any); the minutes button.
 */
export function digestCard(l: CardLabels, agenda: Agenda, withMinutes: boolean): AdaptiveCardJson {
  const { t } = l;
  return renderCard('chairs/digest', digestTemplate, {
    title: t('chairs.digest.title', { forum: agenda.forum.name }),
    when: meetingWhen(agenda.meeting, l.locale),
    place: placeLine(t, agenda.forum),
    link: agenda.forum.meetingLink ?? '',
    intro:
      agenda.cases.length === 0
        ? t('chairs.digest.none')
        : t('chairs.digest.intro', { count: agenda.cases.length }),
    cases: agenda.cases.map((c, i) => ({
      heading: [
        `${i + 1}. ${c.record.code}`,
        l.orgName(c.record.raisingOrganisation),
        t(`cases.ageBand.${c.record.ageBand}`),
        ...(c.carriedOver ? [t('chairs.digest.carriedOver')] : []),
        ...(c.record.urgency === 'urgent' ? [t('cases.urgency.urgent')] : []),
      ].join(' · '),
      about: c.record.concerns.map((x) => l.concern(x)).join(', '),
      tried: c.record.tried ? t('chairs.digest.tried', { text: c.record.tried }) : '',
      question: c.record.question ? t('chairs.digest.question', { text: c.record.question }) : '',
    })),
    counts: agenda.counts.map((c) => ({
      title: l.orgName(c.organisation),
      value: String(c.cases),
    })),
    followUps: agenda.followUps.map((f) => ({ label: f.label(l.locale) })),
    withMinutes,
    meetingId: agenda.meeting.id,
    labels: {
      join: t('forums.next.join'),
      counts: t('chairs.digest.counts'),
      followUps: t('chairs.followUps'),
      minutes: t('chairs.digest.minutes'),
    },
  });
}

/** The forum's conversation gets the agenda in short: codes, age bands and concerns only. */
export function agendaPostCard(l: CardLabels, agenda: Agenda): AdaptiveCardJson {
  const { t } = l;
  return renderCard('chairs/agenda-post', agendaPostTemplate, {
    title: t('chairs.digest.title', { forum: agenda.forum.name }),
    when: meetingWhen(agenda.meeting, l.locale),
    intro:
      agenda.cases.length === 0
        ? t('chairs.digest.none')
        : t('chairs.post.intro', { count: agenda.cases.length }),
    lines: agenda.cases.map((c, i) =>
      [
        `${i + 1}. ${c.record.code}`,
        t(`cases.ageBand.${c.record.ageBand}`),
        c.record.concerns.map((x) => l.concern(x)).join(', '),
      ].join(' · '),
    ),
  });
}

/** An @mention in the forum's conversation (the mention entity's text matches the card's text). */
export function mentionCard(
  member: { name: string; rosterId: string },
  text: string,
): AdaptiveCardJson {
  return renderCard('chairs/mention', mentionTemplate, {
    name: member.name.replace(/[<>]/g, '') || '-',
    rosterId: member.rosterId,
    text,
  });
}

/** In a shared conversation: a button that opens the minutes for the one who clicks. */
export function startCard(t: Translate, forum: Forum, meeting: Meeting): AdaptiveCardJson {
  return renderCard('chairs/start', startTemplate, {
    title: t('chairs.minutes.title', { forum: forum.name }),
    text: t('chairs.minutes.startText'),
    button: t('chairs.minutes.open'),
    meetingId: meeting.id,
  });
}

export interface MinutesCardInput {
  forum: Forum;
  meeting: Meeting;
  cases: readonly CaseRecord[];
  outcomes: readonly OutcomeOption[];
  followUps: readonly AgendaFollowUpItem[];
  values: MinutesContent;
  revision: number;
  token: string;
  status?: { lines: string[]; good: boolean };
  review?: FieldReview;
}

/** The minutes form: attendance per organisation, an outcome and a note per case, follow-ups, notes. */
export function minutesCard(l: CardLabels, m: MinutesCardInput): AdaptiveCardJson {
  const { t } = l;
  const notesFor = (field: string) => (m.review ? fieldNotes(t, m.review, field) : []);
  return renderCard('chairs/minutes', minutesTemplate, {
    title: t('chairs.minutes.title', { forum: m.forum.name }),
    when: meetingWhen(m.meeting, l.locale),
    status: m.status?.lines ?? [],
    statusColor: m.status?.good === false ? 'Attention' : 'Good',
    labels: {
      attendance: t('chairs.minutes.attendance'),
      cases: t('chairs.minutes.cases'),
      outcome: t('chairs.minutes.outcome'),
      outcomePlaceholder: t('chairs.minutes.outcomePlaceholder'),
      note: t('chairs.minutes.note'),
      followUps: t('chairs.followUps'),
      general: t('chairs.minutes.general'),
      anonymity: t('chairs.minutes.anonymity'),
      save: t('chairs.minutes.save'),
    },
    organisations: m.forum.organisations.map((code) => ({
      id: `att.${code}`,
      title: l.orgName(code),
      value: m.values.attendance[code] ?? '',
    })),
    attendanceChoices: ATTENDANCE.map((a) => ({ title: t(`chairs.attendance.${a}`), value: a })),
    cases: m.cases.map((c) => ({
      heading: [c.code, l.orgName(c.raisingOrganisation), t(`cases.ageBand.${c.ageBand}`)].join(
        ' · ',
      ),
      about: c.concerns.map((x) => l.concern(x)).join(', '),
      outId: `out.${c.code}`,
      outValue: m.values.outcomes[c.code] ?? '',
      noteId: `note.${c.code}`,
      noteValue: m.values.notes[c.code] ?? '',
      noteErrors: notesFor(`note.${c.code}`),
    })),
    outcomeChoices: m.outcomes.map((o) => ({ title: o.label[l.locale], value: o.code })),
    followUps: m.followUps.map((f) => ({
      id: `fu.${f.ref}`,
      label: f.label(l.locale),
      value: m.values.followedUp.includes(f.ref) ? 'true' : 'false',
    })),
    general: m.values.general,
    generalErrors: notesFor('general'),
    meetingId: m.meeting.id,
    revision: String(m.revision),
    token: m.token,
  });
}
