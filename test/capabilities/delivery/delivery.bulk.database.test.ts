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
        { id: 'a', seq: 0, attempts: 1, activityId: 'act-a' },
        { id: 'b', seq: 1, attempts: 2 },
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
  });

  it('takes rate-limit markers in one insert; a taken one is reported as not taken', async () => {
    const marker = (id: string) => ({ id, window: 'w', expiresAt: T0 });
    expect(await repo.takeSlots([marker('s1'), marker('s2')])).toEqual(new Set(['s1', 's2']));
    expect(await repo.takeSlots([marker('s2'), marker('s3')])).toEqual(new Set(['s3']));
  });
});
