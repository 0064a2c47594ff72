import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from 'mongodb';
import type { AuditEntry } from '../../../src/core/audit';
import { AUDIT } from '../../../src/infra/db/journal';
import { MongoAuditLog } from '../../../src/infra/db/audit.repository';
import { openTestDb } from '../../harness/test-db';

const entry = (tenantId: string, minute: number, action = 'role.grant'): AuditEntry => ({
  at: new Date(Date.UTC(2026, 10, 24, 8, minute)),
  tenantId,
  actorId: 'admin-1',
  action,
  target: `user-${minute}`,
  detail: { role: 'chair', count: minute, first: minute === 0 },
});

describe('MongoAuditLog on the database', () => {
  let db: Db;
  let close: () => Promise<void>;
  let log: MongoAuditLog;

  beforeAll(async () => {
    ({ db, close } = await openTestDb('audit'));
    log = new MongoAuditLog(db);
    await log.init();
  });
  afterAll(async () => {
    await close();
  });

  it('records entries and lists one tenant’s, newest first, without _id', async () => {
    for (const minute of [3, 0, 7, 5]) await log.record(entry('t1', minute));
    await log.record(entry('t2', 9));
    const listed = await log.list('t1');
    expect(listed).toEqual([7, 5, 3, 0].map((m) => entry('t1', m)));
    expect(listed[0]?.at).toBeInstanceOf(Date);
    expect(await log.list('t1', 2)).toEqual([entry('t1', 7), entry('t1', 5)]);
    expect(await log.list('t3')).toEqual([]);
  });

  it('never changes the entry it was given, and records the same entry twice as two', async () => {
    const e = entry('t4', 1, 'forum.create');
    const copy = structuredClone(e);
    await log.record(e);
    await log.record(e);
    expect(e).toEqual(copy);
    expect(await db.collection(AUDIT).countDocuments({ tenantId: 't4' })).toBe(2);
  });
});

describe('MongoAuditLog.query on the database', () => {
  let db: Db;
  let close: () => Promise<void>;
  let log: MongoAuditLog;

  beforeAll(async () => {
    ({ db, close } = await openTestDb('auditq'));
    log = new MongoAuditLog(db);
    await log.init();
    for (const minute of [1, 2, 3, 4]) await log.record(entry('q1', minute));
    await log.record({ ...entry('q1', 5, 'forum.create'), actorId: 'admin-2', target: 'fossam' });
    await log.record(entry('q2', 6));
  });
  afterAll(async () => {
    await close();
  });

  const minutes = (es: AuditEntry[]) => es.map((e) => e.at.getUTCMinutes());

  it('filters by tenant, actor, target and period in the database, newest first, limited', async () => {
    expect(minutes(await log.query({ tenantId: 'q1', limit: 50 }))).toEqual([5, 4, 3, 2, 1]);
    expect(minutes(await log.query({ tenantId: 'q1', limit: 2 }))).toEqual([5, 4]);
    expect(minutes(await log.query({ tenantId: 'q1', actorId: 'admin-2', limit: 50 }))).toEqual([
      5,
    ]);
    expect(minutes(await log.query({ tenantId: 'q1', target: 'user-3', limit: 50 }))).toEqual([3]);
    expect(
      minutes(
        await log.query({
          tenantId: 'q1',
          from: new Date(Date.UTC(2026, 10, 24, 8, 2)),
          to: new Date(Date.UTC(2026, 10, 24, 8, 4)),
          limit: 50,
        }),
      ),
    ).toEqual([3, 2]);
    expect(await log.query({ tenantId: 'q3', limit: 50 })).toEqual([]);
    const [first] = await log.query({ tenantId: 'q2', limit: 1 });
    expect(first).toEqual(entry('q2', 6));
  });
});
