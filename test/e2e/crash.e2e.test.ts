import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DateTime } from 'luxon';
import { MongoClient, type Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  WEEKDAYS,
  addDays,
  instantToLocalDate,
  isWorkingDay,
} from '../../src/capabilities/calendar';
import type { CaseRecord } from '../../src/capabilities/cases/cases.types';
import {
  PEOPLE,
  TENANT,
  actionExecute,
  cardToken,
  message,
  type Person,
  type TeamsActivity,
} from '../fixtures/activities';
import { BotProcess, freePort, until } from '../harness/bot-process';
import { FakeConnector } from '../harness/fake-connector';
import {
  cardText,
  inputValues,
  invokeCard,
  uniqueDbName,
  type HttpResult,
} from '../harness/test-bot';

/**
 * The bot as a real process (src/index.ts, as `npm start` runs it) on the run's database, killed
 * with SIGKILL at the worst moments: by a crash point right after a change is stored and before
 * its reactions ran, or from outside in the middle of a storm of submissions. After a restart,
 * nothing is lost and nothing happens twice. The real system clock is used throughout, so the
 * forums' meetings are placed relative to today.
 */

const ZONE = 'Europe/Stockholm';
const ADMIN_CHAT = { from: PEOPLE.admin, conversationId: 'a:personal-admin' };
const EMMA_CHAT = { from: PEOPLE.emma, conversationId: 'a:personal-emma' };
const personal = (p: Person) =>
  p === PEOPLE.admin ? ADMIN_CHAT : p === PEOPLE.emma ? EMMA_CHAT : { from: p };
