import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from 'mongodb';
import {
  counterId,
  MongoSummariesRepository,
} from '../../../src/capabilities/summaries/summaries.repository';
import { openTestDb } from '../../harness/test-db';

describe('summary counters on the database', () => {
  let db: Db;
  let close: () => Promise<void>;
  let repo: MongoSummariesRepository;

  beforeAll(async () => {
    ({ db, close } = await openTestDb('sumrepo'));
    repo = new MongoSummariesRepository(db);
    await repo.init();
  });
  afterAll(async () => {
    await close();
  });

  it('inserts a forum’s first facts of a period once when several race, and merges later facts into them', async () => {
    const key = { tenantId: 't', period: 'HT2026', forumId: 'fossam' };
    const meetings = { '2026-12-03': { status: 'held' } };
    // The race an insert adds: every writer finds no document and inserts; one wins, the others
    // update. (Updates of one document are serialised by the caller: FerretDB v1 applies two
    // concurrent updates of one document as read-modify-write, so one can overwrite the other.)
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, () => repo.setFacts(key, { meetings })),
    );
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    const days = ['2026-12-03', '2026-12-10'];
    for (const [i, d] of days.entries())
      await repo.setFacts(key, { [`attendance.${d}`]: { rev: i, orgs: {} } });
    await repo.setFacts(key, { meetings });
    const docs = await db.collection('summaryCounters').find({}).toArray();
    expect(docs.map((d) => d._id)).toEqual([counterId('t', 'HT2026', 'fossam')]);
    expect(docs[0]).toMatchObject({ ...key, meetings });
    expect(Object.keys(docs[0]!.attendance as object).sort()).toEqual(days);
  });
});
