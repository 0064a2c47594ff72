import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from 'mongodb';
import { ManualClock } from '../../../src/core/clock';
import type { EventType } from '../../../src/core/events';
import { MongoEventStore } from '../../../src/infra/db/events.repository';
import { EVENT_DELIVERIES, MongoJournal } from '../../../src/infra/db/journal';
import { openTestDb } from '../../harness/test-db';

const T = 'tenant-1';
const SUBSCRIBERS: Partial<Record<EventType, string[]>> = {
  'forum.saved': ['meetings.materialize', 'cases.watch'],
  'conversation.gone': ['forums.breakBindings'],
};

/** Events and their deliveries as the journal writes them, read through the event store. */
describe('MongoEventStore on the database', () => {
  let db: Db;
  let close: () => Promise<void>;
  let clock: ManualClock;
  let journal: MongoJournal;
  let store: MongoEventStore;

  beforeAll(async () => {
    ({ db, close } = await openTestDb('events'));
    clock = new ManualClock('2026-11-24T08:00:00Z');
    journal = new MongoJournal(db, clock, (type) => SUBSCRIBERS[type] ?? []);
    await journal.init();
    store = new MongoEventStore(db);
    await store.init();
  });
  afterAll(async () => {
    await close();
  });

  const record = async (unitId: string, forumId: string) => {
    const outcome = await journal.commit({
      id: unitId,
      writes: [],
      events: [{ type: 'forum.saved', tenantId: T, data: { forumId } }],
    });
    if (!outcome.committed) throw new Error('not committed');
    return outcome.events;
  };

  it('reads an event back as recorded, with its time as a Date', async () => {
    const [event] = await record('test.a', 'fossam');
    expect(await store.getEvent('test.a:e0')).toEqual(event);
    expect((await store.getEvent('test.a:e0'))?.at).toBeInstanceOf(Date);
    expect(await store.getEvent('test.nothing:e0')).toBeNull();
  });

  it('lists the pending deliveries of given events, one per subscriber', async () => {
    await record('test.b', 'bosam');
    const deliveries = await store.deliveriesOf(['test.b:e0', 'test.unknown:e0']);
    expect(deliveries.map((d) => d.id).sort()).toEqual([
      'cases.watch|test.b:e0',
      'meetings.materialize|test.b:e0',
    ]);
    expect(deliveries[0]).toMatchObject({
      eventId: 'test.b:e0',
      type: 'forum.saved',
      attempts: 0,
      claimSeq: 0,
      nextAttemptAt: clock.now(),
    });
    expect(await store.deliveriesOf([])).toEqual([]);
  });

  it('lists what is due, earliest first and at most `limit`; not what is due later', async () => {
    clock.advance(60_000);
    await record('test.c', 'csam');
    const c = clock.now();
    await store.failed('cases.watch|test.c:e0', {
      attempts: 1,
      claimSeq: 1,
      nextAttemptAt: new Date(c.getTime() + 60_000),
      failed: false,
    });
    const due = await store.due(c, 100);
    // Recorded at 08:00 (test.a, test.b; in any order among themselves), then at 08:01.
    expect(due).toHaveLength(5);
    expect(
      due
        .slice(0, 4)
        .map((d) => d.id)
        .sort(),
    ).toEqual([
      'cases.watch|test.a:e0',
      'cases.watch|test.b:e0',
      'meetings.materialize|test.a:e0',
      'meetings.materialize|test.b:e0',
    ]);
    expect(due[4]?.id).toBe('meetings.materialize|test.c:e0');
    expect(due.map((d) => +d.nextAttemptAt)).toEqual(
      due.map((d) => +d.nextAttemptAt).sort((a, b) => a - b),
    );
    expect(await store.due(c, 2)).toHaveLength(2);
    // The retried one is due a minute later, with its attempt counted.
    const retried = (await store.due(new Date(c.getTime() + 60_000), 100)).find(
      (d) => d.id === 'cases.watch|test.c:e0',
    );
    expect(retried).toMatchObject({ attempts: 1, claimSeq: 1 });
  });

  it('drops a handled delivery and its claims; keeps a failed one out of the due list', async () => {
    const id = 'meetings.materialize|test.a:e0';
    const now = clock.now();
    expect(
      await store.insertClaim({
        id: `${id}#0`,
        itemId: id,
        owner: 'w1',
        at: now,
        leaseUntil: new Date(now.getTime() + 30_000),
      }),
    ).toBe(true);
    expect(await store.getClaim(`${id}#0`)).toMatchObject({ owner: 'w1' });
    await store.done(id);
    expect(await store.getDelivery(id)).toBeNull();
    expect(await store.getClaim(`${id}#0`)).toBeNull();
    expect(await db.collection('eventClaims').countDocuments()).toBe(0);

    const failing = 'cases.watch|test.a:e0';
    expect(await store.getDelivery(failing)).toMatchObject({ id: failing, attempts: 0 });
    await store.failed(failing, { attempts: 5, claimSeq: 5, nextAttemptAt: now, failed: true });
    expect(await store.getDelivery(failing)).toBeNull();
    expect((await store.due(now, 100)).map((d) => d.id)).not.toContain(failing);
    // Kept for the admins, not deleted.
    expect(await db.collection(EVENT_DELIVERIES).findOne({ _id: failing as never })).toMatchObject({
      status: 'failed',
      attempts: 5,
    });
  });
});
