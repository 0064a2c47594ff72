/**
 * The port every capability sends proactive messages through (the delivery module implements
 * it). Messages have deterministic ids: enqueueing one twice makes one message.
 */
import type { AdaptiveCardJson } from '../cards/render';

export interface OutboxPayload {
  text?: string;
  card?: AdaptiveCardJson;
}

export interface NewMessage {
  /** Deterministic, e.g. `reminder.deadline:<occurrenceId>`: enqueueing it twice makes one message. */
  id: string;
  tenantId: string;
  /** A conversation the bot has stored (its reference comes from the conversations capability). */
  conversationId: string;
  /** e.g. 'reminder.deadline', 'reminder.meeting', 'admin.notice'. */
  kind: string;
  payload: OutboxPayload;
  /** Not sent before this moment. */
  notBefore: Date;
  /** Not sent by then → status 'expired' (recorded, never sent). */
  expiresAt?: Date;
  /** Ids for lookups and summaries, e.g. { forumId, occurrenceId }. */
  refs?: Record<string, string>;
}

export type EnqueueOutcome = 'created' | 'exists';

export interface Outbox {
  enqueue(msg: NewMessage): Promise<EnqueueOutcome>;
  /**
   * Many at once (a burst of reminders): one round trip per few hundred messages on a database
   * that has bulk inserts. The outcome of each, in order.
   */
  enqueueMany(msgs: readonly NewMessage[]): Promise<EnqueueOutcome[]>;
}
