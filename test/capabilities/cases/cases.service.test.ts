import { beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/core/clock';
import { AppError } from '../../../src/core/errors';
import {
  IdentifyingCombinationWarning,
  IdentifyingTextError,
} from '../../../src/capabilities/anonymity/anonymity.fields';
import { createGate } from '../../../src/capabilities/anonymity/anonymity.gate';
import { CasesService } from '../../../src/capabilities/cases/cases.service';
import { caseCode } from '../../../src/capabilities/cases/cases.records';
import { fakeAudit } from '../people/fakes';
import {
  ANNA,
  BO,
  FakeCasesRepository,
  FakeForums,
  T,
  actor,
  fossamMeeting,
  input,
  makeForum,
} from './fakes';

describe('CasesService: raising a case', () => {
  let clock: ManualClock;
  let repo: FakeCasesRepository;
  let forums: FakeForums;
  let audit: ReturnType<typeof fakeAudit>;
  let service: CasesService;
  const anna = actor(ANNA, ['staff'], ['school']);

  beforeEach(() => {
    clock = new ManualClock('2026-11-24T08:00:00Z');
    repo = new FakeCasesRepository();
    forums = new FakeForums(clock);
    audit = fakeAudit();
    service = new CasesService({ repo, forums, audit, clock });
  });

  it('formats codes as forum code, two-digit year and a sequence', () => {
    expect(caseCode('FOS', 2026, 14)).toBe('FOS-26-014');
    expect(caseCode('SSPF', 2031, 1234)).toBe('SSPF-31-1234');
  });

  it('stores a case with its code, meeting and history, and audits it without any text', async () => {
    const { record, meeting, rolledOverFrom } = await service.submit(anna, input());
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
    expect((await service.submit(anna, input())).record.code).toBe('FOS-26-002');
    expect(audit.entries.map((e) => [e.action, e.target])).toEqual([
      ['case.submit', 'FOS-26-001'],
      ['case.submit', 'FOS-26-002'],
    ]);
    const logged = JSON.stringify(audit.entries);
    expect(logged).not.toContain('frånvaro');
    expect(logged).not.toContain('socialtjänsten');
  });

  it('moves on to the next number when a concurrent submission took the code', async () => {
    repo.stolen.add('FOS-26-001');
    expect((await service.submit(anna, input())).record.code).toBe('FOS-26-002');
    const codes = await Promise.all(
      Array.from({ length: 5 }, () => service.submit(anna, input()).then((r) => r.record.code)),
    );
    expect(new Set(codes).size).toBe(5);
  });

  it('counts per forum and per year', async () => {
    forums.forums.push(makeForum({ id: 'sspf', code: 'SSPF', name: 'SSPF' }));
    forums.meetings.push(fossamMeeting('2027-01-14'), {
      ...fossamMeeting('2026-11-26'),
      id: 'sspf:2026-11-26',
      forumId: 'sspf',
    });
    await service.submit(anna, input());
    expect((await service.submit(anna, input({ meetingId: 'sspf:2026-11-26' }))).record.code).toBe(
      'SSPF-26-001',
    );
    clock.set('2027-01-05T08:00:00Z');
    expect(
      (await service.submit(anna, input({ meetingId: 'fossam:2027-01-14' }))).record.code,
    ).toBe('FOS-27-001');
  });

  it('hands a case on to the next open meeting when the deadline has passed meanwhile', async () => {
    clock.set('2026-11-24T11:00:01Z');
    const { record, meeting, rolledOverFrom } = await service.submit(anna, input());
    expect(meeting.id).toBe('fossam:2026-12-03');
    expect(record.meetingId).toBe('fossam:2026-12-03');
    expect(rolledOverFrom?.id).toBe('fossam:2026-11-26');
    expect(audit.entries[0]?.detail).toMatchObject({ rolledOver: true });
  });

  it('skips a cancelled meeting and refuses when the forum has no open meeting', async () => {
    forums.meetings[1] = fossamMeeting('2026-12-03', { status: 'cancelled' });
    clock.set('2026-11-25T08:00:00Z');
    expect((await service.submit(anna, input())).meeting.id).toBe('fossam:2026-12-10');
    clock.set('2027-02-01T08:00:00Z');
    await expect(service.submit(anna, input())).rejects.toMatchObject({
      code: 'conflict',
      params: { reason: 'noOpenMeeting' },
    });
  });

  it('requires a role, the own organisation, and that organisation in the forum', async () => {
    const forbidden = { code: 'forbidden' };
    await expect(service.submit(actor(ANNA, [], ['school']), input())).rejects.toMatchObject(
      forbidden,
    );
    await expect(
      service.submit(actor(ANNA, ['staff'], ['school']), input({ organisation: 'police' })),
    ).rejects.toMatchObject(forbidden);
    const police = actor(BO, ['staff'], ['police']);
    await expect(service.submit(police, input({ organisation: 'police' }))).rejects.toMatchObject(
      forbidden,
    );
    await expect(service.submit(actor(undefined, ['staff'], ['school']), input())).rejects.toEqual(
      expect.any(AppError),
    );
    await expect(service.submit(anna, input({ meetingId: 'other:2026-11-26' }))).rejects.toEqual(
      new AppError('notFound'),
    );
    await expect(service.submit(anna, input({ concerns: ['astrology'] }))).rejects.toEqual(
      new AppError('invalidInput', { field: 'concerns' }),
    );
    forums.forums[0] = makeForum({ kind: 'steeringGroup' });
    await expect(service.submit(anna, input())).rejects.toEqual(new AppError('notFound'));
    expect(repo.cases.size).toBe(0);
    expect(audit.entries).toEqual([]);
  });

  it('refuses identifying text in any free-text field and stores nothing', async () => {
    const texts = [
      'Född 19121212-1212.',
      'Kalle Andersson har hög frånvaro.',
      'Ring 070-123 45 67.',
    ];
    for (const field of ['description', 'tried', 'question'] as const) {
      for (const text of texts) {
        const err = await service.submit(anna, input({ [field]: text })).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(IdentifyingTextError);
        expect((err as IdentifyingTextError).findings[0]?.field).toBe(field);
        expect((err as IdentifyingTextError).message).not.toContain(text);
      }
    }
    expect(repo.cases.size).toBe(0);
    expect(audit.entries).toEqual([]);
  });

  it('holds a combination that may identify the child until the submitter confirms, then stores who and when', async () => {
    const gated = new CasesService({
      repo,
      forums,
      audit,
      clock,
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
    expect(repo.cases.size).toBe(0);

    const { record } = await gated.submit(anna, input({ tried: text, confirmAnonymous: true }));
    expect(record.anonymityConfirmation).toEqual({
      by: ANNA,
      at: clock.now(),
      fields: ['tried'],
      signals: ['unit', 'group', 'detail'],
    });
    expect(audit.entries.at(-1)?.detail).toMatchObject({
      warningConfirmed: true,
      warningSignals: 'unit,group,detail',
    });
    expect(JSON.stringify(audit.entries)).not.toContain('Ekåsskolan');
  });

  it('records no confirmation when there was nothing to confirm', async () => {
    const { record } = await service.submit(anna, input({ confirmAnonymous: true }));
    expect(record.anonymityConfirmation).toBeUndefined();
  });

  it('refuses a direct identifier even when a warning was confirmed', async () => {
    const err = await service
      .submit(anna, input({ tried: 'Kalle Andersson i 6A.', confirmAnonymous: true }))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IdentifyingTextError);
    expect(repo.cases.size).toBe(0);
  });
});

describe('CasesService: form options', () => {
  it('offers the open meetings of the forums of the actor, next one preselected', async () => {
    const clock = new ManualClock('2026-11-24T12:00:00Z');
    const forums = new FakeForums(clock);
    forums.forums.push(makeForum({ id: 'sspf', code: 'SSPF', organisations: ['police'] }));
    const service = new CasesService({
      repo: new FakeCasesRepository(),
      forums,
      audit: fakeAudit(),
      clock,
    });
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
