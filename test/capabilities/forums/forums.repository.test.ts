import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from 'mongodb';
import { ManualClock } from '../../../src/core/clock';
import { MongoJournal } from '../../../src/infra/db/journal';
import { MongoForumsRepository } from '../../../src/capabilities/forums/forums.repository';
import type { Forum } from '../../../src/capabilities/forums/forums.types';
import { openTestDb } from '../../harness/test-db';
import { ADMIN, T, forumInput } from './world';

const AT = new Date('2026-11-24T08:00:00Z');
const forum = (over: Partial<Forum> = {}): Forum => ({
  ...forumInput(),
  tenantId: T,
  createdAt: AT,
  updatedAt: AT,
  createdBy: ADMIN,
  ...over,
});
const binding = (conversationId: string, status: 'active' | 'broken' = 'active') => ({
  conversationId,
  conversationType: 'channel' as const,
  boundAt: AT,
  boundBy: ADMIN,
  status,
});

/** Forums written through the journal (as the service writes them) and read back. */
describe('MongoForumsRepository on the database', () => {
  let db: Db;
  let close: () => Promise<void>;
  let journal: MongoJournal;
  let repo: MongoForumsRepository;
  let n = 0;

  beforeAll(async () => {
    ({ db, close } = await openTestDb('forumsrepo'));
    journal = new MongoJournal(db, new ManualClock(AT), () => []);
    await journal.init();
    repo = new MongoForumsRepository(db);
    await repo.init();
  });
  afterAll(async () => {
    await close();
  });

  const insert = (f: Forum) =>
    journal.commit({ id: `t.ins:${++n}`, writes: [repo.insertForumWrite(f)] });
  const replace = (f: Forum) =>
    journal.commit({ id: `t.rep:${++n}`, writes: [repo.forumWrite(f)] });

  it('reads a forum back exactly as written, without the storage’s own fields', async () => {
    const fossam = forum({ binding: binding('19:a') });
    expect((await insert(fossam)).committed).toBe(true);
    const read = await repo.getForum(T, 'fossam');
    expect(read).toEqual(fossam);
    expect(read).not.toHaveProperty('_id');
    expect(read).not.toHaveProperty('journalId');
    expect(read?.binding?.boundAt).toBeInstanceOf(Date);
    // Stored under the tenant's key, with the journal's marker.
    const doc = await db.collection('forums').findOne({ _id: `${T}:fossam` as never });
    expect(doc?.journalId).toMatch(/^t\.ins:/);
    expect(await repo.getForum(T, 'nosuch')).toBeNull();
    expect(await repo.getForum('tenant-2', 'fossam')).toBeNull();
  });

  it('makes a second forum with the same id in a tenant a conflict, in another tenant not', async () => {
    expect(await insert(forum({ name: 'Impostor' }))).toEqual({
      committed: false,
      reason: 'conflict',
    });
    expect((await repo.getForum(T, 'fossam'))?.name).toBe('Fossam');
    expect((await insert(forum({ tenantId: 'tenant-2', name: 'Fossam 2' }))).committed).toBe(true);
    expect((await repo.getForum('tenant-2', 'fossam'))?.name).toBe('Fossam 2');
  });

  it('replaces a forum whole, dropping what the new version does not have', async () => {
    const edited = forum({ name: 'Fossam Norr', place: undefined, binding: undefined });
    delete edited.place;
    delete edited.binding;
    await replace(edited);
    const read = await repo.getForum(T, 'fossam');
    expect(read).toEqual(edited);
    expect(read).not.toHaveProperty('journalAt');
  });

  it('lists a tenant’s forums by name, or every tenant’s', async () => {
    await insert(forum({ id: 'ksam', name: 'Ksam', code: 'KS' }));
    await insert(forum({ id: 'bosam', name: 'Bosam', code: 'BOS' }));
    expect((await repo.listForums(T)).map((f) => f.id)).toEqual(['bosam', 'fossam', 'ksam']);
    expect((await repo.listForums('tenant-2')).map((f) => f.name)).toEqual(['Fossam 2']);
    expect((await repo.listForums()).map((f) => `${f.tenantId}/${f.id}`)).toEqual([
      'tenant-1/bosam',
      'tenant-2/fossam',
      'tenant-1/fossam',
      'tenant-1/ksam',
    ]);
    expect(await repo.listForums('tenant-3')).toEqual([]);
  });

  it('finds the forums bound to a conversation, active or broken, in any tenant', async () => {
    await replace(forum({ id: 'ksam', name: 'Ksam', code: 'KS', binding: binding('19:b') }));
    await replace(
      forum({ id: 'bosam', name: 'Bosam', code: 'BOS', binding: binding('19:b', 'broken') }),
    );
    await replace(forum({ tenantId: 'tenant-2', name: 'Fossam 2', binding: binding('19:b') }));
    expect((await repo.forumsBoundTo('19:b')).map((f) => `${f.tenantId}/${f.id}`).sort()).toEqual([
      'tenant-1/bosam',
      'tenant-1/ksam',
      'tenant-2/fossam',
    ]);
    expect(await repo.forumsBoundTo('19:none')).toEqual([]);
  });
});
