import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from 'mongodb';
import type { Actor, Role } from '../../../src/core/actor';
import type { AgendaFollowUpProvider } from '../../../src/core/agenda';
import { ManualClock } from '../../../src/core/clock';
import type { Modules } from '../../../src/app';
import { forumInputSchema } from '../../../src/capabilities/forums/forums.schemas';
import { digestCard } from '../../../src/capabilities/chairs/chairs.cards';
import { minutesCard } from '../../../src/capabilities/chairs/chairs.cards';
import { emptyMinutes } from '../../../src/capabilities/chairs/chairs.types';
import { cardText, inputValues } from '../../harness/test-bot';
import { openTestModules } from '../../harness/test-db';

/**
 * The chairs' capability on the real database, without a bot: an agenda follow-up provider (as
 * deviations will register one) reaching the digest, the minutes card and `minutes.saved`; and
 * the retention target purging the notes of old minutes.
 */
const TENANT = '3f9a1c2e-5b7d-4e8f-a1b2-c3d4e5f6a7b8';
const CHAIR = 'c1c1c1c1-1111-4111-8111-00000000000a';
const STAFF = 'e0e0e0e0-2222-4222-8222-000000000003';
const actor = (aadObjectId: string, roles: Role[], organisations: string[] = []): Actor => ({
  tenantId: TENANT,
  aadObjectId,
  displayName: 'x',
  roles: new Set(roles),
  organisations,
});
const MEETING = 'fossam:2026-11-26';

/** A provider like the one deviations will register: items for Fossam only. */
const deviations: AgendaFollowUpProvider & { asked: string[] } = {
  kind: 'probe',
  asked: [],
  followUps(tenantId, forumId, meetingId) {
    deviations.asked.push(`${tenantId}:${forumId}:${meetingId}`);
    return Promise.resolve(
      forumId === 'fossam'
        ? [
            {
              ref: 'probe:AVV-26-007',
              kind: 'probe',
              label: (l) =>
                l === 'sv'
                  ? 'AVV-26-007 · Information nådde inte rätt person · Skola, Socialtjänst'
                  : 'AVV-26-007 · Information did not reach the right person · School, Social services',
            },
          ]
        : [],
    );
  },
};

