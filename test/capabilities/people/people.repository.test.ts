import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from 'mongodb';
import { MongoPeopleRepository } from '../../../src/capabilities/people/people.repository';
import type { Membership, UserRecord } from '../../../src/capabilities/people/people.service';
import { openTestDb } from '../../harness/test-db';

const at = (minute: number) => new Date(Date.UTC(2026, 10, 24, 8, minute));
const user = (tenantId: string, oid: string, displayName: string, over: Partial<UserRecord> = {}) =>
  ({
    tenantId,
    aadObjectId: oid,
    displayName,
    firstSeenAt: at(0),
    lastSeenAt: at(0),
    ...over,
  }) satisfies UserRecord;

describe('MongoPeopleRepository on the database', () => {
  let db: Db;
  let close: () => Promise<void>;
  let repo: MongoPeopleRepository;

  beforeAll(async () => {
    ({ db, close } = await openTestDb('people'));
    repo = new MongoPeopleRepository(db);
    await repo.init();
  });
  afterAll(async () => {
    await close();
  });

  it('inserts a user once: a second (or concurrent) insert keeps the first', async () => {
    const first = user('t1', 'u1', 'Anna', { locale: 'sv' });
    await Promise.all([
      repo.insertUser(first),
      repo.insertUser(user('t1', 'u1', 'Anna again')),
      repo.insertUser(user('t1', 'u1', 'Anna once more')),
    ]);
    await repo.insertUser(user('t1', 'u1', 'Someone else'));
    expect(await db.collection('users').countDocuments({ tenantId: 't1' })).toBe(1);
    const stored = await repo.findUser('t1', 'u1');
    expect(stored?.firstSeenAt).toBeInstanceOf(Date);
    // One of the racing inserts won; the later one changed nothing.
    expect(['Anna', 'Anna again', 'Anna once more']).toContain(stored?.displayName);
    expect(await repo.findUser('t1', 'nobody')).toBeNull();
    expect(await repo.findUser('t2', 'u1')).toBeNull();
  });

  it('updates the profile and the last-seen time, nothing else', async () => {
    await repo.insertUser(user('t1', 'u2', 'Bo'));
    await repo.updateProfile('t1', 'u2', { displayName: 'Bo B', locale: 'en' }, at(30));
    expect(await repo.findUser('t1', 'u2')).toEqual(
      user('t1', 'u2', 'Bo B', { locale: 'en', lastSeenAt: at(30) }),
    );
    await repo.updateProfile('t1', 'u2', { locale: 'sv' }, at(31));
    expect(await repo.findUser('t1', 'u2')).toMatchObject({ displayName: 'Bo B', locale: 'sv' });
    // An unknown user is not created by a profile update.
    await repo.updateProfile('t1', 'ghost', { displayName: 'Ghost' }, at(32));
    expect(await repo.findUser('t1', 'ghost')).toBeNull();
  });

  it('reads only a valid language back', async () => {
    await db
      .collection('users')
      .insertOne({ ...user('t1', 'u3', 'Cia'), _id: 't1:u3' as never, locale: 'de' });
    expect(await repo.findUser('t1', 'u3')).toEqual(user('t1', 'u3', 'Cia'));
  });

  it('lists a tenant’s users by name, up to the limit', async () => {
    for (const [oid, name] of [
      ['x3', 'Cecilia'],
      ['x1', 'Adam'],
      ['x4', 'David'],
      ['x2', 'Britt'],
    ] as const)
      await repo.insertUser(user('t-list', oid, name));
    await repo.insertUser(user('t-other', 'y1', 'Aaron'));
    expect((await repo.listUsers('t-list', 10)).map((u) => u.displayName)).toEqual([
      'Adam',
      'Britt',
      'Cecilia',
      'David',
    ]);
    expect((await repo.listUsers('t-list', 2)).map((u) => u.aadObjectId)).toEqual(['x1', 'x2']);
    expect(await repo.listUsers('t-none', 10)).toEqual([]);
  });

  it('grants a membership once (even when granted at once), lists and revokes it', async () => {
    const chair: Membership = { aadObjectId: 'u1', kind: 'role', value: 'chair' };
    const school: Membership = { aadObjectId: 'u1', kind: 'organisation', value: 'school' };
    const other: Membership = { aadObjectId: 'u2', kind: 'role', value: 'admin' };
    const granted = await Promise.all(
      Array.from({ length: 6 }, () => repo.addMembership('t1', chair, 'admin-1', at(1))),
    );
    expect(granted.filter(Boolean)).toHaveLength(1);
    expect(await repo.addMembership('t1', school, 'admin-1', at(2))).toBe(true);
    expect(await repo.addMembership('t1', other, 'admin-1', at(3))).toBe(true);
    expect(await repo.addMembership('t2', chair, 'admin-2', at(3))).toBe(true);

    const sort = (ms: Membership[]) =>
      [...ms].sort((a, b) =>
        `${a.aadObjectId}${a.value}`.localeCompare(`${b.aadObjectId}${b.value}`),
      );
    expect(sort(await repo.memberships('t1', 'u1'))).toEqual([chair, school]);
    expect(sort(await repo.memberships('t1'))).toEqual([chair, school, other]);
    expect(await repo.memberships('t2')).toEqual([chair]);
    expect(
      await db.collection('memberships').findOne({ _id: 't1:u1:role:chair' as never }),
    ).toEqual({
      _id: 't1:u1:role:chair',
      tenantId: 't1',
      ...chair,
      grantedBy: 'admin-1',
      grantedAt: at(1),
    });

    expect(await repo.removeMembership('t1', chair)).toBe(true);
    expect(await repo.removeMembership('t1', chair)).toBe(false);
    expect(await repo.memberships('t1', 'u1')).toEqual([school]);
    expect(await repo.memberships('t2', 'u1')).toEqual([chair]);
  });

  it('access stamps: concurrent first stamps and concurrent grants race to one settled stamp', async () => {
    // A user's first stamp is a unique insert: of three at once, one wins.
    const first = await Promise.all([1, 2, 3].map(() => repo.createStamp('t3', 'u3')));
    expect(first.filter((s) => s !== null)).toHaveLength(1);
    const created = first.find((s) => s !== null)!;
    expect(await repo.accessStamp('t3', 'u3')).toEqual(created);
    // Grants to a user with no stamp yet race on its creation (upserts): a duplicate key is
    // someone else's, every grant lands, and the stamp ends settled and fresh.
    const roles = ['chair', 'staff', 'manager', 'admin'];
    const granted = await Promise.all(
      roles.map((value) =>
        repo.addMembership('t3', { aadObjectId: 'u4', kind: 'role', value }, 'admin-1', at(1)),
      ),
    );
    expect(granted).toEqual([true, true, true, true]);
    expect((await repo.memberships('t3', 'u4')).map((m) => m.value).sort()).toEqual(
      [...roles].sort(),
    );
    const settled = await repo.accessStamp('t3', 'u4');
    expect(settled?.changing).toBe(false);
    await repo.removeMembership('t3', { aadObjectId: 'u4', kind: 'role', value: 'chair' });
    const after = await repo.accessStamp('t3', 'u4');
    expect(after?.changing).toBe(false);
    expect(after?.v).not.toBe(settled?.v);
  });
});
