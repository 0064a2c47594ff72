import type { ConversationInfo } from '../../core/capability';
import type { Clock } from '../../core/clock';
import { isoDate, type PersonalDataItem } from '../../core/personal-data';

/**
 * Where the bot lives: every conversation it has seen, with the (opaque) conversation reference
 * that later proactive posts need, and the once-only introduction marker.
 */
export interface ConversationRecord extends ConversationInfo {
  /** The Bot Framework conversation reference, stored as-is; only the bot layer reads it. */
  reference: Readonly<Record<string, unknown>>;
  serviceUrl: string;
  firstSeenAt: Date;
  lastSeenAt: Date;
}

export interface ConversationsRepository {
  find(id: string): Promise<ConversationRecord | null>;
  /** Many by id in one query (the outbox reads a batch's references at once). */
  findMany?(ids: readonly string[]): Promise<ConversationRecord[]>;
  /** Inserts or replaces the reference; keeps firstSeenAt. */
  /** `isNew`: none was found just before (it is inserted; one that appeared meanwhile is replaced). */
  save(record: ConversationRecord, isNew?: boolean): Promise<void>;
  /** The personal chat between the bot and a user, if the user has one with the bot. */
  personalConversationOf(tenantId: string, aadObjectId: string): Promise<ConversationRecord | null>;
  personalConversationsOf(tenantId: string, aadObjectId: string): Promise<ConversationRecord[]>;
  /** Deletes the conversation's reference and its introduction markers. */
  forget(conversationId: string): Promise<void>;
  /** Unique insert of the introduction marker: true only for the first caller, ever. */
  markIntroduced(conversationId: string, at: Date): Promise<boolean>;
  /** Notes (idempotently) that the introduction waits for the conversation's first message. */
  markIntroductionDeferred(conversationId: string, at: Date): Promise<void>;
  /** True when the introduction was deferred and has not been made yet. */
  isIntroductionPending(conversationId: string): Promise<boolean>;
}

export class ConversationsService {
  /** Conversations whose stored serviceUrl is known to be current (saves a read per turn). */
  private readonly known = new Map<string, string>();

  constructor(
    private readonly repo: ConversationsRepository,
    private readonly clock: Clock,
    /** The reply addresses that may be stored (core/service-url.ts: loopback only in local mode). */
    private readonly accepts: (serviceUrl: string) => boolean,
    private readonly cacheSize = 10_000,
  ) {}

  /**
   * Stores the reference the first time, and again when Teams changes the serviceUrl; never one
   * whose serviceUrl fails the check (the stored one, if any, stays). Returns whether the
   * reference as given is (now) the stored one.
   */
  async remember(
    info: ConversationInfo,
    reference: Readonly<Record<string, unknown>>,
    serviceUrl: string,
  ): Promise<boolean> {
    if (!this.accepts(serviceUrl)) return false;
    if (this.known.get(info.id) === serviceUrl) return true;
    const now = this.clock.now();
    const existing = await this.repo.find(info.id);
    if (!existing || existing.serviceUrl !== serviceUrl) {
      await this.repo.save(
        {
          ...info,
          reference,
          serviceUrl,
          firstSeenAt: existing?.firstSeenAt ?? now,
          lastSeenAt: now,
        },
        !existing,
      );
    }
    if (this.known.size >= this.cacheSize) this.known.clear();
    this.known.set(info.id, serviceUrl);
    return true;
  }

  /** The user's personal chats with the bot: ids and dates (requests about a person). */
  async personalData(tenantId: string, aadObjectId: string): Promise<PersonalDataItem[]> {
    return (await this.repo.personalConversationsOf(tenantId, aadObjectId)).map((c) => ({
      conversationId: c.id,
      type: c.type,
      firstSeenAt: isoDate(c.firstSeenAt),
      lastSeenAt: isoDate(c.lastSeenAt),
    }));
  }

  /**
   * Pseudonymizing a user: their personal chats' references (which hold their Entra id, Teams id
   * and name) are deleted: the bot can no longer write to them, which is the point.
   */
  async forgetPersonal(tenantId: string, aadObjectId: string): Promise<number> {
    const mine = await this.repo.personalConversationsOf(tenantId, aadObjectId);
    for (const c of mine) {
      await this.repo.forget(c.id);
      this.known.delete(c.id);
    }
    return mine.length;
  }

  /** True exactly once per conversation, across restarts and instances. */
  introduceOnce(conversationId: string): Promise<boolean> {
    return this.repo.markIntroduced(conversationId, this.clock.now());
  }

  /** The introduction waits for the first message (the install event did not say the language). */
  deferIntroduction(conversationId: string): Promise<void> {
    return this.repo.markIntroductionDeferred(conversationId, this.clock.now());
  }

  /** True when a deferred introduction is still to be made in this conversation. */
  introductionDeferred(conversationId: string): Promise<boolean> {
    return this.repo.isIntroductionPending(conversationId);
  }

  find(conversationId: string): Promise<ConversationRecord | null> {
    return this.repo.find(conversationId);
  }

  /** Many conversations at once (one query when the repository can), by id. */
  async findMany(conversationIds: readonly string[]): Promise<Map<string, ConversationRecord>> {
    const records = this.repo.findMany
      ? await this.repo.findMany(conversationIds)
      : (await Promise.all(conversationIds.map((id) => this.repo.find(id)))).filter(
          (r): r is ConversationRecord => r !== null,
        );
    return new Map(records.map((r) => [r.id, r]));
  }

  personalConversationOf(
    tenantId: string,
    aadObjectId: string,
  ): Promise<ConversationRecord | null> {
    return this.repo.personalConversationOf(tenantId, aadObjectId);
  }
}
