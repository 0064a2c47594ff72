import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN, ANNA, BO, CHAIR, T, actor, input } from './fakes';
import { openCasesWorld, together, type CasesWorld } from './world';

describe('CasesService: lifecycle', () => {
  let w: CasesWorld;
  let code: string;
  const anna = actor(ANNA, ['staff'], ['school']);
  const bo = actor(BO, ['staff'], ['school']);
  const chair = actor(CHAIR, ['chair'], ['socialServices']);
  const otherChair = actor(BO, ['chair'], ['school']);
  const admin = actor(ADMIN, ['admin']);

  beforeEach(async () => {
    w = await openCasesWorld('2026-11-24T08:00:00Z');
    code = (await w.service.submit(anna, input())).record.code;
    // Each later step at a moment of its own: the audit trail is read back ordered by time.
    w.clock.advance(60_000);
  });
  afterEach(async () => {
    await w.close();
  });

  const stored = () => w.repo.get(T, code);

  it('lets only the submitter withdraw, before the meeting starts', async () => {
    await expect(w.service.withdraw(bo, code)).rejects.toMatchObject({ code: 'forbidden' });
    await expect(w.service.withdraw(admin, code)).rejects.toMatchObject({ code: 'forbidden' });
    w.clock.set('2026-11-26T12:00:00Z');
    await expect(w.service.withdraw(anna, code)).rejects.toMatchObject({
      code: 'conflict',
      params: { reason: 'meetingStarted' },
    });
    w.clock.set('2026-11-26T11:59:00Z');
    const withdrawn = await w.service.withdraw(anna, code);
    expect(withdrawn).toMatchObject({ status: 'withdrawn', version: 2 });
    expect(withdrawn.history.map((h) => [h.action, h.from, h.to])).toEqual([
      ['submitted', undefined, 'submitted'],
      ['withdrawn', 'submitted', 'withdrawn'],
    ]);
    expect(await stored()).toEqual(withdrawn);
    await expect(w.service.withdraw(anna, code)).rejects.toMatchObject({
      code: 'conflict',
      params: { reason: 'status', status: 'withdrawn' },
    });
    expect((await w.caseAudit()).map((e) => e.action)).toEqual(['case.submit', 'case.withdrawn']);
  });

  it('runs submitted → on agenda → discussed → closed for the chair of the forum', async () => {
    await expect(w.service.markOnAgenda(anna, code)).rejects.toMatchObject({ code: 'forbidden' });
    await expect(w.service.markOnAgenda(otherChair, code)).rejects.toMatchObject({
      code: 'forbidden',
    });
    expect((await w.service.markOnAgenda(chair, code)).status).toBe('onAgenda');
    await expect(w.service.markDiscussed(chair, code, 'adviceGiven')).rejects.toMatchObject({
      params: { reason: 'meetingNotStarted' },
    });
    await expect(w.service.close(chair, code)).rejects.toMatchObject({ code: 'conflict' });
    w.clock.set('2026-11-26T14:00:00Z');
    const discussed = await w.service.markDiscussed(chair, code, 'sipRecommended');
    expect(discussed).toMatchObject({ status: 'discussed', outcome: 'sipRecommended' });
    w.clock.advance(60_000);
    const closed = await w.service.close(admin, code);
    expect(closed.status).toBe('closed');
    expect(closed.history.map((h) => h.action)).toEqual([
      'submitted',
      'onAgenda',
      'discussed',
      'closed',
    ]);
    expect(await stored()).toMatchObject({ status: 'closed', version: 4 });
    const audit = await w.caseAudit();
    expect(audit.map((e) => [e.action, e.actorId])).toEqual([
      ['case.submit', ANNA],
      ['case.onAgenda', CHAIR],
      ['case.discussed', CHAIR],
      ['case.closed', ADMIN],
    ]);
    expect(audit[2]?.detail).toMatchObject({ outcome: 'sipRecommended' });
  });

  it('moves a waiting case to a later meeting of the same forum only', async () => {
    await w.service.markOnAgenda(chair, code);
    await expect(w.service.moveToMeeting(chair, code, 'fossam:2026-11-26')).rejects.toMatchObject({
      params: { reason: 'meetingNotLater' },
    });
    await expect(w.service.moveToMeeting(chair, code, 'sspf:2026-12-03')).rejects.toMatchObject({
      code: 'notFound',
    });
    await expect(w.service.moveToMeeting(bo, code, 'fossam:2026-12-03')).rejects.toMatchObject({
      code: 'forbidden',
    });
    const moved = await w.service.moveToMeeting(chair, code, 'fossam:2026-12-10');
    expect(moved).toMatchObject({ status: 'submitted', meetingId: 'fossam:2026-12-10' });
    expect(moved.history.at(-1)).toMatchObject({
      action: 'moved',
      from: 'onAgenda',
      to: 'submitted',
      meetingId: 'fossam:2026-12-10',
    });
    // After the original meeting the submitter may still withdraw: the new meeting is later.
    w.clock.set('2026-11-27T08:00:00Z');
    expect((await w.service.withdraw(anna, code)).status).toBe('withdrawn');
  });

  it('lists the own cases with what may be withdrawn', async () => {
    w.clock.advance(60_000);
    await w.service.submit(anna, input());
    await w.service.submit(bo, input());
    const mine = await w.service.myCases(anna);
    expect(mine.map((c) => [c.record.code, c.forumName, c.canWithdraw])).toEqual([
      ['FOS-26-002', 'Fossam', true],
      ['FOS-26-001', 'Fossam', true],
    ]);
    await w.service.withdraw(anna, code);
    expect((await w.service.myCases(anna)).find((c) => c.record.code === code)?.canWithdraw).toBe(
      false,
    );
    await expect(w.service.myCases(actor(ANNA, []))).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('lets only one of two concurrent changes win (compare-and-swap on the version)', async () => {
    // Both changes read version 1 before either commits (otherwise the two could run one after
    // the other, and then withdrawing a case on the agenda is allowed).
    const racing = w.serviceOn(together(w.journal, 2));
    const results = await Promise.allSettled([
      racing.withdraw(anna, code),
      racing.markOnAgenda(chair, code),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.find((r) => r.status === 'rejected')).toMatchObject({
      reason: { code: 'conflict' },
    });
    expect(await stored()).toMatchObject({ version: 2 });
    expect(((await stored())?.history ?? []).length).toBe(2);
  });
});
