import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../src/core/audit';
import { ManualClock } from '../../src/core/clock';
import type { CaseRecord } from '../../src/capabilities/cases/cases.types';
import { forumInputSchema } from '../../src/capabilities/forums/forums.schemas';
import {
  PEOPLE,
  TENANT,
  actionExecute,
  cardToken,
  message,
  type Person,
  type TeamsActivity,
} from '../fixtures/activities';
import { cardOf, type SentActivity } from '../harness/fake-connector';
import { TestBot, cardText, inputValues, invokeCard, invokeMessage } from '../harness/test-bot';

/**
 * Issue 11, end to end over HTTP: a forum bound to a channel whose roster holds its chairs (who
 * never wrote to the bot); five cases from three organisations; the digest at the deadline in
 * each chair's personal chat, the short agenda in the channel, an @mention for the chair Teams
 * will not let the bot reach; a late withdrawal; the minutes through the cards; each submitter
 * told; a case not reached first on the next meeting's digest; two chairs saving at once; a
 * non-chair replaying a chair's invoke.
 */
const CHANNEL = '19:fossam-chairs@thread.tacv2';
/** The team of every channel fixture (channelData.team.id): the roster is the team's. */
const TEAM = '19:0a1b2c3d4e5f60718293a4b5c6d7e8f9@thread.tacv2';
const MEETING = 'fossam:2026-12-03';
const NEXT = 'fossam:2026-12-10';

const chairA: Person = {
  aadObjectId: 'c1c1c1c1-1111-4111-8111-00000000000a',
  name: 'Cecilia Ordförande',
  teamsId: '29:cecilia',
};
const chairB: Person = {
  aadObjectId: 'c2c2c2c2-2222-4222-8222-00000000000b',
  name: 'David Ordförande',
  teamsId: '29:david',
};
/** A chair Teams does not let the bot reach 1:1 (403 BotNotInConversationRoster). */
const chairC: Person = {
  aadObjectId: 'c3c3c3c3-3333-4333-8333-00000000000c',
  name: 'Greta Ordförande',
  teamsId: '29:greta',
};
/** A chair of another forum: has the chair role, but not of Fossam. */
const otherChair: Person = {
  aadObjectId: 'c4c4c4c4-4444-4444-8444-00000000000d',
  name: 'Harald Annat',
  teamsId: '29:harald',
};

const ADMIN_CHAT = { from: PEOPLE.admin, conversationId: 'a:personal-admin' };
const inChannel = (from: Person) => ({ kind: 'channel' as const, conversationId: CHANNEL, from });
const personalOf = (p: Person) => `a:personal-${p.aadObjectId}`;
/** The 1:1 chat the fake connector creates for a roster id. */
const createdChat = (p: Person) => `a:1${Buffer.from(p.teamsId).toString('hex')}`;

const FORM = {
  organisation: 'school',
  ageBand: 'grades7to9',
  concerns: 'schoolAbsence',
  description: 'Eleven har hög frånvaro sedan höstlovet.',
  tried: 'Samtal med kurator och anpassningar.',
  question: 'Vad kan socialtjänsten erbjuda?',
  urgency: 'normal',
};

