import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from 'mongodb';
import { MongoDeliveryRepository } from '../../../src/capabilities/delivery/delivery.repository';
import type { OutboxMessage } from '../../../src/capabilities/delivery/delivery.service';
import { openTestDb } from '../../harness/test-db';
import { TENANT } from './fakes';

const T0 = new Date('2026-11-24T08:00:00Z');

const message = (id: string): OutboxMessage => ({
  id,
  tenantId: TENANT,
  conversationId: `19:${id}@thread.tacv2`,
  kind: 'reminder.meeting',
  payload: { text: id },
  notBefore: T0,
  status: 'pending',
  attempts: 0,
  claimSeq: 0,
  nextAttemptAt: T0,
  createdAt: T0,
  updatedAt: T0,
});

/** The outbox's bulk operations on the real database: one round trip each, duplicates = someone else's. */
describe('outbox bulk operations on the database', () => {
  let db: Db;
  let close: () => Promise<void>;
  let repo: MongoDeliveryRepository;

  beforeAll(async () => {
    ({ db, close } = await openTestDb('outboxbulk'));
    repo = new MongoDeliveryRepository(db);
    await repo.init();
    for (const id of ['a', 'b', 'c']) await repo.insert(message(id));
  });
  afterAll(() => close());

  it('claims many at once and reports which were taken before', async () => {
    const claim = (id: string) => ({
      id: `${id}#0`,
      itemId: id,
      owner: 'x',
      at: T0,
      leaseUntil: new Date(T0.getTime() + 60_000),
    });
    expect(await repo.insertClaims([claim('a'), claim('b')])).toEqual(new Set(['a#0', 'b#0']));
    expect(await repo.insertClaims([claim('a'), claim('b'), claim('c')])).toEqual(new Set(['c#0']));
    expect((await repo.getClaims(['a#0', 'zz#0'])).map((c) => c.itemId)).toEqual(['a']);
    await repo.deleteClaimIds(['c#0']);
    expect(await db.collection('outboxClaims').countDocuments({})).toBe(2);
  });

  it('reads states by id, records sends in bulk and removes their claims', async () => {
    const states = await repo.states(['a', 'b', 'nope']);
    expect(states.map((s) => [s.id, s.status, s.claimSeq]).sort()).toEqual([
      ['a', 'pending', 0],
      ['b', 'pending', 0],
    ]);
    const at = new Date(T0.getTime() + 1_000);
    await repo.markSent(
      [
        { id: 'a', tenantId: TENANT, seq: 0, attempts: 1, activityId: 'act-a' },
        { id: 'b', tenantId: TENANT, seq: 1, attempts: 2 },
      ],
      at,
    );
    await repo.deleteClaimsOf(['a', 'b']);
    expect(await repo.get('a')).toMatchObject({
      status: 'sent',
      attempts: 1,
      claimSeq: 1,
      sentAt: at,
      activityId: 'act-a',
    });
    expect(await repo.get('b')).toMatchObject({ status: 'sent', attempts: 2, claimSeq: 2 });
    expect(await repo.get('c')).toMatchObject({ status: 'pending', attempts: 0, claimSeq: 0 });
    expect(await db.collection('outboxClaims').countDocuments({})).toBe(0);
    // Recorded beside the messages (one insert), which say pending until folded: every read
    // of their state counts the record.
    expect(await db.collection('outbox').countDocuments({ status: 'sent' })).toBe(0);
    expect((await repo.states(['a', 'b', 'c'])).map((s) => [s.id, s.status]).sort()).toEqual([
      ['a', 'sent'],
      ['b', 'sent'],
      ['c', 'pending'],
    ]);
    expect((await repo.findDue(at, 10)).map((m) => m.id)).toEqual(['c']);
    // A batch of one is not filled up by the two sends beside still-pending messages.
    expect((await repo.findDue(at, 1)).map((m) => m.id)).toEqual(['c']);
    // A pass's next read leaves out the messages it already has.
    expect(await repo.findDue(at, 10, new Set(['c']))).toEqual([]);
    expect(await repo.countByStatus(TENANT)).toMatchObject({ pending: 1, sent: 2 });
    // A send recorded twice (a retried write) is one.
    await repo.markSent([{ id: 'a', tenantId: TENANT, seq: 0, attempts: 1 }], at);
    expect(await db.collection('outboxSent').countDocuments({})).toBe(2);
  });

  it('folds the recorded sends into their messages, a bounded number at a time, idempotently', async () => {
    expect(await repo.foldSent(1)).toBe(1);
    expect(await db.collection('outboxSent').countDocuments({})).toBe(1);
    expect(await repo.foldSent(10)).toBe(1);
    expect(await repo.foldSent(10)).toBe(0);
    const docs = await db
      .collection('outbox')
      .find({}, { projection: { status: 1, attempts: 1, claimSeq: 1, activityId: 1 } })
      .sort({ _id: 1 })
      .toArray();
    expect(docs).toEqual([
      { _id: 'a', status: 'sent', attempts: 1, claimSeq: 1, activityId: 'act-a' },
      { _id: 'b', status: 'sent', attempts: 2, claimSeq: 2, activityId: '' },
      { _id: 'c', status: 'pending', attempts: 0, claimSeq: 0 },
    ]);
    expect(await repo.countByStatus(TENANT)).toMatchObject({ pending: 1, sent: 2 });
    const a = await repo.get('a');
    expect(a?.status).toBe('sent');
    expect(a?.sentAt).toEqual(new Date(T0.getTime() + 1_000));
  });

  it('enqueues many in one insert: the ids already there are reported as not inserted', async () => {
    const created = await repo.insertMany([message('c'), message('d'), message('e')]);
    expect(created).toEqual(new Set(['d', 'e']));
    expect(await repo.get('d')).toMatchObject({ status: 'pending', payload: { text: 'd' } });
  });

  it('takes rate-limit markers in one insert; a taken one is reported as not taken', async () => {
    const marker = (id: string) => ({ id, window: 'w', expiresAt: T0 });
    expect(await repo.takeSlots([marker('s1'), marker('s2')])).toEqual(new Set(['s1', 's2']));
    expect(await repo.takeSlots([marker('s2'), marker('s3')])).toEqual(new Set(['s3']));
  });
});
