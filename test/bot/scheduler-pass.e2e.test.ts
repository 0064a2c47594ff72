import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock';
import type { NewMessage } from '../../src/capabilities/delivery/delivery.service';
import { TENANT, message } from '../fixtures/activities';
import { FakeConnector } from '../harness/fake-connector';
import { TestBot } from '../harness/test-bot';

const T0 = '2026-11-24T08:00:00Z';
const channel = (i: number) => `19:burst-${i}@thread.tacv2`;
const CHANNELS = 5;

/**
 * The scheduler loop's pass (`app.pass()`, what production runs every SCHEDULER_INTERVAL_SECONDS)
 * on the real database: when the outbox stops at its bound with messages still due, the next
 * pass is the outbox alone, at once, until it has sent them; every other job runs only when the
 * interval has gone by.
 */
describe('scheduler pass: a burst goes on without the other jobs', () => {
  const clock = new ManualClock(T0);
  let connector: FakeConnector;
  let bot: TestBot;

  const note = (i: number): NewMessage => ({
    id: `burst:${i}`,
    tenantId: TENANT,
    conversationId: channel(i),
    kind: 'reminder.deadline',
    payload: { text: `Påminnelse ${i}` },
    notBefore: clock.now(),
    refs: { forumId: `forum-${i}` },
  });

  beforeAll(async () => {
    connector = await new FakeConnector().start();
    bot = await TestBot.start({
      connector,
      clock,
      manualScheduler: true,
      env: { SCHEDULER_INTERVAL_SECONDS: '30' },
      // One pass per outbox run and two messages a pass: a burst of five needs several runs.
      deliveryOptions: { random: () => 0.5, batchSize: 2, drainPasses: 1 },
    });
    // The bot learns each channel (and its reference) when it is spoken to there.
    for (let i = 0; i < CHANNELS; i++)
      await bot.send(message('hjälp', { kind: 'channel', conversationId: channel(i) }));
    connector.clear();
  });
  afterAll(async () => {
    await bot.stop();
  });

  it('runs the outbox alone, at once, while it stops with messages due; the rest after the interval', async () => {
    await bot.app.delivery.enqueueMany(Array.from({ length: CHANNELS }, (_, i) => note(i)));

    const first = await bot.app.pass();
    expect(first.full).toBe(true);
    expect(first).toHaveProperty('reminders'); // every job ran
    expect(first.delivery.sent).toBe(2);
    expect(first.again).toBe(true); // stopped at its one pass with three more due

    const passes = [first];
    // A second between passes (the tenant's rate window moves on), far less than the interval.
    while (passes.at(-1)!.again && passes.length < 10) {
      clock.advance(1_000);
      passes.push(await bot.app.pass());
    }
    const later = passes.slice(1);
    // 30 s have not gone by: only the outbox ran, until nothing was left.
    expect(later.map((p) => p.full)).toEqual(later.map(() => false));
    for (const p of later)
      expect(Object.keys(p).sort()).toEqual(['again', 'delivery', 'full', 'ms']);
    // Each pass sent the next ones: the sends recorded beside their messages (not yet folded
    // into them, so still "pending") did not fill a later pass's batch.
    expect(passes.map((p) => p.delivery.sent)).toEqual([2, 2, 1]);
    expect(passes.at(-1)!.again).toBe(false);
    const reached = new Set(connector.sent.map((a) => a.conversationId));
    expect([...Array(CHANNELS).keys()].every((i) => reached.has(channel(i)))).toBe(true);
    expect(connector.sent).toHaveLength(CHANNELS);

    // Nothing due, the interval not over: the outbox alone, and it says there is no more.
    const idle = await bot.app.pass();
    expect(idle).toMatchObject({ full: false, again: false, delivery: { claimed: 0 } });
    clock.advance(30_000);
    expect((await bot.app.pass()).full).toBe(true);
  });

  it('drains a burst of several full batches in one run', async () => {
    // Without a tenant budget (time then does not matter) and at most two messages a batch.
    const other = await TestBot.start({
      clock,
      deliveryOptions: {
        random: () => 0.5,
        batchSize: 2,
        rateLimits: { perConversation: [], perTenant: [] },
      },
    });
    try {
      for (let i = 0; i < CHANNELS; i++)
        await other.send(message('hjälp', { kind: 'channel', conversationId: channel(i) }));
      other.connector.clear();
      const ids = Array.from({ length: CHANNELS }, (_, i) => `read-ahead:${i}`);
      await other.app.delivery.enqueueMany(ids.map((id, i) => ({ ...note(i), id })));
      // One run: batches of 2, 2 and 1, read one after the other as the pass goes (a read
      // filled up with the last batch's sends, recorded beside messages that still say
      // pending, would find nothing, which ends the run early).
      const stats = await other.app.delivery.drainDue();
      expect(stats).toMatchObject({ claimed: CHANNELS, sent: CHANNELS, throttled: 0 });
      expect(other.app.delivery.hasMore()).toBe(false);
      const sentTo = other.connector.sent.map((a) => a.conversationId).sort();
      expect(sentTo).toEqual([...Array(CHANNELS).keys()].map(channel).sort());
    } finally {
      await other.stop();
    }
  });
});
