import { describe, expect, it } from 'vitest';
import type { RateLimits } from '../../../src/capabilities/delivery/delivery.rate-limit';
import {
  DEFAULT_RATE_LIMITS,
  SlotLimiter,
} from '../../../src/capabilities/delivery/delivery.rate-limit';
import { FakeDeliveryRepository } from './fakes';

const at = (ms: number) => new Date(Date.UTC(2026, 10, 24, 8) + ms);

describe('rate-limit slots', () => {
  it('gives at most `max` slots per window, across instances sharing the store', async () => {
    const store = new FakeDeliveryRepository();
    const limits: RateLimits = { perConversation: [], perTenant: [{ windowMs: 1_000, max: 5 }] };
    const a = new SlotLimiter(store, limits);
    const b = new SlotLimiter(store, limits);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).acquire('t', `c${i}`, at(10))),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(5);
    expect(results.find((r) => !r.ok)).toEqual({ ok: false, exhausted: 'tenant' });
    // The next window has fresh slots.
    expect(await a.acquire('t', 'c1', at(1_000))).toEqual({ ok: true });
  });

  it('a restarted instance starts from the slots already taken', async () => {
    const store = new FakeDeliveryRepository();
    const limits: RateLimits = { perConversation: [{ windowMs: 1_000, max: 3 }], perTenant: [] };
    const first = new SlotLimiter(store, limits);
    for (let i = 0; i < 3; i++) expect((await first.acquire('t', 'c', at(0))).ok).toBe(true);
    const inserts = store.slots.size;
    const restarted = new SlotLimiter(store, limits);
    expect(await restarted.acquire('t', 'c', at(500))).toEqual({
      ok: false,
      exhausted: 'conversation',
    });
    expect(store.slots.size).toBe(inserts);
  });

  it('default limits keep any sliding window inside Teams limits, also at window edges', async () => {
    const store = new FakeDeliveryRepository();
    const limiter = new SlotLimiter(store, DEFAULT_RATE_LIMITS);
    const sends: number[] = [];
    // Try hard: one attempt every 10 ms for 70 s to one conversation.
    for (let ms = 0; ms < 70_000; ms += 10) {
      if ((await limiter.acquire('t', 'c', at(ms))).ok) sends.push(ms);
    }
    const maxIn = (windowMs: number) =>
      Math.max(...sends.map((s) => sends.filter((x) => x >= s && x < s + windowMs).length));
    expect(maxIn(1_000)).toBeLessThanOrEqual(7);
    expect(maxIn(2_000)).toBeLessThanOrEqual(8);
    expect(maxIn(30_000)).toBeLessThanOrEqual(60);
    expect(sends.length).toBeGreaterThanOrEqual(60); // and still useful throughput
  });

  it('default tenant budget: 40/s sustained, never 50 in any sliding second', async () => {
    const store = new FakeDeliveryRepository();
    const limiter = new SlotLimiter(store, DEFAULT_RATE_LIMITS);
    const sends: number[] = [];
    for (let ms = 0; ms < 3_000; ms += 5) {
      if ((await limiter.acquire('t', `c${ms}`, at(ms))).ok) sends.push(ms);
    }
    const maxIn = Math.max(
      ...sends.map((s) => sends.filter((x) => x >= s && x < s + 1_000).length),
    );
    expect(maxIn).toBeLessThan(50);
    expect(sends.length).toBe(120);
  });

  it('probes a large window by doubling: one insert when fresh, few when busy, never above max', async () => {
    const store = new FakeDeliveryRepository();
    const limits: RateLimits = { perConversation: [{ windowMs: 30_000, max: 30 }], perTenant: [] };
    const busy = new SlotLimiter(store, limits);
    for (let i = 0; i < 10; i++) expect((await busy.acquire('t', 'c', at(0))).ok).toBe(true);
    const before = store.slots.size;
    const fresh = new SlotLimiter(store, limits);
    expect(await fresh.acquire('t', 'other', at(0))).toEqual({ ok: true });
    expect(store.slots.size).toBe(before + 1);
    const attempts: boolean[] = [];
    const take = store.takeSlot.bind(store);
    store.takeSlot = async (id: string, window: string) => {
      const ok = await take(id, window);
      attempts.push(ok);
      return ok;
    };
    expect(await fresh.acquire('t', 'c', at(1_000))).toEqual({ ok: true });
    expect(attempts.length).toBeLessThanOrEqual(5); // 0, 1, 3, 7 taken; 15 free
    for (let i = 0; i < 40; i++) await fresh.acquire('t', 'c', at(2_000));
    const inWindow = [...store.slots.values()].filter((w) => w.startsWith('c:c:30000:')).length;
    expect(inWindow).toBeLessThanOrEqual(30);
  });
});
