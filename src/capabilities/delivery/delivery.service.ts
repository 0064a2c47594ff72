import { auditEntry } from '../../core/audit';
import { randomBytes } from 'node:crypto';
import type { Actor } from '../../core/actor';
import type { AuditLog } from '../../core/audit';
import type { Clock } from '../../core/clock';
import { AppError } from '../../core/errors';
import { outsidePass } from '../../core/pass';
import { authorize } from '../../core/permissions';
import type { Logger } from '../../core/logger';
import type { BackoffOptions } from './delivery.policy';
import { DEFAULT_BACKOFF } from './delivery.policy';
import type { Reference } from './delivery.pass';
import type { RateLimits } from './delivery.rate-limit';
import { DELIVERY_RATE_LIMITS, SlotLimiter, TenantBudget } from './delivery.rate-limit';
import type {
  ConversationDirectory,
  DeadLetterSummary,
  DeliveryRepository,
  DeliveryRunStats,
  EnqueueOutcome,
  NewMessage,
  OutboxMessage,
  OutboxStatus,
  ProactiveSender,
  RetryOutcome,
  RetryResult,
} from './delivery.types';
import { claimId, takeClaim } from '../../core/claims';
import { addStats, DeliveryPass, emptyStats } from './delivery.pass';
export { addStats as addDeliveryStats, emptyStats as emptyDeliveryStats } from './delivery.pass';

export type * from './delivery.types';

export interface DeliveryOptions {
  /** Attempts before a retryable failure becomes a dead letter. */
  maxAttempts: number;
  /** How long a claim is exclusive; after that another instance may take the next attempt. */
  leaseMs: number;
  /** Messages looked at per deliverDue call (bounded work per call; one query finds them). */
  batchSize: number;
  /** Sends in flight at once within one call. */
  concurrency: number;
  /**
   * drainDue's bounds: passes, and milliseconds after which no new pass starts (the other jobs
   * wait for the scheduler pass to end; the outbox goes on at once in a pass of its own).
   */
  drainPasses: number;
  drainMs: number;
  backoff: BackoffOptions;
  /**
   * Per conversation: slots (unique inserts, in bulk per wave). Per tenant (at most one
   * limit): the budget leased in shares (see TenantBudget).
   */
  rateLimits: RateLimits;
  /** Name of this instance in claims (diagnostics only). */
  instanceId: string;
  /** Injectable randomness (jitter, batch order). */
  random: () => number;
}

export interface DeliveryDeps {
  repo: DeliveryRepository;
  sender: ProactiveSender;
  conversations: ConversationDirectory;
  audit: AuditLog;
  clock: Clock;
  log: Logger;
  /**
   * Marks a conversation gone (a send answered 403/404: the bot was removed) and records the
   * `conversation.gone` event with it, once across instances; true for the one that did. The
   * module wires it to the unit of work, so the marker never exists without its event.
   */
  recordGone(conversationId: string, tenantId: string, at: Date): Promise<boolean>;
  options?: Partial<DeliveryOptions>;
}

export const DEFAULT_DELIVERY_OPTIONS: Omit<DeliveryOptions, 'instanceId' | 'random'> = {
  maxAttempts: 6,
  leaseMs: 2 * 60_000,
  batchSize: 1_000,
  concurrency: 16,
  drainPasses: 500,
  drainMs: 25_000,
  backoff: DEFAULT_BACKOFF,
  rateLimits: DELIVERY_RATE_LIMITS,
};

/** Teams takes ~100 KB per message; cards are kept well under 80 KB. */
export const MAX_PAYLOAD_CHARS = 80_000;
const SLOT_SWEEP_EVERY_MS = 60_000;
/** Recorded sends written into their messages per pass at most (~10 ms each on FerretDB). */
const FOLD_PER_PASS = 500;
/** The claim item of folding (no message id looks like it), and how long one fold may hold it. */
const FOLD_ITEM = 'outbox:fold';
const FOLD_LEASE_MS = 5 * 60_000;
/** Messages per bulk insert (a few hundred cards stay far below a 16 MB command). */
const ENQUEUE_CHUNK = 200;

/**
 * The durable outbox every proactive message goes through. Messages are documents with a
 * deterministic id; every attempt is made by the holder of a claim (a unique insert), who is
 * the only writer of the message while the claim's lease lasts, so plain updates are safe on
 * FerretDB v1 too. No timers: the scheduler calls deliverDue.
 */
export class DeliveryService {
  readonly options: DeliveryOptions;
  private readonly limiter: SlotLimiter;
  private readonly budget: TenantBudget | null;
  private lastSweep = 0;
  /** No pass before this moment (ms): see othersSending. */
  private idleUntil = 0;
  /** See hasMore. */
  private more = false;
  /** The drain under way: it goes on past a drainDue call that reached its bound (see there). */
  private drain: Drain | null = null;
  /** The last pass found less than a batch due and left none of it for want of a slot. */
  private drained = true;

