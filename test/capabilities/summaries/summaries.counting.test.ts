import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../../src/core/actor';
import type { DomainEvent } from '../../../src/core/events';
import { forumInputSchema } from '../../../src/capabilities/forums/forums.schemas';
import type { Db } from 'mongodb';
import type { Modules } from '../../../src/app';
import { openTestModules } from '../../harness/test-db';

/**
 * The counters on the real database: each figure family fed by its events (minutes and outcomes
 * recorded through the unit of work, as their producers will), counted once however often an
 * event is delivered, corrections replacing what they correct, the recount repairing counters
 * that drifted, and the deviations' plug-in point.
 */
const TENANT = 't-counting';
const person = (id: string, roles: string[], organisations: string[]): Actor => ({
  tenantId: TENANT,
  aadObjectId: id,
  displayName: id,
  roles: new Set(roles) as Actor['roles'],
  organisations,
});
const admin = person('00000000-0000-4000-8000-00000000000a', ['admin'], []);
const chair = person('00000000-0000-4000-8000-00000000000c', ['chair'], ['school']);
const staff = person('00000000-0000-4000-8000-00000000000s', ['staff'], ['school']);

describe('summary counters', () => {
  let modules: Modules;
  let db: Db;
  let close: () => Promise<void>;
  const figures = async (period = 'HT2026') =>
    (
      await modules.faces.summaries.summaries.compile(
        TENANT,
        period,
        ['fossam'],
        new Date('2026-11-27T12:00:00Z'),
      )
    ).figures;
  const events = async (unitId: string, list: { type: string; data: unknown }[]) => {
    const outcome = await modules.units.commit({
      id: unitId,
      writes: [],
      events: list.map((e) => ({ ...e, tenantId: TENANT }) as never),
    });
    if (!outcome.committed) throw new Error('not committed');
    return outcome.events;
  };
  let code = '';

  beforeAll(async () => {
    ({ modules, db, close } = await openTestModules());
    await modules.faces.forums.createForum(
      admin,
      forumInputSchema.parse({
        id: 'fossam',
        name: 'Fossam',
        code: 'FOS',
        organisations: ['school', 'socialServices'],
        chairs: [chair.aadObjectId],
        schedule: {
          recurrence: { kind: 'weekly', interval: 1, weekdays: ['thursday'] },
          startTime: '13:00',
          durationMinutes: 120,
          firstDate: '2026-11-05',
          deadline: { workingDaysBefore: 1, time: '12:00' },
        },
      }),
    );
    const [meeting] = await modules.faces.meetings.openMeetings(TENANT, 'fossam', 1);
    const { record } = await modules.faces.cases.submit(staff, {
      meetingId: meeting!.id,
      organisation: 'school',
      ageBand: 'grades7to9',
      concerns: ['schoolAbsence', 'mentalHealth'],
      description: 'Eleven har hög frånvaro och mår dåligt.',
      tried: 'Samtal.',
      question: 'Vad kan vi göra?',
      urgency: 'normal',
    });
    code = record.code;
  });
  afterAll(async () => {
    await close();
  });

  it('counts a submitted case under its term, year and month, once however often the event comes', async () => {
    const f = await figures();
    expect(f.cases).toMatchObject({
      raised: 1,
      byOrg: { school: 1 },
      byAgeBand: { grades7to9: 1 },
    });
    expect(f.cases.byConcern).toEqual({ schoolAbsence: 1, mentalHealth: 1 });
    expect((await figures('2026')).cases.raised).toBe(1);
    expect((await figures('2026-11')).cases.raised).toBe(1);
    // The same event delivered again (at least once) changes nothing.
    const stored = await db.collection('events').findOne({ type: 'case.submitted' });
    const event = {
      ...stored,
      id: stored!._id,
      at: new Date(stored!.at as Date),
    } as unknown as DomainEvent<'case.submitted'>;
    await modules.faces.summaries.counting.onCaseSubmitted(event);
    await modules.faces.summaries.counting.onCaseSubmitted(event);
    expect((await figures()).cases.raised).toBe(1);
  });

  it('takes outcomes from case.outcome: a corrected outcome replaces the first', async () => {
    const base = { code, forumId: 'fossam', meetingId: 'fossam:2026-11-26', by: chair.aadObjectId };
    // The minutes (built on another branch) store the outcome on the case and record the event.
    const onCase = (outcome: string) =>
      db
        .collection('cases')
        .updateOne({ _id: `${TENANT}:${code}` } as never, { $set: { outcome } });
    await onCase('adviceGiven');
    await events('minutes:1', [
      { type: 'case.outcome', data: { ...base, outcome: 'adviceGiven' } },
    ]);
    expect((await figures()).cases.byOutcome).toEqual({ adviceGiven: 1 });
    await onCase('sipRecommended');
    await events('minutes:2', [
      { type: 'case.outcome', data: { ...base, outcome: 'sipRecommended' } },
    ]);
    expect((await figures()).cases.byOutcome).toEqual({ sipRecommended: 1 });
  });

  it('takes attendance from minutes.saved: the latest revision wins, an old one delivered late does not', async () => {
    const minutes = (revision: number, attendance: Record<string, string>) => ({
      type: 'minutes.saved',
      data: {
        forumId: 'fossam',
        meetingId: 'fossam:2026-11-26',
        by: chair.aadObjectId,
        revision,
        attendance,
        followedUp: [],
      },
    });
    const [first] = await events('minutes.save:1', [
      minutes(1, { school: 'present', socialServices: 'absent' }),
    ]);
    expect((await figures()).attendance).toEqual({
      school: { present: 1, absent: 0, excused: 0, rate: 1 },
      socialServices: { present: 0, absent: 1, excused: 0, rate: 0 },
    });
    await events('minutes.save:2', [minutes(2, { school: 'present', socialServices: 'excused' })]);
    await modules.faces.summaries.counting.onMinutesSaved(first as DomainEvent<'minutes.saved'>);
    expect((await figures()).attendance.socialServices).toEqual({
      present: 0,
      absent: 0,
      excused: 1,
      rate: 0,
    });
    // A meeting with minutes counts as held.
    expect((await figures()).meetings.held).toBeGreaterThanOrEqual(1);
  });

  it('repairs counters that disagree with the recount in the database', async () => {
    const { counting } = modules.faces.summaries;
    const clean = await counting.recount(TENANT, 'HT2026', ['fossam']);
    expect(clean.disagreed).toEqual([]);
    // Drift: the counters lose the case (as when a process died between an event and its count).
    await db
      .collection('summaryCounters')
      .updateOne({ _id: `${TENANT}:HT2026:fossam` } as never, { $set: { cases: {} } });
    expect((await figures()).cases.raised).toBe(0);
    const repaired = await counting.recount(TENANT, 'HT2026', ['fossam']);
    expect(repaired.disagreed).toEqual(['fossam']);
    const f = await figures();
    expect(f.cases).toMatchObject({
      raised: 1,
      byOrg: { school: 1 },
      byConcern: { schoolAbsence: 1, mentalHealth: 1 },
    });
    // Outcomes are rebuilt from the cases' coded data.
    expect(f.cases.byOutcome).toEqual({ sipRecommended: 1 });
  });

  it('counts deviations through the one plug-in point: by category, organisation and state, days, overdue', async () => {
    const { counting } = modules.faces.summaries;
    const fact = {
      id: 'AVV-26-001',
      forumId: 'fossam',
      orgs: ['socialServices'],
      category: 'contactPersonChanged',
      state: 'reported' as const,
      reportedOn: '2026-09-01',
      dueOn: '2026-10-31',
    };
    await counting.recordDeviation(TENANT, fact);
    await counting.recordDeviation(TENANT, {
      ...fact,
      id: 'AVV-26-002',
      orgs: ['school', 'socialServices'],
      category: 'noFeedback',
      reportedOn: '2026-10-01',
      dueOn: '2026-11-30',
    });
    let d = (await figures()).deviations;
    expect(d).toMatchObject({
      reported: 2,
      open: 2,
      overdue: 1,
      byCategory: { contactPersonChanged: 1, noFeedback: 1 },
      // A deviation concerning two organisations counts under each of them, once in the totals.
      byOrg: { socialServices: 2, school: 1 },
      byState: { reported: 2 },
    });
    // A state change replaces the fact (repeats change nothing).
    const answered = {
      ...fact,
      state: 'closed' as const,
      answeredOn: '2026-09-11',
      closedOn: '2026-09-21',
    };
    await counting.recordDeviation(TENANT, answered);
    await counting.recordDeviation(TENANT, answered);
    d = (await figures()).deviations;
    expect(d).toMatchObject({
      reported: 2,
      open: 1,
      overdue: 0,
      byState: { reported: 1, closed: 1 },
      medianDaysToAnswer: 10,
      medianDaysToClose: 20,
    });
  });
});
