import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock';
import { PEOPLE, TENANT, actionExecute, message } from '../fixtures/activities';
import { cardOf } from '../harness/fake-connector';
import { TestBot, cardText, invokeCard } from '../harness/test-bot';
import { FOSSAM_FORM } from '../fixtures/forums';

const FOSSAM = '19:fossam@thread.tacv2';
const FOSSAM_B = '19:fossam-b@thread.tacv2';
const admin = (conversationId: string) => ({
  kind: 'channel' as const,
  conversationId,
  from: PEOPLE.admin,
});

/**
 * The admin creates Fossam (weekly Thursdays 13:00–15:00, deadline 2 working days before at
 * 12:00, deadline reminder 24 h before it, meeting reminder 15 min before the start) through the
 * card flow in a channel and binds it there. The clock then walks in 15-minute steps and the
 * scheduler runs at each step, as the production loop does.
 */
// Each walk runs the scheduler hundreds of times against the real database: generous timeouts.
describe('reminders reach the forum channel at the right local times', { timeout: 180_000 }, () => {
  let bot: TestBot;
  const arrivals: {
    at: string;
    conversationId: string;
    text: string;
    card: Record<string, unknown> | undefined;
  }[] = [];

  const walk = async (fromIso: string, untilIso: string) => {
    bot.clock.set(fromIso);
    const until = new Date(untilIso).getTime();
    while (bot.clock.now().getTime() < until) {
      bot.clock.advance(15 * 60_000);
      const before = bot.connector.sent.length;
      await bot.app.tick();
      for (const s of bot.connector.sent.slice(before)) {
        const card = cardOf(s);
        arrivals.push({
          at: bot.clock.now().toISOString(),
          conversationId: s.conversationId,
          text: cardText(card),
          card,
        });
      }
    }
  };
  const reminderFor = (conversationId: string, kind: 'deadline' | 'meeting', meetingDate: string) =>
    arrivals.filter(
      (a) =>
        a.conversationId === conversationId &&
        (kind === 'deadline' ? a.text.includes('Lyft ärenden till') : a.text.includes('börjar')) &&
        a.text.includes(meetingDate),
    );

  beforeAll(async () => {
    bot = await TestBot.start({
      clock: new ManualClock('2027-03-19T07:00:00Z'),
      // The walk spans two months and the last test counts every sent message the outbox holds:
      // the outbox's own retention (one month by default) is not what this file tests.
      env: { RETENTION_OUTBOX_MONTHS: '0' },
    });
    for (const [form, channel] of [
      [FOSSAM_FORM, FOSSAM],
      [
        {
          ...FOSSAM_FORM,
          name: 'Fossam B',
          code: 'FOB',
          holidayPolicy: 'moveToNextWorkingDay',
          meetingLink: '',
        },
        FOSSAM_B,
      ],
    ] as const) {
      const created = await bot.send(actionExecute('forums.create', form, admin(channel)));
      expect(cardText(invokeCard(created))).toContain('är skapat');
      await bot.send(message('koppla forum', admin(channel)));
      const id = form.name === 'Fossam' ? 'fossam' : 'fossam-b';
      expect(
        cardText(
          invokeCard(await bot.send(actionExecute('forums.bind', { forumId: id }, admin(channel)))),
        ),
      ).toContain('kopplat hit');
    }
    // The chair cancels the meeting of 15 April (with a reason; kept for the term summary).
    const cancel = await bot.send(
      actionExecute(
        'meetings.cancel',
        { meetingId: 'fossam:2027-04-15', reason: 'Studiedag' },
        admin(FOSSAM),
      ),
    );
    expect(cardText(invokeCard(cancel))).toContain('inställt');
    bot.connector.clear();
  }, 60_000);
  afterAll(async () => {
    await bot.stop();
  });

  it('sends deadline and meeting reminders on both sides of the summer-time change (28 March 2027)', async () => {
    await walk('2027-03-22T00:00:00Z', '2027-03-26T00:00:00Z');
    // Before the change (CET, UTC+1): meeting Thu 25 March 13:00 = 12:00Z.
    const deadline25 = reminderFor(FOSSAM, 'deadline', 'torsdag 25 mars');
    expect(deadline25.map((a) => a.at)).toEqual(['2027-03-22T11:00:00.000Z']); // Mon 12:00 CET
    expect(deadline25[0]?.text).toContain(
      'Lyft ärenden till Fossam torsdag 25 mars senast tisdag 23 mars kl. 12.00.',
    );
    expect(deadline25[0]?.text).toContain('cases.open');
    const meeting25 = arrivals.filter(
      (a) => a.conversationId === FOSSAM && a.at.startsWith('2027-03-25'),
    );
    expect(meeting25.map((a) => a.at)).toEqual(['2027-03-25T11:45:00.000Z']); // 12:45 CET
    expect(meeting25[0]?.text).toContain('Fossam börjar torsdag 25 mars kl. 13.00.');
    expect(JSON.stringify(meeting25[0]?.card)).toContain(
      'https://teams.microsoft.com/l/meetup-join/fossam',
    );

    // After the change (CEST, UTC+2). Thu 1 April is in påsklov: skipped, so no reminders.
    // Thu 8 April 13:00 = 11:00Z; its deadline is Tue 6 April 12:00 (Mon 5 April is annandag påsk).
    await walk('2027-03-28T00:00:00Z', '2027-04-09T00:00:00Z');
    expect(
      arrivals.filter((a) => a.conversationId === FOSSAM && a.text.includes('1 april')),
    ).toEqual([]);
    expect(reminderFor(FOSSAM, 'deadline', 'torsdag 8 april').map((a) => a.at)).toEqual([
      '2027-04-05T10:00:00.000Z',
    ]); // 12:00 CEST
    expect(reminderFor(FOSSAM, 'deadline', 'torsdag 8 april')[0]?.text).toContain(
      'senast tisdag 6 april kl. 12.00',
    );
    expect(
      arrivals
        .filter((a) => a.conversationId === FOSSAM && a.at.startsWith('2027-04-08'))
        .map((a) => a.at),
    ).toEqual([
      '2027-04-08T10:45:00.000Z', // 12:45 CEST
    ]);
  });

  it('sends nothing for the cancelled meeting', async () => {
    await walk('2027-04-12T00:00:00Z', '2027-04-16T00:00:00Z');
    expect(reminderFor(FOSSAM, 'deadline', 'torsdag 15 april')).toEqual([]);
    expect(
      arrivals.filter((a) => a.conversationId === FOSSAM && a.at.startsWith('2027-04-15')),
    ).toEqual([]);
    // … while Fossam B, which was not cancelled, met as usual that day.
    expect(
      arrivals.filter((a) => a.conversationId === FOSSAM_B && a.at === '2027-04-15T10:45:00.000Z'),
    ).toHaveLength(1);
  });

  it('skips Kristi himmelsfärds dag for Fossam and moves it to Friday for Fossam B', async () => {
    await walk('2027-05-03T00:00:00Z', '2027-05-08T00:00:00Z');
    expect(
      arrivals.filter((a) => a.conversationId === FOSSAM && a.at.startsWith('2027-05-06')),
    ).toEqual([]);
    expect(reminderFor(FOSSAM, 'deadline', 'torsdag 6 maj')).toEqual([]);
    const moved = arrivals.filter(
      (a) => a.conversationId === FOSSAM_B && a.text.includes('fredag 7 maj'),
    );
    expect(moved.map((a) => a.at)).toContain('2027-05-07T10:45:00.000Z');
  });

  it('sends each reminder exactly once, and stores every one in the outbox', async () => {
    const keys = arrivals.map((a) => `${a.conversationId}|${a.at}|${a.text}`);
    expect(new Set(keys).size).toBe(keys.length);
    const outbox = bot.db.collection('outbox');
    expect(await outbox.countDocuments({ status: 'sent' })).toBe(arrivals.length);
  });

  it('delivers a reminder exactly once through 429 (Retry-After) and 503, then gives up on 403 and tells the admins', async () => {
    // The admin has a personal chat with the bot (where notices go).
    await bot.send(message('hej', { from: PEOPLE.admin, conversationId: 'a:personal-admin' }));
    const before = arrivals.length;
    // Fossam B's deadline reminder for Thu 13 May is due Mon 10 May 12:00 CEST (10:00Z).
    bot.connector.respondNext({ status: 429, headers: { 'Retry-After': '1' } }, { status: 503 });
    await walk('2027-05-10T09:30:00Z', '2027-05-10T11:00:00Z');
    // Fossam's and Fossam B's reminders are due at the same moment; the two scripted failures
    // fall on one or both of them. Each still arrives exactly once.
    for (const [channel, name] of [
      [FOSSAM, 'Fossam'],
      [FOSSAM_B, 'Fossam B'],
    ] as const) {
      const got = arrivals.slice(before).filter((a) => a.conversationId === channel);
      expect(got).toHaveLength(1);
      expect(got[0]?.text).toContain(`Lyft ärenden till ${name} torsdag 13 maj`);
    }
    const outbox = await bot.db
      .collection('outbox')
      .find({
        _id: {
          $in: [
            `reminder.deadline:${TENANT}:fossam:2027-05-13`,
            `reminder.deadline:${TENANT}:fossam-b:2027-05-13`,
          ] as never[],
        },
      })
      .toArray();
    expect(outbox.map((m) => String(m.status))).toEqual(['sent', 'sent']);
    expect(outbox.reduce((n, m) => n + Number(m.attempts), 0)).toBe(4); // 2 failed + 2 delivered

    // The bot is removed from Fossam B's channel: Teams answers 403.
    bot.connector.respondNextFor(FOSSAM_B, {
      status: 403,
      body: { error: { code: 'BotNotInConversationRoster' } },
    });
    const requestsBefore = bot.connector.requestLog.length;
    await walk('2027-05-13T10:30:00Z', '2027-05-13T12:00:00Z');
    const forum = await bot.db.collection('forums').findOne({ id: 'fossam-b' });
    expect(forum?.binding).toMatchObject({ status: 'broken' });
    const notice = bot.connector
      .messagesTo('a:personal-admin')
      .filter((s) => s.activity.text?.includes('Fossam B'));
    expect(notice).toHaveLength(1);
    expect(notice[0]?.activity.text).toContain('kan inte längre posta i kanalen för Fossam B');
    // No retry storm: later passes send nothing more to that channel.
    await walk('2027-05-17T00:00:00Z', '2027-05-21T00:00:00Z');
    // No retry storm: exactly one request ever reached Fossam B's channel after it was removed.
    expect(
      bot.connector.requestLog.slice(requestsBefore).filter((c) => c === FOSSAM_B),
    ).toHaveLength(1);
    expect(
      arrivals.filter((a) => a.conversationId === FOSSAM_B && a.at >= '2027-05-13T10:30'),
    ).toEqual([]);
  });
});
