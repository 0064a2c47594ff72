import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RATE_LIMITS,
  SlotLimiter,
  TEAMS_TENANT_PACE,
  TenantBudget,
  TURN_MS,
  type SlotMarker,
  type SlotStore,
} from '../../../src/capabilities/delivery/delivery.rate-limit';

const T0 = Date.UTC(2026, 10, 24, 8);

/** Unique inserts in memory, counting round trips (a bulk insert is one). */
class CountingStore implements SlotStore {
  readonly taken = new Set<string>();
  roundTrips = 0;
  takeSlot(id: string) {
    this.roundTrips++;
    if (this.taken.has(id)) return Promise.resolve(false);
    this.taken.add(id);
    return Promise.resolve(true);
  }
  takeSlots(slots: readonly SlotMarker[]) {
    this.roundTrips++;
    const out = new Set<string>();
    for (const s of slots)
      if (!this.taken.has(s.id)) {
        this.taken.add(s.id);
        out.add(s.id);
      }
    return Promise.resolve(out);
  }
}

/** The most moments in any window of `ms` (moments sorted or not). */
const maxIn = (moments: readonly number[], ms: number) =>
  Math.max(0, ...moments.map((s) => moments.filter((x) => x >= s && x < s + ms).length));

describe('tenant budget leased in shares', () => {
  it('one instance: 46 moments a second from one bulk insert per second, never 49 in a sliding second', async () => {
    const store = new CountingStore();
    const budget = new TenantBudget(store, TEAMS_TENANT_PACE);
    const moments: number[] = [];
    for (let second = 0; second < 5; second++) {
      const from = T0 + second * 1000;
      const slots = await budget.slots('t', from, from + 1000, 100);
      moments.push(...slots.map((s) => s.at));
      for (const s of slots) expect(s.end - s.at).toBeGreaterThan(0);
    }
    expect(moments).toHaveLength(5 * 46);
    // One insert of shares a second, and one of the tenant's turn every two seconds.
    expect(store.roundTrips).toBe(5 + 3);
    // Each moment starts a window a send may use until its end: the worst case is every send
    // at its window's end, so check both edges.
    const windowMs = TEAMS_TENANT_PACE.windowMs;
    expect(maxIn(moments, 1000)).toBeLessThanOrEqual(48);
    expect(
      maxIn(
        moments.map((m) => m + windowMs - 0.001),
        1000,
      ),
    ).toBeLessThanOrEqual(48);
    const ends = moments.map((m, i) => (i % 2 ? m : m + windowMs - 0.001));
    expect(maxIn(ends, 1000)).toBeLessThanOrEqual(48);
  });

  it('one instance at a time sends for a tenant, in turns; another takes over when it stops', async () => {
    const store = new CountingStore();
    const a = new TenantBudget(store, TEAMS_TENANT_PACE);
    const b = new TenantBudget(store, TEAMS_TENANT_PACE);
    // T0 starts a turn. a asks first and gets the turn; b gets nothing, without leasing shares
    // it would leave unused, and knows until when the tenant is a's.
    const sa = await a.slots('t', T0, T0 + 1000, 30);
    const sb = await b.slots('t', T0, T0 + 1000, 30);
    expect(sa).toHaveLength(30);
    expect(sb).toHaveLength(0);
    expect(store.roundTrips).toBe(3); // a: turn, shares; b: turn (taken)
    expect(b.mayHave('t', T0 + 500, T0 + 1500)).toBe(false);
    const until = b.othersUntil('t', T0 + 500);
    expect(until).toBeGreaterThanOrEqual(T0 + TURN_MS);
    expect(until).toBeLessThan(T0 + TURN_MS + 300);
    expect(a.othersUntil('t', T0 + 500)).toBeNull();
    // a, sending on, reaches into the next turn before it begins: it keeps the tenant.
    expect(await a.slots('t', T0 + 1500, T0 + 2500, 30)).toHaveLength(30);
    expect(await b.slots('t', until!, until! + 1000, 30)).toHaveLength(0);
    // a has stopped: b takes the turn after.
    const later = await b.slots('t', T0 + 2 * TURN_MS + 300, T0 + 2 * TURN_MS + 1300, 30);
    expect(later).toHaveLength(30);
    expect(b.othersUntil('t', T0 + 2 * TURN_MS + 500)).toBeNull();
    expect(await a.slots('t', T0 + 2 * TURN_MS + 300, T0 + 2 * TURN_MS + 1300, 30)).toHaveLength(0);
  });

  it('instances sharing the store split the shares: each window still has at most `max` sends', async () => {
    const store = new CountingStore();
    const a = new TenantBudget(store, TEAMS_TENANT_PACE);
    const b = new TenantBudget(store, TEAMS_TENANT_PACE);
    const seen = new Map<number, number>();
    for (let second = 0; second < 3; second++) {
      const from = T0 + second * 1000;
      const [sa, sb] = await Promise.all([
        a.slots('t', from, from + 1000, 46),
        b.slots('t', from, from + 1000, 46),
      ]);
      expect(sa.length + sb.length).toBe(46);
      for (const s of [...sa, ...sb]) {
        const w = Math.floor(s.at / TEAMS_TENANT_PACE.windowMs);
        seen.set(w, (seen.get(w) ?? 0) + 1);
      }
    }
    expect(Math.max(...seen.values())).toBeLessThanOrEqual(TEAMS_TENANT_PACE.max);
    // A share someone else holds is not asked for again.
    const before = store.roundTrips;
    expect(await b.slots('t', T0, T0 + 1000, 46)).toHaveLength(0);
    expect(store.roundTrips).toBe(before);
  });

  it('hands out a moment once, and only in windows open at or after `from`', async () => {
    const budget = new TenantBudget(new CountingStore(), { windowMs: 100, max: 4 });
    const open = await budget.slots('t', T0 + 250, T0 + 250, 10);
    expect(open).toHaveLength(4);
    for (const s of open) expect(s).toMatchObject({ at: T0 + 250, end: T0 + 300 });
    expect(await budget.slots('t', T0 + 260, T0 + 260, 10)).toHaveLength(0);
    expect(budget.mayHave('t', T0 + 270, T0 + 270)).toBe(false);
    const later = await budget.slots('t', T0 + 300, T0 + 500, 10);
    expect(later.map((s) => s.at)).toEqual(
      [300, 300, 300, 300, 400, 400, 400, 400].map((x) => T0 + x),
    );
  });
});

describe('conversation slots in bulk', () => {
  it('takes every window of many sends in one insert, never over any limit across instances', async () => {
    const store = new CountingStore();
    const a = new SlotLimiter(store, DEFAULT_RATE_LIMITS);
    const b = new SlotLimiter(store, DEFAULT_RATE_LIMITS);
    const at = new Date(T0 + 100);
    const requests = Array.from({ length: 10 }, () => ({ conversationId: 'c', at }));
    const [ra, rb] = await Promise.all([
      a.acquireConversations(requests),
      b.acquireConversations(requests),
    ]);
    expect(store.roundTrips).toBe(2);
    // 3 per second per conversation, whoever asks.
    expect([...ra, ...rb].filter(Boolean)).toHaveLength(3);
    // Fresh conversations: one slot per window each, all granted.
    const fresh = await a.acquireConversations(
      Array.from({ length: 20 }, (_, i) => ({ conversationId: `c${i}`, at })),
    );
    expect(fresh.every(Boolean)).toBe(true);
    expect(a.conversationFull('c', at)).toBe(true);
    expect(a.conversationFull('c0', at)).toBe(false);
  });
});