  constructor(private readonly deps: DeliveryDeps) {
    this.options = {
      ...DEFAULT_DELIVERY_OPTIONS,
      instanceId: randomBytes(4).toString('hex'),
      random: Math.random,
      ...deps.options,
    };
    this.limiter = new SlotLimiter(deps.repo, this.options.rateLimits);
    const [tenantLimit, ...more] = this.options.rateLimits.perTenant;
    if (more.length > 0) throw new Error('the outbox paces one per-tenant rate limit');
    this.budget = tenantLimit ? new TenantBudget(deps.repo, tenantLimit) : null;
  }

  async enqueue(msg: NewMessage): Promise<EnqueueOutcome> {
    validate(msg);
    const created = await this.deps.repo.insert(this.fresh(msg, this.deps.clock.now()));
    this.deps.log.debug({ messageId: msg.id, kind: msg.kind, created }, 'outbox enqueue');
    return created ? 'created' : 'exists';
  }

  async enqueueMany(msgs: readonly NewMessage[]): Promise<EnqueueOutcome[]> {
    const { repo } = this.deps;
    if (!repo.insertMany) return Promise.all(msgs.map((m) => this.enqueue(m)));
    for (const m of msgs) validate(m);
    const now = this.deps.clock.now();
    const created = new Set<string>();
    for (let i = 0; i < msgs.length; i += ENQUEUE_CHUNK)
      for (const id of await repo.insertMany(
        msgs.slice(i, i + ENQUEUE_CHUNK).map((m) => this.fresh(m, now)),
      ))
        created.add(id);
    // The same id twice in one call is one message: the first is created, the second exists.
    const seen = new Set<string>();
    return msgs.map((m) => {
      const first = !seen.has(m.id);
      seen.add(m.id);
      return first && created.has(m.id) ? 'created' : 'exists';
    });
  }

  private fresh(msg: NewMessage, now: Date): OutboxMessage {
    return {
      ...msg,
      status: 'pending',
      attempts: 0,
      claimSeq: 0,
      nextAttemptAt: msg.notBefore,
      createdAt: now,
      updatedAt: now,
    };
  }

  /**
   * One pass: finds up to `batchSize` due messages with one query, then claims, sends within
   * the rate limits and records them in waves (see DeliveryPass). Messages that get no send
   * slot stay pending for a later pass.
   */
  deliverDue(now?: Date): Promise<DeliveryRunStats> {
    return this.runPass(now ?? this.deps.clock.now(), new Map(), { until: () => 0 });
  }

  /**
   * A pass from `start`; a drain's passes share the `references` they read, and read batch
   * after batch until its bound (Refill).
   */
  private async runPass(
    start: Date,
    references: Map<string, Reference | null>,
    drain: { until: () => number; halted?: () => boolean; started?: (p: DeliveryPass) => void },
  ): Promise<DeliveryRunStats> {
    // `start` picks which messages are due; every slot, lease and timestamp inside the pass
    // reads the clock afresh, so rate windows move on while a long pass runs.
    const at = () => this.deps.clock.now();
    // Everything due last time was for tenants other instances are sending for, in turns
    // that have not ended: nothing to do here until then (not even reading what is due).
    if (start.getTime() < this.idleUntil) return emptyStats();
    await this.sweep(start);
    const { batchSize } = this.options;
    const due = await this.deps.repo.findDue(start, batchSize);
    const pass = new DeliveryPass(
      this.deps,
      this.options,
      this.limiter,
      this.budget,
      at,
      references,
    );
    drain.started?.(pass);
    await pass.run(due, {
      read: (exclude) => this.deps.repo.findDue(at(), batchSize, exclude),
      batchSize,
      until: drain.until,
      halted: drain.halted ?? (() => false),
    });
    const { stats } = pass;
    this.idleUntil = this.othersSending(due, stats, at().getTime());
    // This pass dealt with everything it found due, nothing waits for a send moment and no
    // more was due than it could read: the sends recorded beside their messages are written
    // into them (a burst's, after its last wave), by one instance at a time.
    this.drained = !pass.full && stats.throttled === 0;
    if (this.drained && stats.claimed >= pass.taken) await this.fold();
    if (stats.claimed || stats.throttled)
      this.deps.log.info({ ...stats, due: pass.taken }, 'outbox pass');
    return stats;
  }

