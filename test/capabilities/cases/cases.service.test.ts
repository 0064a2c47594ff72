import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../src/core/errors';
import type { UnitOfWork } from '../../../src/core/unit-of-work';
import {
  IdentifyingCombinationWarning,
  IdentifyingTextError,
} from '../../../src/capabilities/anonymity/anonymity.fields';
import { createGate } from '../../../src/capabilities/anonymity/anonymity.gate';
import { CasesService } from '../../../src/capabilities/cases/cases.service';
import { caseCode } from '../../../src/capabilities/cases/cases.records';
import { ANNA, BO, T, actor, forumInput, input } from './fakes';
import { admin, openCasesWorld, type CasesWorld } from './world';

describe('CasesService: raising a case', () => {
  let w: CasesWorld;
  const anna = actor(ANNA, ['staff'], ['school']);

  beforeEach(async () => {
    w = await openCasesWorld('2026-11-24T08:00:00Z');
  });
  afterEach(async () => {
    await w.close();
  });

  const storedCases = () => w.db.collection('cases').countDocuments();

  it('formats codes as forum code, two-digit year and a sequence', () => {
    expect(caseCode('FOS', 2026, 14)).toBe('FOS-26-014');
    expect(caseCode('SSPF', 2031, 1234)).toBe('SSPF-31-1234');
  });

  it('stores a case with its code, meeting and history, and audits it without any text', async () => {
    const { record, meeting, rolledOverFrom } = await w.service.submit(anna, input());
    expect(record).toMatchObject({
      code: 'FOS-26-001',
      tenantId: T,
      forumId: 'fossam',
      meetingId: 'fossam:2026-11-26',
      raisingOrganisation: 'school',
      submittedBy: ANNA,
      status: 'submitted',
      version: 1,
    });
    expect(meeting.id).toBe('fossam:2026-11-26');
    expect(rolledOverFrom).toBeUndefined();
    expect(record.history).toEqual([
      expect.objectContaining({ action: 'submitted', to: 'submitted', by: ANNA }),
    ]);
    expect(await w.repo.get(T, 'FOS-26-001')).toEqual(record);
    expect((await w.service.submit(anna, input())).record.code).toBe('FOS-26-002');
    expect((await w.caseAudit()).map((e) => [e.action, e.target])).toEqual([
      ['case.submit', 'FOS-26-001'],
      ['case.submit', 'FOS-26-002'],
    ]);
    const logged = JSON.stringify(await w.allAudit());
    expect(logged).not.toContain('frånvaro');
    expect(logged).not.toContain('socialtjänsten');
  });

  it('moves on to the next number when a concurrent submission took the code', async () => {
    // A concurrent submission claims FOS-26-001 after this one read the highest number and
    // before it commits its claim: the first commit lets that other submission through first.
    // Only the moment is arranged; both commits are the real journal's on the real database.
    let first = true;
    const units: UnitOfWork = {
      commit: async (unit) => {
        if (first) {
          first = false;
          expect((await w.service.submit(anna, input())).record.code).toBe('FOS-26-001');
        }
        return w.journal.commit(unit);
      },
    };
    const service = w.serviceOn(units);
    expect((await service.submit(anna, input())).record.code).toBe('FOS-26-002');
    const codes = await Promise.all(
      Array.from({ length: 5 }, () => service.submit(anna, input()).then((r) => r.record.code)),
    );
    expect(new Set(codes).size).toBe(5);
  });

  it('counts per forum and per year', async () => {
    await w.meetings.materialize(
      await w.forums.createForum(admin, forumInput({ id: 'sspf', code: 'SSPF', name: 'SSPF' })),
    );
    await w.service.submit(anna, input());
    expect(
      (await w.service.submit(anna, input({ meetingId: 'sspf:2026-11-26' }))).record.code,
    ).toBe('SSPF-26-001');
    w.clock.set('2027-01-05T08:00:00Z');
    // The meetings of January are materialized as the clock gets there (the reminders job).
    await w.meetings.materialize((await w.forums.getForum(T, 'fossam'))!);
    expect(
      (await w.service.submit(anna, input({ meetingId: 'fossam:2027-01-14' }))).record.code,
    ).toBe('FOS-27-001');
  });

  it('hands a case on to the next open meeting when the deadline has passed meanwhile', async () => {
    w.clock.set('2026-11-24T11:00:01Z');
    const { record, meeting, rolledOverFrom } = await w.service.submit(anna, input());
    expect(meeting.id).toBe('fossam:2026-12-03');
    expect(record.meetingId).toBe('fossam:2026-12-03');
    expect(rolledOverFrom?.id).toBe('fossam:2026-11-26');
    expect((await w.caseAudit())[0]?.detail).toMatchObject({ rolledOver: true });
  });

  it('skips a cancelled meeting and refuses when the forum has no open meeting', async () => {
    await w.meetings.cancelMeeting(admin, 'fossam:2026-12-03', 'krockar med planeringsdagen');
    w.clock.set('2026-11-25T08:00:00Z');
    expect((await w.service.submit(anna, input())).meeting.id).toBe('fossam:2026-12-10');
    // Past the last materialized meeting (17 December): nothing takes cases.
    w.clock.set('2027-02-01T08:00:00Z');
    await expect(w.service.submit(anna, input())).rejects.toMatchObject({
      code: 'conflict',
      params: { reason: 'noOpenMeeting' },
    });
  });

  it('requires a role, the own organisation, and that organisation in the forum', async () => {
    const forbidden = { code: 'forbidden' };
    await expect(w.service.submit(actor(ANNA, [], ['school']), input())).rejects.toMatchObject(
      forbidden,
    );
    await expect(
      w.service.submit(actor(ANNA, ['staff'], ['school']), input({ organisation: 'police' })),
    ).rejects.toMatchObject(forbidden);
    const police = actor(BO, ['staff'], ['police']);
    await expect(w.service.submit(police, input({ organisation: 'police' }))).rejects.toMatchObject(
      forbidden,
    );
    await expect(
      w.service.submit(actor(undefined, ['staff'], ['school']), input()),
    ).rejects.toEqual(expect.any(AppError));
    await expect(w.service.submit(anna, input({ meetingId: 'other:2026-11-26' }))).rejects.toEqual(
      new AppError('notFound'),
    );
    await expect(w.service.submit(anna, input({ concerns: ['astrology'] }))).rejects.toEqual(
      new AppError('invalidInput', { field: 'concerns' }),
    );
    await w.meetings.materialize(
      await w.forums.updateForum(admin, forumInput({ kind: 'steeringGroup' })),
    );
    await expect(w.service.submit(anna, input())).rejects.toEqual(new AppError('notFound'));
    expect(await storedCases()).toBe(0);
    expect(await w.caseAudit()).toEqual([]);
  });

  it('refuses identifying text in any free-text field and stores nothing', async () => {
    const texts = [
      'Född 19121212-1212.',
      'Kalle Andersson har hög frånvaro.',
      'Ring 070-123 45 67.',
    ];
    for (const field of ['description', 'tried', 'question'] as const) {
      for (const text of texts) {
        const err = await w.service.submit(anna, input({ [field]: text })).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(IdentifyingTextError);
        expect((err as IdentifyingTextError).findings[0]?.field).toBe(field);
        expect((err as IdentifyingTextError).message).not.toContain(text);
      }
    }
    expect(await storedCases()).toBe(0);
    expect(await w.caseAudit()).toEqual([]);
  });

  it('holds a combination that may identify the child until the submitter confirms, then stores who and when', async () => {
    const gated = new CasesService({
      repo: w.repo,
      forums: w.forums,
      meetings: w.meetings,
      units: w.journal,
      clock: w.clock,
      gate: createGate({ units: ['Ekåsskolan'] }),
    });
    const text = 'Flickan i 6A på Ekåsskolan som har en ledarhund blir retad.';
    for (const confirmAnonymous of [undefined, false]) {
      const err = await gated
        .submit(anna, input({ tried: text, confirmAnonymous }))
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(IdentifyingCombinationWarning);
      expect((err as IdentifyingCombinationWarning).warnings).toEqual([
        { field: 'tried', kind: 'quasi', signals: ['unit', 'group', 'detail'], sentences: [1] },
      ]);
    }
    expect(await w.db.collection('cases').countDocuments()).toBe(0);

    const { record } = await gated.submit(anna, input({ tried: text, confirmAnonymous: true }));
    expect(record.anonymityConfirmation).toEqual({
      by: ANNA,
      at: w.clock.now(),
      fields: ['tried'],
      signals: ['unit', 'group', 'detail'],
    });
    const audit = await w.caseAudit();
    expect(audit.at(-1)?.detail).toMatchObject({
      warningConfirmed: true,
      warningSignals: 'unit,group,detail',
    });
    expect(JSON.stringify(await w.allAudit())).not.toContain('Ekåsskolan');
  });

  it('records no confirmation when there was nothing to confirm', async () => {
    const { record } = await w.service.submit(anna, input({ confirmAnonymous: true }));
    expect(record.anonymityConfirmation).toBeUndefined();
  });

  it('refuses a direct identifier even when a warning was confirmed', async () => {
    const err = await w.service
      .submit(anna, input({ tried: 'Kalle Andersson i 6A.', confirmAnonymous: true }))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IdentifyingTextError);
    expect(await w.db.collection('cases').countDocuments()).toBe(0);
  });
});

