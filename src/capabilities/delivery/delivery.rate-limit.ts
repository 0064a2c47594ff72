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

/**
 * The engine's tenant pace: 2 sends per 1/23 s window = 46 a second sustained, and at most
 * 2 × 24 = 48 in any sliding second (a sliding second touches at most 24 such windows), under
 * Teams' ~50 with room for a little network jitter. Small windows carry the budget closer to
 * Teams' limit than 100 ms windows of 4 (40/s, at most 44): the fixed-window overshoot is one
 * window's max, so the smaller the max, the higher the sustained rate under the same ceiling.
 */
export const TEAMS_TENANT_PACE: RateLimit = { windowMs: 1000 / 23, max: 2 };

/** What the delivery engine uses unless told otherwise. */
export const DELIVERY_RATE_LIMITS: RateLimits = {
  perConversation: DEFAULT_RATE_LIMITS.perConversation,
  perTenant: [TEAMS_TENANT_PACE],
};

/** A marker to insert: a slot, or a lease of a share of a tenant's budget. */
export interface SlotMarker {
  id: string;
  window: string;
  expiresAt: Date;
}

/** The storage port for slots (unique inserts), implemented by the delivery repository. */
export interface SlotStore {
  /** Unique insert of slot `id`; false when it was already taken. */
  takeSlot(id: string, window: string, expiresAt: Date): Promise<boolean>;
  /** Unordered bulk insert of markers (one round trip); the ids inserted (the rest were taken). */
  takeSlots?(slots: readonly SlotMarker[]): Promise<Set<string>>;
}