describe('chairs: roster, agenda digest, minutes, feedback', { timeout: 120_000 }, () => {
  let bot: TestBot;
  const codes: string[] = [];

  const submit = async (from: Person, organisation: string, extra: Partial<typeof FORM> = {}) => {
    const res = await bot.send(
      actionExecute(
        'cases.submit',
        { ...FORM, organisation, ...extra, token: cardToken(), meetingId: MEETING },
        { from },
      ),
    );
    const text = cardText(invokeCard(res));
    const code = /FOS-26-\d{3}/.exec(text)?.[0];
    expect(code, text).toBeDefined();
    bot.clock.advance(60_000);
    return code!;
  };
  /**
   * Scheduler passes a second apart, as the production loop makes them: the outbox keeps to the
   * tenant's rate limit (a few sends per 100 ms), so a burst goes out over several passes.
   */
  const settle = async (passes = 8) => {
    for (let i = 0; i < passes; i++) {
      await bot.app.tick();
      bot.clock.advance(1_000);
    }
  };
  const cases = () => bot.db.collection<CaseRecord>('cases').find({}).toArray();
  const caseOf = async (code: string) => (await cases()).find((c) => c.code === code) as CaseRecord;
  const audit = (action: string) =>
    bot.db.collection<AuditEntry>('audit').find({ action }).toArray();
  const textsTo = (conversationId: string) =>
    bot.connector
      .messagesTo(conversationId)
      .map((s) => [s.activity.text ?? '', cardText(cardOf(s))].join('\n'));
  const minutesCardOf = async (from: Person) => {
    const res = await bot.send(
      actionExecute('chairs.openMinutes', { meetingId: MEETING }, { from }),
    );
    const card = invokeCard(res);
    expect(card, JSON.stringify(res.body)).toBeDefined();
    return card!;
  };
  /** The save button's data, and the card's inputs as Teams sends them (empty ones absent). */
  const saveData = (card: Record<string, unknown>, inputs: Record<string, string>) => {
    const data = (JSON.stringify(card).match(/"verb":"chairs\.saveMinutes","data":(\{[^}]*\})/) ??
      [])[1];
    const values = Object.fromEntries(
      Object.entries(inputValues(card)).filter(([, v]) => typeof v === 'string' && v !== ''),
    );
    return { ...(JSON.parse(data ?? '{}') as object), ...values, ...inputs };
  };

  beforeAll(async () => {
    // Monday 30 November 2026, 09:00 in Stockholm. Fossam meets Thursdays 13:00–15:00; the case
    // deadline is two working days before at 12:00 (Tuesday 1 December 12:00 = 11:00Z).
    bot = await TestBot.start({ clock: new ManualClock('2026-11-30T08:00:00Z') });
    bot.connector.rosters.set(
      TEAM,
      [chairA, chairB, chairC, PEOPLE.anna, PEOPLE.bo, PEOPLE.emma].map((p) => ({
        id: p.teamsId,
        name: p.name,
        aadObjectId: p.aadObjectId,
        email: `${p.teamsId.slice(3)}@kommun.example`,
        userPrincipalName: `${p.teamsId.slice(3)}@kommun.example`,
        tenantId: TENANT,
        userRole: 'user',
      })),
    );
    bot.connector.unreachable.add(chairC.teamsId);
    for (const p of [PEOPLE.anna, PEOPLE.bo, PEOPLE.emma, otherChair])
      await bot.send(message('hej', { from: p }));
    const { people, forums } = bot.app.services;
    const admin = await people.resolveActor({
      tenantId: TENANT,
      aadObjectId: PEOPLE.admin.aadObjectId,
      displayName: PEOPLE.admin.name,
    });
    const schedule = {
      recurrence: { kind: 'weekly', interval: 1, weekdays: ['thursday'] },
      startTime: '13:00',
      durationMinutes: 120,
      firstDate: '2026-11-05',
      deadline: { workingDaysBefore: 2, time: '12:00' },
    };
    await forums.createForum(
      admin,
      forumInputSchema.parse({
        id: 'fossam',
        name: 'Fossam',
        code: 'FOS',
        organisations: ['school', 'socialServices', 'firstLine'],
        chairs: [chairA, chairB, chairC].map((p) => p.aadObjectId),
        place: 'Stadshuset, sal 3',
        meetingLink: 'https://teams.microsoft.com/l/meetup-join/fossam',
        schedule,
      }),
    );
    await forums.createForum(
      admin,
      forumInputSchema.parse({
        id: 'bosam',
        name: 'Bosam',
        code: 'BOS',
        organisations: ['school'],
        chairs: [otherChair.aadObjectId],
        schedule,
      }),
    );
  }, 60_000);
  afterAll(async () => {
    await bot.stop();
  });

  it('reads the channel roster page by page when the forum is bound: chairs known before they write', async () => {
    await bot.send(message('koppla forum', inChannel(PEOPLE.admin)));
    const bound = await bot.send(
      actionExecute('forums.bind', { forumId: 'fossam' }, inChannel(PEOPLE.admin)),
    );
    expect(cardText(invokeCard(bound))).toContain('kopplat hit');
    // Six members, two per page: three pages, the last two asked for with the token Teams gave.
    expect(bot.connector.pageRequests).toEqual([
      { conversationId: TEAM, continuationToken: undefined },
      { conversationId: TEAM, continuationToken: 'page-2' },
      { conversationId: TEAM, continuationToken: 'page-4' },
    ]);
    const members = await bot.db.collection('rosterMembers').find({}).toArray();
    expect(members.map((m) => m._id as unknown as string).sort()).toEqual(
      [chairA, chairB, chairC, PEOPLE.anna, PEOPLE.bo, PEOPLE.emma]
        .map((p) => `${TENANT}:${p.aadObjectId}`)
        .sort(),
    );
    const cecilia = members.find((m) => m.aadObjectId === chairA.aadObjectId);
    expect(cecilia).toMatchObject({ rosterId: chairA.teamsId, name: chairA.name });
    // Neither e-mail nor UPN is kept.
    expect(JSON.stringify(members)).not.toContain('kommun.example');
    // Users known before they ever wrote; Anna, who wrote, keeps her own record.
    const users = await bot.db
      .collection<{ aadObjectId: string; displayName: string }>('users')
      .find({})
      .toArray();
    expect(users.map((u) => u.displayName)).toEqual(
      expect.arrayContaining([chairA.name, chairB.name, chairC.name, PEOPLE.anna.name]),
    );
    expect(users.filter((u) => u.aadObjectId === PEOPLE.anna.aadObjectId)).toHaveLength(1);

    // …so the admin can pick them in the roles card and make them chairs and members.
    const rolesCard = cardText(
      invokeCard(await bot.send(actionExecute('people.grantRole', {}, ADMIN_CHAT))),
    );
    expect(rolesCard).toContain(chairA.name);
    const grant = async (p: Person, role: string, organisation?: string) => {
      const userId = p.aadObjectId;
      const res = await bot.send(actionExecute('people.grantRole', { userId, role }, ADMIN_CHAT));
      expect(cardText(invokeCard(res))).not.toContain('finns inte');
      if (organisation)
        await bot.send(
          actionExecute('people.addOrganisation', { userId, organisation }, ADMIN_CHAT),
        );
    };
    for (const c of [chairA, chairB, chairC, otherChair]) await grant(c, 'chair');
    await grant(PEOPLE.anna, 'staff', 'school');
    await grant(PEOPLE.bo, 'staff', 'socialServices');
    await grant(PEOPLE.emma, 'staff', 'firstLine');
  });

  it('sends the digest at the deadline to every chair in personal chat, the short agenda to the channel, and @mentions the chair it cannot reach, once', async () => {
    codes.push(await submit(PEOPLE.anna, 'school'));
    codes.push(await submit(PEOPLE.bo, 'socialServices', { ageBand: 'grades4to6' }));
    codes.push(await submit(PEOPLE.anna, 'school', { concerns: 'mentalHealth' }));
    codes.push(
      await submit(PEOPLE.emma, 'firstLine', { urgency: 'urgent', ageBand: 'upperSecondary' }),
    );
    codes.push(await submit(PEOPLE.bo, 'socialServices'));
    expect(codes).toEqual(['FOS-26-001', 'FOS-26-002', 'FOS-26-003', 'FOS-26-004', 'FOS-26-005']);
    bot.connector.clear();

    bot.clock.set('2026-12-01T10:55:00Z');
    await settle();
    expect(bot.connector.sent.filter((s) => cardText(cardOf(s)).includes('Dagordning'))).toEqual(
      [],
    );

    bot.clock.set('2026-12-01T11:00:00Z'); // the deadline: Tuesday 12:00 in Stockholm
    await settle();
    // The 1:1 chats were created with the roster id and the tenant id; Greta's was refused.
    expect(bot.connector.created.map((c) => [c.memberId, c.tenantId])).toEqual(
      expect.arrayContaining([
        [chairA.teamsId, TENANT],
        [chairB.teamsId, TENANT],
      ]),
    );
    expect(bot.connector.created.map((c) => c.memberId)).not.toContain(chairC.teamsId);
    const order = ['FOS-26-004', 'FOS-26-001', 'FOS-26-002', 'FOS-26-003', 'FOS-26-005'];
    for (const chair of [chairA, chairB]) {
      const [digest] = textsTo(createdChat(chair));
      expect(digest, chair.name).toContain('Dagordning: Fossam');
      expect(digest).toContain('torsdag 3 december');
      expect(digest).toContain('Plats: Stadshuset, sal 3');
      expect(digest).toContain('https://teams.microsoft.com/l/meetup-join/fossam');
      // Urgent first, then by the time raised.
      const positions = order.map((c) => digest!.indexOf(c));
      expect(positions.every((p, i) => p >= 0 && (i === 0 || p > positions[i - 1]!))).toBe(true);
      expect(digest).toContain('Prövat: Samtal med kurator och anpassningar.');
      expect(digest).toContain('Fråga till forumet: Vad kan socialtjänsten erbjuda?');
      expect(digest).toContain('Ärenden per organisation');
      expect(digest).toContain('Brådskande');
      // No follow-ups in this forum yet: no such heading.
      expect(digest).not.toContain('Att följa upp');
      expect(digest).toContain('chairs.openMinutes');
    }
    const channel = textsTo(CHANNEL);
    const post = channel.find((t) => t.includes('Dagordning: Fossam'));
    expect(post).toContain('FOS-26-004 · Gymnasiet · Skolfrånvaro');
    expect(post).not.toContain('Samtal med kurator');
    expect(post).not.toContain('socialtjänsten erbjuda');
    expect(post).not.toContain('Skola');
    // Greta is @mentioned in the channel (the mention entity matches the text), once.
    const mentions = bot.connector
      .messagesTo(CHANNEL)
      .filter((s) => JSON.stringify(cardOf(s) ?? {}).includes('"type":"mention"'));
    expect(mentions).toHaveLength(1);
    const mention = cardOf(mentions[0]) as {
      body: { text: string }[];
      msteams: { entities: { text: string; mentioned: { id: string; name: string } }[] };
    };
    expect(mention.body[0]!.text).toContain(`<at>${chairC.name}</at>`);
    expect(mention.msteams.entities[0]).toEqual({
      type: 'mention',
      text: `<at>${chairC.name}</at>`,
      mentioned: { id: chairC.teamsId, name: chairC.name },
    });

    // The scheduler runs again: nothing is sent twice.
    const before = bot.connector.sent.length;
    bot.clock.advance(15 * 60_000);
    await settle();
    expect(bot.connector.sent.length).toBe(before);

    // Admins see the digest Greta could not get in the outbox view.
    const outbox = await bot.db
      .collection<{ conversationId: string; status: string }>('outbox')
      .find({ kind: 'agenda.digest', 'refs.forumId': 'fossam' })
      .toArray();
    expect(outbox.map((m) => [m.conversationId, m.status]).sort()).toEqual(
      [
        [`person:${TENANT}:${chairA.aadObjectId}`, 'sent'],
        [`person:${TENANT}:${chairB.aadObjectId}`, 'sent'],
        [`person:${TENANT}:${chairC.aadObjectId}`, 'deadLettered'],
      ].sort(),
    );
    bot.connector.clear();
    await bot.send(message('utkorg', ADMIN_CHAT));
    expect(cardText(cardOf(bot.connector.sent[0]))).toContain('agenda.digest');
  });

  it('tells the chairs in short when a case is withdrawn after the digest (no second digest)', async () => {
    bot.connector.clear();
    const res = await bot.send(
      actionExecute('cases.withdraw', { code: 'FOS-26-005' }, { from: PEOPLE.bo }),
    );
    expect(cardText(invokeCard(res))).toContain('FOS-26-005');
    await settle();
    for (const chair of [chairA, chairB]) {
      const texts = textsTo(createdChat(chair));
      expect(texts).toHaveLength(1);
      expect(texts[0]).toContain('ärende FOS-26-005');
      expect(texts[0]).toContain('har återkallats');
    }
  });

  it('`dagordning` shows a chair the current agenda; others are refused', async () => {
    bot.connector.clear();
    await bot.send(message('dagordning', { from: chairA, conversationId: personalOf(chairA) }));
    const agenda = cardText(cardOf(bot.connector.sent[0]));
    expect(agenda).toContain('Dagordning: Fossam');
    expect(agenda).toContain('FOS-26-001');
    expect(agenda).not.toContain('FOS-26-005');
    bot.connector.clear();
    await bot.send(message('dagordning fossam', { from: otherChair }));
    expect(bot.connector.sent[0]?.activity.text).toContain('Det får du tyvärr inte göra');
    bot.connector.clear();
    await bot.send(message('dagordning', { from: PEOPLE.anna }));
    expect(bot.connector.sent[0]?.activity.text).toContain('Det får du tyvärr inte göra');
  });

  it('refuses minutes before the meeting starts, and to anyone who does not chair the forum', async () => {
    const early = await bot.send(
      actionExecute('chairs.openMinutes', { meetingId: MEETING }, { from: chairA }),
    );
    expect(invokeMessage(early)).toContain('Protokollet kan föras från mötets start');
    bot.clock.set('2026-12-03T14:10:00Z'); // Thursday 15:10 in Stockholm
    const other = await bot.send(
      actionExecute('chairs.openMinutes', { meetingId: MEETING }, { from: otherChair }),
    );
    expect(invokeMessage(other)).toContain('Det får du tyvärr inte göra');
    bot.connector.clear();
    await bot.send(message('protokoll fossam', { from: PEOPLE.emma }));
    expect(bot.connector.sent[0]?.activity.text).toContain('Det får du tyvärr inte göra');
  });

  let saveInvoke: TeamsActivity;
  it('records attendance, outcomes and notes through the cards; the case statuses follow', async () => {
    bot.connector.clear();
    await bot.send(message('protokoll', { from: chairA, conversationId: personalOf(chairA) }));
    const card = cardOf(bot.connector.sent[0])!;
    const text = cardText(card);
    expect(text).toContain('Protokoll: Fossam');
    for (const code of ['FOS-26-001', 'FOS-26-002', 'FOS-26-003', 'FOS-26-004'])
      expect(text).toContain(code);
    expect(text).not.toContain('FOS-26-005');
    const data = saveData(card, {
      'att.school': 'present',
      'att.socialServices': 'present',
      'att.firstLine': 'excused',
      'out.FOS-26-001': 'adviceGiven',
      'out.FOS-26-002': 'notReached',
      'out.FOS-26-003': 'sipRecommended',
      'out.FOS-26-004': 'noAction',
      'note.FOS-26-001': 'Forumet rekommenderar kontakt med elevhälsan.',
      general: 'Nästa möte börjar med ärendet som inte hanns med.',
    });
    saveInvoke = actionExecute('chairs.saveMinutes', data, {
      from: chairA,
      conversationId: personalOf(chairA),
    });
    const saved = invokeCard(await bot.send(saveInvoke));
    expect(cardText(saved)).toContain('Protokollet är sparat (version 1)');
    // A double click (the same invoke again) saves nothing twice.
    const again = invokeCard(await bot.send({ ...saveInvoke, id: 'repeat-1' }));
    expect(cardText(again)).toContain('Protokollet är sparat (version 1)');

    const minutes = await bot.db.collection('minutes').find({}).toArray();
    expect(minutes).toHaveLength(1);
    expect(minutes[0]).toMatchObject({
      meetingId: MEETING,
      revision: 1,
      attendance: { school: 'present', socialServices: 'present', firstLine: 'excused' },
      outcomes: {
        'FOS-26-001': 'adviceGiven',
        'FOS-26-002': 'notReached',
        'FOS-26-003': 'sipRecommended',
        'FOS-26-004': 'noAction',
      },
      savedBy: chairA.aadObjectId,
    });
    expect(await bot.db.collection('minutesRevisions').countDocuments()).toBe(1);
    expect(await caseOf('FOS-26-001')).toMatchObject({
      status: 'discussed',
      outcome: 'adviceGiven',
    });
    expect(await caseOf('FOS-26-002')).toMatchObject({ status: 'submitted', meetingId: NEXT });
    expect(await caseOf('FOS-26-003')).toMatchObject({ status: 'discussed' });
    expect(await caseOf('FOS-26-004')).toMatchObject({ status: 'closed', outcome: 'noAction' });
    const saves = await audit('minutes.save');
    expect(saves).toHaveLength(1);
    expect(saves[0]).toMatchObject({
      actorId: chairA.aadObjectId,
      target: MEETING,
      roles: ['chair'],
    });
    expect(JSON.stringify(saves)).not.toContain('elevhälsan');
    expect((await audit('case.moved')).map((a) => a.target)).toEqual(['FOS-26-002']);
    expect((await audit('case.closed')).map((a) => a.target)).toEqual(['FOS-26-004']);
    const events = await bot.db
      .collection('events')
      .find({ type: { $in: ['minutes.saved', 'case.outcome'] } })
      .toArray();
    expect(events.filter((e) => e.type === 'case.outcome')).toHaveLength(4);
    expect(events.find((e) => e.type === 'minutes.saved')?.data).toMatchObject({
      revision: 1,
      attendance: { school: 'present', socialServices: 'present', firstLine: 'excused' },
      followedUp: [],
    });
  });

  it('tells each submitter the outcome, and the channel the minutes in short (no notes)', async () => {
    await settle();
    const anna = textsTo(personalOf(PEOPLE.anna)).join('\n');
    expect(anna).toContain('Ditt ärende FOS-26-001 till Fossam');
    expect(anna).toContain('Råd har getts');
    expect(anna).toContain('FOS-26-003');
    expect(textsTo(personalOf(PEOPLE.bo)).join('\n')).toContain('FOS-26-002');
    expect(textsTo(personalOf(PEOPLE.bo)).join('\n')).toContain('Det tas upp igen');
    expect(textsTo(personalOf(PEOPLE.emma)).join('\n')).toContain('Ingen åtgärd');
    const post = textsTo(CHANNEL).find((t) => t.includes('Protokoll från Fossam'));
    expect(post).toContain('Skola närvarande');
    expect(post).toContain('Första linjen anmält förhinder');
    expect(post).toContain('FOS-26-002 Hanns inte med');
    expect(post).not.toContain('elevhälsan');
    expect(post).not.toContain('hanns med.');
  });

  it('refuses bad input with a clear message and changes nothing', async () => {
    const before = JSON.stringify(await bot.db.collection('minutes').find({}).toArray());
    const card = await minutesCardOf(chairA);
    const tryWith = async (inputs: Record<string, string>) =>
      bot.send(actionExecute('chairs.saveMinutes', saveData(card, inputs), { from: chairA }));
    expect(cardText(invokeCard(await tryWith({ 'out.FOS-26-001': 'bogusOutcome' })))).toContain(
      'Utfallet för FOS-26-001 finns inte i listan',
    );
    expect(cardText(invokeCard(await tryWith({ 'out.FOS-26-099': 'adviceGiven' })))).toContain(
      'Ärendet FOS-26-099 finns inte på det här mötet',
    );
    const refused = invokeCard(
      await tryWith({
        'note.FOS-26-003': 'Mamman nås på 070-123 45 67.',
        'att.school': 'absent',
      }),
    );
    const refusedText = cardText(refused);
    expect(refusedText).toContain('Anteckningen om FOS-26-003');
    expect(inputValues(refused)).toMatchObject({
      'note.FOS-26-003': 'Mamman nås på 070-123 45 67.',
      'att.school': 'absent',
    });
    expect(JSON.stringify(await bot.db.collection('minutes').find({}).toArray())).toBe(before);
    expect(bot.logs.join('\n')).not.toContain('070-123');
    expect(bot.logs.join('\n')).not.toContain('elevhälsan');
  });

  it('a non-chair replaying a chair’s invoke with their own identity changes nothing', async () => {
    const before = JSON.stringify(await bot.db.collection('minutesRevisions').find({}).toArray());
    const replay = structuredClone(saveInvoke);
    replay.id = 'replayed-by-harald';
    replay.from = {
      id: otherChair.teamsId,
      name: otherChair.name,
      aadObjectId: otherChair.aadObjectId,
    };
    expect(invokeMessage(await bot.send(replay))).toContain('Det får du tyvärr inte göra');
    const asStaff = structuredClone(saveInvoke);
    asStaff.id = 'replayed-by-emma';
    asStaff.from = {
      id: PEOPLE.emma.teamsId,
      name: PEOPLE.emma.name,
      aadObjectId: PEOPLE.emma.aadObjectId,
    };
    expect(invokeMessage(await bot.send(asStaff))).toContain('Det får du tyvärr inte göra');
    expect(JSON.stringify(await bot.db.collection('minutesRevisions').find({}).toArray())).toBe(
      before,
    );
  });

  it('two chairs saving corrections at the same moment: one result, nothing lost, the other told', async () => {
    const [cardA, cardB] = [await minutesCardOf(chairA), await minutesCardOf(chairB)];
    const [resA, resB] = await Promise.all([
      bot.send(
        actionExecute('chairs.saveMinutes', saveData(cardA, { 'att.firstLine': 'present' }), {
          from: chairA,
        }),
      ),
      bot.send(
        actionExecute('chairs.saveMinutes', saveData(cardB, { 'att.firstLine': 'absent' }), {
          from: chairB,
        }),
      ),
    ]);
    const texts = [cardText(invokeCard(resA)), cardText(invokeCard(resB))];
    const winner = texts.findIndex((t) => t.includes('Protokollet är sparat (version 2)'));
    expect(winner).toBeGreaterThanOrEqual(0);
    const loser = texts[1 - winner]!;
    expect(loser).toContain('sparade protokollet under tiden (version 2)');
    expect(loser).toContain('närvaro för Första linjen');
    // Nothing lost: the loser's own entry is still in their card.
    const loserCard = invokeCard([resA, resB][1 - winner]!);
    expect(inputValues(loserCard)['att.firstLine']).toBe(winner === 0 ? 'absent' : 'present');
    expect(await bot.db.collection('minutesRevisions').countDocuments()).toBe(2);

    // Changes to different fields at once: both apply, the later on top of the earlier.
    const [c1, c2] = [await minutesCardOf(chairA), await minutesCardOf(chairB)];
    const [r1, r2] = await Promise.all([
      bot.send(
        actionExecute('chairs.saveMinutes', saveData(c1, { 'att.school': 'absent' }), {
          from: chairA,
        }),
      ),
      bot.send(
        actionExecute('chairs.saveMinutes', saveData(c2, { 'out.FOS-26-003': 'reportOfConcern' }), {
          from: chairB,
        }),
      ),
    ]);
    const both = [cardText(invokeCard(r1)), cardText(invokeCard(r2))].join('\n');
    expect(both).toContain('version 3');
    expect(both).toContain('version 4');
    expect(both).toContain('dina ändringar lades ovanpå');
    const minutes = await bot.db.collection('minutes').findOne({});
    expect(minutes).toMatchObject({
      revision: 4,
      attendance: { school: 'absent' },
      outcomes: { 'FOS-26-003': 'reportOfConcern', 'FOS-26-001': 'adviceGiven' },
    });
    expect(await bot.db.collection('minutesRevisions').countDocuments()).toBe(4);
    expect(await audit('minutes.correct')).toHaveLength(3);
    // The corrected outcome reaches the case and its submitter.
    await settle();
    expect(await caseOf('FOS-26-003')).toMatchObject({ outcome: 'reportOfConcern' });
    expect(textsTo(personalOf(PEOPLE.anna)).join('\n')).toContain('Orosanmälan har gjorts');
  });

  it('puts the case not reached first on the next meeting’s digest', async () => {
    bot.clock.set('2026-12-04T08:00:00Z');
    const late = await submit(PEOPLE.anna, 'school', { urgency: 'urgent' });
    bot.connector.clear();
    bot.clock.set('2026-12-08T11:00:00Z'); // Tuesday 8 December 12:00: the deadline for 10 Dec
    await settle();
    const [digest] = textsTo(createdChat(chairA));
    expect(digest).toContain('torsdag 10 december');
    const first = digest!.indexOf('FOS-26-002');
    expect(first).toBeGreaterThan(0);
    expect(digest!.indexOf(late)).toBeGreaterThan(first);
    expect(digest).toContain('flyttat från ett tidigare möte');
    // Days have passed since the forum was bound: the roster was read again (daily).
    expect(bot.connector.pageRequests.length).toBeGreaterThanOrEqual(6);
    expect(
      await bot.db.collection('rosterSources').findOne({ _id: CHANNEL as never }),
    ).toMatchObject({ members: 6 });
    // Greta is @mentioned for this meeting too, once.
    const mentions = bot.connector
      .messagesTo(CHANNEL)
      .filter((s: SentActivity) => JSON.stringify(cardOf(s) ?? {}).includes('"type":"mention"'));
    expect(mentions).toHaveLength(1);
  });
});
