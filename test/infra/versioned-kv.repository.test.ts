import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from 'mongodb';
import { ManualClock } from '../../src/core/clock';
import { ETagConflictError, VersionedKvStore } from '../../src/infra/db/versioned-kv.repository';
import { MongoTurnStateStorage } from '../../src/bot/turn-state-storage';
import { openTestDb } from '../harness/test-db';

describe('VersionedKvStore on the real database', () => {
  let db: Db;
  let close: () => Promise<void>;
  const clock = new ManualClock('2026-11-24T08:00:00Z');
  let store: VersionedKvStore;

  beforeAll(async () => {
    ({ db, close } = await openTestDb('kv'));
    store = new VersionedKvStore(db, clock);
    await store.init();
  });
  afterAll(() => close());

  it('reads back what was written, with an eTag, whatever its field names', async () => {
    const value = { a: 1, 'dotted.name': 'x', $dollar: { nested: [1, 'två'] } };
    const eTag = await store.write('k1', value);
    const got = await store.read(['k1', 'missing']);
    expect(got.get('k1')).toEqual({ value, eTag });
    expect(got.has('missing')).toBe(false);
  });

  it('refuses a write with a stale eTag and keeps the newer value', async () => {
    const first = await store.write('k2', { v: 'one' });
    await store.write('k2', { v: 'two' }, first);
    await expect(store.write('k2', { v: 'stale' }, first)).rejects.toBeInstanceOf(
      ETagConflictError,
    );
    expect((await store.read(['k2'])).get('k2')?.value).toEqual({ v: 'two' });
  });

  it('lets exactly one of many concurrent writers with the same eTag win', async () => {
    const eTag = await store.write('k3', { n: 0 });
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) => store.write('k3', { n: i + 1 }, eTag)),
    );
    const won = results.filter((r) => r.status === 'fulfilled');
    expect(won).toHaveLength(1);
    expect(
      results
        .filter((r) => r.status === 'rejected')
        .every((r) => r.reason instanceof ETagConflictError),
    ).toBe(true);
  });

  it("treats '*' and a missing eTag as last-writer-wins, and deletes with a tombstone", async () => {
    await store.write('k4', { x: 1 });
    await store.write('k4', { x: 2 }, '*');
    expect((await store.read(['k4'])).get('k4')?.value).toEqual({ x: 2 });
    await store.delete('k4');
    expect((await store.read(['k4'])).has('k4')).toBe(false);
    const afterDelete = await store.write('k4', { x: 3 });
    expect((await store.read(['k4'])).get('k4')).toEqual({ value: { x: 3 }, eTag: afterDelete });
  });

  it('removes old versions only after they are older than the keep window', async () => {
    const col = db.collection('botState');
    await store.write('k5', { i: 1 });
    await store.write('k5', { i: 2 });
    expect(await col.countDocuments({ key: 'k5' })).toBe(2);
    clock.advance(11 * 60_000);
    await store.write('k5', { i: 3 });
    expect(await col.countDocuments({ key: 'k5' })).toBe(1);
  });

  it('serves as a botbuilder Storage that throws on an eTag conflict', async () => {
    const storage = new MongoTurnStateStorage(store);
    await storage.write({ conv: { scratch: 'a' } });
    const read1 = await storage.read(['conv']);
    const read2 = await storage.read(['conv']);
    expect(read1.conv).toMatchObject({ scratch: 'a' });
    await storage.write({ conv: { ...(read1.conv as object), scratch: 'b' } });
    await expect(
      storage.write({ conv: { ...(read2.conv as object), scratch: 'c' } }),
    ).rejects.toBeInstanceOf(ETagConflictError);
    expect((await storage.read(['conv'])).conv).toMatchObject({ scratch: 'b' });
    await storage.delete(['conv']);
    expect(await storage.read(['conv'])).toEqual({});
  });
});
