import type { Kernel, Module } from '../../kernel/kernel';
import { subscribe } from '../../core/events';
import type { Roster } from '../../core/roster';
import type { ConversationsService } from '../conversations';
import type { PeopleService } from '../people';
import { MongoRosterRepository } from './roster.repository';
import { rosterPersonalData } from './roster.privacy.repository';
import { RosterService } from './roster.service';

export type { KnownMember, Reach } from './roster.service';
export { RosterService } from './roster.service';

export interface RosterModuleDeps {
  roster: Roster;
  people: PeopleService;
  conversations: ConversationsService;
}

/**
 * Reaching people: the rosters of the teams and group chats where forums are bound (read when a
 * forum is bound there, then daily), and personal chats opened through the connector.
 */
export function registerRoster(
  kernel: Pick<Kernel, 'db' | 'clock' | 'log'>,
  deps: RosterModuleDeps,
): Module<RosterService> {
  const repo = new MongoRosterRepository(kernel.db);
  const roster = new RosterService({
    repo,
    roster: deps.roster,
    conversations: deps.conversations,
    people: deps.people,
    clock: kernel.clock,
    log: kernel.log,
  });
  return {
    name: 'roster',
    services: roster,
    init: () => repo.init(),
    personalData: rosterPersonalData(kernel.db),
    jobs: [{ name: 'roster', run: (now) => roster.refresh(now) }],
    subscriptions: [
      // A forum was bound here: its members are known at once (and the roster read daily).
      subscribe({
        name: 'roster.readOnForumBound',
        type: 'forum.bound',
        handle: async (e) => {
          await roster.track(e.tenantId, e.data.conversationId);
        },
      }),
      subscribe({
        name: 'roster.forgetOnConversationGone',
        type: 'conversation.gone',
        handle: (e) => roster.forget(e.data.conversationId),
      }),
    ],
  };
}
