import type { Actor } from '../../core/actor';
import type { AgendaFollowUpItem } from '../../core/agenda';
import { auditEntry } from '../../core/audit';
import type { Clock } from '../../core/clock';
import { AppError } from '../../core/errors';
import type { NewEvent } from '../../core/events';
import type { OutcomeOption } from '../../core/outcomes';
import { authorize } from '../../core/permissions';
import type { RetentionTarget } from '../../core/retention';
import { newUnitId, type UnitOfWork } from '../../core/unit-of-work';
import { requireAnonymous, type AnonymityGate } from '../anonymity';
import { isCarriedOver, type CaseRecord } from '../cases';
import { canChangeMeetingsOf, type Forum } from '../forums';
import { takesPlace, type Meeting } from '../meetings';
import { agendaOrder } from './agenda.service';
import type { MongoChairsRepository } from './chairs.repository';
import type { ChairCases, ChairForums, ChairMeetings } from './chairs.ports';
import type { MinutesContent, MinutesRecord } from './chairs.types';
import { emptyMinutes } from './chairs.types';
import { mergeMinutes, sameMinutes } from './minutes.merge';

export interface MinutesDeps {
  repo: MongoChairsRepository;
  forums: ChairForums;
  meetings: ChairMeetings;
  cases: ChairCases;
  followUpsFor(tenantId: string, forumId: string, meetingId: string): Promise<AgendaFollowUpItem[]>;
  units: UnitOfWork;
  clock: Clock;
  outcomes: readonly OutcomeOption[];
  gate: AnonymityGate;
}

/** What a chair sends: the minutes as they want them, and the revision their card showed. */
export interface MinutesInput extends MinutesContent {
  meetingId: string;
  baseRevision: number;
}

/** Someone saved the same minutes meanwhile and changed some of the same fields differently. */
export class MinutesConflictError extends AppError {
  constructor(
    readonly current: MinutesRecord,
    readonly fields: readonly string[],
  ) {
    super('conflict', { reason: 'minutesChanged', revision: current.revision });
  }
}

/** A meeting's minutes, ready for the card: the meeting, its cases and follow-ups, what is saved. */
export interface MinutesView {
  forum: Forum;
  meeting: Meeting;
  cases: CaseRecord[];
  followUps: AgendaFollowUpItem[];
  current: MinutesRecord | null;
}

export interface SaveResult extends MinutesView {
  record: MinutesRecord;
  /** Set when the save was applied on top of another chair's save made meanwhile. */
  over?: { by: string; revision: number } | undefined;
}

const MAX_SAVE_ATTEMPTS = 5;

/**
 * Minutes: from the meeting's start on, a chair of the forum (or an admin) records attendance per
 * organisation, an outcome and an optional note per case, the follow-ups done and general notes.
 * Every save is a new revision claimed by a unique insert, so two chairs saving at once cannot
 * both win: the later save is merged field by field on top of what was saved meanwhile, or, where
 * both changed the same field differently, shown what changed and asked again. Corrections are
 * further revisions; every revision is kept.
 */
export class MinutesService {
  constructor(private readonly deps: MinutesDeps) {}

  /** The meeting, if the actor may keep its minutes now (a chair of the forum, meeting started). */
  async meetingForMinutes(
    actor: Actor,
    meetingId: string,
  ): Promise<{ forum: Forum; meeting: Meeting }> {
    authorize(actor, 'minutes.record');
    const meeting = await this.deps.meetings.getMeeting(actor.tenantId, meetingId);
    if (!meeting) throw new AppError('notFound');
    const forum = await this.deps.forums.getForum(actor.tenantId, meeting.forumId);
    if (!forum) throw new AppError('notFound');
    if (!canChangeMeetingsOf(actor, forum)) throw new AppError('forbidden', { needs: 'chair' });
    if (!takesPlace(meeting)) throw new AppError('conflict', { reason: 'meetingNotHeld' });
    if (meeting.start > this.deps.clock.now())
      throw new AppError('conflict', { reason: 'meetingNotStarted' });
    return { forum, meeting };
  }

