import type { Kernel, Module } from '../../kernel/kernel';
import { subscribe } from '../../core/events';
import type { ForumsService } from '../forums';
import type { AnonymityGate } from '../anonymity';
import { meetingsCapability, meetingsView } from './meetings.handlers';
import { MongoMeetingsRepository } from './meetings.repository';
import { MeetingsService } from './meetings.service';
import { ReminderService } from './reminders.service';

export type { Meeting, MeetingOverrideRecord } from './meetings.types';
export { MeetingsService, openForCases, takesPlace, throughHeld } from './meetings.service';
export { meetingWhen } from './meetings.cards';
export type { ReminderRunStats } from './reminders.service';

export interface MeetingsFace {
  meetings: MeetingsService;
  /** The meetings card of a forum, and its next meeting (the forum cards show them). */
  view: ReturnType<typeof meetingsView>;
}

/**
 * Meetings: materialized from each forum's schedule and the municipality's calendar, the chairs'
 * cancellations and moves, `nästa möte`, and the reminders posted before deadlines and meetings.
 */
export function registerMeetings(
  kernel: Kernel,
  deps: { forums: ForumsService; gate: AnonymityGate },
): Module<MeetingsFace> {
  const repo = new MongoMeetingsRepository(kernel.db);
  const meetings = new MeetingsService({
    repo,
    forums: deps.forums,
    units: kernel.units,
    clock: kernel.clock,
    calendar: kernel.config.calendar,
    horizonDays: kernel.config.meetingsHorizonDays,
    gate: deps.gate,
  });
  const reminders = new ReminderService({
    forums: deps.forums,
    materializer: meetings,
    meetings: repo,
    outbox: kernel.outbox,
    clock: kernel.clock,
    log: kernel.log,
  });
  return {
    name: 'meetings',
    services: { meetings, view: meetingsView(meetings) },
    init: () => repo.init(),
    capability: meetingsCapability(meetings, deps.forums),
    jobs: [{ name: 'reminders', run: (now) => reminders.run(now) }],
    subscriptions: [
      // A forum created, edited or imported: its meetings ahead, at once.
      subscribe({
        name: 'meetings.materializeOnForumSaved',
        type: 'forum.saved',
        handle: async (e) => {
          const forum = await deps.forums.getForum(e.tenantId, e.data.forumId);
          if (forum) await meetings.materialize(forum, undefined, e.data.by);
        },
      }),
    ],
  };
}