  /**
   * The scheduler's job: delivers until a pass makes no progress (everything due is sent,
   * throttled or waiting for a retry), bounded in passes and in time, so a burst of reminders
   * drains in one scheduler run. Its passes read the next batch while the last one's sends go
   * out, so a burst has no pause between batches.
   *
   * At its time bound the call returns (with what was done since the last call) while the
   * drain goes on sending what it has: the scheduler's other jobs then run alongside it
   * (Runtime), and the next call moves the bound on and waits again, so a burst is one stream
   * of sends across scheduler passes instead of stopping and starting again at each. `settle`
   * ends it.
   */
  async drainDue(
    maxPasses = this.options.drainPasses,
    maxMs = this.options.drainMs,
  ): Promise<DeliveryRunStats> {
    const bound = this.deps.clock.now().getTime() + maxMs;
    let drain = this.drain;
    if (drain?.halted) {
      await drain.done; // being settled: the app is stopping
      return emptyStats();
    }
    if (drain) drain.until = bound;
    else {
      const d: Drain = {
        until: bound,
        halted: false,
        finished: emptyStats(),
        reported: emptyStats(),
        pass: null,
        ended: false,
        atBound: false,
        done: Promise.resolve(),
      };
      // Outside the scheduler pass it starts in: it outlives that pass (core/pass).
      d.done = outsidePass(() => this.drainLoop(d, maxPasses))
        .catch((e: unknown) => {
          // Thrown to the call waiting for it (the scheduler logs it), if one still is.
          d.error = e instanceof Error ? e : new Error(String(e));
          this.deps.log.error({ error: (e as Error).name }, 'outbox drain failed');
        })
        .finally(() => {
          d.ended = true;
          if (this.drain === d) this.drain = null;
        });
      this.drain = drain = d;
    }
    // Until the drain ends, or the clock reaches the bound (a clock that stands still, as in
    // tests, never does: the drain then ends by itself).
    while (!drain.ended) {
      const left = bound - this.deps.clock.now().getTime();
      if (left <= 0) break;
      await Promise.race([drain.done, sleep(Math.min(250, left))]);
    }
    if (drain.error) {
      const { error } = drain;
      drain.error = undefined;
      throw error;
    }
    // What was done since the last call: ended passes, and the one under way so far.
    const live = addStats(drain.finished, drain.pass?.stats ?? emptyStats());
    const done = addStats(live, drain.reported, -1);
    drain.reported = live;
    this.more = drain.ended ? drain.atBound : true;
    return done;
  }

  private async drainLoop(d: Drain, maxPasses: number): Promise<void> {
    // The conversations' references, read once for the drain (it lasts seconds).
    const references = new Map<string, Reference | null>();
    for (let pass = 0; pass < maxPasses && !d.halted; pass++) {
      const stats = await this.runPass(this.deps.clock.now(), references, {
        until: () => d.until,
        halted: () => d.halted,
        started: (p) => (d.pass = p),
      });
      d.pass = null;
      d.finished = addStats(d.finished, stats);
      if (stats.claimed === 0) break;
      if (pass === maxPasses - 1 || this.deps.clock.now().getTime() > d.until) {
        // Stopped by a bound while the last pass left messages due that it could send.
        d.atBound = !this.drained;
        break;
      }
    }
  }

  /**
   * Ends the drain under way: it plans no more sends, finishes those it has started and
   * records them (what it did not send stays due). For stopping the app.
   */
  async settle(): Promise<void> {
    const drain = this.drain;
    if (!drain) return;
    drain.halted = true;
    await drain.done;
  }

  /**
   * The last drainDue returned with messages still being sent or due that it could send: the
   * scheduler runs the outbox again at once (a burst is not held back by the 30 s between
   * scheduler passes).
   */
  hasMore(): boolean {
    return this.more;
  }

  /** Counts by status and the latest dead letters of the admin's tenant. */
  async overview(
    actor: Actor,
    limit = 10,
  ): Promise<{ counts: Record<OutboxStatus, number>; deadLetters: DeadLetterSummary[] }> {
    authorize(actor, 'delivery.manage');
    const [counts, deadLetters] = await Promise.all([
      this.deps.repo.countByStatus(actor.tenantId),
      this.listDeadLetters(actor, limit),
    ]);
    return { counts, deadLetters };
  }

  async listDeadLetters(actor: Actor, limit = 10): Promise<DeadLetterSummary[]> {
    authorize(actor, 'delivery.manage');
    const docs = await this.deps.repo.listDeadLetters(actor.tenantId, Math.min(limit, 50));
    return docs.map(summarize);
  }