  async view(actor: Actor, meetingId: string): Promise<MinutesView> {
    const { forum, meeting } = await this.meetingForMinutes(actor, meetingId);
    return this.viewOf(forum, meeting);
  }

  /** The latest meeting of the forum that has started (the one `protokoll` opens). */
  async latestMeeting(actor: Actor, forum: Forum): Promise<Meeting | null> {
    authorize(actor, 'minutes.record');
    if (!canChangeMeetingsOf(actor, forum)) throw new AppError('forbidden', { needs: 'chair' });
    const [latest] = await this.deps.meetings.startedMeetings(forum.tenantId, forum.id);
    return latest ?? null;
  }

  /** One revision of a meeting's minutes (the history), or null. */
  revision(tenantId: string, meetingId: string, revision: number): Promise<MinutesRecord | null> {
    return this.deps.repo.getRevision(tenantId, meetingId, revision);
  }

  /** The minutes as they now are; their existence marks the meeting held. */
  minutesOf(tenantId: string, meetingId: string): Promise<MinutesRecord | null> {
    return this.deps.repo.getMinutes(tenantId, meetingId);
  }

  private async viewOf(forum: Forum, meeting: Meeting): Promise<MinutesView> {
    const { cases, repo } = this.deps;
    const current = await repo.getMinutes(forum.tenantId, meeting.id);
    const here = (await cases.casesOfMeeting(forum.tenantId, meeting.id)).filter(
      (c) => c.status !== 'withdrawn',
    );
    // Cases the minutes moved on (not reached, follow-up) stay on this meeting's minutes.
    const codes = new Set(here.map((c) => c.code));
    const movedOn: CaseRecord[] = [];
    for (const code of Object.keys(current?.outcomes ?? {})) {
      if (codes.has(code)) continue;
      const record = await cases.getCase(forum.tenantId, code);
      if (record) movedOn.push(record);
    }
    const all = [...here, ...movedOn]
      .map((record) => ({ record, carriedOver: isCarriedOver(record) }))
      .sort(agendaOrder)
      .map((c) => c.record);
    return {
      forum,
      meeting,
      cases: all,
      followUps: await this.deps.followUpsFor(forum.tenantId, forum.id, meeting.id),
      current,
    };
  }

