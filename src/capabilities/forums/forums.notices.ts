import type { Kernel } from '../../kernel/kernel';
import type { ConversationsService } from '../conversations';
import type { PeopleService } from '../people';
import type { ForumsService } from './forums.service';

export interface NoticeDeps {
  forums: ForumsService;
  people: PeopleService;
  conversations: ConversationsService;
  kernel: Pick<Kernel, 'outbox' | 't' | 'clock'>;
}

/**
 * A forum's binding broke: each admin of the tenant is told once (deterministic outbox ids), in
 * their personal chat and in the language their client last reported.
 */
export async function tellAdminsBindingBroken(
  { forums, people, conversations, kernel }: NoticeDeps,
  tenantId: string,
  forumId: string,
  brokenAt: string,
): Promise<void> {
  const forum = await forums.getForum(tenantId, forumId);
  if (!forum) return;
  for (const admin of await people.adminRecipients(tenantId)) {
    const chat = await conversations.personalConversationOf(tenantId, admin.aadObjectId);
    if (!chat) continue;
    await kernel.outbox.enqueue({
      id: `admin.notice.bindingBroken:${tenantId}:${forumId}:${brokenAt}:${admin.aadObjectId}`,
      tenantId,
      conversationId: chat.id,
      kind: 'admin.notice',
      payload: {
        text: kernel.t(admin.locale)('forums.notice.bindingBroken', { forum: forum.name }),
      },
      notBefore: kernel.clock.now(),
      refs: { forumId },
    });
  }
}
