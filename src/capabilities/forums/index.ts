import type { Kernel, Module } from '../../kernel/kernel';
import { subscribe } from '../../core/events';
import type { ConversationsService } from '../conversations';
import type { PeopleService } from '../people';
import type { AnonymityGate } from '../anonymity';
import { forumsCapability } from './forums.handlers';
import { MongoForumsRepository } from './forums.repository';
import { tellAdminsBindingBroken } from './forums.notices';
import { ForumsService } from './forums.service';

export type { Forum, ForumKind } from './forums.types';
export { FORUM_KINDS } from './forums.types';
export { ForumsService, ForumImportError } from './forums.service';
export { canChangeMeetingsOf, isChairOf, takesPartIn } from './forums.rules';
export { whichForum } from './forums.suggest';
export { forumImportFileSchema, forumInputSchema } from './forums.schemas';
import type { ForumMeetingsView } from './forums.handlers';

export interface ForumsModuleDeps {
  people: PeopleService;
  conversations: ConversationsService;
  /** The meetings module's view (registered after forums: meetings build on forums). */
  meetings: () => ForumMeetingsView;
  gate: AnonymityGate;
}

/** Forums: editing, import, and binding to the channel or group chat where each lives. */
export function registerForums(kernel: Kernel, deps: ForumsModuleDeps): Module<ForumsService> {
  const repo = new MongoForumsRepository(kernel.db);
  const forums = new ForumsService({
    repo,
    units: kernel.units,
    clock: kernel.clock,
    organisationCodes: kernel.orgs.codes(),
    gate: deps.gate,
  });

  const notices = { forums, people: deps.people, conversations: deps.conversations, kernel };

  return {
    name: 'forums',
    personalData: [
      {
        name: 'forums',
        label: { sv: 'Forum (ordförande, skapat, kopplat)', en: 'Forums (chair, created, linked)' },
        collect: async (tenantId, userId) =>
          (await repo.forumsNaming(tenantId, userId)).map((f) => ({
            forumId: f.id,
            chair: f.chairs.includes(userId),
            createdBy: f.createdBy === userId,
            boundBy: f.binding?.boundBy === userId,
          })),
        pseudonymize: (tenantId, userId, pseudonym) =>
          repo.pseudonymize(tenantId, userId, pseudonym),
      },
    ],
    services: forums,
    init: () => repo.init(),
    capability: forumsCapability(forums, deps.people, kernel.orgs, deps.meetings),
    subscriptions: [
      subscribe({
        name: 'forums.breakBindingsOnConversationGone',
        type: 'conversation.gone',
        handle: async (e) => {
          await forums.markBindingsBroken(e.data.conversationId);
        },
      }),
      subscribe({
        name: 'forums.tellAdminsOnBindingBroken',
        type: 'forum.bindingBroken',
        handle: (e) =>
          tellAdminsBindingBroken(notices, e.tenantId, e.data.forumId, e.data.brokenAt),
      }),
    ],
  };
}