  /**
   * Saves the minutes (see the class comment). Refused, with nothing changed: a meeting not
   * started, a case not on the meeting, an outcome not on the list, a follow-up not asked for,
   * notes the anonymity gate stops.
   */
  async save(actor: Actor, input: MinutesInput, operationId?: string): Promise<SaveResult> {
    const { forum, meeting } = await this.meetingForMinutes(actor, input.meetingId);
    const view = await this.viewOf(forum, meeting);
    const mine: MinutesContent = {
      attendance: input.attendance,
      outcomes: input.outcomes,
      notes: input.notes,
      general: input.general,
      followedUp: [...input.followedUp].sort(),
    };
    this.check(forum, view, mine);
    requireAnonymous(this.deps.gate, {
      ...Object.fromEntries(
        Object.entries(mine.notes).map(([code, text]) => [`note.${code}`, text]),
      ),
      general: mine.general,
    });
    const { repo, units, clock } = this.deps;
    const by = actor.aadObjectId ?? '';
    for (let attempt = 0; attempt < MAX_SAVE_ATTEMPTS; attempt++) {
      const current = await repo.getMinutes(actor.tenantId, meeting.id);
      const currentRevision = current?.revision ?? 0;
      let content = mine;
      let over: SaveResult['over'];
      if (currentRevision !== input.baseRevision && current) {
        const base =
          input.baseRevision === 0
            ? emptyMinutes()
            : ((await repo.getRevision(actor.tenantId, meeting.id, input.baseRevision)) ??
              emptyMinutes());
        const { merged, conflicts } = mergeMinutes(base, mine, current);
        if (conflicts.length > 0) throw new MinutesConflictError(current, conflicts);
        content = merged;
        over = { by: current.savedBy, revision: currentRevision };
      }
      if (current && sameMinutes(content, current)) return { ...view, record: current, over };
      const now = clock.now();
      const next: MinutesRecord = {
        ...content,
        tenantId: actor.tenantId,
        forumId: forum.id,
        meetingId: meeting.id,
        meetingStart: meeting.start,
        revision: currentRevision + 1,
        savedBy: by,
        savedAt: now,
      };
      const outcomeEvents: NewEvent[] = Object.entries(content.outcomes)
        .filter(([code, outcome]) => current?.outcomes[code] !== outcome)
        .map(([code, outcome]) => ({
          type: 'case.outcome',
          tenantId: actor.tenantId,
          data: { code, forumId: forum.id, meetingId: meeting.id, outcome, by },
        }));
      const outcome = await units.commit({
        id: `${operationId ?? newUnitId('minutes.save')}:r${next.revision}`,
        writes: repo.saveWrites(next),
        audit: [
          auditEntry(
            actor,
            now,
            next.revision === 1 ? 'minutes.save' : 'minutes.correct',
            meeting.id,
            {
              forumId: forum.id,
              revision: next.revision,
              outcomes: outcomeEvents.length,
              merged: !!over,
            },
          ),
        ],
        events: [
          {
            type: 'minutes.saved',
            tenantId: actor.tenantId,
            data: {
              forumId: forum.id,
              meetingId: meeting.id,
              by,
              roles: [...actor.roles].sort(),
              revision: next.revision,
              attendance: { ...content.attendance },
              followedUp: [...content.followedUp],
            },
          },
          ...outcomeEvents,
        ],
        ...(operationId
          ? {
              operation: {
                id: operationId,
                verb: 'chairs.saveMinutes',
                result: { meetingId: meeting.id, revision: String(next.revision) },
              },
            }
          : {}),
      });
      if (outcome.committed) return { ...(await this.viewOf(forum, meeting)), record: next, over };
      // Another save took this revision first: merge on top of it (or show what changed).
    }
    throw new AppError('conflict', { reason: 'inProgress' });
  }

  /** What the card refers to must exist here: the forum's organisations, its cases, its follow-ups. */
  private check(forum: Forum, view: MinutesView, c: MinutesContent): void {
    const codes = new Set(view.cases.map((x) => x.code));
    for (const org of Object.keys(c.attendance))
      if (!forum.organisations.includes(org))
        throw new AppError('invalidInput', { field: `att.${org}` });
    for (const [code, outcome] of Object.entries(c.outcomes)) {
      if (!codes.has(code)) throw new AppError('conflict', { reason: 'caseNotOnMeeting', code });
      if (!this.deps.outcomes.some((o) => o.code === outcome))
        throw new AppError('conflict', { reason: 'unknownOutcome', code });
    }
    for (const code of Object.keys(c.notes))
      if (!codes.has(code)) throw new AppError('conflict', { reason: 'caseNotOnMeeting', code });
    const refs = new Set(view.followUps.map((f) => f.ref));
    for (const ref of c.followedUp)
      if (!refs.has(ref)) throw new AppError('invalidInput', { field: 'followUp' });
  }

  /**
   * Retention: the notes of minutes (case notes and general notes, in every revision) go N
   * months after the meeting; attendance, outcomes and who saved when stay for the statistics.
   */
  retentionTarget(months: number): RetentionTarget {
    return {
      name: 'minutes.notes',
      months,
      purge: async (cutoff, now) => {
        const purged: string[] = [];
        for (const m of await this.deps.repo.minutesWithTextBefore(cutoff, 1000)) {
          await this.deps.repo.purgeText(m.tenantId, m.meetingId, now);
          purged.push(m.meetingId);
        }
        return { purged };
      },
    };
  }
}
