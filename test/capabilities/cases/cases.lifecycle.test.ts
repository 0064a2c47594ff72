import { beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/core/clock';
import { CasesService } from '../../../src/capabilities/cases/cases.service';
import { fakeAudit } from '../people/fakes';
import { ADMIN, ANNA, BO, CHAIR, FakeCasesRepository, FakeForums, actor, input } from './fakes';

describe('CasesService: lifecycle', () => {
  let clock: ManualClock;
  let repo: FakeCasesRepository;
  let audit: ReturnType<typeof fakeAudit>;
  let service: CasesService;
  let code: string;
  const anna = actor(ANNA, ['staff'], ['school']);
  const bo = actor(BO, ['staff'], ['school']);
  const chair = actor(CHAIR, ['chair'], ['socialServices']);
  const otherChair = actor(BO, ['chair'], ['school']);
  const admin = actor(ADMIN, ['admin']);

  beforeEach(async () => {
    clock = new ManualClock('2026-11-24T08:00:00Z');
    repo = new FakeCasesRepository();
    audit = fakeAudit();
    service = new CasesService({ repo, forums: new FakeForums(clock), audit, clock });
    code = (await service.submit(anna, input())).record.code;
  });

  const stored = () => repo.get('tenant-1', code);

  it('lets only the submitter withdraw, before the meeting starts', async () => {
    await expect(service.withdraw(bo, code)).rejects.toMatchObject({ code: 'forbidden' });
    await expect(service.withdraw(admin, code)).rejects.toMatchObject({ code: 'forbidden' });
    clock.set('2026-11-26T12:00:00Z');
    await expect(service.withdraw(anna, code)).rejects.toMatchObject({
      code: 'conflict',
      params: { reason: 'meetingStarted' },
    });
    clock.set('2026-11-26T11:59:00Z');
    const withdrawn = await service.withdraw(anna, code);
    expect(withdrawn).toMatchObject({ status: 'withdrawn', version: 2 });
    expect(withdrawn.history.map((h) => [h.action, h.from, h.to])).toEqual([
      ['submitted', undefined, 'submitted'],
      ['withdrawn', 'submitted', 'withdrawn'],
    ]);
    await expect(service.withdraw(anna, code)).rejects.toMatchObject({
      code: 'conflict',
      params: { reason: 'status', status: 'withdrawn' },
    });
    expect(audit.entries.map((e) => e.action)).toEqual(['case.submit', 'case.withdrawn']);
  });

  it('runs submitted → on agenda → discussed → closed for the chair of the forum', async () => {
    await expect(service.markOnAgenda(anna, code)).rejects.toMatchObject({ code: 'forbidden' });
    await expect(service.markOnAgenda(otherChair, code)).rejects.toMatchObject({
      code: 'forbidden',
    });
    expect((await service.markOnAgenda(chair, code)).status).toBe('onAgenda');
    await expect(service.markDiscussed(chair, code, 'adviceGiven')).rejects.toMatchObject({
      params: { reason: 'meetingNotStarted' },
    });
    await expect(service.close(chair, code)).rejects.toMatchObject({ code: 'conflict' });
    clock.set('2026-11-26T14:00:00Z');
    const discussed = await service.markDiscussed(chair, code, 'sipRecommended');
    expect(discussed).toMatchObject({ status: 'discussed', outcome: 'sipRecommended' });
    const closed = await service.close(admin, code);
    expect(closed.status).toBe('closed');
    expect(closed.history.map((h) => h.action)).toEqual([
      'submitted',
      'onAgenda',
      'discussed',
      'closed',
    ]);
    expect(await stored()).toMatchObject({ status: 'closed', version: 4 });
    expect(audit.entries.map((e) => [e.action, e.actorId])).toEqual([
      ['case.submit', ANNA],
      ['case.onAgenda', CHAIR],
      ['case.discussed', CHAIR],
      ['case.closed', ADMIN],
    ]);
    expect(audit.entries[2]?.detail).toMatchObject({ outcome: 'sipRecommended' });
  });

  it('moves a waiting case to a later meeting of the same forum only', async () => {
    await service.markOnAgenda(chair, code);
    await expect(service.moveToMeeting(chair, code, 'fossam:2026-11-26')).rejects.toMatchObject({
      params: { reason: 'meetingNotLater' },
    });
    await expect(service.moveToMeeting(chair, code, 'sspf:2026-12-03')).rejects.toMatchObject({
      code: 'notFound',
    });
    await expect(service.moveToMeeting(bo, code, 'fossam:2026-12-03')).rejects.toMatchObject({
      code: 'forbidden',
    });
    const moved = await service.moveToMeeting(chair, code, 'fossam:2026-12-10');
    expect(moved).toMatchObject({ status: 'submitted', meetingId: 'fossam:2026-12-10' });
    expect(moved.history.at(-1)).toMatchObject({
      action: 'moved',
      from: 'onAgenda',
      to: 'submitted',
      meetingId: 'fossam:2026-12-10',
    });
    // After the original meeting the submitter may still withdraw: the new meeting is later.
    clock.set('2026-11-27T08:00:00Z');
    expect((await service.withdraw(anna, code)).status).toBe('withdrawn');
  });

  it('lists the own cases with what may be withdrawn', async () => {
    clock.advance(60_000);
    await service.submit(anna, input());
    await service.submit(bo, input());
    const mine = await service.myCases(anna);
    expect(mine.map((c) => [c.record.code, c.forumName, c.canWithdraw])).toEqual([
      ['FOS-26-002', 'Fossam', true],
      ['FOS-26-001', 'Fossam', true],
    ]);
    await service.withdraw(anna, code);
    expect((await service.myCases(anna)).find((c) => c.record.code === code)?.canWithdraw).toBe(
      false,
    );
    await expect(service.myCases(actor(ANNA, []))).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('lets only one of two concurrent changes win (compare-and-swap on the version)', async () => {
    const results = await Promise.allSettled([
      service.withdraw(anna, code),
      service.markOnAgenda(chair, code),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.find((r) => r.status === 'rejected')).toMatchObject({
      reason: { code: 'conflict' },
    });
  });
});
