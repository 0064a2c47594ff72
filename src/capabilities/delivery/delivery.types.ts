import type { DeadLetterReason } from './delivery.policy';
import type { SlotStore } from './delivery.rate-limit';
import type { Claim, ClaimStore } from '../../core/claims';
import type { Write } from '../../core/unit-of-work';

import type { EnqueueOutcome, NewMessage, OutboxPayload } from '../../core/outbox';
export type { EnqueueOutcome, NewMessage, OutboxPayload };

export interface DeliveryRunStats {
  claimed: number;
  sent: number;
  retried: number;
  deadLettered: number;
  expired: number;
  throttled: number;
}

export type SendResult =
  | { ok: true; activityId?: string }
  | { ok: false; status: number; retryAfterMs?: number; code?: string };

/** Posts into a stored conversation; src/bot/proactive-sender.ts implements it with the SDK. */
export interface ProactiveSender {
  send(reference: Readonly<Record<string, unknown>>, payload: OutboxPayload): Promise<SendResult>;
}

export const OUTBOX_STATUSES = ['pending', 'sent', 'deadLettered', 'expired'] as const;
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number];

export interface LastError {
  status: number;
  code?: string;
}

/** A message as stored. Only the holder of its current claim changes it (see the service). */
export interface OutboxMessage extends NewMessage {
  status: OutboxStatus;
  /** Sends tried so far (reset to 0 when an admin retries a dead letter). */
  attempts: number;
  /** The number of the next claim (`<id>#<claimSeq>`); only ever grows. */
  claimSeq: number;
  nextAttemptAt: Date;
  lastError?: LastError;
  reason?: DeadLetterReason;
  createdAt: Date;
  updatedAt: Date;
  sentAt?: Date;
  activityId?: string;
}

export type OutboxChange = Partial<
  Pick<
    OutboxMessage,
    | 'status'
    | 'attempts'
    | 'claimSeq'
    | 'nextAttemptAt'
    | 'lastError'
    | 'reason'
    | 'updatedAt'
    | 'sentAt'
    | 'activityId'
  >
>;

/** What a pass checks after claiming: is the message still pending, due and at this claim? */
export interface OutboxState {
  id: string;
  status: OutboxStatus;
  claimSeq: number;
  nextAttemptAt: Date;
}

/** A send to record: the message, the claim it was made under, its attempts so far. */
export interface SentRecord {
  id: string;
  tenantId: string;
  seq: number;
  attempts: number;
  activityId?: string;
}

/**
 * Bulk operations (one round trip for many messages). Optional: a store without them is
 * driven one document at a time through the methods below (see `delivery.bulk.ts`).
 */
export interface DeliveryBulkOps {
  /** Unordered insertMany of claims; the ids inserted (the others exist already). */
  insertClaims(claims: readonly Claim[]): Promise<Set<string>>;
  getClaims(ids: readonly string[]): Promise<Claim[]>;
  deleteClaimIds(ids: readonly string[]): Promise<void>;
  /** Removes every claim of these messages (their attempts are over). */
  deleteClaimsOf(messageIds: readonly string[]): Promise<void>;
  states(ids: readonly string[]): Promise<OutboxState[]>;
  /**
   * Records sends (each made under its claim `seq`): the message counts as sent from then on
   * (status sent, attempts, claimSeq seq + 1), whether written into it at once or recorded
   * beside it and folded in later (`foldSent`).
   */
  markSent(sent: readonly SentRecord[], at: Date): Promise<void>;
}

/** The storage port; delivery.repository.ts implements it on MongoDB / FerretDB v1. */
export interface DeliveryRepository extends SlotStore, ClaimStore, Partial<DeliveryBulkOps> {
  /** Unique insert; false when a message with this id exists. */
  insert(msg: OutboxMessage): Promise<boolean>;
  /**
   * Writes sends recorded beside the messages (see markSent) into the messages themselves, at
   * most `max` of them; how many. Optional: a store that writes them at once has none.
   */
  foldSent?(max: number): Promise<number>;
  /** Unique inserts in bulk (unordered); the ids inserted (the others existed). Optional. */
  insertMany?(msgs: readonly OutboxMessage[]): Promise<Set<string>>;
  get(id: string): Promise<OutboxMessage | null>;
  /** Pending messages with nextAttemptAt ≤ now, the earliest first, other than `exclude`. */
  findDue(now: Date, limit: number, exclude?: ReadonlySet<string>): Promise<OutboxMessage[]>;
  /**
   * Plain update by the holder of claim `seq`; skipped (false) when a later claim has already
   * been recorded. `unset` removes fields.
   */
  update(
    id: string,
    seq: number,
    set: OutboxChange,
    unset?: readonly ('reason' | 'lastError')[],
  ): Promise<boolean>;
  deleteClaims(messageId: string): Promise<void>;
  /** The "bot cannot post here" marker, as a claim write for the unit that records it with its event. */
  goneWrite(conversationId: string, tenantId: string, at: Date): Write;
  goneAmong(conversationIds: readonly string[]): Promise<Set<string>>;
  clearGone(conversationId: string): Promise<void>;
  countByStatus(tenantId: string): Promise<Record<OutboxStatus, number>>;
  listDeadLetters(tenantId: string, limit: number): Promise<OutboxMessage[]>;
  /** Removes rate-limit slots whose windows are over. */
  sweepSlots(now: Date): Promise<void>;
}

/** Where references come from: ConversationsService satisfies this. */
export interface ConversationDirectory {
  find(conversationId: string): Promise<{ reference: Readonly<Record<string, unknown>> } | null>;
  /** Many at once (one query); those not found are absent. Optional: else `find` each. */
  findMany?(
    conversationIds: readonly string[],
  ): Promise<Map<string, { reference: Readonly<Record<string, unknown>> }>>;
}

/** What admins see of a dead letter: ids and codes, never the payload. */
export interface DeadLetterSummary {
  id: string;
  kind: string;
  conversationId: string;
  attempts: number;
  reason: DeadLetterReason | undefined;
  lastStatus: number | undefined;
  lastCode: string | undefined;
  updatedAt: Date;
  refs: Readonly<Record<string, string>>;
}

export type RetryOutcome = 'retried' | 'notDeadLettered' | 'tooLate';

export interface RetryResult {
  outcome: RetryOutcome;
  kind: string;
}
