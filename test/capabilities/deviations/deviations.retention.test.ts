import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from 'mongodb';
import type { Actor, Role } from '../../../src/core/actor';
import { ManualClock } from '../../../src/core/clock';
import { organisationDirectory } from '../../../src/core/organisations';
import type { RetentionTarget } from '../../../src/core/retention';
import { MongoJournal } from '../../../src/infra/db/journal';
import { createGate } from '../../../src/capabilities/anonymity';
import { DEFAULT_DEVIATIONS_CONFIG } from '../../../src/capabilities/deviations/deviations.config';
import {
  DEVIATIONS,
  DEVIATIONS_REMOVED,
  DEVIATION_VERSIONS,
  MongoDeviationsRepository,
} from '../../../src/capabilities/deviations/deviations.repository';
import { deviationRetention } from '../../../src/capabilities/deviations';
import { DeviationsService } from '../../../src/capabilities/deviations/deviations.service';
import { openTestDb } from '../../harness/test-db';

/**
 * The deviations' retention targets (core/retention.ts) on the real database: free text removed
 * N months after closing, whole deviations M months after, coded counts and code numbering kept,
 * idempotent and safe when two instances purge at once.
 */
const TENANT = 'tenant-retention';
const actor = (id: string, roles: Role[], organisations: string[]): Actor => ({
  tenantId: TENANT,
  aadObjectId: id,
  displayName: id,
  roles: new Set(roles),
  organisations,
});
const REPORTER = actor('11111111-1111-4111-8111-111111111111', ['staff'], ['school']);
const MANAGER = actor('22222222-2222-4222-8222-222222222222', ['manager'], ['socialServices']);

const TEXT = {
  description: 'Skolan fick inte veta att kontaktpersonen hade bytts.',
  consequence: 'Eleven fick vänta på ett möte.',
  immediateAction: 'Rektor ringde enhetschefen.',
};
const ANSWER = {
  cause: 'Rutinen för byte var okänd.',
  action: 'Rutinen är genomgången med handläggarna.',
  followUp: 'Följs upp på nästa samverkansmöte.',
};
const TEXTS = [...Object.values(TEXT), ...Object.values(ANSWER)];

