import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Unit } from '../../../src/core/unit-of-work';
import type { CaseRecord } from '../../../src/capabilities/cases/cases.types';
import { ANNA, CHAIR, T, actor, input } from './fakes';
import { openCasesWorld, type CasesWorld } from './world';

describe('MongoCasesRepository on the real database', () => {
  let w: CasesWorld;
  const anna = actor(ANNA, ['staff'], ['school']);
  const chair = actor(CHAIR, ['chair']);

  beforeAll(async () => {
    w = await openCasesWorld('2026-11-24T08:00:00Z');
  });
  afterAll(async () => {
    await w.close();
  });

  /** A unit of work holding just the compare-and-swap writes of `next` (no audit, no event). */
  const casUnit = (id: string, next: CaseRecord): Unit => ({
    id: `test.cas:${id}`,
    writes: w.repo.versionWrites(next),
  });

  it('never gives two concurrent submissions the same code', async () => {
    const records = await Promise.all(
      Array.from({ length: 12 }, () => w.service.submit(anna, input()).then((r) => r.record)),
    );
    const codes = records.map((r) => r.code).sort();
    expect(codes).toEqual(
      Array.from({ length: 12 }, (_, i) => `FOS-26-${String(i + 1).padStart(3, '0')}`),
    );
    expect(await w.db.collection('cases').countDocuments()).toBe(12);
    expect(await w.repo.maxSequence(T, 'fossam', 2026)).toBe(12);
  });

  it('maps documents back to records, newest first', async () => {
    const mine = await w.repo.listBySubmitter(T, ANNA, 5);
    expect(mine).toHaveLength(5);
    expect(mine[0]?.createdAt).toBeInstanceOf(Date);
    expect(mine[0]?.history[0]?.at).toBeInstanceOf(Date);
    expect(mine[0]).not.toHaveProperty('_id');
  });

  it('lets one of two concurrent changes win, and finishes a change that was cut short', async () => {
    // Two changes made from the same read (version 1): exactly one may be stored. (Run through
    // the service, the two can also happen one after the other, which is just as correct, so
    // the race is set up on the repository's compare-and-swap writes and the journal directly.)
    const read = (await w.repo.get(T, 'FOS-26-001'))!;
    const change = (status: 'withdrawn' | 'onAgenda'): CaseRecord => ({
      ...read,
      status,
      version: read.version + 1,
      history: [
        ...read.history,
        { at: read.updatedAt, by: 'x', action: status, from: read.status, to: status },
      ],
    });
    const results = await Promise.all([
      w.journal.commit(casUnit('withdrawn', change('withdrawn'))),
      w.journal.commit(casUnit('onAgenda', change('onAgenda'))),
    ]);
    expect(results.filter((r) => r.committed)).toHaveLength(1);
    expect(results.find((r) => !r.committed)).toMatchObject({ committed: false });
    const stored = await w.repo.get(T, 'FOS-26-001');
    expect(stored?.version).toBe(2);
    expect(stored?.history).toHaveLength(2);
    // And through the service, the loser of a race is refused rather than overwriting.
    await expect(w.service.markOnAgenda(chair, 'FOS-26-001')).rejects.toMatchObject({
      code: 'conflict',
    });

    // A version claimed but the case never written (a crash in between): the next read finishes it.
    const current = (await w.repo.get(T, 'FOS-26-002'))!;
    await w.db.collection('caseVersions').insertOne({
      _id: `${T}:FOS-26-002#2` as never,
      tenantId: T,
      code: 'FOS-26-002',
      version: 2,
      state: { ...current, status: 'onAgenda', version: 2 },
    });
    expect(await w.repo.get(T, 'FOS-26-002')).toMatchObject({ status: 'onAgenda', version: 2 });
    expect(await w.db.collection('cases').findOne({ code: 'FOS-26-002' })).toMatchObject({
      status: 'onAgenda',
    });
    expect((await w.journal.commit(casUnit('stale', { ...current, version: 2 }))).committed).toBe(
      false,
    );
  });
});
