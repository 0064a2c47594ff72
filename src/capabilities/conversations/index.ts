import type { Kernel, Module } from '../../kernel/kernel';
import { acceptableServiceUrl } from '../../core/service-url';
import { MongoConversationsRepository } from './conversations.repository';
import { ConversationsService } from './conversations.service';

export type { ConversationRecord } from './conversations.service';
export { ConversationsService } from './conversations.service';

/** Where the bot lives: conversation references for proactive posts, the once-only welcome. */
export function registerConversations(
  kernel: Pick<Kernel, 'db' | 'clock' | 'config'>,
): Module<ConversationsService> {
  const repo = new MongoConversationsRepository(kernel.db);
  const localMode = kernel.config.localMode;
  const service = new ConversationsService(repo, kernel.clock, (url) =>
    acceptableServiceUrl(url, localMode),
  );
  return {
    name: 'conversations',
    services: service,
    personalData: [
      {
        name: 'conversations',
        label: { sv: 'Personliga chattar med boten', en: 'Personal chats with the bot' },
        collect: (tenantId, userId) => service.personalData(tenantId, userId),
        pseudonymize: (tenantId, userId) => service.forgetPersonal(tenantId, userId),
      },
    ],
    init: () => repo.init(),
  };
}
