import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock';
import type { CaseRecord } from '../../src/capabilities/cases/cases.types';
import { PEOPLE, actionExecute, cardToken, message } from '../fixtures/activities';
import { FOSSAM_FORM } from '../fixtures/forums';
import { TestBot, cardText, invokeCard } from '../harness/test-bot';

const ADMIN_CHAT = { from: PEOPLE.admin, conversationId: 'a:personal-admin' };

/** Nothing a user wrote is lost when a chair cancels the meeting it was raised for. */
describe('a cancelled meeting moves its waiting cases to the next meeting', () => {
  let bot: TestBot;
  const cases = () => bot.db.collection<CaseRecord>('cases').find({}).toArray();

  beforeAll(async () => {
    bot = await TestBot.start({ clock: new ManualClock('2027-03-01T08:00:00Z') });
    await bot.send(message('hej', { from: PEOPLE.anna }));
    await bot.send(
      actionExecute(
        'people.grantRole',
        { userId: PEOPLE.anna.aadObjectId, role: 'staff' },
        ADMIN_CHAT,
      ),
    );
    await bot.send(
      actionExecute(
        'people.addOrganisation',
        { userId: PEOPLE.anna.aadObjectId, organisation: 'school' },
        ADMIN_CHAT,
      ),
    );
    expect(
      cardText(invokeCard(await bot.send(actionExecute('forums.create', FOSSAM_FORM, ADMIN_CHAT)))),
    ).toContain('är skapat');
  });
  afterAll(async () => {
    await bot.stop();
  });

  it('moves the case, records who and why in its history, and the submitter sees the new meeting', async () => {
    const receipt = await bot.send(
      actionExecute(
        'cases.submit',
        {
          token: cardToken(),
          meetingId: 'fossam:2027-03-11',
          organisation: 'school',
          ageBand: 'grades4to6',
          concerns: 'schoolAbsence',
          description: 'Eleven har varit borta mycket sedan sportlovet.',
          tried: 'Samtal med mentor och kurator.',
          question: 'Hur kan vi samverka kring närvaron?',
          urgency: 'normal',
        },
        { from: PEOPLE.anna },
      ),
    );
    expect(cardText(invokeCard(receipt))).toContain('FOS-27-001');
    expect((await cases())[0]).toMatchObject({
      meetingId: 'fossam:2027-03-11',
      status: 'submitted',
    });

    const cancelled = await bot.send(
      actionExecute(
        'meetings.cancel',
        { meetingId: 'fossam:2027-03-11', reason: 'Studiedag' },
        ADMIN_CHAT,
      ),
    );
    expect(cardText(invokeCard(cancelled))).toContain('är inställt');

    const [moved] = await cases();
    expect(moved).toMatchObject({ meetingId: 'fossam:2027-03-18', status: 'submitted' });
    expect(moved?.history.at(-1)).toMatchObject({
      action: 'moved',
      by: PEOPLE.admin.aadObjectId,
      meetingId: 'fossam:2027-03-18',
    });

    const mine = await bot.send(actionExecute('cases.mine', {}, { from: PEOPLE.anna }));
    expect(cardText(invokeCard(mine))).toContain('torsdag 18 mars');
  });

  it('a schedule change cancels the old dates ahead ("schedule changed") and moves their cases', async () => {
    const meetings = () => bot.db.collection('meetings').find({ forumId: 'fossam' }).toArray();
    await bot.send(
      actionExecute(
        'cases.submit',
        {
          token: cardToken(),
          meetingId: 'fossam:2027-03-25',
          organisation: 'school',
          ageBand: 'grades7to9',
          concerns: 'schoolAbsence',
          description: 'Eleven kommer sent nästan varje dag.',
          tried: 'Samtal hem.',
          question: 'Vad kan fritid erbjuda?',
          urgency: 'normal',
        },
        { from: PEOPLE.anna },
      ),
    );
    // The admin moves the forum from Thursdays to Tuesdays.
    const edited = await bot.send(
      actionExecute(
        'forums.update',
        { ...FOSSAM_FORM, weekday: 'tuesday', firstDate: '2027-01-12', forumId: 'fossam' },
        ADMIN_CHAT,
      ),
    );
    expect(cardText(invokeCard(edited))).toContain('Fossam');
    await bot.app.tick();

    const all = await meetings();
    const byId = new Map(all.map((m) => [String(m['id']), m]));
    // Every Thursday ahead that still took place is now cancelled because the schedule changed.
    expect(byId.get('fossam:2027-03-25')).toMatchObject({
      status: 'cancelled',
      reason: { kind: 'scheduleChanged' },
    });
    expect(byId.get('fossam:2027-04-15')).toMatchObject({ status: 'cancelled' });
    // The meeting a chair cancelled earlier keeps the chair's own reason.
    expect(byId.get('fossam:2027-03-11')).toMatchObject({ reason: { kind: 'override' } });
    // Tuesdays are materialized and take place; the first one after the 25th gets the case.
    const next: Record<string, unknown> | undefined = all
      .filter((m) => m['status'] === 'scheduled' && String(m['date']) > '2027-03-25')
      .sort((x, y) => String(x['date']).localeCompare(String(y['date'])))[0];
    expect(new Date(`${String(next?.['date'])}T12:00:00Z`).getUTCDay()).toBe(2);

    // The case waiting for the 25th moved to that Tuesday, in the admin's name.
    const moved = (await cases()).find((c) => c.ageBand === 'grades7to9');
    expect(moved).toMatchObject({ meetingId: next?.['id'], status: 'submitted' });
    expect(moved?.history.at(-1)).toMatchObject({ action: 'moved', by: PEOPLE.admin.aadObjectId });
  });
});
