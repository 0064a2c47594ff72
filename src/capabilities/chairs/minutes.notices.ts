import type { DomainEvents } from '../../core/events';
import type { OrganisationDirectory } from '../../core/organisations';
import type { Outbox } from '../../core/outbox';
import type { OutcomeOption } from '../../core/outcomes';
import type { Clock } from '../../core/clock';
import { personAddress } from '../../core/roster';
import { translator } from '../../i18n/i18n';
import { meetingWhen } from '../meetings';
import type { MongoChairsRepository } from './chairs.repository';
import type { ChairCases, ChairForums, ChairMeetings, ChairPeople } from './chairs.ports';

export interface NoticeDeps {
  repo: Pick<MongoChairsRepository, 'getRevision'>;
  forums: ChairForums;
  meetings: ChairMeetings;
  cases: ChairCases;
  people: ChairPeople;
  outbox: Outbox;
  orgs: OrganisationDirectory;
  outcomes: readonly OutcomeOption[];
  clock: Clock;
}

/**
 * After a save of the minutes (`minutes.saved`): the forum's conversation gets them in short —
 * attendance and the outcome per case code, never the notes. Once per revision.
 */
export async function postMinutes(
  d: NoticeDeps,
  tenantId: string,
  e: DomainEvents['minutes.saved'],
): Promise<void> {
  const forum = await d.forums.getForum(tenantId, e.forumId);
  const meeting = await d.meetings.getMeeting(tenantId, e.meetingId);
  const minutes = await d.repo.getRevision(tenantId, e.meetingId, e.revision);
  if (!forum || !meeting || !minutes || forum.binding?.status !== 'active') return;
  const locale = forum.locale;
  const t = translator(locale);
  const attendance = forum.organisations
    .filter((o) => minutes.attendance[o])
    .map(
      (o) =>
        `${d.orgs.name(o, locale)} ${t(`chairs.attendance.${minutes.attendance[o]!}`).toLowerCase()}`,
    );
  const outcomes = Object.entries(minutes.outcomes)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([code, o]) => `${code} ${d.outcomes.find((x) => x.code === o)?.label[locale] ?? o}`);
  const lines = [
    t('chairs.post.minutes', {
      forum: forum.name,
      when: meetingWhen(meeting, locale),
      correction: e.revision > 1 ? t('chairs.post.correction', { revision: e.revision }) : '',
    }),
    ...(attendance.length ? [t('chairs.post.attendance', { list: attendance.join(', ') })] : []),
    outcomes.length
      ? t('chairs.post.outcomes', { list: outcomes.join('; ') })
      : t('chairs.post.noOutcomes'),
  ];
  await d.outbox.enqueue({
    id: `minutes.post:${tenantId}:${e.meetingId}:r${e.revision}`,
    tenantId,
    conversationId: forum.binding.conversationId,
    kind: 'minutes.post',
    payload: { text: lines.join('\n\n') },
    notBefore: d.clock.now(),
    refs: { forumId: forum.id, meetingId: e.meetingId },
  });
}

/**
 * A case got its outcome (`case.outcome`): its submitter is told in personal chat, in their
 * language. Once per case, meeting and outcome (a corrected outcome is told again).
 */
export async function tellSubmitter(
  d: NoticeDeps,
  tenantId: string,
  e: DomainEvents['case.outcome'],
): Promise<void> {
  const [record, forum, meeting] = await Promise.all([
    d.cases.getCase(tenantId, e.code),
    d.forums.getForum(tenantId, e.forumId),
    d.meetings.getMeeting(tenantId, e.meetingId),
  ]);
  const option = d.outcomes.find((o) => o.code === e.outcome);
  if (!record || !forum || !meeting || !option) return;
  const locale = (await d.people.profile(tenantId, record.submittedBy))?.locale ?? forum.locale;
  const t = translator(locale);
  const text = [
    t('chairs.feedback', {
      code: record.code,
      forum: forum.name,
      when: meetingWhen(meeting, locale),
      outcome: option.label[locale],
    }),
    ...(option.effect === 'moved' ? [t('chairs.feedback.moved')] : []),
  ].join(' ');
  await d.outbox.enqueue({
    id: `minutes.feedback:${tenantId}:${e.meetingId}:${e.code}:${e.outcome}`,
    tenantId,
    conversationId: personAddress(tenantId, record.submittedBy),
    kind: 'minutes.feedback',
    payload: { text },
    notBefore: d.clock.now(),
    refs: { forumId: forum.id, meetingId: e.meetingId, code: e.code },
  });
}