  /**
   * Puts a dead letter back in the queue with fresh attempts. The admin takes the message's
   * claim first, like a sender, so the reset cannot race a delivery pass or another admin.
   */
  async retryDeadLetter(actor: Actor, id: string): Promise<RetryResult> {
    authorize(actor, 'delivery.manage');
    const { repo, clock, audit } = this.deps;
    const msg = await repo.get(id);
    if (!msg || msg.tenantId !== actor.tenantId) throw new AppError('notFound');
    const result = (outcome: RetryOutcome): RetryResult => ({ outcome, kind: msg.kind });
    if (msg.status !== 'deadLettered') return result('notDeadLettered');
    const now = clock.now();
    if (msg.expiresAt && msg.expiresAt.getTime() <= now.getTime()) return result('tooLate');
    const owner = `admin:${this.options.instanceId}`;
    const seq = await takeClaim(repo, msg.id, msg.claimSeq, owner, now, this.options.leaseMs);
    if (seq === null) throw new AppError('conflict');
    const fresh = await repo.get(id);
    if (!fresh || fresh.status !== 'deadLettered' || fresh.claimSeq > seq) {
      await repo.deleteClaim(claimId(id, seq));
      return result('notDeadLettered');
    }
    if (fresh.reason === 'conversationGone') await repo.clearGone(fresh.conversationId);
    await repo.update(
      id,
      seq,
      { status: 'pending', attempts: 0, nextAttemptAt: now, claimSeq: seq + 1, updatedAt: now },
      ['reason'],
    );
    await repo.deleteClaims(id);
    await audit.record(
      auditEntry(actor, now, 'delivery.retry', id, {
        kind: fresh.kind,
        reason: fresh.reason ?? '-',
      }),
    );
    this.deps.log.info({ messageId: id, kind: fresh.kind }, 'dead letter retried');
    return result('retried');
  }

  /** The bot can post in the conversation again (e.g. re-installed): stop skipping it. */
  async conversationReachable(conversationId: string): Promise<void> {
    await this.deps.repo.clearGone(conversationId);
  }

  /**
   * When a pass claimed nothing because every tenant it found due is another instance's turn:
   * the earliest end of those turns (0 otherwise).
   */
  private othersSending(due: readonly OutboxMessage[], stats: DeliveryRunStats, now: number) {
    if (!this.budget || due.length === 0 || stats.claimed > 0) return 0;
    let until = Infinity;
    for (const tenantId of new Set(due.map((m) => m.tenantId))) {
      const end = this.budget.othersUntil(tenantId, now);
      if (end === null) return 0;
      until = Math.min(until, end);
    }
    return until;
  }

  /** Folds recorded sends into their messages under a lease, so instances do not both do it. */
  private async fold(): Promise<void> {
    const { repo, clock } = this.deps;
    if (!repo.foldSent) return;
    const now = clock.now();
    const seq = await takeClaim(repo, FOLD_ITEM, 0, this.options.instanceId, now, FOLD_LEASE_MS);
    if (seq === null) return;
    try {
      await repo.foldSent(FOLD_PER_PASS);
    } finally {
      await repo.deleteClaim(claimId(FOLD_ITEM, seq));
    }
  }

  private async sweep(now: Date): Promise<void> {
    if (now.getTime() - this.lastSweep < SLOT_SWEEP_EVERY_MS) return;
    this.lastSweep = now.getTime();
    this.limiter.prune(now);
    this.budget?.prune(now);
    await this.deps.repo.sweepSlots(now);
  }
}

function validate(msg: NewMessage): void {
  const bad = (field: string) => new AppError('invalidInput', { field });
  if (!msg.id || msg.id.length > 300) throw bad('id');
  if (!msg.tenantId) throw bad('tenantId');
  if (!msg.conversationId) throw bad('conversationId');
  if (!msg.kind) throw bad('kind');
  if (!msg.payload.text && !msg.payload.card) throw bad('payload');
  if (Number.isNaN(msg.notBefore.getTime())) throw bad('notBefore');
  if (msg.expiresAt && Number.isNaN(msg.expiresAt.getTime())) throw bad('expiresAt');
  if (JSON.stringify(msg.payload).length > MAX_PAYLOAD_CHARS)
    throw new AppError('tooLarge', { max: MAX_PAYLOAD_CHARS });
}

function summarize(m: OutboxMessage): DeadLetterSummary {
  return {
    id: m.id,
    kind: m.kind,
    conversationId: m.conversationId,
    attempts: m.attempts,
    reason: m.reason,
    lastStatus: m.lastError?.status,
    lastCode: m.lastError?.code,
    updatedAt: m.updatedAt,
    refs: m.refs ?? {},
  };
}

/** A drain under way (DeliveryService.drainDue). */
interface Drain {
  /** No batch is read after this (ms); each drainDue call moves it on. */
  until: number;
  /** settle() was called: no more sends are planned. */
  halted: boolean;
  /** Stats of the passes that ended, and of all passes as last reported. */
  finished: DeliveryRunStats;
  reported: DeliveryRunStats;
  /** The pass under way (its stats grow as it goes). */
  pass: DeliveryPass | null;
  ended: boolean;
  /** It ended at a bound while its last pass left messages due that it could send. */
  atBound: boolean;
  error?: Error;
  done: Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
