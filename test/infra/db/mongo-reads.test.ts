import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from 'mongodb';
import { findByIds, readById, scansOnly } from '../../../src/infra/db/mongo';
import { openTestDb } from '../../harness/test-db';

interface Doc {
  _id: string;
  v: string;
  at: Date;
  n: number;
}

describe('reads by _id on the database', () => {
  let db: Db;
  let close: () => Promise<void>;
  const at = new Date('2026-11-24T08:00:00Z');

  beforeAll(async () => {
    ({ db, close } = await openTestDb('reads'));
    await db
      .collection<Doc>('docs')
      .insertMany(Array.from({ length: 5 }, (_, i) => ({ _id: `t:u${i}`, v: `v${i}`, at, n: i })));
  });
  afterAll(async () => {
    await close();
  });

  it('reads one document by _id with the find command, types as stored, null when missing', async () => {
    const doc = await readById<Doc>(db, 'docs', 't:u3');
    expect(doc).toEqual({ _id: 't:u3', v: 'v3', at, n: 3 });
    expect(doc?.at).toBeInstanceOf(Date);
    expect(await readById<Doc>(db, 'docs', 't:nobody')).toBeNull();
    expect(await readById<Doc>(db, 'no-such-collection', 't:u3')).toBeNull();
  });

  it('reads many by _id, leaving out those not found', async () => {
    const scans = await scansOnly(db);
    const docs = await findByIds(db.collection<Doc>('docs'), ['t:u1', 't:u4', 't:gone', 't:u1'], {
      scans,
    });
    expect(docs.map((d) => d._id).sort()).toEqual(['t:u1', 't:u4']);
  });
});
