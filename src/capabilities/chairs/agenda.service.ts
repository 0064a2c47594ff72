import type { Actor } from '../../core/actor';
import type { AgendaFollowUpItem, AgendaFollowUpProvider } from '../../core/agenda';
import type { Clock } from '../../core/clock';
import { AppError } from '../../core/errors';
import type { Logger } from '../../core/logger';
import type { OrganisationDirectory } from '../../core/organisations';
import type { Outbox } from '../../core/outbox';
import { authorize } from '../../core/permissions';
import { personAddress } from '../../core/roster';
import { translator, type Locale } from '../../i18n/i18n';
import { isCarriedOver } from '../cases';
import { canChangeMeetingsOf, type Forum } from '../forums';
import { meetingWhen, takesPlace, type Meeting } from '../meetings';
import type { MongoChairsRepository } from './chairs.repository';
import { agendaPostCard, digestCard, mentionCard, type CardLabels } from './chairs.cards';
import type {
  ChairCases,
  ChairForums,
  ChairMeetings,
  ChairPeople,
  ChairReach,
} from './chairs.ports';
import type { Agenda, AgendaCase } from './chairs.types';

export interface AgendaDeps {
  repo: Pick<MongoChairsRepository, 'getDigest' | 'insertDigest'>;
  forums: ChairForums;
  meetings: ChairMeetings;
  cases: ChairCases;
  reach: ChairReach;
  people: ChairPeople;
  outbox: Outbox;
  orgs: OrganisationDirectory;
  clock: Clock;
  log: Logger;
  followUps: AgendaFollowUpProvider[];
}

const WAITING = new Set(['submitted', 'onAgenda']);
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** Carried over from earlier meetings first, then urgent, then by the time raised. */
export function agendaOrder(a: AgendaCase, b: AgendaCase): number {
  if (a.carriedOver !== b.carriedOver) return a.carriedOver ? -1 : 1;
  const urgent = (c: AgendaCase) => (c.record.urgency === 'urgent' ? 0 : 1);
  if (urgent(a) !== urgent(b)) return urgent(a) - urgent(b);
  return +a.record.createdAt - +b.record.createdAt || a.record.code.localeCompare(b.record.code);
}

/** When a forum's chairs get a meeting's digest: right after the case deadline, or as set. */
export const digestMoment = (forum: Forum, meeting: Meeting): Date =>
  new Date(meeting.deadlineAt.getTime() + (forum.digestMinutesAfterDeadline ?? 0) * MINUTE);

/**
 * The agenda: what a meeting will discuss (its waiting cases in order, counts per organisation,
 * the items other capabilities ask the forum to follow up), the digest every chair gets in
 * personal chat at the forum's moment, the short agenda in the forum's conversation, and short
 * updates when a case is raised or withdrawn after the digest went out.
 */
export class AgendaService {
  constructor(private readonly deps: AgendaDeps) {}

  /** Another capability contributes items to follow up (deviations, for instance). */
  registerFollowUps(provider: AgendaFollowUpProvider): void {
    if (this.deps.followUps.some((p) => p.kind === provider.kind))
      throw new Error(`agenda follow-up provider ${provider.kind} registered twice`);
    this.deps.followUps.push(provider);
  }

  async followUpsFor(
    tenantId: string,
    forumId: string,
    meetingId: string,
  ): Promise<AgendaFollowUpItem[]> {
    const lists = await Promise.all(
      this.deps.followUps.map((p) => p.followUps(tenantId, forumId, meetingId)),
    );
    return lists.flat();
  }

  async agendaFor(forum: Forum, meeting: Meeting): Promise<Agenda> {
    const records = await this.deps.cases.casesOfMeeting(forum.tenantId, meeting.id);
    const cases = records
      .filter((r) => WAITING.has(r.status))
      .map((record) => ({ record, carriedOver: isCarriedOver(record) }))
      .sort(agendaOrder);
    const counts = new Map<string, number>();
    for (const c of cases)
      counts.set(c.record.raisingOrganisation, (counts.get(c.record.raisingOrganisation) ?? 0) + 1);
    return {
      forum,
      meeting,
      cases,
      counts: [...counts.entries()]
        .map(([organisation, n]) => ({ organisation, cases: n }))
        .sort((a, b) => b.cases - a.cases || a.organisation.localeCompare(b.organisation)),
      followUps: await this.followUpsFor(forum.tenantId, forum.id, meeting.id),
    };
  }

