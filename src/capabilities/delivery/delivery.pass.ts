import { performance } from 'node:perf_hooks';
import { claimId, type Claim } from '../../core/claims';
import { bulkOps } from './delivery.bulk';
import type { DeadLetterReason } from './delivery.policy';
import { backoffMs, classifyFailure } from './delivery.policy';
import type { SlotLimiter, TenantBudget } from './delivery.rate-limit';
import type { DeliveryDeps, DeliveryOptions } from './delivery.service';
import type {
  DeliveryBulkOps,
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

/** `a` + `sign` × `b`, count by count (to add passes up, or take off what was reported). */
export function addStats(a: DeliveryRunStats, b: DeliveryRunStats, sign = 1): DeliveryRunStats {
  const out = { ...a };
  for (const k of Object.keys(out) as (keyof DeliveryRunStats)[]) out[k] += sign * b[k];
  return out;
}

const isExpired = (m: OutboxMessage, now: Date) =>
  m.expiresAt !== undefined && m.expiresAt.getTime() <= now.getTime();

export type Reference = Readonly<Record<string, unknown>>;

/** A message this pass holds the claim `seq` of. */
interface Held {
  msg: OutboxMessage;
  seq: number;
  leaseUntil: number;
}

/** A held message planned at `at`, whose conversation slots are for the windows `windows`. */
interface Planned extends Held {
  reference: Reference;
  at: number;
  windows: string;
}

/** A tenant's part of a wave: its send moments (earliest first) and the messages for them. */
interface Lane {
  slots: { at: number; end: number }[];
  go: Planned[];
}

/**
 * How a pass goes on past its first batch (a drain's): while the batches it reads are full, it
 * reads the next one (without the messages it already has) as its queues run low, while its
 * last waves still go out, so a burst of many batches is one stream of sends with no pause
 * between batches. No read starts after `until`.
 */
export interface Refill {
  read(exclude: ReadonlySet<string>): Promise<OutboxMessage[]>;
  batchSize: number;
  /** When the drain's bound is (it may move on while the pass runs). */
  until(): number;
  /** The app is stopping: plan no more sends (those started finish and are recorded). */
  halted(): boolean;
}

/** How far ahead of its sends a wave is prepared (one leased block of the tenant budget). */
const WAVE_MS = 1_000;
/** How long a pass waits for the clock to reach a planned send before concluding it stands still. */
const FROZEN_PROBE_MS = 25;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * One deliverDue call (a drain's reads batch after batch: see Refill). The due messages are sent
 * in waves: a wave takes the first waiting
 * message of each conversation (one at a time per conversation, in due order, so a 403 stops
 * the rest of it before another request is made), and as many as the tenant's budget has
 * send moments for in the next second. Each wave costs a fixed number of database round trips
 * whatever its size: one insertMany of claims, one read of the claimed messages' states, one
 * read of the references not yet known, one insertMany of budget leases and one of
 * conversation slots, and after its sends one insert of sent records and one delete
 * of their claims. The next wave is prepared while this one's sends go out at their moments.
 * Retries, dead letters and expiries (the rare outcomes) are recorded one by one.
 */
export class DeliveryPass {
  readonly stats = emptyStats();
  private gone = new Set<string>();

  /** The pass's one read of every reference (started before the first wave). */
  private allReferences: Promise<void> = Promise.resolve();
  private readonly bulk: DeliveryBulkOps;
  /** Conversations whose current message is being sent (their next one waits). */
  private readonly busy = new Set<string>();
  private sending = 0;
  private readonly waiting: (() => void)[] = [];
  /** How long preparing a wave takes (moving average, ms). */
  private prepMs = 200;
  /** The recording of the last wave's sends (the next waits for it). */
  private recording: Promise<void> = Promise.resolve();
  /** Every message this pass has taken in (its batches). */
  private readonly seen = new Set<string>();
  /** The last batch read was full: more may be due. */
  full = false;
  /** A refill read under way, and what it read once it has (not yet merged into the queues). */
  private refilling: Promise<void> | null = null;
  private refilled: OutboxMessage[] | null = null;
  /** A refill read failed: the pass reads no more (the next pass will). */
  private refillStopped = false;

  /** How many messages the pass has taken in, over all its batches. */
  get taken(): number {
    return this.seen.size;
  }

  constructor(
    private readonly deps: DeliveryDeps,
    private readonly options: DeliveryOptions,
    private readonly limiter: SlotLimiter,
    private readonly budget: TenantBudget | null,
    private readonly now: () => Date,
    /**
     * The references read so far: a drain's passes share them (a burst's conversations are
     * read once per drain, not once per batch).
     */
    private readonly references = new Map<string, Reference | null>(),
  ) {
    this.bulk = bulkOps(deps.repo);
  }

  async run(due: readonly OutboxMessage[], refill?: Refill): Promise<void> {
    for (const m of due) this.seen.add(m.id);
    this.full = refill !== undefined && due.length >= refill.batchSize;
    if (due.length === 0) return;
    const conversationIds = [...new Set(due.map((m) => m.conversationId))];
    this.gone = await this.deps.repo.goneAmong(conversationIds);
    // Every reference the pass may need, in one read, while the first wave goes out (it reads
    // its own few); later waves wait for it.
    this.allReferences = this.loadReferences(conversationIds.filter((id) => !this.gone.has(id)));
    this.allReferences.catch(() => undefined); // awaited by the next wave, which sees the error
    // Conversations in random order, so instances working side by side seldom contend.
    const queues = shuffle(
      [...groupBy(due, (m) => m.conversationId).values()],
      this.options.random,
    );
    const started = this.now().getTime();
    const inflight = new Set<Promise<void>>();
    let horizon = started;
    // The first wave is the window open now (a clock that stands still, as in tests, gets no
    // other); a moving clock then gets waves up to whole seconds ahead.
    const moving = this.budget === null || (await this.clockMoves());
    let first = this.budget !== null;
    for (;;) {
      // Waves after the first are planned once every reference is in (the first's sends go
      // out meanwhile), so their moments are not taken up by the wait.
      if (!first) await this.allReferences;
      if (refill?.halted()) {
        // Stopping: what is not planned yet stays due; the waves under way finish.
        if (inflight.size === 0) break;
        await Promise.race(inflight);
        continue;
      }
      // (A clock that stands still, as in tests, sends the open window only: nothing to refill.)
      if (refill && moving) this.refillIfLow(queues, refill);
      const now = this.now().getTime();
      // Without a tenant budget time does not matter; with one, sends are planned only while
      // the clock moves (a clock that stands still, as in tests, gets the open window only).
      const sends = !this.budget || first || (moving && now > started);
      // Prepared ahead by about twice what preparing takes (at least a second), so the moments
      // are still to come when the wave is ready; a slow database gets longer waves.
      const lead = Math.max(WAVE_MS, 2 * this.prepMs);
      if (this.budget && sends && !first && horizon - now > lead) {
        await Promise.race([sleep(Math.min(50, horizon - now - lead)), ...inflight]);
        continue;
      }
      // Waves end on whole seconds (the conversation windows' edges).
      const from = first ? now : Math.max(horizon, now + this.prepMs);
      const seconds = this.prepMs < 400 ? 1 : this.prepMs < 1_000 ? 2 : 3;
      let to = first ? now : (Math.floor(from / WAVE_MS) + seconds) * WAVE_MS;
      if (!first && to - from < WAVE_MS / 5) to += WAVE_MS;
      const t0 = performance.now();
      const wave = await this.wave(queues, sends, from, to, first);
      // (The first wave is small and reads by `_id`: it says little of how long waves take.)
      if (wave?.planned && !first) this.prepMs = 0.7 * this.prepMs + 0.3 * (performance.now() - t0);
      if (!wave) {
        if (this.refilled) continue; // read meanwhile: merged at the top
        if (this.refilling) {
          await Promise.race([this.refilling, ...inflight]);
          continue;
        }
        if (inflight.size === 0) break;
        await Promise.race(inflight);
        continue;
      }
      if (wave.planned) {
        horizon = to;
        first = false;
      }
      const task = wave.done.finally(() => inflight.delete(task));
      inflight.add(task);
    }
    // What is still waiting got no send moment in this pass.
    for (const q of queues) this.stats.throttled += q.length;
  }

  /**
   * Merges a batch read meanwhile into the queues, and starts reading the next when what is
   * left to plan is about three seconds of the tenant budget's sends (everything, without a
   * budget): the read, the new conversations' references and gone marks are in before the
   * queues run dry.
   */
  private refillIfLow(queues: OutboxMessage[][], refill: Refill): void {
    if (this.refilled) {
      const batch = this.refilled;
      this.refilled = null;
      // One queue per conversation that has messages waiting (empty ones are dropped here).
      const waiting = queues.filter((q) => q.length > 0);
      queues.splice(0, queues.length, ...waiting);
      const byConversation = new Map<string, OutboxMessage[]>();
      for (const q of queues) byConversation.set(q[0]!.conversationId, q);
      const fresh: OutboxMessage[][] = [];
      for (const [conversationId, list] of groupBy(batch, (m) => m.conversationId)) {
        const q = byConversation.get(conversationId);
        if (q) q.push(...list);
        else fresh.push(list);
      }
      queues.push(...shuffle(fresh, this.options.random));
    }
    if (this.refilling || this.refillStopped || !this.full) return;
    if (this.now().getTime() >= refill.until()) return;
    let left = 0;
    for (const q of queues) left += q.length;
    const low = this.budget
      ? Math.ceil((3 * WAVE_MS) / this.budget.limit.windowMs) * this.budget.limit.max
      : 0;
    if (left > low) return;
    this.refilling = this.readMore(refill).finally(() => (this.refilling = null));
  }

  /** Reads the next batch and what its conversations need; on failure the pass stops reading. */
  private async readMore(refill: Refill): Promise<void> {
    try {
      const batch = await refill.read(this.seen);
      const fresh = batch.filter((m) => !this.seen.has(m.id));
      for (const m of fresh) this.seen.add(m.id);
      this.full = batch.length >= refill.batchSize;
      const conversationIds = [...new Set(fresh.map((m) => m.conversationId))];
      for (const id of await this.deps.repo.goneAmong(conversationIds)) this.gone.add(id);
      await this.loadReferences(conversationIds.filter((id) => !this.gone.has(id)));
      this.refilled = fresh;
    } catch (e) {
      // What was not read stays due for the next pass (the drain sees `full` and goes on).
      this.deps.log.error({ error: (e as Error).name }, 'outbox read of the next batch failed');
      this.refillStopped = true;
    }
  }

  /**
   * Picks, claims and prepares one wave, and starts its sends. Null when there is nothing to
   * pick now (every remaining conversation is busy, full, or waits for the clock).
   */
  private async wave(
    queues: OutboxMessage[][],
    sends: boolean,
    from: number,
    to: number,
    first: boolean,
  ): Promise<{ planned: boolean; done: Promise<void> } | null> {
    const now = this.now();
    if (this.budget && sends) {
      // The tenants' turns this wave reaches into, asked for before anything is claimed: a
      // tenant another instance is sending for is left to it.
      const tenants = new Set<string>();
      for (const q of queues) if (q.length > 0) tenants.add(q[0]!.tenantId);
      await this.budget.takeTurns(tenants, from, Math.max(to, now.getTime()));
    }
    const settle: OutboxMessage[] = [];
    const candidates: OutboxMessage[] = [];
    const perTenant = new Map<string, number>();
    const room = this.budget
      ? Math.max(1, Math.ceil((to - from) / this.budget.limit.windowMs)) * this.budget.limit.max
      : Infinity;
    for (const q of queues) {
      if (q.length === 0 || this.busy.has(q[0]!.conversationId)) continue;
      const conversationId = q[0]!.conversationId;
      if (this.gone.has(conversationId)) {
        settle.push(...q.splice(0));
        continue;
      }
      while (q.length > 0 && isExpired(q[0]!, now)) settle.push(q.shift()!);
      if (q.length === 0 || !sends) continue;
      if (this.limiter.conversationFull(conversationId, now)) {
        this.stats.throttled += q.splice(0).length;
        continue;
      }
      const tenantId = q[0]!.tenantId;
      const n = perTenant.get(tenantId) ?? 0;
      if (n >= room) continue;
      if (
        n === 0 &&
        this.budget &&
        !this.budget.mayHave(tenantId, from, Math.max(to, this.now().getTime()))
      ) {
        perTenant.set(tenantId, room);
        continue;
      }
      perTenant.set(tenantId, n + 1);
      candidates.push(q.shift()!);
    }
    if (settle.length === 0 && candidates.length === 0) return null;

    // Candidates someone else holds are left to them for this pass.
    const held = await this.hold([...settle, ...candidates]);
    const toSettle = new Set(settle);
    const settleHeld = held.filter((h) => toSettle.has(h.msg));
    const sendHeld = held.filter((h) => !toSettle.has(h.msg));
    this.stats.claimed += settleHeld.length;
    for (const h of settleHeld) {
      if (isExpired(h.msg, this.now())) await this.expire(h);
      else await this.deadLetter(h, 'conversationGone', h.msg.attempts, h.msg.lastError);
    }
    if (sendHeld.length === 0) return { planned: false, done: Promise.resolve() };

    await this.loadReferences(sendHeld.map((h) => h.msg.conversationId));
    const reachable: (Held & { reference: Reference })[] = [];
    for (const h of sendHeld) {
      const reference = this.references.get(h.msg.conversationId);
      if (reference) {
        reachable.push({ ...h, reference });
        continue;
      }
      this.stats.claimed++;
      await this.deadLetter(h, 'noConversation', h.msg.attempts, h.msg.lastError);
    }

    // Send moments: the tenant budget's slots in [from, to) (for the first wave, the window
    // open now: taken after the claims so the moments are not already past). Each message is
    // planned at one moment for its conversation slots, and may go out at any of its tenant's
    // moments in the same second (the same conversation windows): one lane per second.
    const lanes: Lane[] = [];
    const release: Held[] = [];
    const byTenant = groupBy(reachable, (h) => h.msg.tenantId);
    for (const [tenantId, list] of byTenant) {
      const t = this.now().getTime();
      const slots = this.budget
        ? await this.budget.slots(
            tenantId,
            first ? t : Math.max(from, t),
            first ? t : to,
            list.length,
          )
        : list.map(() => ({ at: t, end: Infinity }));
      const bySecond = new Map<number, Lane>();
      for (const [i, h] of list.entries()) {
        const slot = slots[i];
        if (!slot) {
          release.push(h);
          continue;
        }
        const second = Math.floor(slot.at / WAVE_MS);
        let lane = bySecond.get(second);
        if (!lane) bySecond.set(second, (lane = { slots: [], go: [] }));
        const at = new Date(slot.at);
        lane.go.push({
          ...h,
          at: slot.at,
          windows: this.limiter.conversationWindows(h.msg.conversationId, at),
        });
      }
      for (const slot of slots) bySecond.get(Math.floor(slot.at / WAVE_MS))?.slots.push(slot);
      lanes.push(...bySecond.values());
    }
    const planned = lanes.flatMap((l) => l.go);
    const granted = await this.limiter.acquireConversations(
      planned.map((p) => ({ conversationId: p.msg.conversationId, at: new Date(p.at) })),
    );
    const refused = new Set(planned.filter((_, i) => !granted[i]));
    for (const lane of lanes) {
      release.push(...lane.go.filter((p) => refused.has(p)));
      lane.go = lane.go.filter((p) => !refused.has(p));
    }
    // Messages without a moment or a conversation slot this wave give their claim back and
    // go back to the front of their conversation (a full conversation is then skipped).
    await this.bulk.deleteClaimIds(release.map((h) => claimId(h.msg.id, h.seq)));
    for (const h of release) this.requeue(queues, h.msg);
    for (const lane of lanes) for (const p of lane.go) this.busy.add(p.msg.conversationId);
    const done = this.sendAll(lanes, queues);
    return { planned: true, done };
  }

  /** Sends a wave's messages at its moments, then records the outcomes in bulk. */
  private async sendAll(lanes: readonly Lane[], queues: OutboxMessage[][]): Promise<void> {
    const sent: (Planned & { activityId?: string })[] = [];
    const late: Planned[] = [];
    const send = async (p: Planned, end: number) => {
      try {
        const outcome = await this.send(p, end);
        if (outcome === 'late') {
          late.push(p);
          return;
        }
        this.stats.claimed++;
        if (outcome.ok)
          sent.push({
            ...p,
            ...(outcome.activityId !== undefined && { activityId: outcome.activityId }),
          });
        else await this.failed(p, outcome);
      } catch (e) {
        // A database hiccup: the claim (if taken) runs out and a later pass retries.
        this.deps.log.error(
          { messageId: p.msg.id, kind: p.msg.kind, error: (e as Error).name },
          'outbox message failed',
        );
      }
    };
    await Promise.all(
      lanes.map(async (lane) => {
        const waiting = [...lane.go];
        const sends: Promise<void>[] = [];
        for (const slot of lane.slots) {
          if (waiting.length === 0) break;
          const now = await this.until(slot.at);
          if (now === null) break; // the clock stands still: the later moments never come
          if (now >= slot.end) {
            continue; // this moment has passed: the next one
          }
          sends.push(send(waiting.shift()!, slot.end));
        }
        late.push(...waiting);
        await Promise.all(sends);
      }),
    );
    for (const p of late) this.requeue(queues, p.msg);
    try {
      await this.bulk.deleteClaimIds(late.map((h) => claimId(h.msg.id, h.seq)));
      await this.recordSent(sent);
    } finally {
      for (const lane of lanes) for (const p of lane.go) this.busy.delete(p.msg.conversationId);
    }
  }

  /** Whether the clock moves by itself (it is not a test's ManualClock standing still). */
  private async clockMoves(): Promise<boolean> {
    const before = this.now().getTime();
    await sleep(2);
    return this.now().getTime() > before;
  }

  /** The clock's time once it has reached `at`, or null if it stands still. */
  private async until(at: number): Promise<number | null> {
    let now = this.now().getTime();
    for (let i = 0; now < at && i < 3; i++) {
      await sleep(Math.min(at - now + (i === 0 ? 0 : FROZEN_PROBE_MS), 60_000));
      now = this.now().getTime();
    }
    return now < at ? null : now;
  }

  /** Sends unless the moment (ending at `end`), the lease or the conversation windows passed. */
  private async send(p: Planned, end: number): Promise<SendResult | 'late'> {
    await this.slot();
    try {
      const now = this.now().getTime();
      if (now >= end || now >= p.leaseUntil) return 'late';
      if (this.limiter.conversationWindows(p.msg.conversationId, new Date(now)) !== p.windows)
        return 'late';
      return await this.deps.sender.send(p.reference, p.msg.payload);
    } finally {
      this.freeSlot();
    }
  }

  private async slot(): Promise<void> {
    if (this.sending < this.options.concurrency) {
      this.sending++;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  private freeSlot(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.sending--;
  }

  private requeue(queues: OutboxMessage[][], msg: OutboxMessage): void {
    const q = queues.find((x) => x[0]?.conversationId === msg.conversationId);
    if (q) q.unshift(msg);
    else queues.push([msg]);
  }

  /**
   * Claims many messages in one insertMany (`<id>#<claimSeq>`); a claim found taken whose
   * lease ran out (its holder died) is followed by the next number, as `takeClaim` does. Then
   * one read checks each held message is still pending, due and not newer than the claim; the
   * claims of those that are not are given back.
   */
  private async hold(messages: readonly OutboxMessage[]): Promise<Held[]> {
    if (messages.length === 0) return [];
    const now = this.now();
    const leaseUntil = new Date(now.getTime() + this.options.leaseMs);
    const owner = this.options.instanceId;
    const seqs = new Map<string, number>();
    let tries = messages.map((m) => ({ m, seq: m.claimSeq }));
    for (let step = 0; step < 4 && tries.length > 0; step++) {
      const claims: Claim[] = tries.map(({ m, seq }) => ({
        id: claimId(m.id, seq),
        itemId: m.id,
        owner,
        at: now,
        leaseUntil,
      }));
      const inserted = await this.bulk.insertClaims(claims);
      const taken = tries.filter(({ m, seq }) => !inserted.has(claimId(m.id, seq)));
      for (const { m, seq } of tries) if (inserted.has(claimId(m.id, seq))) seqs.set(m.id, seq);
      if (taken.length === 0) break;
      const existing = new Map(
        (await this.bulk.getClaims(taken.map(({ m, seq }) => claimId(m.id, seq)))).map((c) => [
          c.id,
          c,
        ]),
      );
      tries = taken
        .filter(({ m, seq }) => {
          const c = existing.get(claimId(m.id, seq));
          return c !== undefined && c.leaseUntil.getTime() <= now.getTime();
        })
        .map(({ m, seq }) => ({ m, seq: seq + 1 }));
    }
    if (seqs.size === 0) return [];
    const states = new Map((await this.bulk.states([...seqs.keys()])).map((s) => [s.id, s]));
    const held: Held[] = [];
    const giveBack: string[] = [];
    for (const m of messages) {
      const seq = seqs.get(m.id);
      if (seq === undefined) continue;
      const s = states.get(m.id);
      const due = s && s.nextAttemptAt.getTime() <= now.getTime();
      if (!s || s.status !== 'pending' || !due || s.claimSeq > seq) {
        giveBack.push(claimId(m.id, seq));
        continue;
      }
      held.push({ msg: m, seq, leaseUntil: leaseUntil.getTime() });
    }
    await this.bulk.deleteClaimIds(giveBack);
    return held;
  }

  private async loadReferences(conversationIds: readonly string[]): Promise<void> {
    const missing = [...new Set(conversationIds)].filter((id) => !this.references.has(id));
    if (missing.length === 0) return;
    const { conversations } = this.deps;
    if (conversations.findMany) {
      const found = await conversations.findMany(missing);
      for (const id of missing) this.references.set(id, found.get(id)?.reference ?? null);
      return;
    }
    for (const id of missing)
      this.references.set(id, (await conversations.find(id))?.reference ?? null);
  }

  /**
   * Records the sent messages in bulk (one write), then their claims go: in that order, so
   * whoever claims one of them next sees it sent. Waves record one after another.
   */
  private async recordSent(sent: readonly (Planned & { activityId?: string })[]): Promise<void> {
    if (sent.length === 0) return;
    const previous = this.recording;
    let done!: () => void;
    this.recording = new Promise<void>((resolve) => (done = resolve));
    try {
      await previous;
      await this.bulk.markSent(
        sent.map((p) => ({
          id: p.msg.id,
          tenantId: p.msg.tenantId,
          seq: p.seq,
          attempts: p.msg.attempts + 1,
          ...(p.activityId !== undefined && { activityId: p.activityId }),
        })),
        this.now(),
      );
      await this.bulk.deleteClaimsOf(sent.map((p) => p.msg.id));
    } finally {
      done();
    }
    this.stats.sent += sent.length;
    for (const p of sent)
      this.deps.log.info(
        { messageId: p.msg.id, kind: p.msg.kind, status: 'sent' },
        'outbox message sent',
      );
  }

  private async failed(h: Held, result: Extract<SendResult, { ok: false }>): Promise<void> {
    const { msg, seq } = h;
    const attempts = msg.attempts + 1;
    const now = this.now();
    const lastError: LastError = {
      status: result.status,
      ...(result.code && { code: result.code }),
    };
    const verdict = classifyFailure(result.status, attempts, this.options.maxAttempts);
    if (verdict.kind === 'deadLetter') {
      await this.deadLetter(h, verdict.reason, attempts, lastError);
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

  private async expire(h: Held): Promise<void> {
    await this.finish(h, { status: 'expired' }, 'outbox message expired');
    this.stats.expired++;
  }

  private async deadLetter(
    h: Held,
    reason: DeadLetterReason,
    attempts: number,
    lastError: LastError | undefined,
  ): Promise<void> {
    const { msg } = h;
    await this.finish(
      h,
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
    h: Held,
    change: Parameters<DeliveryRepository['update']>[2],
    event: string,
  ): Promise<void> {
    const { repo, log } = this.deps;
    await repo.update(h.msg.id, h.seq, {
      ...change,
      claimSeq: h.seq + 1,
      updatedAt: this.now(),
    });
    await repo.deleteClaims(h.msg.id);
    log.info(
      { messageId: h.msg.id, kind: h.msg.kind, status: change.status, reason: change.reason },
      event,
    );
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
