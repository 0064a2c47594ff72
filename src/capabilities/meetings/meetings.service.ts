import type { Actor } from '../../core/actor';
import { auditEntry } from '../../core/audit';
import type { Clock } from '../../core/clock';
import { AppError } from '../../core/errors';
import { isAllowed } from '../../core/permissions';
import { newUnitId, type UnitOfWork } from '../../core/unit-of-work';
import { createGate, requireAnonymous, type AnonymityGate } from '../anonymity';
import type { MunicipalityCalendarConfig, OccurrenceOverride } from '../calendar';
import { applyOverrides, computeReminderMoments, materializeOccurrences } from '../calendar';
import { canChangeMeetingsOf, type Forum } from '../forums';
import type { MeetingForums, MeetingsRepository } from './meetings.ports';
import type { Meeting } from './meetings.types';

export interface MeetingsServiceDeps {
  repo: MeetingsRepository;
  forums: MeetingForums;
  units: UnitOfWork;
  clock: Clock;
  calendar: MunicipalityCalendarConfig;
  /** How far ahead meetings are materialized. */
  horizonDays?: number;
  /** The anonymity gate with the municipality's units (default: one without configured units). */
  gate?: AnonymityGate;
}

const DAY = 24 * 60 * 60 * 1000;

/** Who changes meetings the scheduler retires when no admin's id is known. */
const SYSTEM_ACTOR = 'samverkan';

/** A meeting that will take place (scheduled, or moved to another date or time). */
export const takesPlace = (m: Meeting): boolean => m.status === 'scheduled' || m.status === 'moved';

/** The one rule for "a case can still be raised for this meeting": it takes place, deadline ahead. */
export const openForCases = (m: Meeting, now: Date): boolean =>
  takesPlace(m) && m.deadlineAt > now && m.start > now;

/**
 * From meetings sorted by start: everything up to and including the `held`-th meeting that takes
 * place, so the skipped and cancelled dates before it come along. With fewer meetings that take
 * place, all of them.
 */
export function throughHeld(sorted: readonly Meeting[], held: number): Meeting[] {
  let count = 0;
  for (const [i, m] of sorted.entries()) {
    if (takesPlace(m) && ++count === held) return sorted.slice(0, i + 1);
  }
  return held > 0 ? [...sorted] : [];
}

/**
 * The meetings of the forums: materialized from each forum's schedule and the municipality's
 * calendar, the chairs' cancellations and moves, and the queries other capabilities ask.
 */
export class MeetingsService {
  readonly horizonDays: number;
  private readonly gate: AnonymityGate;

  constructor(private readonly deps: MeetingsServiceDeps) {
    this.horizonDays = deps.horizonDays ?? 120;
    this.gate = deps.gate ?? createGate();
  }

  /**
   * Materializes the forum's meetings from yesterday to the horizon, with chairs' overrides
   * applied, and stores them. Idempotent: ids are stable (`<forumId>:<originalDate>`).
   */
  async materialize(
    forum: Forum,
    now: Date = this.deps.clock.now(),
    by: string = SYSTEM_ACTOR,
  ): Promise<Meeting[]> {
    const meetings = await this.compute(forum, now);
    const { others } = await this.deps.repo.saveMeetings(meetings);
    await this.retireOrphans(forum, others, now, by);
    return meetings;
  }

  /**
   * Meetings stored from an earlier schedule that the forum's schedule no longer produces (the
   * admin moved it to another weekday, say) are cancelled with the reason "schedule changed",
   * each with a `meeting.cancelled` event, so no reminder goes out for them and the cases
   * waiting for them move to the forum's next meeting. Meetings a chair moved stay as they are,
   * and nothing before `now` changes.
   */
  private async retireOrphans(
    forum: Forum,
    others: readonly { id: string; start: Date }[],
    now: Date,
    by: string,
  ): Promise<void> {
    const horizon = new Date(now.getTime() + (this.horizonDays + 1) * DAY);
    // The forum's stored meetings this schedule no longer produces, from about now on (a
    // month's margin: a moved meeting's start in the index may lag after a crash).
    const candidates = others.filter((o) => o.start.getTime() >= now.getTime() - 31 * DAY);
    const stored = await Promise.all(
      candidates.map((o) => this.deps.repo.getMeeting(forum.tenantId, o.id)),
    );
    const orphans = stored.filter(
      (m): m is Meeting =>
        m !== null && m.status === 'scheduled' && m.start >= now && m.start <= horizon,
    );
    if (orphans.length === 0) return;
    const retired: Meeting[] = orphans.map((m) => ({
      ...m,
      status: 'cancelled',
      reason: { kind: 'scheduleChanged' },
    }));
    await this.deps.units.commit({
      id: newUnitId('meeting.retire'),
      writes: retired.map((m) => this.deps.repo.meetingWrite(m)),
      audit: [],
      events: retired.map((m) => ({
        type: 'meeting.cancelled' as const,
        tenantId: forum.tenantId,
        data: { forumId: forum.id, meetingId: m.id, by },
      })),
    });
  }

  /** The forum's meetings as they are with its overrides (and `extra`, not yet stored). */
  private async compute(
    forum: Forum,
    now: Date,
    extra?: { meetingId: string; override: OccurrenceOverride },
  ): Promise<Meeting[]> {
    const schedule = { ...forum.schedule, forumId: forum.id };
    const from = new Date(now.getTime() - DAY);
    const occurrences = materializeOccurrences(
      schedule,
      this.deps.calendar,
      from,
      this.horizonDays + 1,
    );
    const overrides = new Map(
      (await this.deps.repo.overridesFor(forum.tenantId, forum.id)).map((o) => [
        o.meetingId,
        o.override,
      ]),
    );
    if (extra) overrides.set(extra.meetingId, extra.override);
    return applyOverrides(occurrences, overrides).map((o) => ({
      ...o,
      tenantId: forum.tenantId,
      ...computeReminderMoments(o, schedule, this.deps.calendar),
    }));
  }