  /** `dagordning [forum]`: the forum's next meeting's agenda, for its chairs (and admins). */
  async currentAgenda(actor: Actor, forum: Forum): Promise<Agenda | null> {
    authorize(actor, 'agenda.view');
    if (!canChangeMeetingsOf(actor, forum)) throw new AppError('forbidden', { needs: 'chair' });
    const [next] = await this.deps.meetings.upcomingMeetings(forum.tenantId, forum.id, 1);
    return next ? this.agendaFor(forum, next) : null;
  }

  meetingOf(tenantId: string, meetingId: string): Promise<Meeting | null> {
    return this.deps.meetings.getMeeting(tenantId, meetingId);
  }

  /** The forums the actor chairs (for an admin who chairs none: every forum of the tenant). */
  async forumsChairedBy(actor: Actor): Promise<Forum[]> {
    const all = (await this.deps.forums.allForums()).filter((f) => f.tenantId === actor.tenantId);
    const chaired = all.filter((f) => !!actor.aadObjectId && f.chairs.includes(actor.aadObjectId));
    return chaired.length > 0 ? chaired : all.filter((f) => canChangeMeetingsOf(actor, f));
  }

  /**
   * The scheduler's job: each meeting whose digest moment has come (and that has not started)
   * gets its digest once: to every chair in personal chat, the short agenda in the forum's
   * conversation, an @mention there for a chair the bot cannot reach. Outbox ids are
   * deterministic and the digest is recorded last (a unique insert), so a pass that fails or
   * crashes half-way is simply made again.
   */
  async run(now: Date): Promise<{ digests: number; failed: number }> {
    const stats = { digests: 0, failed: 0 };
    // Digest moments lie between a day before and two days after the deadline; a digest missed
    // while the bot was down is still sent if the meeting has not started (three days back).
    const due = await this.deps.meetings.meetingsWithDeadlineBetween(
      new Date(now.getTime() - 5 * DAY),
      new Date(now.getTime() + DAY),
    );
    if (due.length === 0) return stats;
    // One read of the forums per pass; meetings known to be done cost nothing.
    const forums = new Map(
      (await this.deps.forums.allForums()).map((f) => [`${f.tenantId}:${f.id}`, f]),
    );
    for (const meeting of due) {
      const key = `${meeting.tenantId}:${meeting.id}`;
      if (this.done.has(key) || !takesPlace(meeting) || meeting.start <= now) continue;
      const forum = forums.get(`${meeting.tenantId}:${meeting.forumId}`);
      if (!forum || digestMoment(forum, meeting) > now) continue;
      try {
        if (!(await this.deps.repo.getDigest(meeting.tenantId, meeting.id)))
          await this.sendDigest(forum, meeting, now);
        this.remember(key);
        stats.digests++;
      } catch (error) {
        stats.failed++;
        this.deps.log.warn(
          { meetingId: meeting.id, error: (error as Error).name },
          'agenda digest failed; will retry',
        );
      }
    }
    if (stats.digests || stats.failed) this.deps.log.info(stats, 'agenda digests');
    return stats;
  }

  /** Per-instance memo of meetings whose digest is recorded (saves a read per pass). */
  private readonly done = new Set<string>();
  private remember(key: string): void {
    if (this.done.size > 100_000) this.done.clear();
    this.done.add(key);
  }

