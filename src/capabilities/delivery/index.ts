import { isoDate } from '../../core/personal-data';
import type { Kernel, Module } from '../../kernel/kernel';
import { subscribe } from '../../core/events';
import { personAddress } from '../../core/roster';
import type { UnitOfWork } from '../../core/unit-of-work';
import { deliveryCapability } from './delivery.handlers';
import { MongoDeliveryRepository } from './delivery.repository';
import { DeliveryService, type DeliveryOptions } from './delivery.service';
import type { ConversationDirectory, DeliveryRepository, ProactiveSender } from './delivery.types';

export type {
  ConversationDirectory,
  OutboxPayload,
  DeliveryOptions,
  DeliveryRunStats,
  OutboxMessage,
  ProactiveSender,
  SendResult,
} from './delivery.service';
export { DeliveryService, emptyDeliveryStats } from './delivery.service';
export { MongoDeliveryRepository } from './delivery.repository';
export { backoffMs } from './delivery.policy';

/** Marks a conversation gone and records `conversation.gone` in one unit (once, across instances). */
export const goneRecorder =
  (repo: DeliveryRepository, units: UnitOfWork) =>
  async (conversationId: string, tenantId: string, at: Date): Promise<boolean> => {
    const outcome = await units.commit({
      id: `conversation.gone:${conversationId}:${at.toISOString()}`,
      writes: [repo.goneWrite(conversationId, tenantId, at)],
      events: [{ type: 'conversation.gone', tenantId, data: { conversationId } }],
    });
    return outcome.committed;
  };

export interface DeliveryModuleDeps {
  /** Where references come from (the roster capability's directory also resolves `person:` addresses). */
  conversations: ConversationDirectory;
  sender: ProactiveSender;
  options?: Partial<DeliveryOptions>;
}

/** The durable outbox every proactive message goes through (the kernel's `outbox`). */
export function registerDelivery(
  kernel: Omit<Kernel, 'outbox'>,
  deps: DeliveryModuleDeps,
): Module<DeliveryService> {
  const repo = new MongoDeliveryRepository(kernel.db);
  const delivery = new DeliveryService({
    repo,
    sender: deps.sender,
    conversations: deps.conversations,
    audit: kernel.audit,
    clock: kernel.clock,
    log: kernel.log,
    recordGone: goneRecorder(repo, kernel.units),
    ...(deps.options ? { options: deps.options } : {}),
  });
  return {
    name: 'delivery',
    services: delivery,
    init: () => repo.init(),
    retention: [
      {
        name: 'outbox.finished',
        months: kernel.config.retention.outboxMonths,
        purge: async (cutoff) => ({ purged: await repo.purgeFinishedBefore(cutoff) }),
      },
    ],
    capability: deliveryCapability(delivery),
    jobs: [
      {
        name: 'delivery',
        run: () => delivery.drainDue(),
        again: () => delivery.hasMore(),
        settle: () => delivery.settle(),
      },
    ],
    personalData: [
      {
        name: 'outbox',
        label: {
          sv: 'Utkorgen (meddelanden till personen)',
          en: 'Outbox (messages to the person)',
        },
        collect: async (tenantId, userId) =>
          (await repo.messagesNaming(tenantId, userId)).map((m) => ({
            messageId: m.id,
            kind: m.kind,
            status: m.status,
            createdAt: isoDate(m.createdAt),
          })),
        // Messages to the person only (their personal chat is forgotten too): deleted.
        pseudonymize: async (tenantId, userId) =>
          (await repo.forgetMessages(
            (await repo.messagesNaming(tenantId, userId)).map((m) => m.id),
          )) + (await repo.forgetSlotsOf(personAddress(tenantId, userId))),
      },
    ],
    subscriptions: [
      // A (re)linked forum's conversation is reachable again: stop skipping it.
      subscribe({
        name: 'delivery.reachableOnBound',
        type: 'forum.bound',
        handle: (e) => delivery.conversationReachable(e.data.conversationId),
      }),
    ],
  };
}
