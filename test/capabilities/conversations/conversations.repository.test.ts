import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from 'mongodb';
import type { ConversationType } from '../../../src/core/capability';
import { MongoConversationsRepository } from '../../../src/capabilities/conversations/conversations.repository';
import type { ConversationRecord } from '../../../src/capabilities/conversations/conversations.service';
import { openTestDb } from '../../harness/test-db';

const T = 'tenant-1';
const ANNA = 'aaaaaaaa-0000-4000-8000-00000000000a';
const at = (minute: number) => new Date(Date.UTC(2026, 10, 24, 8, minute));

const record = (
  id: string,
  over: Partial<ConversationRecord> & { user?: string; type?: ConversationType } = {},
): ConversationRecord => {
  const { user, ...rest } = over;
  return {
    id,
    tenantId: T,
    type: 'personal',
    reference: {
      channelId: 'msteams',
      conversation: { id, tenantId: T },
      bot: { id: '28:bot' },
      user: { id: '29:user', aadObjectId: user ?? ANNA },
    },
    serviceUrl: 'https://smba.trafficmanager.net/emea/',
    firstSeenAt: at(0),
    lastSeenAt: at(0),
    ...rest,
  };
};

describe('MongoConversationsRepository on the database', () => {
  let db: Db;
  let close: () => Promise<void>;
  let repo: MongoConversationsRepository;

  beforeAll(async () => {
    ({ db, close } = await openTestDb('conv'));
    repo = new MongoConversationsRepository(db);
    await repo.init();
  });
  afterAll(async () => {
    await close();
  });

  it('saves a conversation and reads it back as saved (dates as Dates)', async () => {
    const r = record('a:1', { type: 'groupChat', lastSeenAt: at(5) });
    await repo.save(r);
    expect(await repo.find('a:1')).toEqual(r);
    expect(await repo.find('a:unknown')).toBeNull();
  });

  it('replaces the stored reference on a later save', async () => {
    await repo.save(record('a:2'));
    const moved = record('a:2', { serviceUrl: 'https://smba.example/amer/', lastSeenAt: at(9) });
    await repo.save(moved);
    expect(await repo.find('a:2')).toEqual(moved);
    expect(await db.collection('conversations').countDocuments({ _id: 'a:2' as never })).toBe(1);
  });

  it('inserts a conversation said to be new, and replaces it when it was there after all', async () => {
    const first = record('a:3', { lastSeenAt: at(1) });
    await repo.save(first, true);
    expect(await repo.find('a:3')).toEqual(first);
    // Another request saved it between this one's read and its write.
    const later = record('a:3', { serviceUrl: 'https://smba.example/emea/', lastSeenAt: at(2) });
    await repo.save(later, true);
    expect(await repo.find('a:3')).toEqual(later);
    expect(await db.collection('conversations').countDocuments({ _id: 'a:3' as never })).toBe(1);
  });

  it('ends with one document and no error when 20 saves of a new conversation race', async () => {
    const saves = Array.from({ length: 20 }, (_, i) =>
      record('a:race', { lastSeenAt: at(i), serviceUrl: `https://smba.example/${i}/` }),
    );
    const results = await Promise.allSettled(saves.map((r, i) => repo.save(r, i % 2 === 0)));
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    expect(await db.collection('conversations').countDocuments({ _id: 'a:race' as never })).toBe(1);
    // Whichever save came last: one of the 20, whole.
    expect(saves).toContainEqual(await repo.find('a:race'));
  });

  it('finds the personal chat of a user: any case of the id, newest first, own tenant only', async () => {
    const user = 'bbbbbbbb-0000-4000-8000-00000000000b';
    await repo.save(record('p:old', { user, lastSeenAt: at(1) }));
    await repo.save(record('p:new', { user: user.toUpperCase(), lastSeenAt: at(2) }));
    await repo.save(record('g:chat', { user, type: 'groupChat', lastSeenAt: at(3) }));
    await repo.save(record('p:other-tenant', { user, tenantId: 'tenant-2', lastSeenAt: at(4) }));
    expect((await repo.personalConversationOf(T, user))?.id).toBe('p:new');
    expect((await repo.personalConversationOf('tenant-2', user))?.id).toBe('p:other-tenant');
    expect(await repo.personalConversationOf(T, 'cccccccc-0000-4000-8000-00000000000c')).toBeNull();
  });

  it('introduces a conversation once, even when asked at once from many places', async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, () => repo.markIntroduced('i:1', at(0))),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await repo.markIntroduced('i:1', at(1))).toBe(false);
  });

  it('keeps a deferred introduction pending until it is made', async () => {
    expect(await repo.isIntroductionPending('i:2')).toBe(false);
    await repo.markIntroductionDeferred('i:2', at(0));
    await repo.markIntroductionDeferred('i:2', at(1)); // idempotent
    expect(await repo.isIntroductionPending('i:2')).toBe(true);
    expect(await repo.markIntroduced('i:2', at(2))).toBe(true);
    expect(await repo.isIntroductionPending('i:2')).toBe(false);
    // Introduced without being deferred first: nothing is pending either.
    await repo.markIntroduced('i:3', at(0));
    expect(await repo.isIntroductionPending('i:3')).toBe(false);
  });
});