describe('chairs on the database: follow-up providers and retention', () => {
  const clock = new ManualClock('2026-11-24T08:00:00Z');
  let modules: Modules;
  let db: Db;
  let close: () => Promise<void>;
  let code: string;

  beforeAll(async () => {
    ({ modules, db, close } = await openTestModules(clock));
    modules.faces.chairs.registerFollowUps(deviations);
    const admin = actor('a0a0a0a0-0000-4000-8000-000000000001', ['admin']);
    for (const id of ['fossam', 'bosam'])
      await modules.faces.forums.createForum(
        admin,
        forumInputSchema.parse({
          id,
          name: id === 'fossam' ? 'Fossam' : 'Bosam',
          code: id === 'fossam' ? 'FOS' : 'BOS',
          organisations: ['school', 'socialServices'],
          chairs: [CHAIR],
          schedule: {
            recurrence: { kind: 'weekly', interval: 1, weekdays: ['thursday'] },
            startTime: '13:00',
            durationMinutes: 120,
            firstDate: '2026-11-05',
            deadline: { workingDaysBefore: 2, time: '12:00' },
          },
        }),
      );
    const { record } = await modules.faces.cases.submit(actor(STAFF, ['staff'], ['school']), {
      meetingId: MEETING,
      organisation: 'school',
      ageBand: 'grades4to6',
      concerns: ['schoolAbsence'],
      description: 'Eleven har hög frånvaro.',
      tried: 'Samtal.',
      question: 'Vad kan vi göra?',
      urgency: 'normal',
    });
    code = record.code;
  });
  afterAll(async () => {
    await close();
  });

  it('lists the provider’s items in the digest under "Att följa upp", only where there are any', async () => {
    const { agenda } = modules.faces.chairs;
    const [fossam, bosam] = await Promise.all([
      modules.faces.forums.getForum(TENANT, 'fossam'),
      modules.faces.forums.getForum(TENANT, 'bosam'),
    ]);
    const meeting = await modules.faces.meetings.getMeeting(TENANT, MEETING);
    const withItems = await agenda.agendaFor(fossam!, meeting!);
    expect(withItems.followUps.map((f) => f.ref)).toEqual(['probe:AVV-26-007']);
    const text = cardText(digestCard(agenda.labels('sv'), withItems, true));
    expect(text).toContain('Att följa upp');
    expect(text).toContain('AVV-26-007 · Information nådde inte rätt person');
    expect(cardText(digestCard(agenda.labels('en'), withItems, true))).toContain('To follow up');
    const bosamMeeting = await modules.faces.meetings.getMeeting(TENANT, 'bosam:2026-11-26');
    const none = await agenda.agendaFor(bosam!, bosamMeeting!);
    expect(cardText(digestCard(agenda.labels('sv'), none, true))).not.toContain('Att följa upp');
    expect(deviations.asked).toContain(`${TENANT}:fossam:${MEETING}`);
  });

  it('shows the items on the minutes card with a "followed up" choice; the refs marked reach minutes.saved', async () => {
    clock.set('2026-11-26T14:30:00Z'); // the meeting has started
    const chair = actor(CHAIR, ['chair']);
    const { minutes, agenda } = modules.faces.chairs;
    const view = await minutes.view(chair, MEETING);
    expect(view.followUps.map((f) => f.ref)).toEqual(['probe:AVV-26-007']);
    const card = minutesCard(agenda.labels('sv'), {
      ...view,
      outcomes: [],
      values: emptyMinutes(),
      revision: 0,
      token: 't0000000000000000',
    });
    expect(inputValues(card)).toMatchObject({ 'fu.probe:AVV-26-007': 'false' });
    expect(cardText(card)).toContain('AVV-26-007');

    const saved = await minutes.save(chair, {
      meetingId: MEETING,
      baseRevision: 0,
      attendance: { school: 'present', socialServices: 'absent' },
      outcomes: { [code]: 'followUp' },
      notes: { [code]: 'Forumet följer upp efter jul.' },
      general: 'Avvikelsen togs upp och är åtgärdad.',
      followedUp: ['probe:AVV-26-007'],
    });
    expect(saved.record.revision).toBe(1);
    const event = await db.collection('events').findOne({ type: 'minutes.saved' });
    expect(event?.data).toEqual({
      forumId: 'fossam',
      meetingId: MEETING,
      by: CHAIR,
      roles: ['chair'],
      revision: 1,
      attendance: { school: 'present', socialServices: 'absent' },
      followedUp: ['probe:AVV-26-007'],
    });
    // A ref no provider gave is refused, and nothing is saved.
    await expect(
      minutes.save(chair, {
        ...emptyMinutes(),
        meetingId: MEETING,
        baseRevision: 1,
        followedUp: ['probe:AVV-26-999'],
      }),
    ).rejects.toMatchObject({ code: 'invalidInput' });
    expect(await db.collection('minutesRevisions').countDocuments()).toBe(1);
  });

  it('the retention target purges the notes N months after the meeting, keeps outcomes and attendance, and is idempotent', async () => {
    const target = modules.retention.find((t) => t.name === 'minutes.notes');
    expect(target?.months).toBe(24);
    // A cut-off before the meeting: nothing to purge.
    expect(await target!.purge(new Date('2026-11-01T00:00:00Z'), clock.now())).toEqual({
      purged: [],
    });
    // Two years later: the notes go (in the minutes and every revision), the rest stays.
    const now = new Date('2028-12-01T00:00:00Z');
    const cutoff = new Date('2026-12-01T00:00:00Z');
    expect(await target!.purge(cutoff, now)).toEqual({ purged: [MEETING] });
    const stored = await db.collection('minutes').findOne({});
    expect(stored).toMatchObject({
      notes: {},
      general: '',
      attendance: { school: 'present', socialServices: 'absent' },
      outcomes: { [code]: 'followUp' },
      followedUp: ['probe:AVV-26-007'],
      revision: 1,
    });
    const revisions = await db.collection('minutesRevisions').find({}).toArray();
    expect(JSON.stringify(revisions)).not.toContain('efter jul');
    expect(JSON.stringify(revisions)).not.toContain('åtgärdad');
    expect(JSON.stringify(stored)).not.toContain('åtgärdad');
    expect(await target!.purge(cutoff, now)).toEqual({ purged: [] });
  });
});