describe('deviation retention targets on the real database', () => {
  let db: Db;
  let close: () => Promise<void>;
  const clock = new ManualClock('2026-01-15T09:00:00Z');
  let service: DeviationsService;
  let text: RetentionTarget;
  let records: RetentionTarget;

  const all = async (collection: string) => db.collection(collection).find({}).toArray();
  const report = (category = 'contactPersonChange') =>
    service.report(REPORTER, {
      occurredOn: clock.now().toISOString().slice(0, 10),
      concerned: ['socialServices'],
      reportingOrganisation: 'school',
      category,
      ...TEXT,
      solvedLocally: false,
    });
  /** Reported, taken, answered and closed on `closedOn`. */
  const closedOn = async (reportedOn: string, closedAt: string, category?: string) => {
    clock.set(reportedOn);
    const { code } = await report(category);
    await service.take(MANAGER, code);
    await service.answer(MANAGER, code, ANSWER);
    clock.set(closedAt);
    await service.close(MANAGER, code);
    return code;
  };
  const countsByCategory = async () => {
    const out: Record<string, number> = {};
    for (const d of [...(await all(DEVIATIONS)), ...(await all(DEVIATIONS_REMOVED))])
      out[d.category as string] = (out[d.category as string] ?? 0) + 1;
    return out;
  };

  beforeAll(async () => {
    ({ db, close } = await openTestDb('devret'));
    const journal = new MongoJournal(db, clock, () => []);
    await journal.init();
    const repo = new MongoDeviationsRepository(db);
    await repo.init();
    service = new DeviationsService({
      repo,
      forums: { getForum: () => Promise.resolve(null), allForums: () => Promise.resolve([]) },
      people: { managersOf: () => Promise.resolve([]) },
      units: journal,
      clock,
      config: DEFAULT_DEVIATIONS_CONFIG,
      calendar: { terms: [{ kind: 'VT', year: 2026, start: '2026-01-08', end: '2026-06-12' }] },
      gate: createGate(),
      orgs: organisationDirectory([
        { code: 'school', name: { sv: 'Skola', en: 'School' } },
        { code: 'socialServices', name: { sv: 'Socialtjänst', en: 'Social services' } },
      ]),
    });
    [text, records] = deviationRetention(service, { textMonths: 12, recordMonths: 36 }) as [
      RetentionTarget,
      RetentionTarget,
    ];
  });
  afterAll(async () => {
    await close();
  });

  it('declares both targets with their configured months', () => {
    expect([text.name, text.months, records.name, records.months]).toEqual([
      'deviations.freeText',
      12,
      'deviations.records',
      36,
    ]);
  });

  it('removes the free text of deviations closed before the cut-off, keeps their codes and history, once', async () => {
    const a = await closedOn('2026-01-15T09:00:00Z', '2026-02-01T09:00:00Z');
    const b = await closedOn('2026-03-02T09:00:00Z', '2026-05-04T09:00:00Z', 'availability');
    clock.set('2026-05-10T09:00:00Z');
    const open = (await report()).code;
    expect([a, b, open]).toEqual(['AVV-26-001', 'AVV-26-002', 'AVV-26-003']);

    // Cut-off 1 April 2026: only A closed before it.
    const now = new Date('2027-04-01T02:00:00Z');
    expect(await text.purge(new Date('2026-04-01T00:00:00Z'), now)).toEqual({ purged: [a] });
    // Two instances at once, cut-off after B: B purged, nothing breaks, nothing is purged twice.
    const both = await Promise.all([
      text.purge(new Date('2026-06-01T00:00:00Z'), now),
      text.purge(new Date('2026-06-01T00:00:00Z'), now),
    ]);
    expect([...new Set(both.flatMap((r) => r.purged))]).toEqual([b]);
    expect(await text.purge(new Date('2026-06-01T00:00:00Z'), now)).toEqual({ purged: [] });

    const docs = await all(DEVIATIONS);
    const byCode = Object.fromEntries(docs.map((d) => [d.code as string, d]));
    for (const code of [a, b]) {
      expect(byCode[code]).toMatchObject({
        state: 'closed',
        category: code === a ? 'contactPersonChange' : 'availability',
        concerned: ['socialServices'],
        reportingOrganisation: 'school',
        term: 'VT 2026',
        description: '',
        consequence: '',
        immediateAction: '',
        answer: { cause: '', action: '', followUp: '', by: MANAGER.aadObjectId },
      });
      expect((byCode[code]!.history as { to: string }[]).map((h) => h.to)).toEqual([
        'reported',
        'handling',
        'answered',
        'closed',
      ]);
      expect(byCode[code]!.textPurgedAt).toBeDefined();
    }
    // The open one keeps its text; no stored version of a purged one still holds any text.
    expect(byCode[open]!.description).toBe(TEXT.description);
    const versions = JSON.stringify((await all(DEVIATION_VERSIONS)).filter((v) => v.code !== open));
    for (const t of TEXTS) expect(versions).not.toContain(t);
    // What the service reads back is the purged record too.
    expect((await service.view(MANAGER, a)).record.answer?.cause).toBe('');
  });

  it('removes whole deviations closed before the cut-off, keeping coded tombstones: counts and numbering stay right', async () => {
    clock.set('2026-06-01T09:00:00Z');
    const open = 'AVV-26-003';
    await service.take(MANAGER, open);
    await service.answer(MANAGER, open, ANSWER);
    await service.close(MANAGER, open);
    const before = await countsByCategory();

    const now = new Date('2029-07-01T02:00:00Z');
    // Cut-off 1 May 2026: only A.
    expect(await records.purge(new Date('2026-05-01T00:00:00Z'), now)).toEqual({
      purged: ['AVV-26-001'],
    });
    // Two instances at once: each of the rest removed by exactly one of them.
    const both = await Promise.all([
      records.purge(new Date('2026-07-01T00:00:00Z'), now),
      records.purge(new Date('2026-07-01T00:00:00Z'), now),
    ]);
    expect(both.flatMap((r) => r.purged).sort()).toEqual(['AVV-26-002', 'AVV-26-003']);
    expect(await records.purge(new Date('2026-07-01T00:00:00Z'), now)).toEqual({ purged: [] });

    expect(await all(DEVIATIONS)).toEqual([]);
    expect(await all(DEVIATION_VERSIONS)).toEqual([]);
    const tombstones = await all(DEVIATIONS_REMOVED);
    expect(tombstones.map((t) => String(t.code)).sort()).toEqual([
      'AVV-26-001',
      'AVV-26-002',
      'AVV-26-003',
    ]);
    expect(tombstones.find((t) => t.code === 'AVV-26-002')).toMatchObject({
      tenantId: TENANT,
      year: 2026,
      sequence: 2,
      category: 'availability',
      concerned: ['socialServices'],
      reportingOrganisation: 'school',
      term: 'VT 2026',
      occurredOn: '2026-03-02',
      states: ['reported', 'handling', 'answered', 'closed'],
    });
    // No text and no person is kept.
    const kept = JSON.stringify(tombstones);
    for (const t of TEXTS) expect(kept).not.toContain(t);
    expect(kept).not.toContain(REPORTER.aadObjectId);
    expect(kept).not.toContain(MANAGER.aadObjectId);
    expect(await countsByCategory()).toEqual(before);

    // A deviation reported later the same year gets the next number, never a removed one's.
    clock.set('2026-12-01T09:00:00Z');
    expect((await report()).code).toBe('AVV-26-004');
  });
});