  private async sendDigest(forum: Forum, meeting: Meeting, now: Date): Promise<void> {
    const { outbox, reach, repo, log } = this.deps;
    const agenda = await this.agendaFor(forum, meeting);
    const tenantId = forum.tenantId;
    const base = { tenantId, notBefore: now, expiresAt: meeting.start };
    const refs = { forumId: forum.id, meetingId: meeting.id };
    const channel = forum.binding?.status === 'active' ? forum.binding.conversationId : undefined;
    for (const chair of forum.chairs) {
      const locale = await this.localeOf(tenantId, chair, forum.locale);
      await outbox.enqueue({
        ...base,
        id: `agenda.digest:${tenantId}:${meeting.id}:${chair}`,
        conversationId: personAddress(tenantId, chair),
        kind: 'agenda.digest',
        payload: { card: digestCard(this.labels(locale), agenda, true) },
        refs,
      });
      const reached = await reach.reach(tenantId, chair);
      if (reached.kind === 'chat' || !channel) continue;
      const member = await reach.member(tenantId, chair);
      if (!member) {
        log.warn({ meetingId: meeting.id }, 'a chair is unknown to the bot: no personal digest');
        continue;
      }
      const t = translator(forum.locale);
      await outbox.enqueue({
        ...base,
        id: `agenda.mention:${tenantId}:${meeting.id}:${chair}`,
        conversationId: channel,
        kind: 'agenda.mention',
        payload: {
          card: mentionCard(
            member,
            t('chairs.mention', { forum: forum.name, when: this.when(meeting, forum.locale) }),
          ),
        },
        refs,
      });
    }
    if (channel)
      await outbox.enqueue({
        ...base,
        id: `agenda.post:${tenantId}:${meeting.id}`,
        conversationId: channel,
        kind: 'agenda.post',
        payload: { card: agendaPostCard(this.labels(forum.locale), agenda) },
        refs,
      });
    await repo.insertDigest({
      tenantId,
      forumId: forum.id,
      meetingId: meeting.id,
      sentAt: now,
      codes: agenda.cases.map((c) => c.record.code),
    });
  }

  /**
   * A case was raised for, moved to, or withdrawn from a meeting whose digest already went out
   * (and that has not started): the chairs get a short update, not a second digest (once per
   * case and change: deterministic ids).
   */
  async lateChange(
    tenantId: string,
    meetingId: string,
    code: string,
    change: 'raised' | 'withdrawn',
  ): Promise<boolean> {
    const { repo, meetings, forums, cases, outbox, clock } = this.deps;
    const digest = await repo.getDigest(tenantId, meetingId);
    const now = clock.now();
    if (!digest || (change === 'raised' && digest.codes.includes(code))) return false;
    const meeting = await meetings.getMeeting(tenantId, meetingId);
    if (!meeting || meeting.start <= now) return false;
    const forum = await forums.getForum(tenantId, meeting.forumId);
    const record = await cases.getCase(tenantId, code);
    if (!forum || !record) return false;
    for (const chair of forum.chairs) {
      const locale = await this.localeOf(tenantId, chair, forum.locale);
      const t = translator(locale);
      const what = [
        this.deps.orgs.name(record.raisingOrganisation, locale),
        t(`cases.ageBand.${record.ageBand}`),
        record.concerns.map((c) => this.concern(c, locale)).join(', '),
      ].join(', ');
      await outbox.enqueue({
        id: `agenda.update:${tenantId}:${meetingId}:${code}:${change}:${chair}`,
        tenantId,
        conversationId: personAddress(tenantId, chair),
        kind: 'agenda.update',
        payload: {
          text: t(change === 'raised' ? 'chairs.update.raised' : 'chairs.update.withdrawn', {
            forum: forum.name,
            when: this.when(meeting, locale),
            code,
            what,
          }),
        },
        notBefore: now,
        expiresAt: meeting.start,
        refs: { forumId: forum.id, meetingId, code },
      });
    }
    return true;
  }

  /** Labels and helpers the agenda cards need, in one language. */
  labels(locale: Locale): CardLabels {
    return {
      t: translator(locale),
      locale,
      orgName: (code) => this.deps.orgs.name(code, locale),
      concern: (code) => this.concern(code, locale),
    };
  }

  private concern(code: string, locale: Locale): string {
    return this.deps.cases.config.concerns.find((c) => c.code === code)?.label[locale] ?? code;
  }

  private when(meeting: Meeting, locale: Locale): string {
    return meetingWhen(meeting, locale);
  }

  private async localeOf(tenantId: string, aadObjectId: string, fallback: Locale): Promise<Locale> {
    return (await this.deps.people.profile(tenantId, aadObjectId))?.locale ?? fallback;
  }
}
