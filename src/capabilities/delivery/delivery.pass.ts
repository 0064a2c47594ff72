import { claimId, takeClaim } from '../../core/claims';
import type { DeadLetterReason } from './delivery.policy';
import { backoffMs, classifyFailure } from './delivery.policy';
import type { SlotLimiter } from './delivery.rate-limit';
import type { DeliveryDeps, DeliveryOptions } from './delivery.service';
import type {
  DeliveryRepository,
  DeliveryRunStats,
  LastError,
  OutboxMessage,
  SendResult,
} from './delivery.types';

/** A DeliveryRunStats with every count at 0 (to add passes up). */
export const emptyStats = (): DeliveryRunStats => ({
  claimed: 0,
  sent: 0,
  retried: 0,
  deadLettered: 0,
  expired: 0,
  throttled: 0,
});

const isExpired = (m: OutboxMessage, now: Date) =>
  m.expiresAt !== undefined && m.expiresAt.getTime() <= now.getTime();

/** One deliverDue call: the shared state of its workers, and what each does with a message. */
export class DeliveryPass {
  readonly stats = emptyStats();
  private gone = new Set<string>();
  private readonly fullConversations = new Set<string>();
  private readonly fullTenants = new Set<string>();
  private readonly references = new Map<string, Readonly<Record<string, unknown>> | null>();

  constructor(
    private readonly deps: DeliveryDeps,
    private readonly options: DeliveryOptions,
    private readonly limiter: SlotLimiter,
    private readonly now: () => Date,
  ) {}

  async run(due: readonly OutboxMessage[]): Promise<void> {
    if (due.length === 0) return;
    this.gone = await this.deps.repo.goneAmong([...new Set(due.map((m) => m.conversationId))]);
    // One worker per conversation at a time, in due order within it: a 403 stops the rest of
    // that conversation before another request is made. Conversations in random order, so
    // instances working side by side seldom contend for the same messages.
    const groups = shuffle(
      [...groupBy(due, (m) => m.conversationId).values()],
      this.options.random,
    );
    let next = 0;
    const worker = async () => {
      while (next < groups.length) {
        for (const msg of groups[next++]!) {
          try {
            await this.process(msg);
          } catch (e) {
            // A database hiccup: the claim (if taken) runs out and a later pass retries.
            this.deps.log.error(
              { messageId: msg.id, kind: msg.kind, error: (e as Error).name },
              'outbox message failed',
            );
          }
        }
      }
    };
    const workers = Math.max(1, Math.min(this.options.concurrency, groups.length));
    await Promise.all(Array.from({ length: workers }, worker));
  }

  private async process(candidate: OutboxMessage): Promise<void> {
    const { repo } = this.deps;
    const now = this.now();
    if (!isExpired(candidate, now) && this.throttled(candidate, now)) {
      this.stats.throttled++;
      return;
    }
    const held = await this.hold(candidate);
    if (!held) return;
    const { msg, seq } = held;
    this.stats.claimed++;
    if (isExpired(msg, this.now())) {
      await this.finish(msg, seq, { status: 'expired' }, 'outbox message expired');
      this.stats.expired++;
      return;
    }
    if (this.gone.has(msg.conversationId)) {
      await this.deadLetter(msg, seq, 'conversationGone', msg.attempts, msg.lastError);
      return;
    }
    const reference = await this.reference(msg.conversationId);
    if (!reference) {
      await this.deadLetter(msg, seq, 'noConversation', msg.attempts, msg.lastError);
      return;
    }
    const slot = await this.limiter.acquire(msg.tenantId, msg.conversationId, this.now());
    if (!slot.ok) {
      if (slot.exhausted === 'tenant') this.fullTenants.add(msg.tenantId);
      else this.fullConversations.add(msg.conversationId);
      await repo.deleteClaim(claimId(msg.id, seq));
      this.stats.throttled++;
      return;
    }
    if (this.now().getTime() >= held.leaseUntil) {
      await repo.deleteClaim(claimId(msg.id, seq)); // too slow: no longer ours alone
      return;
    }
    const result = await this.deps.sender.send(reference, msg.payload);
    await this.record(msg, seq, result);
  }