describe('CasesService: form options', () => {
  let w: CasesWorld;
  beforeEach(async () => {
    w = await openCasesWorld('2026-11-24T12:00:00Z');
  });
  afterEach(async () => {
    await w.close();
  });

  it('offers the open meetings of the forums of the actor, next one preselected', async () => {
    await w.forums.createForum(
      admin,
      forumInput({ id: 'sspf', code: 'SSPF', name: 'SSPF', organisations: ['police'] }),
    );
    const service = w.service;
    const anna = actor(ANNA, ['staff'], ['school', 'leisure']);
    const options = await service.formOptions(anna);
    expect(options.forums.map((f) => f.forum.id)).toEqual(['fossam']);
    expect(options.forums[0]?.meetings.map((m) => m.id)).toEqual([
      'fossam:2026-12-03',
      'fossam:2026-12-10',
      'fossam:2026-12-17',
    ]);
    expect(options.organisations).toEqual(['school']);
    expect(options.selectedMeetingId).toBe('fossam:2026-12-03');

    const asked = await service.formOptions(anna, { meetingId: 'fossam:2026-12-10' });
    expect(asked.selectedMeetingId).toBe('fossam:2026-12-10');
    const late = await service.formOptions(anna, { meetingId: 'fossam:2026-11-26' });
    expect(late.requestedClosed?.id).toBe('fossam:2026-11-26');
    expect(late.selectedMeetingId).toBe('fossam:2026-12-03');
    await expect(service.formOptions(actor(ANNA, [], ['school']))).rejects.toMatchObject({
      code: 'forbidden',
    });
  });
});
