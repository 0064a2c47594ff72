import type { ConversationInfo } from '../../core/capability';
import type { Clock } from '../../core/clock';

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
  /** Inserts or replaces the reference; keeps firstSeenAt. */
  save(record: ConversationRecord): Promise<void>;
  /** The personal chat between the bot and a user, if the user has one with the bot. */
  personalConversationOf(tenantId: string, aadObjectId: string): Promise<ConversationRecord | null>;
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
      await this.repo.save({
        ...info,
        reference,
        serviceUrl,
        firstSeenAt: existing?.firstSeenAt ?? now,
        lastSeenAt: now,
      });
    }
    if (this.known.size >= this.cacheSize) this.known.clear();
    this.known.set(info.id, serviceUrl);
    return true;
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

  personalConversationOf(
    tenantId: string,
    aadObjectId: string,
  ): Promise<ConversationRecord | null> {
    return this.repo.personalConversationOf(tenantId, aadObjectId);
  }
}
