import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from 'mongodb';
import { ManualClock } from '../../../src/core/clock';
import { OnceOnly, operationId } from '../../../src/core/operations';
import { MongoJournal, OPERATIONS } from '../../../src/infra/db/journal';
import { MongoOperationStore } from '../../../src/infra/db/operations.repository';
import { openTestDb } from '../../harness/test-db';

const T = 'tenant-1';

describe('MongoOperationStore on the database', () => {
  let db: Db;
  let close: () => Promise<void>;
  let clock: ManualClock;
  let journal: MongoJournal;
  let store: MongoOperationStore;

  beforeAll(async () => {
    ({ db, close } = await openTestDb('ops'));
    clock = new ManualClock('2026-11-24T08:00:00Z');
    journal = new MongoJournal(db, clock, () => []);
    await journal.init();
    store = new MongoOperationStore(db);
    await store.init();
  });
  afterAll(async () => {
    await close();
  });

  it('reads the result a unit of work recorded, and null for an operation without one', async () => {
    const id = operationId(T, 'user-1', 'token-1');
    expect(await store.result(id)).toBeNull();
    await journal.commit({
      id,
      writes: [],
      operation: { id, verb: 'case.submit', result: { code: 'FOS-26-001' } },
    });
    expect(await store.result(id)).toEqual({ code: 'FOS-26-001' });
    expect(await db.collection(OPERATIONS).countDocuments()).toBe(1);
  });

  it('keeps its claims in a collection of their own', async () => {
    const claim = {
      id: 'op:x#0',
      itemId: 'op:x',
      owner: 'w1',
      at: clock.now(),
      leaseUntil: new Date(clock.now().getTime() + 30_000),
    };
    expect(await store.insertClaim(claim)).toBe(true);
    expect(await store.insertClaim({ ...claim, owner: 'w2' })).toBe(false);
    expect(await store.getClaim('op:x#0')).toEqual(claim);
    expect(await db.collection('operationClaims').countDocuments({ _id: 'op:x#0' as never })).toBe(
      1,
    );
    await store.deleteClaim('op:x#0');
    expect(await store.getClaim('op:x#0')).toBeNull();
  });

  it('runs a once-only action once: a second request gets the first result back', async () => {
    const once = new OnceOnly(store, clock, {
      leaseMs: 30_000,
      waitMs: 2_000,
      pollMs: 10,
      owner: 'w1',
    });
    const id = operationId(T, 'user-2', 'token-2');
    let runs = 0;
    const action = async () => {
      runs++;
      await journal.commit({
        id,
        writes: [],
        operation: { id, verb: 'case.submit', result: { code: `FOS-26-00${runs}` } },
      });
      return runs;
    };
    const outcomes = await Promise.all([once.run(id, action), once.run(id, action)]);
    expect(runs).toBe(1);
    expect(outcomes).toEqual(
      expect.arrayContaining([
        { kind: 'ran', value: 1 },
        { kind: 'replayed', result: { code: 'FOS-26-001' } },
      ]),
    );
    expect(await once.run(id, action)).toEqual({
      kind: 'replayed',
      result: { code: 'FOS-26-001' },
    });

    // A refusal (nothing recorded) gives the token back: the corrected card may try again.
    const refused = operationId(T, 'user-2', 'token-3');
    await expect(once.run(refused, () => Promise.reject(new Error('refused')))).rejects.toThrow(
      'refused',
    );
    expect(await once.run(refused, () => Promise.resolve('second try'))).toEqual({
      kind: 'ran',
      value: 'second try',
    });
  });
});
