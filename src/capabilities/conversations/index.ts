import type { Kernel, Module } from '../../kernel/kernel';
import { MongoConversationsRepository } from './conversations.repository';
import { ConversationsService } from './conversations.service';

export type { ConversationRecord } from './conversations.service';
export { ConversationsService } from './conversations.service';

/** Where the bot lives: conversation references for proactive posts, the once-only welcome. */
export function registerConversations(
  kernel: Pick<Kernel, 'db' | 'clock'>,
): Module<ConversationsService> {
  const repo = new MongoConversationsRepository(kernel.db);
  return {
    name: 'conversations',
    services: new ConversationsService(repo, kernel.clock),
    init: () => repo.init(),
  };
}
