import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from 'mongodb';
import { claimId, takeClaim } from '../../../src/core/claims';
import { MongoClaimStore } from '../../../src/infra/db/claims.repository';
import { openTestDb } from '../../harness/test-db';

const AT = new Date('2026-11-24T08:00:00Z');
const LEASE = 30_000;
const later = (ms: number) => new Date(AT.getTime() + ms);

describe('MongoClaimStore on the database', () => {
  let db: Db;
  let close: () => Promise<void>;
  let store: MongoClaimStore;

  beforeAll(async () => {
    ({ db, close } = await openTestDb('claims'));
    store = new MongoClaimStore(db, 'testClaims');
    await store.init();
  });
  afterAll(async () => {
    await close();
  });

  const claim = (itemId: string, seq: number, owner = 'w1') => ({
    id: claimId(itemId, seq),
    itemId,
    owner,
    at: AT,
    leaseUntil: later(LEASE),
  });

  it('inserts a claim once, reads it back with dates, and deletes it', async () => {
    expect(await store.insertClaim(claim('item-a', 0))).toBe(true);
    expect(await store.insertClaim(claim('item-a', 0, 'w2'))).toBe(false);
    expect(await store.getClaim('item-a#0')).toEqual(claim('item-a', 0));
    expect(await store.getClaim('item-a#1')).toBeNull();
    await store.deleteClaim('item-a#0');
    expect(await store.getClaim('item-a#0')).toBeNull();
    expect(await store.insertClaim(claim('item-a', 0, 'w2'))).toBe(true);
  });

  it('gives a claim to exactly one of many concurrent inserts', async () => {
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => store.insertClaim(claim('item-race', 0, `w${i}`))),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    const winner = results.indexOf(true);
    expect((await store.getClaim('item-race#0'))?.owner).toBe(`w${winner}`);
  });

  it('deletes every claim of one item and only those', async () => {
    for (const seq of [0, 1, 2]) await store.insertClaim(claim('item-b', seq));
    await store.insertClaim(claim('item-c', 0));
    await store.deleteClaims('item-b');
    expect(await db.collection('testClaims').countDocuments({ itemId: 'item-b' })).toBe(0);
    expect(await store.getClaim('item-c#0')).not.toBeNull();
  });

  it('keeps each collection of claims apart', async () => {
    const other = new MongoClaimStore(db, 'otherClaims');
    await other.init();
    expect(await other.insertClaim(claim('item-c', 0))).toBe(true);
    expect(await other.getClaim('item-c#0')).not.toBeNull();
  });

  it('lets takeClaim take over a claim whose lease ran out, and only then', async () => {
    expect(await takeClaim(store, 'item-d', 0, 'w1', AT, LEASE)).toBe(0);
    // Held: another worker gets nothing while the lease runs.
    expect(await takeClaim(store, 'item-d', 0, 'w2', later(LEASE - 1), LEASE)).toBeNull();
    // Lapsed: exactly one of two workers takes the next attempt.
    const [a, b] = await Promise.all([
      takeClaim(store, 'item-d', 0, 'w2', later(LEASE + 1), LEASE),
      takeClaim(store, 'item-d', 0, 'w3', later(LEASE + 1), LEASE),
    ]);
    expect([a, b].sort()).toEqual([1, null]);
    expect((await store.getClaim('item-d#1'))?.leaseUntil).toEqual(later(2 * LEASE + 1));
  });
});
