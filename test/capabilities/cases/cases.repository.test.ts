import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from 'mongodb';
import { ManualClock } from '../../../src/core/clock';
import { MongoCasesRepository } from '../../../src/capabilities/cases/cases.repository';
import { CasesService } from '../../../src/capabilities/cases/cases.service';
import { openTestDb } from '../../harness/test-db';
import { fakeAudit } from '../people/fakes';
import { ANNA, CHAIR, FakeForums, T, actor, input } from './fakes';

describe('MongoCasesRepository on the real database', () => {
  let db: Db;
  let close: () => Promise<void>;
  let repo: MongoCasesRepository;
  let service: CasesService;
  const anna = actor(ANNA, ['staff'], ['school']);
  const chair = actor(CHAIR, ['chair']);

  beforeAll(async () => {
    ({ db, close } = await openTestDb('cases'));
    repo = new MongoCasesRepository(db);
    await repo.init();
    const clock = new ManualClock('2026-11-24T08:00:00Z');
    service = new CasesService({ repo, forums: new FakeForums(clock), audit: fakeAudit(), clock });
  });
  afterAll(async () => {
    await close();
  });

  it('never gives two concurrent submissions the same code', async () => {
    const records = await Promise.all(
      Array.from({ length: 12 }, () => service.submit(anna, input()).then((r) => r.record)),
    );
    const codes = records.map((r) => r.code).sort();
    expect(codes).toEqual(
      Array.from({ length: 12 }, (_, i) => `FOS-26-${String(i + 1).padStart(3, '0')}`),
    );
    expect(await db.collection('cases').countDocuments()).toBe(12);
    expect(await repo.maxSequence(T, 'fossam', 2026)).toBe(12);
  });

  it('maps documents back to records, newest first', async () => {
    const mine = await repo.listBySubmitter(T, ANNA, 5);
    expect(mine).toHaveLength(5);
    expect(mine[0]?.createdAt).toBeInstanceOf(Date);
    expect(mine[0]?.history[0]?.at).toBeInstanceOf(Date);
    expect(mine[0]).not.toHaveProperty('_id');
  });

  it('lets one of two concurrent changes win, and finishes a change that was cut short', async () => {
    // Two changes made from the same read (version 1): exactly one may be stored. (Run through
    // the service, the two can also happen one after the other, which is just as correct, so
    // the race is set up on the repository's compare-and-swap directly.)
    const read = (await repo.get(T, 'FOS-26-001'))!;
    const change = (status: 'withdrawn' | 'onAgenda') => ({
      ...read,
      status,
      version: read.version + 1,
      history: [
        ...read.history,
        { at: read.updatedAt, by: 'x', action: status, from: read.status, to: status },
      ],
    });
    const results = await Promise.all([
      repo.replace(change('withdrawn')),
      repo.replace(change('onAgenda')),
    ]);
    expect(results.filter(Boolean)).toHaveLength(1);
    const stored = await repo.get(T, 'FOS-26-001');
    expect(stored?.version).toBe(2);
    expect(stored?.history).toHaveLength(2);
    // And through the service, the loser of a race is refused rather than overwriting.
    await expect(service.markOnAgenda(chair, 'FOS-26-001')).rejects.toMatchObject({
      code: 'conflict',
    });

    // A version claimed but the case never written (a crash in between): the next read finishes it.
    const current = (await repo.get(T, 'FOS-26-002'))!;
    await db.collection('caseVersions').insertOne({
      _id: `${T}:FOS-26-002#2` as never,
      tenantId: T,
      code: 'FOS-26-002',
      version: 2,
      state: { ...current, status: 'onAgenda', version: 2 },
    });
    expect(await repo.get(T, 'FOS-26-002')).toMatchObject({ status: 'onAgenda', version: 2 });
    expect(await db.collection('cases').findOne({ code: 'FOS-26-002' })).toMatchObject({
      status: 'onAgenda',
    });
    expect(await repo.replace({ ...current, version: 2 })).toBe(false);
  });
});