  /** The next meetings (scheduled or moved) starting after `now`. */
  async upcomingMeetings(tenantId: string, forumId: string, limit = 3): Promise<Meeting[]> {
    const now = this.deps.clock.now();
    const meetings = await this.deps.repo.meetingsFrom(tenantId, forumId, now, limit * 4 + 8);
    return meetings.filter(takesPlace).slice(0, limit);
  }

  /**
   * The meetings card's list: the next `held` meetings that take place, and the skipped and
   * cancelled dates among them (each with the reason stored when it was materialized).
   */
  async meetingsAhead(tenantId: string, forumId: string, held = 4): Promise<Meeting[]> {
    const now = this.deps.clock.now();
    const meetings = await this.deps.repo.meetingsFrom(tenantId, forumId, now, held * 4 + 8);
    return throughHeld(meetings, held);
  }

  /** Meetings a case can still be raised for: upcoming, deadline not passed. */
  async openMeetings(tenantId: string, forumId: string, limit = 6): Promise<Meeting[]> {
    const now = this.deps.clock.now();
    return (await this.upcomingMeetings(tenantId, forumId, limit + 4))
      .filter((m) => openForCases(m, now))
      .slice(0, limit);
  }

  /** Meetings that have started (and took place), latest first, within `days` back. */
  async startedMeetings(tenantId: string, forumId: string, days = 60): Promise<Meeting[]> {
    const now = this.deps.clock.now();
    const meetings = await this.deps.repo.meetingsFrom(
      tenantId,
      forumId,
      new Date(now.getTime() - days * DAY),
      days + 20,
    );
    return meetings.filter((m) => takesPlace(m) && m.start <= now).reverse();
  }

  /** Meetings of every forum whose case deadline lies in [from, to] (the agenda digests). */
  meetingsWithDeadlineBetween(from: Date, to: Date): Promise<Meeting[]> {
    return this.deps.repo.meetingsWithDeadlineBetween(from, to);
  }

  /** Every materialized meeting of a forum (any status) starting in [from, to], by start. */
  async meetingsBetween(
    tenantId: string,
    forumId: string,
    from: Date,
    to: Date,
  ): Promise<Meeting[]> {
    const meetings = await this.deps.repo.meetingsFrom(tenantId, forumId, from, 2000);
    return meetings.filter((m) => m.start <= to);
  }

  getMeeting(tenantId: string, meetingId: string): Promise<Meeting | null> {
    return this.deps.repo.getMeeting(tenantId, meetingId);
  }

  /** A meeting a chair of its forum (or an admin) may cancel or move. */
  async meetingForChange(
    actor: Actor,
    meetingId: string,
  ): Promise<{ forum: Forum; meeting: Meeting }> {
    // The role first: who may change no meeting at all learns nothing of which meetings exist.
    if (!isAllowed(actor, 'meetings.change')) throw new AppError('forbidden', { needs: 'chair' });
    const meeting = await this.deps.repo.getMeeting(actor.tenantId, meetingId);
    if (!meeting) throw new AppError('notFound');
    const forum = await this.deps.forums.getForum(actor.tenantId, meeting.forumId);
    if (!forum) throw new AppError('notFound');
    if (!canChangeMeetingsOf(actor, forum)) throw new AppError('forbidden', { needs: 'chair' });
    return { forum, meeting };
  }

  /** A chair (of that forum) or an admin cancels one meeting, with a reason (kept for summaries). */
  async cancelMeeting(actor: Actor, meetingId: string, reason: string): Promise<Meeting> {
    return this.override(actor, meetingId, { action: 'cancel', reason });
  }

  async moveMeeting(
    actor: Actor,
    meetingId: string,
    date: string,
    reason: string,
    startTime?: string,
  ): Promise<Meeting> {
    return this.override(actor, meetingId, { action: 'move', reason, date, startTime });
  }

  private async override(
    actor: Actor,
    meetingId: string,
    override: OccurrenceOverride,
  ): Promise<Meeting> {
    const { forum, meeting } = await this.meetingForChange(actor, meetingId);
    requireAnonymous(this.gate, { reason: override.reason });
    const now = this.deps.clock.now();
    if (meeting.start <= now) throw new AppError('conflict', { reason: 'meetingPassed' });
    const by = actor.aadObjectId ?? '';
    const meetings = await this.compute(forum, now, { meetingId, override });
    const updated = meetings.find((m) => m.id === meetingId);
    if (!updated) throw new AppError('conflict', { reason: 'outsideHorizon' });
    // The override, the meeting as it now is, the audit entry and the event in one unit: a crash
    // right after it leaves the reactions (the waiting cases move on) to the event's delivery.
    await this.deps.units.commit({
      id: newUnitId(`meeting.${override.action}`),
      writes: [
        this.deps.repo.overrideWrite({
          meetingId,
          tenantId: actor.tenantId,
          forumId: forum.id,
          override,
          by,
          at: now,
        }),
        this.deps.repo.meetingWrite(updated),
      ],
      audit: [auditEntry(actor, now, `meeting.${override.action}`, meetingId)],
      events: [
        override.action === 'cancel'
          ? {
              type: 'meeting.cancelled',
              tenantId: actor.tenantId,
              data: { forumId: forum.id, meetingId, by },
            }
          : {
              type: 'meeting.moved',
              tenantId: actor.tenantId,
              data: { forumId: forum.id, meetingId, by, date: override.date },
            },
      ],
    });
    await this.deps.repo.saveMeetings(meetings);
    return updated;
  }
}
