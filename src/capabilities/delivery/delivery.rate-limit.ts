/**
 * Send-rate limits that hold across bot instances sharing one database.
 *
 * A limit `{ windowMs, max }` splits time into fixed windows; window `w` owns the slots
 * `<scope>:<id>:<windowMs>:<w>:<k>` for `k < max`. Taking a slot is a unique insert, the one
 * write that is atomic on FerretDB v1 as on MongoDB, so however many instances race for a
 * window, at most `max` of them get a slot. A send needs a free slot in every limit that
 * applies to it. Slots are never given back (a slot taken for a send that then does not
 * happen is lost for its window: wasteful, never over the limit).
 *
 * Teams counts in sliding windows, and a sliding window of length W overlaps two fixed
 * windows, so the fixed-window maxima below are at most half of Teams' published limits
 * (per bot per conversation: 7/1 s, 8/2 s, 60/30 s, 1,800/h), and the tenant budget is cut
 * into 100 ms windows of 4: 40/s sustained and at most 44 in any sliding second (Teams: ~50).
 */

export interface RateLimit {
  windowMs: number;
  max: number;
}

export interface RateLimits {
  perConversation: readonly RateLimit[];
  perTenant: readonly RateLimit[];
}

export const DEFAULT_RATE_LIMITS: RateLimits = {
  perConversation: [
    { windowMs: 1_000, max: 3 },
    { windowMs: 2_000, max: 4 },
    { windowMs: 30_000, max: 30 },
    { windowMs: 3_600_000, max: 900 },
  ],
  perTenant: [{ windowMs: 100, max: 4 }],
};

/** The storage port for slots (unique inserts), implemented by the delivery repository. */
export interface SlotStore {
  /** Unique insert of slot `id`; false when it was already taken. */
  takeSlot(id: string, window: string, expiresAt: Date): Promise<boolean>;
}

/** Windows larger than this are probed by doubling (see `take`). */
const DOUBLING_ABOVE = 16;

export type SlotOutcome = { ok: true } | { ok: false; exhausted: 'conversation' | 'tenant' };

/**
 * Finds free slots: `k < max` in each window, each a unique insert. A `k` seen taken (by
 * anyone) is never tried again by this instance; a window new to it is probed by doubling.
 */
export class SlotLimiter {
  /** window key → next k worth trying (every lower k is known to be taken). */
  private readonly next = new Map<string, number>();

  constructor(
    private readonly store: SlotStore,
    private readonly limits: RateLimits = DEFAULT_RATE_LIMITS,
  ) {}

  /**
   * Takes one slot in every tenant window, then every conversation window. Windows this
   * instance already knows to be full fail first, without inserts (see `knownFull`).
   */
  async acquire(tenantId: string, conversationId: string, now: Date): Promise<SlotOutcome> {
    const known = this.knownFull(tenantId, conversationId, now);
    if (known) return known;
    for (const limit of this.limits.perTenant) {
      if (!(await this.take('t', tenantId, limit, now))) return { ok: false, exhausted: 'tenant' };
    }
    for (const limit of this.limits.perConversation) {
      if (!(await this.take('c', conversationId, limit, now)))
        return { ok: false, exhausted: 'conversation' };
    }
    return { ok: true };
  }

  /**
   * A window this instance has seen full (its own sends, or a failed insert): checked before a
   * message is even claimed, so a full budget costs no database work. Windows filled by other
   * instances are discovered by one failed insert each.
   */
  knownFull(
    tenantId: string,
    conversationId: string,
    now: Date,
  ): Extract<SlotOutcome, { ok: false }> | null {
    const full = (w: Window) => (this.next.get(w.hintKey) ?? 0) >= w.max;
    if (this.limits.perTenant.some((l) => full(windowOf('t', tenantId, l, now))))
      return { ok: false, exhausted: 'tenant' };
    if (this.limits.perConversation.some((l) => full(windowOf('c', conversationId, l, now))))
      return { ok: false, exhausted: 'conversation' };
    return null;
  }

  /** Forgets hints of windows that have ended (keeps the map small in a long-running process). */
  prune(now: Date): void {
    for (const key of this.next.keys()) {
      const end = Number(key.slice(key.lastIndexOf('|') + 1));
      if (end <= now.getTime()) this.next.delete(key);
    }
  }

  private async take(scope: 'c' | 't', id: string, limit: RateLimit, now: Date): Promise<boolean> {
    const { window, end, hintKey } = windowOf(scope, id, limit, now);
    const hint = this.next.get(hintKey);
    // A large window (the 30 s and hourly ones) new to this instance is probed from 0, doubling
    // past taken slots (0, 1, 3, 7 …): a fresh window costs one insert and a busy one log2(max),
    // never a count (counting scans the slots on FerretDB). Slots need not be contiguous: any
    // free k < max is a legitimate slot, so skipped ones only leave some budget unused. Small
    // windows (the per-second ones, always contended) are walked one k at a time.
    let probing = hint === undefined && limit.max > DOUBLING_ABOVE;
    let k = hint ?? 0;
    // Slots live a little longer than their window, for the store's sweep to remove them later.
    const expiresAt = new Date(end + limit.windowMs);
    while (k < limit.max) {
      const taken = await this.store.takeSlot(`${window}:${k}`, window, expiresAt);
      const next = taken || !probing ? k + 1 : k * 2 + 1;
      // Never move the hint backwards (concurrent takes in one pass may finish out of order).
      this.next.set(hintKey, Math.max(this.next.get(hintKey) ?? 0, next));
      if (taken) return true;
      probing = probing && next < limit.max;
      k = Math.max(next, this.next.get(hintKey) ?? 0);
    }
    return false;
  }
}

interface Window {
  window: string;
  end: number;
  hintKey: string;
  max: number;
}

function windowOf(scope: 'c' | 't', id: string, limit: RateLimit, now: Date): Window {
  const index = Math.floor(now.getTime() / limit.windowMs);
  const window = `${scope}:${id}:${limit.windowMs}:${index}`;
  const end = (index + 1) * limit.windowMs;
  return { window, end, hintKey: `${window}|${end}`, max: limit.max };
}
