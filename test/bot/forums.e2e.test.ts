import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock';
import { PEOPLE, actionExecute, message } from '../fixtures/activities';
import { cardOf } from '../harness/fake-connector';
import { TestBot, cardText, inputValues, invokeCard, invokeMessage } from '../harness/test-bot';
import { FOSSAM_FORM } from '../fixtures/forums';

const CHANNEL = '19:fossam-channel@thread.tacv2';
const inChannel = (from = PEOPLE.admin) => ({
  kind: 'channel' as const,
  conversationId: CHANNEL,
  from,
});

/** The card's Action.OpenUrl buttons. */
function openUrls(card: unknown): { title: unknown; url: unknown }[] {
  const out: { title: unknown; url: unknown }[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (o.type === 'Action.OpenUrl') out.push({ title: o.title, url: o.url });
      Object.values(o).forEach(walk);
    }
  };
  walk(card);
  return out;
}

describe('forums through the bot', () => {
  let bot: TestBot;
  const meetings = () =>
    bot.db
      .collection('meetings')
      .find({}, { sort: { start: 1 } })
      .toArray();

  beforeAll(async () => {
    bot = await TestBot.start({ clock: new ManualClock('2027-03-01T08:00:00Z') });
    await bot.send(message('hej', { from: PEOPLE.anna }));
    // Anna is staff (not an admin): she may see the forums' meetings (`nästa möte`), not edit them.
    await bot.send(
      actionExecute(
        'people.grantRole',
        { userId: PEOPLE.anna.aadObjectId, role: 'staff' },
        { from: PEOPLE.admin, conversationId: 'a:personal-admin' },
      ),
    );
  });
  afterAll(async () => {
    await bot.stop();
  });

  it('refuses a non-admin who asks for the new-forum card', async () => {
    bot.connector.clear();
    await bot.send(message('nytt forum', inChannel(PEOPLE.anna)));
    expect(bot.connector.sent[0]?.activity.text).toContain('Det får du tyvärr inte göra');
  });

  it('shows an admin the form, and re-shows it with the inputs kept when a field is invalid', async () => {
    bot.connector.clear();
    await bot.send(message('nytt forum', inChannel()));
    expect(cardText(cardOf(bot.connector.sent[0]))).toContain('Deltagande organisationer');
    const res = await bot.send(
      actionExecute('forums.create', { ...FOSSAM_FORM, firstDate: '2027-02-30' }, inChannel()),
    );
    const card = invokeCard(res);
    expect(cardText(card)).toContain('Kontrollera fältet');
    expect(inputValues(card)).toMatchObject({
      name: 'Fossam',
      code: 'FOS',
      organisations: 'school,socialServices,firstLine',
    });
    expect(await bot.db.collection('forums').countDocuments()).toBe(0);
  });

  it('creates Fossam, weekly on Thursdays 13:00–15:00, with its meetings materialized', async () => {
    const res = await bot.send(actionExecute('forums.create', FOSSAM_FORM, inChannel()));
    expect(cardText(invokeCard(res))).toContain('Forumet Fossam är skapat');
    expect(cardText(invokeCard(res))).toContain('torsdag 4 mars kl. 13.00–15.00');
    const forum = await bot.db.collection('forums').findOne({});
    expect(forum).toMatchObject({
      id: 'fossam',
      code: 'FOS',
      schedule: { startTime: '13:00', durationMinutes: 120 },
    });
    const all = await meetings();
    // Summer time starts 28 March 2027: 13:00 local is 12:00Z before and 11:00Z after.
    expect(all.find((m) => m.date === '2027-03-25')?.start).toEqual(
      new Date('2027-03-25T12:00:00Z'),
    );
    expect(all.find((m) => m.date === '2027-04-01')?.start).toEqual(
      new Date('2027-04-01T11:00:00Z'),
    );
    // Kristi himmelsfärds dag: skipped, as the forum says.
    expect(all.find((m) => m.originalDate === '2027-05-06')).toMatchObject({
      status: 'skipped',
      reason: { kind: 'holiday' },
    });
    // Deadline: 2 working days before at 12:00 local.
    expect(all.find((m) => m.date === '2027-03-04')?.deadlineAt).toEqual(
      new Date('2027-03-02T11:00:00Z'),
    );

    const dup = await bot.send(actionExecute('forums.create', FOSSAM_FORM, inChannel()));
    expect(cardText(invokeCard(dup))).toContain('Det finns redan ett forum med det namnet');
  });

  it('binds the forum to the channel where the admin writes "koppla forum"', async () => {
    bot.connector.clear();
    await bot.send(
      message('koppla forum', { ...inChannel(), kind: 'personal', conversationId: 'a:admin' }),
    );
    expect(bot.connector.sent[0]?.activity.text).toContain('inte till en personlig chatt');
    await bot.send(message('koppla forum', inChannel()));
    expect(cardText(cardOf(bot.connector.sent[1]))).toContain('Fossam');
    const res = await bot.send(actionExecute('forums.bind', { forumId: 'fossam' }, inChannel()));
    expect(cardText(invokeCard(res))).toContain('Fossam är nu kopplat hit');
    const forum = await bot.db.collection('forums').findOne({});
    expect(forum?.binding).toMatchObject({
      conversationId: CHANNEL,
      status: 'active',
      boundBy: PEOPLE.admin.aadObjectId,
    });
  });

  it('answers "nästa möte" in the forum channel and "next meeting Fossam" anywhere', async () => {
    bot.connector.clear();
    await bot.send(message('nästa möte', inChannel(PEOPLE.anna)));
    const sv = cardText(cardOf(bot.connector.sent[0]));
    expect(sv).toContain('Kommande möten: Fossam');
    expect(sv).toContain('torsdag 4 mars kl. 13.00–15.00');
    expect(sv).toContain('Lyft ärenden senast tisdag 2 mars kl. 12.00');
    expect(sv).not.toContain('Ställ in'); // Anna is not a chair (the service would refuse anyway)
    // Where the forum meets: the place, and the meeting link as a button.
    expect(sv).toContain('Plats: Stadshuset, Storgatan 1, sal 3');
    expect(openUrls(cardOf(bot.connector.sent[0]))).toEqual([
      { title: 'Anslut till mötet', url: 'https://teams.microsoft.com/l/meetup-join/fossam' },
    ]);
    await bot.send(message('next meeting fossam', { from: PEOPLE.anna, locale: 'en-US' }));
    const en = cardText(cardOf(bot.connector.sent[1]));
    expect(en).toContain('Thursday 4 March, 13:00–15:00');
    expect(en).toContain('Place: Stadshuset, Storgatan 1, sal 3');
    expect(openUrls(cardOf(bot.connector.sent[1]))[0]?.title).toBe('Join the meeting');
    await bot.send(message('nästa möte Okänt', { from: PEOPLE.anna }));
    expect(bot.connector.sent[2]?.activity.text).toContain('hittar inget forum');
  });

  it('lets a chair cancel a meeting with a reason, through the anonymity gate', async () => {
    const meetingId = 'fossam:2027-03-11';
    const refused = await bot.send(
      actionExecute('meetings.changeForm', { meetingId, change: 'cancel' }, { from: PEOPLE.anna }),
    );
    expect(invokeMessage(refused)).toContain('Det får du tyvärr inte göra');

    const form = await bot.send(
      actionExecute('meetings.changeForm', { meetingId, change: 'cancel' }, inChannel()),
    );
    expect(cardText(invokeCard(form))).toContain('Ställ in möte');
    const withPhone = await bot.send(
      actionExecute(
        'meetings.cancel',
        { meetingId, reason: 'Ring mig på 070-123 45 67' },
        inChannel(),
      ),
    );
    expect(cardText(invokeCard(withPhone))).toContain('telefonnummer');
    expect(inputValues(invokeCard(withPhone))).toMatchObject({
      reason: 'Ring mig på 070-123 45 67',
    });
    expect((await meetings()).find((m) => m.id === meetingId)?.status).toBe('scheduled');

    const ok = await bot.send(
      actionExecute('meetings.cancel', { meetingId, reason: 'Studiedag för skolan' }, inChannel()),
    );
    // The answer lists the meetings again: the cancelled date with the chair's reason, and
    // the four meetings that take place, with the date in påsklov skipped among them.
    const after = cardText(invokeCard(ok));
    expect(after).toContain('är inställt');
    expect(after).toContain('11 mars — inställt: Studiedag för skolan');
    expect(after).toContain('1 apr — ställs in: påsklov');
    expect(after).toContain('torsdag 8 april kl. 13.00–15.00');
    // Skipped and cancelled dates offer no cancel/move buttons.
    expect(JSON.stringify(invokeCard(ok))).not.toContain('fossam:2027-03-11');
    expect(JSON.stringify(invokeCard(ok))).not.toContain('fossam:2027-04-01');
    bot.connector.clear();
    await bot.send(message('next meeting', { ...inChannel(PEOPLE.anna), locale: 'en-US' }));
    const en = cardText(cardOf(bot.connector.sent[0]));
    expect(en).toContain('11 Mar — cancelled: Studiedag för skolan');
    expect(en).toContain('1 Apr — skipped: Easter break');
    expect((await meetings()).find((m) => m.id === meetingId)).toMatchObject({
      status: 'cancelled',
      reason: { kind: 'override', text: 'Studiedag för skolan' },
    });
    expect(await bot.db.collection('meetingOverrides').countDocuments()).toBe(1);
  });

  it('lists the forums with their next meeting', async () => {
    bot.connector.clear();
    await bot.send(message('forum', { from: PEOPLE.admin }));
    const text = cardText(cardOf(bot.connector.sent[0]));
    expect(text).toContain('Fossam');
    expect(text).toContain('Varje vecka, torsdag kl. 13.00');
    expect(text).toContain('kopplat till en kanal');
  });

  it('lets an admin edit the forum through the same card; meetings are recomputed, the binding kept', async () => {
    bot.connector.clear();
    await bot.send(message('ändra forum Fossam', inChannel()));
    const form = cardOf(bot.connector.sent[0]);
    expect(cardText(form)).toContain('Ändra forum: Fossam');
    expect(inputValues(form)).toMatchObject({
      name: 'Fossam',
      code: 'FOS',
      startTime: '13:00',
      weekday: 'thursday',
    });
    expect(JSON.stringify(form)).toContain('forums.update');
    const res = await bot.send(
      actionExecute(
        'forums.update',
        {
          ...FOSSAM_FORM,
          startTime: '14:00',
          meetingReminderMinutes: '30',
          deadlineReminderHours: '48',
          forumId: 'fossam',
        },
        inChannel(),
      ),
    );
    expect(cardText(invokeCard(res))).toContain('Ändringarna i Fossam är sparade');
    const edited = (await meetings()).find((m) => m.date === '2027-03-25');
    expect(edited?.start).toEqual(new Date('2027-03-25T13:00:00Z'));
    // Reminder offsets are the forum's own: 30 minutes before the meeting, 48 h before the deadline.
    expect(edited?.meetingReminderAt).toEqual(new Date('2027-03-25T12:30:00Z'));
    expect(edited?.deadlineReminderAt).toEqual(new Date('2027-03-21T11:00:00Z'));
    expect((await bot.db.collection('forums').findOne({}))?.binding).toMatchObject({
      status: 'active',
    });
    expect(await bot.db.collection('forums').countDocuments()).toBe(1);

    const byStaff = await bot.send(
      actionExecute('forums.update', { ...FOSSAM_FORM, forumId: 'fossam' }, inChannel(PEOPLE.anna)),
    );
    expect(invokeMessage(byStaff)).toContain('Det får du tyvärr inte göra');
  });
  it('says which public holiday a meeting is skipped for, and where a moved one went', async () => {
    bot.clock.set('2027-04-26T08:00:00Z'); // Monday; Thursday 6 May is Kristi himmelsfärdsdag
    bot.connector.clear();
    await bot.send(message('nästa möte', inChannel(PEOPLE.anna)));
    const sv = cardText(cardOf(bot.connector.sent[0]));
    expect(sv).toContain('torsdag 29 april kl. 14.00–16.00');
    expect(sv).toContain('6 maj — ställs in: Kristi himmelsfärdsdag');
    expect(sv).toContain('torsdag 20 maj kl. 14.00–16.00');
    await bot.send(message('next meeting fossam', { from: PEOPLE.anna, locale: 'en-US' }));
    expect(cardText(cardOf(bot.connector.sent[1]))).toContain('6 May — skipped: Ascension Day');

    // The admin lets holidays move the meeting to the next working day instead.
    const edited = await bot.send(
      actionExecute(
        'forums.update',
        {
          ...FOSSAM_FORM,
          startTime: '14:00',
          holidayPolicy: 'moveToNextWorkingDay',
          forumId: 'fossam',
        },
        inChannel(),
      ),
    );
    const moved = cardText(invokeCard(edited));
    expect(moved).toContain('fredag 7 maj kl. 14.00–16.00');
    expect(moved).toContain('6 maj → 7 maj (Kristi himmelsfärdsdag)');
    expect(moved).not.toContain('ställs in: Kristi himmelsfärdsdag');

    // A chair's move shows the chair's reason the same way.
    const byChair = await bot.send(
      actionExecute(
        'meetings.move',
        { meetingId: 'fossam:2027-05-13', date: '2027-05-12', reason: 'Lokalen är upptagen' },
        inChannel(),
      ),
    );
    const text = cardText(invokeCard(byChair));
    expect(text).toContain('onsdag 12 maj kl. 14.00–16.00');
    expect(text).toContain('13 maj → 12 maj (Lokalen är upptagen)');
    expect((await meetings()).find((m) => m.id === 'fossam:2027-05-13')).toMatchObject({
      status: 'moved',
      date: '2027-05-12',
      reason: { kind: 'override', text: 'Lokalen är upptagen' },
    });
  });
});