const CASE_TEXT = {
  organisation: 'school',
  ageBand: 'grades4to6',
  concerns: 'schoolAbsence',
  description: 'Eleven har varit borta mycket den senaste tiden.',
  tried: 'Samtal med mentor och kurator.',
  question: 'Hur kan vi samverka kring närvaron?',
  urgency: 'normal',
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The first meeting: the first working day after today (Stockholm), weekly on its weekday, at
 * 13:00, cases taken until 08:00 that day. The deadline reminder goes out 168 h before the
 * deadline, so it is due as soon as the forum is bound.
 */
function forumForm(name: string, code: string, chair?: Person) {
  let firstDate = addDays(instantToLocalDate(new Date(), ZONE), 1);
  while (!isWorkingDay(firstDate)) firstDate = addDays(firstDate, 1);
  const weekday = WEEKDAYS[DateTime.fromISO(firstDate).weekday - 1]!;
  return {
    firstDate,
    form: {
      name,
      code,
      kind: 'caseForum',
      organisations: 'school,socialServices,firstLine',
      chairs: chair?.aadObjectId ?? '',
      weekday,
      interval: '1',
      startTime: '13:00',
      durationMinutes: '120',
      firstDate,
      deadlineDays: '0',
      deadlineTime: '08:00',
      holidayPolicy: 'moveToNextWorkingDay',
      deadlineReminderHours: '168',
      meetingReminderMinutes: '15',
      onlyDuringTerms: 'false',
    },
  };
}

/**
 * The names of the units left in the journal, without the daily retention pass: that background
 * unit may be mid-commit whenever the process is killed, and is rolled forward at restart like
 * any other.
 */
async function unitsInJournal(db: Db): Promise<string[]> {
  return (await db.collection('journal').find({}).toArray())
    .map((j) => String(j._id).split(':')[0]!)
    .filter((name) => name !== 'retention');
}

// Each case starts, kills and restarts bot processes: on a loaded 2-core machine one takes
// 20–30 s, more than the default test timeout.
describe('the bot process killed with SIGKILL at the worst moments', { timeout: 180_000 }, () => {
  const connector = new FakeConnector();
  const processes: BotProcess[] = [];
  const databases: Db[] = [];
  let client: MongoClient;
  let calendarDir: string;
  let calendarFile: string;

  /** A bot process on a database of its own (the run's server), its scheduler every second. */
  const launch = async (env: Record<string, string> = {}, dbName = uniqueDbName('crash')) => {
    const bot = new BotProcess(await freePort(), {
      NODE_ENV: 'test',
      MONGODB_URI: inject('mongoUri'),
      MONGODB_DB: dbName,
      ALLOWED_TENANT_IDS: TENANT,
      ADMIN_AAD_OBJECT_IDS: PEOPLE.admin.aadObjectId,
      // No school breaks: whatever today is, the forums' first meetings are days away.
      CALENDAR_FILE: calendarFile,
      SCHEDULER_INTERVAL_SECONDS: '1',
      OPERATION_LEASE_SECONDS: '2',
      LOG_LEVEL: 'info',
      LOG_FORMAT: 'json',
      ...env,
    });
    processes.push(bot);
    const db = client.db(dbName);
    databases.push(db);
    const send = (a: TeamsActivity): Promise<HttpResult> => bot.send(a, connector.url);
    return { bot, db, dbName, send };
  };

  /** Through HTTP, as Teams would: people known and given roles, a forum created and bound. */
  const setUp = async (
    send: (a: TeamsActivity) => Promise<HttpResult>,
    o: {
      name: string;
      code: string;
      channel: string;
      staff?: Person[];
      chair?: Person;
      admins?: Person[];
      beforeBind?: () => void;
      bindMayCrash?: boolean;
    },
  ) => {
    const staff = o.staff ?? [];
    const people = [...(o.admins ?? [PEOPLE.admin]), ...staff, ...(o.chair ? [o.chair] : [])];
    for (const p of new Set(people)) await send(message('hej', personal(p)));
    const grant = async (p: Person, verb: string, data: Record<string, string>) => {
      const res = await send(actionExecute(verb, { userId: p.aadObjectId, ...data }, ADMIN_CHAT));
      expect(res.status).toBe(200);
      expect(invokeCard(res)).toBeDefined();
    };
    for (const p of staff) {
      await grant(p, 'people.grantRole', { role: 'staff' });
      await grant(p, 'people.addOrganisation', { organisation: 'school' });
    }
    if (o.chair) await grant(o.chair, 'people.grantRole', { role: 'chair' });
    const { form, firstDate } = forumForm(o.name, o.code, o.chair);
    const created = await send(actionExecute('forums.create', form, ADMIN_CHAT));
    expect(cardText(invokeCard(created))).toContain('är skapat');
    const inChannel = { kind: 'channel' as const, conversationId: o.channel, from: PEOPLE.admin };
    await send(message('koppla forum', inChannel));
    // The bind card is the turn's last message into the channel.
    await until('the bind card in the channel', () =>
      connector
        .messagesTo(o.channel)
        .some((s) => JSON.stringify(s.activity).includes('forums.bind'))
        ? true
        : undefined,
    );
    o.beforeBind?.();
    const forumId = o.name.toLowerCase().replace(/[^a-z0-9]+/g, '-');
    const bind = send(actionExecute('forums.bind', { forumId }, inChannel));
    if (o.bindMayCrash) {
      // The binding is stored before the answer is made: a scheduler pass in between may
      // already reach the crash point (the test checks the stored binding instead).
      await bind.then(
        (bound) => expect(cardText(invokeCard(bound))).toContain('kopplat hit'),
        () => undefined,
      );
    } else expect(cardText(invokeCard(await bind))).toContain('kopplat hit');
    return { forumId, firstDate };
  };

  beforeAll(async () => {
    await connector.start();
    client = new MongoClient(inject('mongoUri'));
    await client.connect();
    calendarDir = mkdtempSync(path.join(tmpdir(), 'samverkan-crash-'));
    calendarFile = path.join(calendarDir, 'calendar.json');
    writeFileSync(calendarFile, JSON.stringify({ terms: [], breaks: [], extraDaysOff: [] }));
  });
  afterAll(async () => {
    for (const p of processes) await p.stop().catch(() => p.kill('SIGKILL'));
    await connector.stop();
    for (const db of databases) await db.dropDatabase().catch(() => undefined);
    await client?.close();
    if (calendarDir) rmSync(calendarDir, { recursive: true, force: true });
  });

  it('a chair cancels a meeting and the process dies right after the cancellation is stored: after a restart every waiting case moves to the next meeting, once', async () => {
    const { bot, db, send } = await launch();
    await bot.start({ SAMVERKAN_CRASH_POINTS: 'applied:meeting.cancel' });
    const { forumId, firstDate } = await setUp(send, {
      name: 'Krasch A',
      code: 'KRA',
      channel: '19:krasch-a@thread.tacv2',
      staff: [PEOPLE.anna],
      chair: PEOPLE.bo,
    });

    // The form offers the forum's first meeting; three cases are raised for it.
    const form = invokeCard(await send(actionExecute('cases.open', {}, { from: PEOPLE.anna })));
    const cancelled = String(inputValues(form).meetingId);
    expect(cancelled).toBe(`${forumId}:${firstDate}`);
    for (let i = 0; i < 3; i++) {
      const receipt = await send(
        actionExecute(
          'cases.submit',
          { token: cardToken(), meetingId: cancelled, ...CASE_TEXT },
          { from: PEOPLE.anna },
        ),
      );
      expect(cardText(invokeCard(receipt))).toMatch(/KRA-\d{2}-00\d/);
    }
    const cases = () =>
      db
        .collection<CaseRecord>('cases')
        .find({}, { sort: { sequence: 1 } })
        .toArray();
    expect((await cases()).map((c) => c.meetingId)).toEqual([cancelled, cancelled, cancelled]);
    const meetings = db.collection<{ id: string; start: Date; status: string }>('meetings');
    const first = await meetings.findOne({ id: cancelled });
    const [next] = await meetings
      .find({ forumId, status: { $in: ['scheduled', 'moved'] }, start: { $gt: first!.start } })
      .sort({ start: 1 })
      .limit(1)
      .toArray();
    expect(next).toBeDefined();

    // The chair cancels; the process kills itself once the cancellation is stored, so the
    // request gets no answer.
    const answer = await send(
      actionExecute(
        'meetings.cancel',
        { meetingId: cancelled, reason: 'Studiedag' },
        { from: PEOPLE.bo },
      ),
    ).then(
      (res) => `answered: ${JSON.stringify(res.body)}`,
      () => 'no answer',
    );
    expect(answer).toBe('no answer');
    expect(await bot.exited()).toEqual({ code: null, signal: 'SIGKILL' });
    // Stored: the cancellation, its audit entry and its event; its unit is still in the journal.
    // Not one case has moved.
    expect(await unitsInJournal(db)).toEqual(['meeting.cancel']);
    expect(await db.collection('events').countDocuments({ type: 'meeting.cancelled' })).toBe(1);
    expect(await db.collection('audit').countDocuments({ action: 'meeting.cancel' })).toBe(1);
    for (const c of await cases()) {
      expect(c.meetingId).toBe(cancelled);
      expect(c.history.map((h) => h.action)).toEqual(['submitted']);
    }

    // Restarted (no crash point): the waiting cases follow the cancelled meeting.
    await bot.start();
    // Up to a minute: on one loaded CI run the move came later than 20 s (cause not found); an
    // event whose handling fails is retried after 0–10 s, then 0–20 s, by design.
    const moved = await until(
      'every waiting case on the next meeting',
      async () => {
        const all = await cases();
        return all.every((c) => c.meetingId === next!.id) ? all : undefined;
      },
      60_000,
    );
    expect(moved).toHaveLength(3);
    // More scheduler passes change nothing: each case moved exactly once.
    await until('the cancelled meeting re-materialized as cancelled', async () =>
      (await meetings.findOne({ id: cancelled }))?.status === 'cancelled' ? true : undefined,
    );
    await sleep(2_500);
    for (const c of await cases()) {
      expect(c).toMatchObject({ meetingId: next!.id, status: 'submitted', version: 2 });
      const moves = c.history.filter((h) => h.action === 'moved');
      expect(moves).toHaveLength(1);
      expect(moves[0]).toMatchObject({ by: PEOPLE.bo.aadObjectId, meetingId: next!.id });
      expect(c.history).toHaveLength(2);
    }
    expect(await db.collection('audit').countDocuments({ action: 'case.moved' })).toBe(3);
    expect(await db.collection('journal').countDocuments()).toBe(0);
    expect(await db.collection('eventDeliveries').countDocuments()).toBe(0);
    expect(bot.running).toBe(true);
  }, 60_000);

  it('Teams answers 403 in a forum channel and the process dies right after recording the conversation gone: after a restart the binding is broken, each admin is told once, and the channel gets nothing more', async () => {
    const GONE = '19:krasch-b@thread.tacv2';
    const admins = [PEOPLE.admin, PEOPLE.emma];
    const { bot, db, send } = await launch({
      ADMIN_AAD_OBJECT_IDS: admins.map((a) => a.aadObjectId).join(','),
    });
    await bot.start({ SAMVERKAN_CRASH_POINTS: 'applied:conversation.gone' });
    let mark = 0;
    const { forumId } = await setUp(send, {
      name: 'Krasch B',
      code: 'KRB',
      channel: GONE,
      admins,
      bindMayCrash: true,
      // From now on the bot is no longer in the channel: every request there gets 403.
      beforeBind: () => {
        mark = connector.requestLog.length;
        connector.respondNextFor(
          GONE,
          ...Array.from({ length: 20 }, () => ({
            status: 403,
            body: { error: { code: 'BotNotInConversationRoster', message: 'not in roster' } },
          })),
        );
      },
    });
    const toGone = () => connector.requestLog.slice(mark).filter((c) => c === GONE);
    const notices = (chat: string) =>
      connector.messagesTo(chat).filter((s) => s.activity.text?.includes('Krasch B'));

    // The scheduler queues the deadline reminder into the channel; Teams answers 403; the
    // process records the conversation gone and dies.
    expect(await bot.exited(20_000)).toEqual({ code: null, signal: 'SIGKILL' });
    expect(toGone()).toHaveLength(1);
    const reminder = await db
      .collection('outbox')
      .findOne({ conversationId: GONE, kind: 'reminder.deadline' });
    expect(reminder).toMatchObject({ status: 'deadLettered', reason: 'conversationGone' });
    expect(
      await db.collection('outboxGoneConversations').countDocuments({ _id: GONE as never }),
    ).toBe(1);
    expect(await unitsInJournal(db)).toEqual(['conversation.gone']);
    // Its reactions had not run: the binding is still active and no admin was told.
    const forum = () =>
      db
        .collection<{ id: string; binding?: { status: string } }>('forums')
        .findOne({ id: forumId });
    expect((await forum())?.binding).toMatchObject({ status: 'active' });
    for (const chat of [ADMIN_CHAT, EMMA_CHAT])
      expect(notices(chat.conversationId)).toHaveLength(0);

    await bot.start();
    await until('the binding marked broken', async () =>
      (await forum())?.binding?.status === 'broken' ? true : undefined,
    );
    await until('a notice to each admin', () =>
      [ADMIN_CHAT, EMMA_CHAT].every((c) => notices(c.conversationId).length > 0) ? true : undefined,
    );
    await sleep(3_000); // several more scheduler passes
    for (const chat of [ADMIN_CHAT, EMMA_CHAT]) {
      const got = notices(chat.conversationId);
      expect(got).toHaveLength(1);
      expect(got[0]?.activity.text).toContain('kan inte längre posta i kanalen för Krasch B');
    }
    expect(await db.collection('outbox').countDocuments({ kind: 'admin.notice' })).toBe(2);
    expect(await db.collection('audit').countDocuments({ action: 'forum.bindingBroken' })).toBe(1);
    // Nothing more was sent to the gone channel: still the one request that got the 403.
    expect(toGone()).toHaveLength(1);
    expect(await db.collection('journal').countDocuments()).toBe(0);
    expect(bot.running).toBe(true);
  }, 60_000);

  /**
   * 40 different submissions (40 tokens, three users) sent at once to `victim`, which is killed
   * with SIGKILL when the tenth answer arrives. Then `recover()` brings up whatever takes the
   * retries, and the clients send all 40 again, unchanged, once the dead process's hold on the
   * tokens has run out (OPERATION_LEASE_SECONDS=2). Every token ends with exactly one case, one
   * audit entry, one event and one recorded result, and every answer names that case.
   */
  const storm = async (
    victim: BotProcess,
    db: Db,
    recover: () => Promise<(a: TeamsActivity) => Promise<HttpResult>>,
    code: string,
  ) => {
    const send = (a: TeamsActivity) => victim.send(a, connector.url);
    const form = invokeCard(await send(actionExecute('cases.open', {}, { from: PEOPLE.anna })));
    const meetingId = String(inputValues(form).meetingId);
    const CODE = new RegExp(`${code}-\\d{2}-\\d{3}`, 'g');
    const codesIn = (res: HttpResult) => [...new Set(cardText(invokeCard(res)).match(CODE) ?? [])];
    const users = [PEOPLE.anna, PEOPLE.bo, PEOPLE.emma];
    const submissions = Array.from({ length: 40 }, (_, i) => {
      const user = users[i % users.length]!;
      const token = cardToken();
      return {
        user,
        op: `op:${TENANT}:${user.aadObjectId}:${token}`,
        activity: actionExecute(
          'cases.submit',
          { token, meetingId, ...CASE_TEXT, question: `Fråga ${i + 1}: hur går vi vidare?` },
          { from: user },
        ),
      };
    });

    const firstAnswers = new Map<number, HttpResult>();
    let cutOff = 0;
    await Promise.allSettled(
      submissions.map((s, i) =>
        send(s.activity).then(
          (res) => {
            firstAnswers.set(i, res);
            if (firstAnswers.size === 10) victim.kill('SIGKILL');
          },
          () => cutOff++,
        ),
      ),
    );
    expect(await victim.exited()).toEqual({ code: null, signal: 'SIGKILL' });
    const killedAt = Date.now();
    expect(cutOff).toBeGreaterThan(0);
    expect(firstAnswers.size + cutOff).toBe(40);
    const left = {
      cases: await db.collection('cases').countDocuments(),
      journal: await db.collection('journal').countDocuments(),
    };
    console.log(`storm: ${firstAnswers.size} answered, ${cutOff} cut off; stored:`, left);

    const retry = await recover();
    await sleep(Math.max(0, killedAt + 2_500 - Date.now()));
    const retries = await Promise.all(submissions.map((s) => retry(s.activity)));

    const operations = new Map(
      (await db.collection('operations').find({ verb: 'cases.submit' }).toArray()).map((o) => [
        String(o._id),
        (o.result as { code: string }).code,
      ]),
    );
    expect(operations.size).toBe(40);
    const cases = await db.collection<CaseRecord>('cases').find({}).toArray();
    expect(cases).toHaveLength(40);
    expect(new Set(cases.map((c) => c.code)).size).toBe(40);
    const audit = await db.collection('audit').find({ action: 'case.submit' }).toArray();
    expect(audit).toHaveLength(40);
    const events = await db.collection('events').find({ type: 'case.submitted' }).toArray();
    expect(events).toHaveLength(40);
    for (const [i, s] of submissions.entries()) {
      const stored = operations.get(s.op);
      expect(stored, `operation of submission ${i}`).toMatch(CODE);
      expect(retries[i]?.status).toBe(200);
      expect(codesIn(retries[i]!), `retry of submission ${i}`).toEqual([stored]);
      const answered = firstAnswers.get(i);
      if (answered) expect(codesIn(answered), `first answer of submission ${i}`).toEqual([stored]);
      const theCase = cases.filter((c) => c.code === stored);
      expect(theCase).toHaveLength(1);
      expect(theCase[0]?.submittedBy).toBe(s.user.aadObjectId);
      expect(
        audit.filter((a) => a.target === stored).map((a) => String(a._id)),
        `audit of ${stored}`,
      ).toEqual([`${s.op}:a0`]);
      expect(events.filter((e) => (e.data as { code: string }).code === stored)).toHaveLength(1);
    }
  };

  it('kill -9 during a storm of 40 submissions: after a restart the retries get one case and one receipt per token', async () => {
    const { bot, db, send } = await launch();
    await bot.start();
    const staff = [PEOPLE.anna, PEOPLE.bo, PEOPLE.emma];
    await setUp(send, {
      name: 'Krasch C',
      code: 'KRC',
      channel: '19:krasch-c@thread.tacv2',
      staff,
    });
    await storm(
      bot,
      db,
      async () => {
        await bot.start();
        return send;
      },
      'KRC',
    );
    expect(await db.collection('journal').countDocuments()).toBe(0);
  }, 60_000);

  it('kill -9 of one of two instances during a storm: the other instance takes the retries, and each token still has one case and one receipt', async () => {
    const one = await launch();
    const two = await launch({}, one.dbName);
    await Promise.all([one.bot.start(), two.bot.start()]);
    const staff = [PEOPLE.anna, PEOPLE.bo, PEOPLE.emma];
    await setUp(one.send, {
      name: 'Krasch D',
      code: 'KRD',
      channel: '19:krasch-d@thread.tacv2',
      staff,
    });
    // The surviving instance recovers a dead one's journal only after 10 s: the retries, 2.5 s
    // after the kill, meet the units the dead instance left in flight.
    await storm(one.bot, one.db, () => Promise.resolve(two.send), 'KRD');
    // What the dead instance left in the journal, the survivor's scheduler applies (after 10 s).
    await until(
      'the journal emptied by the surviving instance',
      async () => ((await one.db.collection('journal').countDocuments()) === 0 ? true : undefined),
      20_000,
    );
    expect(two.bot.running).toBe(true);
  }, 60_000);
});
