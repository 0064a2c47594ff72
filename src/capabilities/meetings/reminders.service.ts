import type { Clock } from '../../core/clock';
import type { Logger } from '../../core/logger';
import type { AdaptiveCardJson } from '../../cards/render';
import { translator } from '../../i18n/i18n';
import type { NewMessage, Outbox } from '../../core/outbox';
import type { Forum } from '../forums';
import { deadlineReminderCard, meetingReminderCard } from './meetings.cards';
import type { MeetingForums, MeetingsRepository } from './meetings.ports';
import type { MeetingsService } from './meetings.service';
import type { Meeting } from './meetings.types';

/** Reads meetings whose reminder moments lie in a window (meetings.repository.ts). */
export type DueMeetingsReader = Pick<MeetingsRepository, 'meetingsWithRemindersBetween'>;

export interface ReminderRunStats {
  forums: number;
  materialized: number;
  enqueued: number;
  expired: number;
}

const DAY = 24 * 60 * 60 * 1000;

/**
 * Turns the calendar into messages: keeps every forum's meetings materialized ahead, and when a
 * deadline or meeting reminder falls due, puts it in the outbox under a deterministic id
 * (`reminder.<kind>:<tenant>:<meetingId>`), so any number of instances create it once. A reminder
 * whose moment passed while the bot was down is still queued if still useful (before the
 * deadline / the meeting start); otherwise it is queued already expired, so the outbox records
 * it as skipped instead of sending it.
 */
export class ReminderService {
  /** Per-instance memo: forum → "day:updatedAt" it was last materialized for. */
  private readonly materialized = new Map<string, string>();
  /** Per-instance memo of ids already handed to the outbox (saves an insert attempt per tick). */
  private readonly queued = new Set<string>();

  constructor(
    private readonly deps: {
      forums: MeetingForums;
      materializer: Pick<MeetingsService, 'materialize'>;
      meetings: DueMeetingsReader;
      outbox: Outbox;
      clock: Clock;
      log: Logger;
      /** How far back a missed reminder is still considered (default 7 days). */
      lookbackMs?: number;
      /** Forums re-materialized per run at most (default 50). */
      materializeBatch?: number;
    },
  ) {}

  async run(now: Date = this.deps.clock.now()): Promise<ReminderRunStats> {
    const stats: ReminderRunStats = { forums: 0, materialized: 0, enqueued: 0, expired: 0 };
    const from = new Date(now.getTime() - (this.deps.lookbackMs ?? 7 * DAY));
    // Two independent reads, at once.
    const [forums, dueByKind] = await Promise.all([
      this.deps.forums.allForums(),
      this.deps.meetings.meetingsWithRemindersBetween(from, now),
    ]);
    const byKey = new Map(forums.map((f) => [`${f.tenantId}:${f.id}`, f]));
    stats.forums = forums.length;
    const due: NewMessage[] = [];
    for (const kind of ['deadline', 'meeting'] as const) {
      for (const meeting of dueByKind[kind]) {
        const forum = byKey.get(`${meeting.tenantId}:${meeting.forumId}`);
        if (!forum?.binding || forum.binding.status !== 'active') continue;
        if (meeting.status !== 'scheduled' && meeting.status !== 'moved') continue;
        const id = `reminder.${kind}:${meeting.tenantId}:${meeting.id}`;
        if (this.queued.has(id)) continue;
        due.push({
          id,
          tenantId: meeting.tenantId,
          conversationId: forum.binding.conversationId,
          kind: `reminder.${kind}`,
          payload: { card: this.card(kind, forum, meeting) },
          notBefore: kind === 'deadline' ? meeting.deadlineReminderAt : meeting.meetingReminderAt,
          expiresAt: kind === 'deadline' ? meeting.deadlineAt : meeting.start,
          refs: { forumId: forum.id, meetingId: meeting.id },
        });
      }
    }
    // In bulk: a Monday morning's reminders are one insert per few hundred, not one each.
    const outcomes = due.length > 0 ? await this.deps.outbox.enqueueMany(due) : [];
    if (this.queued.size + due.length > 100_000) this.queued.clear();
    for (const [i, msg] of due.entries()) {
      this.queued.add(msg.id);
      if (outcomes[i] === 'created') {
        stats.enqueued++;
        if (msg.expiresAt && msg.expiresAt <= now) stats.expired++;
      }
    }
    // Then keep meetings materialized ahead, a bounded number of forums per run, so due
    // reminders never wait behind a full recomputation (after a restart or at midnight).
    const day = now.toISOString().slice(0, 10);
    for (const forum of forums) {
      if (stats.materialized >= (this.deps.materializeBatch ?? 50)) break;
      const memo = `${day}:${forum.updatedAt.toISOString()}`;
      if (this.materialized.get(`${forum.tenantId}:${forum.id}`) === memo) continue;
      await this.deps.materializer.materialize(forum, now);
      this.materialized.set(`${forum.tenantId}:${forum.id}`, memo);
      stats.materialized++;
    }

    if (stats.enqueued > 0 || stats.materialized > 0) this.deps.log.info({ ...stats }, 'reminders');
    return stats;
  }

  private card(kind: 'deadline' | 'meeting', forum: Forum, meeting: Meeting): AdaptiveCardJson {
    const t = translator(forum.locale);
    return kind === 'deadline'
      ? deadlineReminderCard(t, forum.locale, forum, meeting)
      : meetingReminderCard(t, forum.locale, forum, meeting);
  }
}