/** Bulk takes through the store's own insertMany, or one insert each when it has none. */
export async function takeSlots(
  store: SlotStore,
  slots: readonly SlotMarker[],
): Promise<Set<string>> {
  if (slots.length === 0) return new Set();
  if (store.takeSlots) return store.takeSlots(slots);
  const taken = new Set<string>();
  for (const s of slots) if (await store.takeSlot(s.id, s.window, s.expiresAt)) taken.add(s.id);
  return taken;
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

  /**
   * Per-conversation slots for many planned sends in ONE bulk insert: request i asks for a slot
   * in every conversation window at `at` (the moment it is planned to be sent). Slot numbers
   * come from the hints (several requests to one window get consecutive numbers); a window
   * known full fails without an insert. A request gets true only when every one of its slots
   * was inserted; slots of a request that failed elsewhere are lost for their window
   * (wasteful, never over the limit). Slots found taken move the hints on, so the next call
   * tries further up (large windows new to this instance: by doubling, as `take` does).
   */
  async acquireConversations(
    requests: readonly { conversationId: string; at: Date }[],
  ): Promise<boolean[]> {
    const planned = requests.map(
      () => [] as { id: string; hintKey: string; k: number; probing: boolean; max: number }[],
    );
    const ok = requests.map(() => true);
    const markers: SlotMarker[] = [];
    const nextK = new Map<string, number>();
    for (const [i, r] of requests.entries()) {
      for (const limit of this.limits.perConversation) {
        const { window, end, hintKey } = windowOf('c', r.conversationId, limit, r.at);
        const k = nextK.get(hintKey) ?? this.next.get(hintKey) ?? 0;
        if (k >= limit.max) {
          ok[i] = false;
          break;
        }
        nextK.set(hintKey, k + 1);
        const probing = !this.next.has(hintKey) && limit.max > DOUBLING_ABOVE;
        planned[i]!.push({ id: `${window}:${k}`, hintKey, k, probing, max: limit.max });
        markers.push({ id: `${window}:${k}`, window, expiresAt: new Date(end + limit.windowMs) });
      }
    }
    const wanted = markers.filter((m) =>
      planned.some((p, i) => ok[i] && p.some((x) => x.id === m.id)),
    );
    const taken = await takeSlots(this.store, wanted);
    for (const [i, slots] of planned.entries()) {
      if (!ok[i]) continue;
      for (const slot of slots) {
        const got = taken.has(slot.id);
        const next = got || !slot.probing ? slot.k + 1 : Math.min(slot.max, slot.k * 2 + 1);
        this.next.set(slot.hintKey, Math.max(this.next.get(slot.hintKey) ?? 0, next));
        if (!got) ok[i] = false;
      }
    }
    return ok;
  }

  /** Conversation windows this instance knows to be full at `now` (no database work). */
  conversationFull(conversationId: string, now: Date): boolean {
    return this.limits.perConversation.some((l) => {
      const w = windowOf('c', conversationId, l, now);
      return (this.next.get(w.hintKey) ?? 0) >= w.max;
    });
  }

  /** The conversation windows that `at` falls in (to check a send still happens in them). */
  conversationWindows(conversationId: string, at: Date): string {
    return this.limits.perConversation
      .map((l) => windowOf('c', conversationId, l, at).window)
      .join('|');
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

/**
 * Shares of a tenant's budget are leased for blocks of about this long (a wave of a second
 * touches about four): small enough that instances side by side waste few slots.
 */
const LEASE_BLOCK_MS = 250;
/** Inserts one slots() call makes at most to lease shares (more only under contention). */
const LEASE_ROUNDS = 3;
/**
 * A tenant's budget is sent from one instance at a time, in turns of this long: instances side
 * by side would otherwise each lease part of every block, claim messages the other then sends,
 * and leave slots unused. A turn is one unique insert, taken by the instance that first plans a
 * wave reaching into it; the instance sending a burst reaches into the next turn about a second
 * ahead, so it keeps the tenant while it has messages, and another takes over within a turn or
 * two when it stops (or dies).
 */
export const TURN_MS = 2_000;

/**
 * A tenant's send budget, leased. The tenant limit `{ windowMs, max }` gives every window
 * `max` send slots; share `s` of a block (a quarter of a second of windows) is slot number `s` in
 * every window of that block. An instance leases a share with ONE unique insert
 * (`tb:<tenant>:<windowMs>:<max>:<block>:<share>`, several in one insertMany), instead of one
 * insert per send; the holder alone sends in those slots, so across instances each window
 * still carries at most `max` sends. A slot is used only while its window is open: a send
 * that would come late skips its slot (lost for that window, never over the limit).
 */
export class TenantBudget {
  /** Windows per leased block. */
  private readonly perBlock: number;
  /** `${tenant}|${block}` → shares this instance holds / shares known to be someone else's. */
  private readonly held = new Map<string, Set<number>>();
  private readonly others = new Map<string, Set<number>>();
  /** Slots already given out: `${tenant}|${window}|${share}`. */
  private readonly used = new Set<string>();
  /** `${tenant}|${turn}` → whether this instance holds the turn (absent: not asked yet). */
  private readonly turns = new Map<string, boolean>();

  constructor(
    private readonly store: SlotStore,
    readonly limit: RateLimit,
  ) {
    this.perBlock = Math.max(1, Math.round(LEASE_BLOCK_MS / limit.windowMs));
  }

  /** The window that `t` (ms) falls in: its index, start and end. */
  windowAt(t: number): { index: number; start: number; end: number } {
    const index = Math.floor(t / this.limit.windowMs);
    return { index, start: index * this.limit.windowMs, end: (index + 1) * this.limit.windowMs };
  }

  /**
   * Up to `wanted` send moments for `tenant` in windows that are open at or start in
   * [from, to): leases the shares it needs for the blocks touched (one bulk insert), then
   * hands out its free slots earliest first. Each moment is a window's start (or `from`, for
   * the window open at `from`); the send must start before that window ends.
   */
  async slots(
    tenantId: string,
    from: number,
    to: number,
    wanted: number,
  ): Promise<{ at: number; end: number; key: string }[]> {
    if (wanted <= 0) return [];
    await this.takeTurns([tenantId], from, to);
    // Only the windows of blocks in turns this instance holds.
    const windows = this.windowsIn(from, to).filter(
      (w) => this.turns.get(this.turnKey(tenantId, this.blockOf(w.index))) === true,
    );
    if (windows.length === 0) return [];
    const blocks = [...new Set(windows.map((w) => this.blockOf(w.index)))];
    // Shares still needed for the slots wanted beyond the free ones of shares already held:
    // one share of a block gives a slot in each of its windows in range. They are asked for a
    // share per block in turn (earliest block first), so a wave that wants a few sends leases
    // a few slots in each block, not whole shares of the second that it then leaves unused.
    // Shares found taken are someone else's: the next free ones are asked for (at most
    // LEASE_ROUNDS inserts, more than one only when instances contend).
    const inRange = new Map<number, number>();
    for (const w of windows)
      inRange.set(this.blockOf(w.index), (inRange.get(this.blockOf(w.index)) ?? 0) + 1);
    for (let round = 0; round < LEASE_ROUNDS; round++) {
      let remaining = wanted - this.free(tenantId, windows).length;
      if (remaining <= 0) break;
      const asked = new Set<string>();
      const markers: SlotMarker[] = [];
      for (let progress = true; remaining > 0 && progress;) {
        progress = false;
        for (const block of blocks) {
          if (remaining <= 0) break;
          const key = `${tenantId}|${block}`;
          let s = 0;
          while (
            s < this.limit.max &&
            (this.held.get(key)?.has(s) ||
              this.others.get(key)?.has(s) ||
              asked.has(`${block}:${s}`))
          )
            s++;
          if (s >= this.limit.max) continue;
          asked.add(`${block}:${s}`);
          const window = `tb:${tenantId}:${this.limit.windowMs}:${this.limit.max}:${block}`;
          markers.push({
            id: `${window}:${s}`,
            window,
            expiresAt: new Date((block + 1) * this.perBlock * this.limit.windowMs + LEASE_BLOCK_MS),
          });
          remaining -= inRange.get(block) ?? 0;
          progress = true;
        }
      }
      if (markers.length === 0) break;
      const taken = await takeSlots(this.store, markers);
      for (const m of markers) {
        const [block, share] = m.id.split(':').slice(-2).map(Number) as [number, number];
        const key = `${tenantId}|${block}`;
        const into = taken.has(m.id) ? this.held : this.others;
        if (!into.has(key)) into.set(key, new Set());
        into.get(key)!.add(share);
      }
      if (taken.size === markers.length) break;
    }
    const out = this.free(tenantId, windows)
      .slice(0, wanted)
      .map((slot) => ({ ...slot, at: Math.max(slot.at, from) }));
    for (const slot of out) this.used.add(slot.key);
    return out;
  }

  /**
   * False when this instance knows it has no slot in [from, to): every share of the blocks
   * touched is used up or someone else's (no database work; lets a pass skip claiming).
   */
  mayHave(tenantId: string, from: number, to: number): boolean {
    const windows = this.windowsIn(from, to).filter(
      (w) => this.turns.get(this.turnKey(tenantId, this.blockOf(w.index))) !== false,
    );
    if (this.free(tenantId, windows).length > 0) return true;
    return windows.some((w) => {
      const key = `${tenantId}|${this.blockOf(w.index)}`;
      return (this.held.get(key)?.size ?? 0) + (this.others.get(key)?.size ?? 0) < this.limit.max;
    });
  }

  /**
   * Asks for the turns of these tenants that [from, to) reaches into and that this instance
   * has not asked for yet: one insertMany (a turn found taken is someone else's).
   */
  async takeTurns(tenantIds: Iterable<string>, from: number, to: number): Promise<void> {
    const asked: { key: string; marker: SlotMarker }[] = [];
    const first = this.blockOf(this.windowAt(from).index);
    const last = this.blockOf(this.windowAt(Math.max(from, to - 1)).index);
    for (const tenantId of new Set(tenantIds)) {
      const seen = new Set<string>();
      for (let block = first; block <= last; block++) {
        const turn = this.turnOf(block);
        const key = `${tenantId}|${turn}`;
        if (this.turns.has(key) || seen.has(key)) continue;
        seen.add(key);
        const window = `tt:${tenantId}:${TURN_MS}`;
        asked.push({
          key,
          marker: {
            id: `${window}:${turn}`,
            window,
            expiresAt: new Date((turn + 1) * TURN_MS + LEASE_BLOCK_MS),
          },
        });
      }
    }
    if (asked.length === 0) return;
    const taken = await takeSlots(
      this.store,
      asked.map((a) => a.marker),
    );
    for (const a of asked) this.turns.set(a.key, taken.has(a.marker.id));
  }

  /**
   * When this instance knows `tenant`'s turn at `t` is someone else's: the end of that turn
   * (and of the ones after it known to be theirs too). Null when it may send at `t`.
   */
  othersUntil(tenantId: string, t: number): number | null {
    let turn = this.turnOf(this.blockOf(this.windowAt(t).index));
    if (this.turns.get(`${tenantId}|${turn}`) !== false) return null;
    while (this.turns.get(`${tenantId}|${turn + 1}`) === false) turn++;
    // The next turn's first block starts within a block of the turn's end.
    return (turn + 1) * TURN_MS + LEASE_BLOCK_MS;
  }

  /** A block belongs to the turn its first window starts in. */
  private turnOf(block: number): number {
    return Math.floor((block * this.perBlock * this.limit.windowMs) / TURN_MS);
  }

  private turnKey(tenantId: string, block: number): string {
    return `${tenantId}|${this.turnOf(block)}`;
  }

  private windowsIn(from: number, to: number): { index: number; start: number; end: number }[] {
    const w = this.limit.windowMs;
    const first = Math.floor(from / w);
    const out: { index: number; start: number; end: number }[] = [];
    for (let i = first; i === first || i * w < to; i++)
      out.push({ index: i, start: i * w, end: (i + 1) * w });
    return out;
  }

  /** The unused slots of held shares in these windows, earliest first. */
  private free(
    tenantId: string,
    windows: readonly { index: number; start: number; end: number }[],
  ): { at: number; end: number; key: string }[] {
    const out: { at: number; end: number; key: string }[] = [];
    for (const w of windows) {
      const shares = this.held.get(`${tenantId}|${this.blockOf(w.index)}`);
      if (!shares) continue;
      for (const s of [...shares].sort((a, b) => a - b)) {
        const key = `${tenantId}|${w.index}|${s}`;
        if (!this.used.has(key)) out.push({ at: w.start, end: w.end, key });
      }
    }
    return out;
  }

  /** Forgets what concerns blocks that have ended. */
  prune(now: Date): void {
    const block = this.blockOf(this.windowAt(now.getTime()).index);
    for (const map of [this.held, this.others])
      for (const key of map.keys()) if (Number(key.split('|')[1]) < block) map.delete(key);
    for (const key of this.used)
      if (this.blockOf(Number(key.split('|')[1])) < block) this.used.delete(key);
    for (const key of this.turns.keys())
      if (Number(key.split('|')[1]) < this.turnOf(block)) this.turns.delete(key);
  }

  private blockOf(windowIndex: number): number {
    return Math.floor(windowIndex / this.perBlock);
  }
}