  /** Known, without a database round trip, that this message would get no send slot now. */
  private throttled(m: OutboxMessage, now: Date): boolean {
    if (this.fullTenants.has(m.tenantId) || this.fullConversations.has(m.conversationId))
      return true;
    const full = this.limiter.knownFull(m.tenantId, m.conversationId, now);
    if (!full) return false;
    if (full.exhausted === 'tenant') this.fullTenants.add(m.tenantId);
    else this.fullConversations.add(m.conversationId);
    return true;
  }

  /** Claims the message and re-reads it: acts only if it is still pending, due and not newer. */
  private async hold(
    candidate: OutboxMessage,
  ): Promise<{ msg: OutboxMessage; seq: number; leaseUntil: number } | null> {
    const { repo } = this.deps;
    const now = this.now();
    const owner = this.options.instanceId;
    const seq = await takeClaim(
      repo,
      candidate.id,
      candidate.claimSeq,
      owner,
      now,
      this.options.leaseMs,
    );
    if (seq === null) return null;
    const msg = await repo.get(candidate.id);
    const due = msg?.nextAttemptAt && msg.nextAttemptAt.getTime() <= now.getTime();
    if (!msg || msg.status !== 'pending' || !due || msg.claimSeq > seq) {
      await repo.deleteClaim(claimId(candidate.id, seq));
      return null;
    }
    return { msg, seq, leaseUntil: now.getTime() + this.options.leaseMs };
  }

  private async record(msg: OutboxMessage, seq: number, result: SendResult): Promise<void> {
    const attempts = msg.attempts + 1;
    const now = this.now();
    if (result.ok) {
      await this.finish(
        msg,
        seq,
        { status: 'sent', attempts, sentAt: now, activityId: result.activityId ?? '' },
        'outbox message sent',
      );
      this.stats.sent++;
      return;
    }
    const lastError: LastError = {
      status: result.status,
      ...(result.code && { code: result.code }),
    };
    if (result.status === 429) this.fullConversations.add(msg.conversationId);
    const verdict = classifyFailure(result.status, attempts, this.options.maxAttempts);
    if (verdict.kind === 'deadLetter') {
      await this.deadLetter(msg, seq, verdict.reason, attempts, lastError);
      return;
    }
    const delay = backoffMs(
      attempts,
      result.retryAfterMs,
      this.options.random,
      this.options.backoff,
    );
    const nextAttemptAt = new Date(now.getTime() + delay);
    await this.deps.repo.update(msg.id, seq, {
      attempts,
      lastError,
      nextAttemptAt,
      claimSeq: seq + 1,
      updatedAt: now,
    });
    this.stats.retried++;
    this.deps.log.warn(
      { messageId: msg.id, kind: msg.kind, status: result.status, attempts, delayMs: delay },
      'outbox send failed; will retry',
    );
  }

  private async deadLetter(
    msg: OutboxMessage,
    seq: number,
    reason: DeadLetterReason,
    attempts: number,
    lastError: LastError | undefined,
  ): Promise<void> {
    await this.finish(
      msg,
      seq,
      { status: 'deadLettered', reason, attempts, ...(lastError && { lastError }) },
      'outbox message dead-lettered',
    );
    this.stats.deadLettered++;
    if (reason !== 'conversationGone' || this.gone.has(msg.conversationId)) return;
    this.gone.add(msg.conversationId);
    const { log, clock } = this.deps;
    if (!(await this.deps.recordGone(msg.conversationId, msg.tenantId, clock.now()))) return;
    log.warn({ conversationId: msg.conversationId, tenantId: msg.tenantId }, 'conversation gone');
  }

  /** Records a final status and removes the message's claims. */
  private async finish(
    msg: OutboxMessage,
    seq: number,
    change: Parameters<DeliveryRepository['update']>[2],
    event: string,
  ): Promise<void> {
    const { repo, log } = this.deps;
    await repo.update(msg.id, seq, { ...change, claimSeq: seq + 1, updatedAt: this.now() });
    await repo.deleteClaims(msg.id);
    log.info(
      { messageId: msg.id, kind: msg.kind, status: change.status, reason: change.reason },
      event,
    );
  }

  private async reference(conversationId: string) {
    if (!this.references.has(conversationId)) {
      const record = await this.deps.conversations.find(conversationId);
      this.references.set(conversationId, record?.reference ?? null);
    }
    return this.references.get(conversationId) ?? null;
  }
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

/** Fisher–Yates with the injected random. */
function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}
