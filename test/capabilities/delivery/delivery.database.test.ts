import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { MongoClient, type Db } from 'mongodb';
import { ManualClock, type Clock } from '../../../src/core/clock';
import { createTeamsAdapter } from '../../../src/bot/bot';
import { createProactiveSender } from '../../../src/bot/proactive-sender';
import { MongoJournal } from '../../../src/infra/db/journal';
import { goneRecorder } from '../../../src/capabilities/delivery';
import { MongoDeliveryRepository } from '../../../src/capabilities/delivery/delivery.repository';
import type { NewMessage } from '../../../src/capabilities/delivery/delivery.service';
import { DeliveryService } from '../../../src/capabilities/delivery/delivery.service';
import { FakeConnector } from '../../harness/fake-connector';
import { uniqueDbName } from '../../harness/test-bot';
import { fakeAudit } from '../people/fakes';
import { TENANT, actor, silentLog } from './fakes';

const T0 = '2026-11-24T08:00:00Z';

/**
 * The outbox on the real database, as two bot processes would use it: two MongoClients, two
 * adapters, one FakeConnector playing the Bot Connector.
 */
describe('delivery on the database', () => {
  let connector: FakeConnector;
  const clients: MongoClient[] = [];
  let dbName: string;

  const open = async (): Promise<Db> => {
    const client = new MongoClient(inject('mongoUri'));
    await client.connect();
    clients.push(client);
    return client.db(dbName);
  };

  const conversations = {
    find: (id: string) =>
      Promise.resolve({
        reference: {
          channelId: 'msteams',
          serviceUrl: connector.url,
          conversation: { id, tenantId: TENANT },
          bot: { id: '28:bot' },
          user: { id: '29:user' },
        },
      }),
  };

  const instance = async (
    clock: Clock,
    seed: number,
    sendTimes?: number[],
    o: { batchSize?: number; reads?: number[] } = {},
  ) => {
    const db = await open();
    const repo = new MongoDeliveryRepository(db);
    await repo.init();
    // Counts the due reads (how many messages each left out) when asked to.
    if (o.reads) {
      const findDue = repo.findDue.bind(repo);
      repo.findDue = (now, limit, exclude) => (
        o.reads!.push(exclude?.size ?? 0),
        findDue(now, limit, exclude)
      );
    }
    const adapter = createTeamsAdapter({ appType: 'MultiTenant' } as never);
    const sender = createProactiveSender({
      adapter,
      botAppId: '',
      clock,
      log: silentLog,
      timeoutMs: 5000,
    });
    let s = seed;
    const service = new DeliveryService({
      repo,
      sender: {
        send: (ref, payload) => (sendTimes?.push(clock.now().getTime()), sender.send(ref, payload)),
      },
      conversations,
      audit: fakeAudit(),
      clock,
      log: silentLog,
      recordGone: goneRecorder(repo, new MongoJournal(db, clock, () => [])),
      options: {
        random: () => (s = (s * 9301 + 49297) % 233280) / 233280,
        concurrency: 4,
        ...(o.batchSize !== undefined && { batchSize: o.batchSize }),
      },
    });
    return { repo, service };
  };

  const message = (id: string, o: Partial<NewMessage> = {}): NewMessage => ({
    id,
    tenantId: TENANT,
    conversationId: `19:c${id.length % 20}@thread.tacv2`,
    kind: 'reminder.meeting',
    payload: { text: id },
    notBefore: new Date(T0),
    ...o,
  });

  beforeAll(async () => {
    connector = await new FakeConnector().start();
  });
  afterAll(async () => {
    await clients[0]?.db(dbName).dropDatabase();
    for (const c of clients) await c.close();
    await connector.stop();
  });

  it('creates a message once however often, and from however many instances, it is enqueued', async () => {
    dbName = uniqueDbName('outbox');
    const clock = new ManualClock(T0);
    const [a, b] = [await instance(clock, 1), await instance(clock, 2)];
    const outcomes = await Promise.all(
      Array.from({ length: 6 }, (_, i) => (i % 2 ? a : b).service.enqueue(message('same'))),
    );
    expect(outcomes.filter((o) => o === 'created')).toHaveLength(1);
    const db = clients[0]!.db(dbName);
    expect(await db.collection('outbox').countDocuments({})).toBe(1);
    const doc = await a.repo.get('same');
    expect(doc).toMatchObject({
      status: 'pending',
      attempts: 0,
      claimSeq: 0,
      payload: { text: 'same' },
    });
    expect(doc?.expiresAt).toBeUndefined();
  });

  it('two instances × 200 messages due in the same minute: each sent exactly once, within the rate limits', async () => {
    dbName = uniqueDbName('outbox');
    connector.clear();
    const clock = new ManualClock(T0);
    const sendTimes: number[] = [];
    const a = await instance(clock, 7, sendTimes);
    const b = await instance(clock, 11, sendTimes);
    const ids = Array.from({ length: 200 }, (_, i) => `reminder.meeting:occ-${i}`);
    for (const [i, id] of ids.entries())
      await a.service.enqueue(
        message(id, {
          conversationId: `19:forum-${i % 20}@thread.tacv2`,
          notBefore: new Date(Date.parse(T0) + (i % 60) * 1_000),
        }),
      );
    clock.advance(60_000);
    let rounds = 0;
    while (connector.sent.length < 200 && rounds < 400) {
      await Promise.all([a.service.deliverDue(), b.service.deliverDue()]);
      clock.advance(100);
      rounds++;
    }
    const texts = connector.sent.map((s) => s.activity.text);
    expect(texts).toHaveLength(200);
    expect(new Set(texts).size).toBe(200);
    expect(new Set(texts)).toEqual(new Set(ids));
    expect(await a.repo.countByStatus(TENANT)).toEqual({
      pending: 0,
      sent: 200,
      deadLettered: 0,
      expired: 0,
    });
    // Both instances together stayed inside the tenant budget (≤ 44 in any sliding second).
    const maxPerSecond = Math.max(
      ...sendTimes.map((t) => sendTimes.filter((x) => x >= t && x < t + 1_000).length),
    );
    expect(maxPerSecond).toBeLessThanOrEqual(44);
    // And every claim of a sent message was cleaned up.
    expect(await clients[0]!.db(dbName).collection('outboxClaims').countDocuments({})).toBe(0);
  }, 120_000);

  it('a drain reads batch after batch within one pass, each read leaving out what it has', async () => {
    dbName = uniqueDbName('outbox');
    connector.clear();
    // Time moves by itself from T0, as in production (rate windows need it to).
    const since = Date.now();
    const clock: Clock = { now: () => new Date(Date.parse(T0) + 60_000 + Date.now() - since) };
    const reads: number[] = [];
    const a = await instance(clock, 13, undefined, { batchSize: 4, reads });
    const ids = Array.from({ length: 10 }, (_, i) => `refill:${i}`);
    for (const [i, id] of ids.entries())
      await a.service.enqueue(message(id, { conversationId: `19:refill-${i}@thread.tacv2` }));
    const stats = await a.service.drainDue();
    expect(stats).toMatchObject({ claimed: 10, sent: 10, throttled: 0 });
    expect(a.service.hasMore()).toBe(false);
    // One pass: its first read, then reads that leave out the 4 and then 8 it already had (a
    // pass per batch would have read three times leaving out nothing); then the drain's next
    // pass finds nothing more due.
    expect(reads).toEqual([0, 4, 8, 0]);
    const texts = connector.sent.map((x) => x.activity.text);
    expect(texts).toHaveLength(10);
    expect(new Set(texts)).toEqual(new Set(ids));
    // The burst's sends were folded into their messages once the last batch was done.
    expect(await a.repo.countByStatus(TENANT)).toMatchObject({ pending: 0, sent: 10 });
    expect(await clients[0]!.db(dbName).collection('outboxSent').countDocuments({})).toBe(0);
  });

  it('a drain goes on sending past the call that reached its bound; the next call reports the rest, settle ends it', async () => {
    dbName = uniqueDbName('outbox');
    connector.clear();
    const since = Date.now();
    const clock: Clock = { now: () => new Date(Date.parse(T0) + 60_000 + Date.now() - since) };
    const a = await instance(clock, 17, undefined, { batchSize: 10 });
    const burst = async (prefix: string, n: number) => {
      const ids = Array.from({ length: n }, (_, i) => `${prefix}:${i}`);
      for (const [i, id] of ids.entries())
        await a.service.enqueue(message(id, { conversationId: `19:${prefix}-${i}@thread.tacv2` }));
      return ids;
    };
    const texts = () => connector.sent.map((x) => x.activity.text);

    // 60 messages take more than a second at the tenant's 46 a second: a bound of 300 ms ends
    // the call, not the drain.
    const first = await burst('stream', 60);
    const calls = [await a.service.drainDue(500, 300)];
    expect(calls[0]!.sent).toBeLessThan(60);
    expect(a.service.hasMore()).toBe(true);
    while (a.service.hasMore() && calls.length < 50) calls.push(await a.service.drainDue(500, 300));
    expect(a.service.hasMore()).toBe(false);
    // Every send reported once over the calls, and made once.
    expect(calls.reduce((n, c) => n + c.sent, 0)).toBe(60);
    expect(texts()).toHaveLength(60);
    expect(new Set(texts())).toEqual(new Set(first));

    // Settling (the app stops) plans no more sends: those made are recorded, the rest stays
    // due, and the next drain sends it.
    connector.clear();
    const second = await burst('halt', 60);
    await a.service.drainDue(500, 200);
    await a.service.settle();
    const sentBefore = texts().length;
    expect(sentBefore).toBeGreaterThan(0);
    expect(sentBefore).toBeLessThan(60);
    expect(await a.repo.countByStatus(TENANT)).toMatchObject({
      pending: 60 - sentBefore,
      sent: 60 + sentBefore,
    });
    // Nothing sent after settle returned.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(texts()).toHaveLength(sentBefore);
    while ((await a.service.drainDue(500, 5_000)) && a.service.hasMore());
    expect(texts()).toHaveLength(60);
    expect(new Set(texts())).toEqual(new Set(second));
    expect(await clients[0]!.db(dbName).collection('outboxClaims').countDocuments({})).toBe(0);
  });

  it('a claim whose holder died is taken over once its lease has run out', async () => {
    dbName = uniqueDbName('outbox');
    connector.clear();
    const clock = new ManualClock(T0);
    const a = await instance(clock, 3);
    const b = await instance(clock, 5);
    await a.service.enqueue(message('orphan'));
    // A third instance claimed it and died before sending.
    await a.repo.insertClaim({
      id: 'orphan#0',
      itemId: 'orphan',
      owner: 'dead',
      at: clock.now(),
      leaseUntil: new Date(Date.parse(T0) + 120_000),
    });
    await Promise.all([a.service.deliverDue(), b.service.deliverDue()]);
    expect(connector.sent).toHaveLength(0);
    clock.advance(120_000);
    const stats = await Promise.all([a.service.deliverDue(), b.service.deliverDue()]);
    expect(stats.map((s) => s.sent).sort()).toEqual([0, 1]);
    expect(connector.sent).toHaveLength(1);
    expect(await a.repo.get('orphan')).toMatchObject({ status: 'sent', claimSeq: 2, attempts: 1 });
  });

  it('a reminder whose deadline passed while the bot was down is recorded as expired, never sent', async () => {
    dbName = uniqueDbName('outbox');
    connector.clear();
    const clock = new ManualClock('2026-11-24T10:00:00Z');
    const a = await instance(clock, 1);
    await a.service.enqueue(
      message('late', { expiresAt: new Date('2026-11-24T09:00:00Z'), kind: 'reminder.deadline' }),
    );
    await a.service.enqueue(
      message('still-useful', {
        expiresAt: new Date('2026-11-24T12:00:00Z'),
        kind: 'reminder.deadline',
      }),
    );
    expect(await a.service.deliverDue()).toMatchObject({ expired: 1, sent: 1 });
    expect(connector.sent.map((s) => s.activity.text)).toEqual(['still-useful']);
    expect(await a.repo.get('late')).toMatchObject({ status: 'expired', attempts: 0 });
    const { counts } = await a.service.overview(actor('admin'));
    expect(counts).toEqual({ pending: 0, sent: 1, deadLettered: 0, expired: 1 });
  });
});
