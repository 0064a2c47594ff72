import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../src/core/audit';
import { ManualClock } from '../../src/core/clock';
import type { DomainEvent } from '../../src/core/events';
import type { DeviationRecord } from '../../src/capabilities/deviations';
import { forumInputSchema } from '../../src/capabilities/forums/forums.schemas';
import {
  PEOPLE,
  TENANT,
  actionExecute,
  cardToken,
  message,
  type Person,
} from '../fixtures/activities';
import { cardOf } from '../harness/fake-connector';
import { TestBot, cardText, inputValues, invokeCard, invokeMessage } from '../harness/test-bot';

/**
 * Issue 12, end to end over HTTP: deviations reported, routed to the managers of each
 * organisation concerned (also managers who never wrote to the bot: the bot opens their 1:1 chat
 * from a bound forum's team roster), handled, chased, escalated to a steering forum, on that
 * forum's agenda digest and `dagordning` (issue 11), followed up through the chair's minutes
 * card, and an absent organisation offered to the chair; bad input refused with every input kept;
 * all of it in the database with audit entries and events.
 */
const FORBIDDEN = 'Det får du tyvärr inte göra';
const CHANNEL = '19:elevhalsa-channel@thread.tacv2';
/** The steering group's channel; its team (the fixtures' team) has the roster below. */
const STY_CHANNEL = '19:styrgrupp-channel@thread.tacv2';
const TEAM = '19:0a1b2c3d4e5f60718293a4b5c6d7e8f9@thread.tacv2';

const MATS: Person = {
  aadObjectId: 'f0f0f0f0-4444-4444-8444-000000000005',
  name: 'Mats Polis',
  teamsId: '29:mats',
};
/** The steering group's chair: in its team's roster, never wrote to the bot. */
const CECILIA: Person = {
  aadObjectId: 'c0c0c0c0-5555-4555-8555-000000000006',
  name: 'Cecilia Ordförande',
  teamsId: '29:cecilia',
};
/** A health-care manager in the roster who never wrote to the bot. */
const HELGE: Person = {
  aadObjectId: 'd0d0d0d0-6666-4666-8666-000000000007',
  name: 'Helge Vårdchef',
  teamsId: '29:helge',
};
/** A preschool manager in the roster whom Teams will not let the bot reach (403). */
const INGRID: Person = {
  aadObjectId: 'd1d1d1d1-7777-4777-8777-000000000008',
  name: 'Ingrid Förskolechef',
  teamsId: '29:ingrid',
};
const chatOf = (p: Person) => `a:personal-${p.aadObjectId}`;
/** The 1:1 chat the fake connector creates for a roster id. */
const createdChat = (p: Person) => `a:1${Buffer.from(p.teamsId).toString('hex')}`;

/** A click on a card in personal chat (or in the channel, or in a given personal chat). */
function click(verb: string, data: unknown, from: Person, where: boolean | string = false) {
  const channel = where === true;
  const a = actionExecute(
    verb,
    data,
    channel
      ? { from, conversationId: CHANNEL }
      : typeof where === 'string'
        ? { from, conversationId: where }
        : { from },
  );
  if (channel) a.conversation.conversationType = 'channel';
  return a;
}
/** The data of a card's Action.Execute with this verb (what Teams sends when it is clicked). */
function actionData(card: unknown, verb: string): Record<string, unknown> | undefined {
  if (Array.isArray(card)) {
    for (const c of card) {
      const found = actionData(c, verb);
      if (found) return found;
    }
  } else if (card && typeof card === 'object') {
    const o = card as Record<string, unknown>;
    if (o.type === 'Action.Execute' && o.verb === verb) return o.data as Record<string, unknown>;
    return actionData(Object.values(o), verb);
  }
  return undefined;
}

const REPORT = {
  occurredOn: '2026-11-20',
  concerned: 'socialServices,firstLine',
  reportingOrganisation: 'school',
  forumId: 'fossam',
  category: 'contactPersonChange',
  description: 'Skolan fick inte veta att kontaktpersonen på socialtjänsten hade bytts.',
  consequence: 'Eleven fick vänta tre veckor på ett samordningsmöte.',
  immediateAction: 'Rektor ringde enhetschefen och fick det nya namnet.',
  solvedLocally: 'no',
};

describe('deviations through the bot', () => {
  let bot: TestBot;
  const stored = () =>
    bot.db
      .collection<DeviationRecord>('deviations')
      .find({}, { sort: { sequence: 1 } })
      .toArray();
  const one = async (code: string) =>
    (await stored()).find((d) => d.code === code) as DeviationRecord;
  const audit = (code?: string) =>
    bot.db
      .collection<AuditEntry>('audit')
      .find({ action: /^deviation\./, ...(code ? { target: code } : {}) }, { sort: { at: 1 } })
      .toArray();
  const events = () =>
    bot.db
      .collection<DomainEvent>('events')
      .find({ type: /^deviation\./ })
      .toArray();
  const outbox = (kind: string, code?: string) =>
    bot.db
      .collection<{ _id: string; kind: string; refs?: Record<string, string>; status: string }>(
        'outbox',
      )
      .find({ kind, ...(code ? { 'refs.code': code } : {}) })
      .toArray();
  const report = async (from: Person, data: Record<string, unknown>, token = cardToken()) =>
    bot.send(click('deviations.submit', { token, ...data }, from));
  /** One scheduler pass a minute later (the outbox's rate windows move on with the clock). */
  const deliver = async () => {
    bot.clock.advance(60_000);
    await bot.app.tick();
  };
  /** Scheduler passes a second apart (the outbox keeps to the rate limit over a burst). */
  const settle = async (passes = 6) => {
    for (let i = 0; i < passes; i++) {
      await bot.app.tick();
      bot.clock.advance(1_000);
    }
  };
  /** The minutes card's save data with its inputs as Teams sends them (empty ones absent). */
  const saveData = (card: unknown, inputs: Record<string, string>) => {
    const values = Object.fromEntries(
      Object.entries(inputValues(card)).filter(([, v]) => typeof v === 'string' && v !== ''),
    );
    return { ...actionData(card, 'chairs.saveMinutes'), ...values, ...inputs };
  };
  const codeOf = (res: Awaited<ReturnType<TestBot['send']>>) =>
    /AVV-\d{2}-\d{3}/.exec(cardText(invokeCard(res)))?.[0];

  beforeAll(async () => {
    bot = await TestBot.start({ clock: new ManualClock('2026-11-24T08:00:00Z') });
    // The steering group's team: its chair and two managers, none of whom ever writes first.
    bot.connector.rosters.set(
      TEAM,
      [CECILIA, HELGE, INGRID, MATS].map((p) => ({
        id: p.teamsId,
        name: p.name,
        aadObjectId: p.aadObjectId,
        tenantId: TENANT,
        userRole: 'user',
      })),
    );
    bot.connector.unreachable.add(INGRID.teamsId);
    for (const p of [PEOPLE.admin, PEOPLE.anna, PEOPLE.bo, PEOPLE.emma, MATS])
      await bot.send(message('hej', { from: p, conversationId: chatOf(p) }));
    const admin = { from: PEOPLE.admin, conversationId: chatOf(PEOPLE.admin) };

    const { people, forums } = bot.app.services;
    const adminActor = await people.resolveActor({
      tenantId: TENANT,
      aadObjectId: PEOPLE.admin.aadObjectId,
      displayName: PEOPLE.admin.name,
    });
    const schedule = (weekday: string) => ({
      recurrence: { kind: 'weekly', interval: 1, weekdays: [weekday] },
      startTime: '13:00',
      durationMinutes: 120,
      firstDate: '2026-11-04',
      deadline: { workingDaysBefore: 2, time: '12:00' },
    });
    await forums.createForum(
      adminActor,
      forumInputSchema.parse({
        id: 'fossam',
        name: 'Fossam',
        code: 'FOS',
        organisations: ['school', 'socialServices', 'firstLine'],
        schedule: schedule('thursday'),
      }),
    );
    await forums.createForum(
      adminActor,
      forumInputSchema.parse({
        id: 'styrgrupp',
        name: 'Styrgruppen',
        code: 'STY',
        kind: 'steeringGroup',
        organisations: ['school', 'socialServices', 'firstLine', 'police'],
        chairs: [CECILIA.aadObjectId],
        schedule: schedule('wednesday'),
      }),
    );
    // The admin binds the steering group to its channel: the team's roster is read.
    const inSty = { kind: 'channel' as const, conversationId: STY_CHANNEL, from: PEOPLE.admin };
    await bot.send(message('koppla forum', inSty));
    const bound = await bot.send(actionExecute('forums.bind', { forumId: 'styrgrupp' }, inSty));
    expect(cardText(invokeCard(bound))).toContain('kopplat hit');
    await bot.app.tick();
    expect(await bot.db.collection('rosterMembers').countDocuments()).toBe(4);

    // Roles for people who wrote, and for people known only from the roster.
    const grant = async (p: Person, roles: string[], organisation: string) => {
      const userId = p.aadObjectId;
      for (const role of roles) {
        const res = await bot.send(actionExecute('people.grantRole', { userId, role }, admin));
        expect(cardText(invokeCard(res))).not.toContain('finns inte');
      }
      await bot.send(actionExecute('people.addOrganisation', { userId, organisation }, admin));
    };
    await grant(PEOPLE.anna, ['manager'], 'socialServices');
    await grant(PEOPLE.bo, ['manager'], 'firstLine');
    await grant(PEOPLE.emma, ['staff'], 'school');
    await grant(MATS, ['manager'], 'police');
    await grant(CECILIA, ['chair', 'staff'], 'school');
    await grant(HELGE, ['manager'], 'healthcare');
    await grant(INGRID, ['manager'], 'preschool');
    await bot.app.tick();
    bot.connector.clear();
  });
  afterAll(async () => {
    await bot.stop();
  });

  it('reports from a channel through a starter card: receipt with its code, stored, audited, an event', async () => {
    await bot.send(message('avvikelse', { kind: 'channel', conversationId: CHANNEL }));
    const launcher = cardText(cardOf(bot.connector.sent[0]));
    expect(launcher).toContain('Formuläret öppnas bara för dig');
    expect(launcher).toContain('deviations.open');
    expect(launcher).not.toContain('deviations.submit');

    const form = invokeCard(await bot.send(click('deviations.open', {}, PEOPLE.emma, true)));
    expect(cardText(form)).toContain('Rapportera en avvikelse');
    expect(cardText(form)).toContain('Byte av kontaktperson inte meddelat');
    expect(inputValues(form)).toMatchObject({
      occurredOn: '2026-11-24',
      reportingOrganisation: 'school',
      solvedLocally: 'no',
    });

    const res = await bot.send(
      click('deviations.submit', { token: cardToken(), ...REPORT }, PEOPLE.emma, true),
    );
    const receipt = cardText(invokeCard(res));
    expect(receipt).toContain('AVV-26-001');
    expect(receipt).toContain('Tack! Avvikelsen är rapporterad.');
    expect(receipt).toContain('inom 60 dagar');

    const d = await one('AVV-26-001');
    expect(d).toMatchObject({
      tenantId: TENANT,
      year: 2026,
      sequence: 1,
      occurredOn: '2026-11-20',
      concerned: ['firstLine', 'socialServices'],
      reportingOrganisation: 'school',
      forumId: 'fossam',
      category: 'contactPersonChange',
      description: REPORT.description,
      solvedLocally: false,
      reportedBy: PEOPLE.emma.aadObjectId,
      term: 'HT 2026',
      state: 'reported',
    });
    expect(new Date(d.replyDueAt).toISOString()).toBe('2027-01-23T08:00:00.000Z');
    const entries = await audit('AVV-26-001');
    expect(entries.map((e) => [e.action, e.actorId, e.detail?.to])).toEqual([
      ['deviation.report', PEOPLE.emma.aadObjectId, 'reported'],
    ]);
    expect(JSON.stringify(entries)).not.toContain('kontaktpersonen');
    const [reported] = await events();
    expect(reported).toMatchObject({
      type: 'deviation.reported',
      tenantId: TENANT,
      data: {
        code: 'AVV-26-001',
        category: 'contactPersonChange',
        concerned: ['firstLine', 'socialServices'],
        reportingOrganisation: 'school',
        forumId: 'fossam',
        term: 'HT 2026',
        state: 'reported',
      },
    });
    expect(JSON.stringify(reported)).not.toContain('kontaktpersonen');
  });

  it('routes it to the managers of both organisations in personal chat, with a button to take it on', async () => {
    await deliver();
    for (const manager of [PEOPLE.anna, PEOPLE.bo]) {
      const msgs = bot.connector.messagesTo(chatOf(manager));
      expect(msgs).toHaveLength(1);
      const text = cardText(cardOf(msgs[0]));
      expect(text).toContain('Ny avvikelse till din organisation: AVV-26-001');
      expect(text).toContain('deviations.take');
      // The outbox carries codes and labels, never what the reporter wrote.
      expect(text).not.toContain('kontaktpersonen');
    }
    expect(bot.connector.messagesTo(chatOf(MATS))).toHaveLength(0);
    expect(bot.connector.messagesTo(chatOf(PEOPLE.emma))).toHaveLength(0);
    expect((await outbox('deviation.routed', 'AVV-26-001')).map((m) => m._id).sort()).toEqual(
      [
        `deviation.routed:${TENANT}:AVV-26-001:${PEOPLE.anna.aadObjectId}`,
        `deviation.routed:${TENANT}:AVV-26-001:${PEOPLE.bo.aadObjectId}`,
      ].sort(),
    );
  });

  it('a manager of an uninvolved organisation can neither see nor change it; a staff member cannot close it', async () => {
    for (const verb of ['deviations.show', 'deviations.take', 'deviations.close']) {
      const said = invokeMessage(await bot.send(click(verb, { code: 'AVV-26-001' }, MATS)));
      expect(said).toContain(FORBIDDEN);
    }
    const matsList = cardText(invokeCard(await bot.send(click('deviations.list', {}, MATS))));
    expect(matsList).toContain('Inga öppna avvikelser rör dina organisationer.');
    expect(matsList).not.toContain('AVV-26-001');
    for (const verb of ['deviations.take', 'deviations.close']) {
      const said = invokeMessage(await bot.send(click(verb, { code: 'AVV-26-001' }, PEOPLE.emma)));
      expect(said).toContain(FORBIDDEN);
    }
    expect((await one('AVV-26-001')).state).toBe('reported');
    expect((await audit('AVV-26-001')).length).toBe(1);
  });

  it('one manager takes it, answers with cause, action and follow-up (the gate refusing a personnummer), and closes it; the reporter sees it closed', async () => {
    const taken = cardText(
      invokeCard(await bot.send(click('deviations.take', { code: 'AVV-26-001' }, PEOPLE.anna))),
    );
    expect(taken).toContain('Du har tagit hand om AVV-26-001');
    // The same click again changes nothing.
    const again = cardText(
      invokeCard(await bot.send(click('deviations.take', { code: 'AVV-26-001' }, PEOPLE.bo))),
    );
    expect(again).toContain('Avvikelsen är under handläggning, så det går inte. Inget ändrades.');
    expect(await one('AVV-26-001')).toMatchObject({
      state: 'handling',
      handledBy: PEOPLE.anna.aadObjectId,
    });

    const answer = {
      code: 'AVV-26-001',
      cause: 'Rutinen för byte av kontaktperson var inte känd i arbetsgruppen.',
      action: 'Rutinen har gåtts igenom med alla handläggare.',
      followUp: 'Följs upp på nästa samverkansmöte med skolorna.',
    };
    const refused = invokeCard(
      await bot.send(
        click(
          'deviations.answer',
          { ...answer, cause: 'Orsaken gällde 19121212-1212.' },
          PEOPLE.anna,
        ),
      ),
    );
    expect(cardText(refused)).toContain("Fältet 'Orsak' innehåller");
    expect(cardText(refused)).toContain('personnummer');
    expect(inputValues(refused)).toMatchObject({
      action: answer.action,
      followUp: answer.followUp,
    });
    expect((await one('AVV-26-001')).state).toBe('handling');
    expect(JSON.stringify(await one('AVV-26-001'))).not.toContain('19121212');
    expect(bot.logs.join('\n')).not.toContain('19121212');

    const incomplete = invokeCard(
      await bot.send(click('deviations.answer', { code: 'AVV-26-001', cause: 'x' }, PEOPLE.anna)),
    );
    expect(cardText(incomplete)).toContain('Fyll i orsak, vidtagen åtgärd och uppföljning.');
    expect(inputValues(incomplete).cause).toBe('x');

    const answered = cardText(
      invokeCard(await bot.send(click('deviations.answer', answer, PEOPLE.anna))),
    );
    expect(answered).toContain('Svaret på AVV-26-001 är sparat.');
    expect(answered).toContain(answer.cause);
    const closed = cardText(
      invokeCard(await bot.send(click('deviations.close', { code: 'AVV-26-001' }, PEOPLE.anna))),
    );
    expect(closed).toContain('AVV-26-001 är avslutad.');

    const d = await one('AVV-26-001');
    expect(d).toMatchObject({
      state: 'closed',
      answer: { cause: answer.cause, action: answer.action, followUp: answer.followUp },
    });
    expect(d.closedAt).toBeDefined();
    expect(d.history.map((h) => h.to)).toEqual(['reported', 'handling', 'answered', 'closed']);

    const mine = cardText(invokeCard(await bot.send(click('deviations.list', {}, PEOPLE.emma))));
    expect(mine).toContain('Rapporterade av dig');
    expect(mine).toContain('AVV-26-001');
    expect(mine).toContain('avslutad');

    const entries = await audit('AVV-26-001');
    expect(entries.map((e) => [e.action, e.actorId, e.detail?.from, e.detail?.to])).toEqual([
      ['deviation.report', PEOPLE.emma.aadObjectId, undefined, 'reported'],
      ['deviation.taken', PEOPLE.anna.aadObjectId, 'reported', 'handling'],
      ['deviation.answered', PEOPLE.anna.aadObjectId, 'handling', 'answered'],
      ['deviation.closed', PEOPLE.anna.aadObjectId, 'answered', 'closed'],
    ]);
    expect(entries.every((e) => e.roles?.length)).toBe(true);
    expect(JSON.stringify(entries)).not.toContain('Rutinen');
    const changes = (await events()).filter((e) => e.type === 'deviation.stateChanged');
    expect(
      changes.map((e) => [(e.data as { from: string }).from, (e.data as { to: string }).to]),
    ).toEqual([
      ['reported', 'handling'],
      ['handling', 'answered'],
      ['answered', 'closed'],
    ]);
  });

  it('refuses bad input with a clear message in the user’s language, every input kept, nothing stored; a replayed card creates one', async () => {
    const before = (await stored()).length;
    const cases: [Record<string, unknown>, string][] = [
      [
        { description: 'Eleven, född 19121212-1212, fick ingen kontakt.' },
        "Fältet 'Beskrivning' innehåller",
      ],
      [{ occurredOn: '2026-11-25' }, 'Datumet kan inte ligga i framtiden.'],
      [{ occurredOn: '2025-11-23' }, 'Datumet ligger mer än ett år tillbaka.'],
      [{ occurredOn: '2026-02-30' }, 'Datumet finns inte.'],
      [{ category: 'noSuchCategory' }, 'Välj en kategori som finns i listan.'],
      [{ concerned: 'socialServices,mars' }, 'Välj minst en organisation som finns i listan.'],
      [{ reportingOrganisation: 'police' }, 'Välj din egen organisation'],
      [{ forumId: 'inget-forum' }, 'Forumet finns inte.'],
    ];
    for (const [change, said] of cases) {
      const data = { ...REPORT, ...change };
      const card = invokeCard(await report(PEOPLE.emma, data));
      expect(cardText(card)).toContain(said);
      const values = inputValues(card);
      expect(values).toMatchObject({
        occurredOn: data.occurredOn,
        reportingOrganisation: data.reportingOrganisation,
        category: data.category,
        description: data.description,
        consequence: data.consequence,
        immediateAction: data.immediateAction,
        solvedLocally: 'no',
      });
      expect(String(values.concerned).split(',').sort()).toEqual(data.concerned.split(',').sort());
    }
    const english = invokeCard(
      await bot.send(
        actionExecute(
          'deviations.submit',
          { token: cardToken(), ...REPORT, occurredOn: '2026-12-01' },
          { from: PEOPLE.emma, locale: 'en-US' },
        ),
      ),
    );
    expect(cardText(english)).toContain('The date cannot be in the future.');
    expect(cardText(english)).toContain('Report a deviation');

    // Tampered invokes: an unknown field, a malformed code.
    const extra = invokeMessage(await report(PEOPLE.emma, { ...REPORT, state: 'closed' }));
    expect(extra).toContain('Något i formuläret saknades eller var inte giltigt');
    const badCode = invokeMessage(
      await bot.send(click('deviations.show', { code: 'AVV-1' }, PEOPLE.emma)),
    );
    expect(badCode).toContain('Något i formuläret saknades eller var inte giltigt');
    const unknown = invokeMessage(
      await bot.send(click('deviations.take', { code: 'AVV-26-999' }, PEOPLE.anna)),
    );
    expect(unknown).toContain('finns inte');
    expect((await stored()).length).toBe(before);
    expect(bot.logs.join('\n')).not.toContain('19121212');

    // The same card sent twice (double click, redelivery): one deviation, the same receipt.
    const token = cardToken();
    const police = { ...REPORT, concerned: 'police', category: 'availability', forumId: undefined };
    const first = codeOf(await report(PEOPLE.emma, police, token));
    const second = codeOf(await report(PEOPLE.emma, police, token));
    expect(first).toBe('AVV-26-002');
    expect(second).toBe('AVV-26-002');
    expect((await stored()).length).toBe(before + 1);
  });

  it('a deviation concerning an organisation without a manager is shown to the admins', async () => {
    const code = codeOf(
      await report(PEOPLE.emma, { ...REPORT, concerned: 'leisure', forumId: undefined }),
    );
    expect(code).toBe('AVV-26-003');
    await deliver();
    await deliver();
    const notices = bot.connector
      .messagesTo(chatOf(PEOPLE.admin))
      .map((m) => cardText(cardOf(m)))
      .filter((t) => t.includes('Avvikelse utan chef: AVV-26-003'));
    expect(notices).toHaveLength(1);
    const list = cardText(invokeCard(await bot.send(click('deviations.list', {}, PEOPLE.admin))));
    expect(list).toContain('Utan chef att skicka till');
    expect(list).toContain('AVV-26-003');
  });

  it('escalated to a steering forum: in its chair’s agenda digest at the digest moment and in `dagordning`', async () => {
    const code = codeOf(
      await report(PEOPLE.emma, {
        ...REPORT,
        concerned: 'socialServices',
        category: 'unclearResponsibility',
      }),
    );
    expect(code).toBe('AVV-26-004');
    const escalated = cardText(
      invokeCard(
        await bot.send(
          click('deviations.escalate', { code: 'AVV-26-004', forumId: 'styrgrupp' }, PEOPLE.anna),
        ),
      ),
    );
    expect(escalated).toContain('AVV-26-004 är eskalerad');
    const badForum = cardText(
      invokeCard(
        await bot.send(
          click('deviations.escalate', { code: 'AVV-26-002', forumId: 'fossam' }, MATS),
        ),
      ),
    );
    expect(badForum).toContain('Välj en styrgrupp i listan.');
    expect((await one('AVV-26-002')).state).toBe('reported');

    // The chair, who never wrote to the bot, sees it in the chat the bot opened with her.
    const cecilia = createdChat(CECILIA);
    const chairList = cardText(
      invokeCard(await bot.send(click('deviations.list', {}, CECILIA, cecilia))),
    );
    expect(chairList).toContain('Eskalerade till forum du leder');
    expect(chairList).toContain('AVV-26-004');
    expect(
      cardText(
        invokeCard(
          await bot.send(click('deviations.show', { code: 'AVV-26-004' }, CECILIA, cecilia)),
        ),
      ),
    ).toContain('Eskalerad till');

    // Styrgruppen meets Wednesday 2 December 13:00; its case deadline (and digest moment) is
    // Monday 30 November 12:00 in Stockholm (11:00Z).
    const digests = () =>
      bot.connector
        .messagesTo(cecilia)
        .map((m) => cardText(cardOf(m)))
        .filter((t) => t.includes('Dagordning: Styrgruppen') && t.includes('onsdag 2 december'));
    bot.clock.set('2026-11-30T10:59:00Z');
    await settle();
    expect(digests()).toEqual([]);
    bot.clock.set('2026-11-30T11:00:00Z');
    await settle();
    const [digest, ...more] = digests();
    expect(more).toEqual([]);
    expect(digest).toContain('Att följa upp');
    expect(digest).toContain('AVV-26-004 · Otydligt ansvar · Socialtjänst (IFO)');
    expect(digest).not.toContain('AVV-26-001');
    expect(digest).not.toContain(REPORT.description);
    expect(bot.connector.created.map((c) => [c.memberId, c.tenantId])).toContainEqual([
      CECILIA.teamsId,
      TENANT,
    ]);
    // The short agenda in the steering group's channel carries no deviation.
    const post = bot.connector
      .messagesTo(STY_CHANNEL)
      .map((m) => cardText(cardOf(m)))
      .find((t) => t.includes('Dagordning: Styrgruppen') && t.includes('onsdag 2 december'));
    expect(post).toBeDefined();
    expect(post).not.toContain('AVV-26-004');

    bot.connector.clear();
    await bot.send(message('dagordning', { from: CECILIA, conversationId: cecilia }));
    const agenda = cardText(cardOf(bot.connector.messagesTo(cecilia)[0]));
    expect(agenda).toContain('Dagordning: Styrgruppen');
    expect(agenda).toContain('Att följa upp');
    expect(agenda).toContain('AVV-26-004 · Otydligt ansvar · Socialtjänst (IFO)');
  });

  let minutesReceipt: Record<string, unknown>;
  it('the chair marks it followed up on the minutes card: followed up in the database with an audit entry, off the next agenda', async () => {
    const cecilia = createdChat(CECILIA);
    bot.clock.set('2026-12-02T13:30:00Z'); // Wednesday 14:30 in Stockholm: the meeting is on
    bot.connector.clear();
    await bot.send(message('protokoll', { from: CECILIA, conversationId: cecilia }));
    const card = cardOf(bot.connector.messagesTo(cecilia)[0])!;
    expect(cardText(card)).toContain('Protokoll: Styrgruppen');
    expect(cardText(card)).toContain('AVV-26-004 · Otydligt ansvar · Socialtjänst (IFO)');
    expect(inputValues(card)).toMatchObject({ 'fu.deviation:AVV-26-004': 'false' });

    const saved = invokeCard(
      await bot.send(
        click(
          'chairs.saveMinutes',
          saveData(card, {
            'att.school': 'present',
            'att.socialServices': 'present',
            'att.firstLine': 'excused',
            'att.police': 'absent',
            'fu.deviation:AVV-26-004': 'true',
          }),
          CECILIA,
          cecilia,
        ),
      ),
    );
    expect(cardText(saved)).toContain('Protokollet är sparat (version 1)');
    minutesReceipt = saved!;
    await deliver();

    const followed = await one('AVV-26-004');
    expect(followed).toMatchObject({
      state: 'followedUp',
      followedUp: { meetingId: 'styrgrupp:2026-12-02', by: CECILIA.aadObjectId },
    });
    expect(await bot.db.collection('minutes').findOne({})).toMatchObject({
      meetingId: 'styrgrupp:2026-12-02',
      revision: 1,
      attendance: { police: 'absent', firstLine: 'excused' },
      followedUp: ['deviation:AVV-26-004'],
    });
    expect((await audit('AVV-26-004')).map((e) => [e.action, e.actorId, e.detail?.to])).toEqual([
      ['deviation.report', PEOPLE.emma.aadObjectId, 'reported'],
      ['deviation.escalated', PEOPLE.anna.aadObjectId, 'escalated'],
      ['deviation.followedUp', CECILIA.aadObjectId, 'followedUp'],
    ]);
    const [followedUpEntry] = (await audit('AVV-26-004')).slice(-1);
    expect(followedUpEntry).toMatchObject({
      roles: ['chair', 'staff'],
      detail: { from: 'escalated', to: 'followedUp', meetingId: 'styrgrupp:2026-12-02' },
    });
    const reporter = cardText(
      invokeCard(await bot.send(click('deviations.list', {}, PEOPLE.emma))),
    );
    expect(reporter).toContain('AVV-26-004');

    // The next meeting's agenda has nothing left to follow up.
    const seen = bot.connector.messagesTo(cecilia).length;
    await bot.send(message('dagordning', { from: CECILIA, conversationId: cecilia }));
    const next = cardText(cardOf(bot.connector.messagesTo(cecilia)[seen]));
    expect(next).toContain('onsdag 9 december');
    expect(next).not.toContain('Att följa upp');
  });

  it('a correction of those minutes keeps the follow-up recorded and changes the deviation no further', async () => {
    const cecilia = createdChat(CECILIA);
    const before = await one('AVV-26-004');
    // The receipt still lists the item, ticked: the chair corrects attendance from it.
    expect(inputValues(minutesReceipt)).toMatchObject({ 'fu.deviation:AVV-26-004': 'true' });
    const corrected = invokeCard(
      await bot.send(
        click(
          'chairs.saveMinutes',
          saveData(minutesReceipt, { 'att.firstLine': 'present' }),
          CECILIA,
          cecilia,
        ),
      ),
    );
    expect(cardText(corrected)).toContain('Protokollet är sparat (version 2)');
    expect(inputValues(corrected)).toMatchObject({ 'fu.deviation:AVV-26-004': 'true' });
    await deliver();
    expect(await bot.db.collection('minutes').findOne({})).toMatchObject({
      revision: 2,
      attendance: { firstLine: 'present', police: 'absent' },
      followedUp: ['deviation:AVV-26-004'],
    });
    const after = await one('AVV-26-004');
    expect(after.history).toHaveLength(before.history.length);
    expect(after.version).toBe(before.version);

    // Unticked in a further correction: back to escalated (audited); ticked again: followed up.
    const unticked = invokeCard(
      await bot.send(
        click(
          'chairs.saveMinutes',
          saveData(corrected, { 'fu.deviation:AVV-26-004': 'false' }),
          CECILIA,
          cecilia,
        ),
      ),
    );
    expect(cardText(unticked)).toContain('Protokollet är sparat (version 3)');
    await deliver();
    expect(await one('AVV-26-004')).toMatchObject({ state: 'escalated' });
    expect((await one('AVV-26-004')).followedUp).toBeUndefined();
    expect(inputValues(unticked)).toMatchObject({ 'fu.deviation:AVV-26-004': 'false' });
    const retick = invokeCard(
      await bot.send(
        click(
          'chairs.saveMinutes',
          saveData(unticked, { 'fu.deviation:AVV-26-004': 'true' }),
          CECILIA,
          cecilia,
        ),
      ),
    );
    expect(cardText(retick)).toContain('Protokollet är sparat (version 4)');
    await deliver();
    expect(await one('AVV-26-004')).toMatchObject({
      state: 'followedUp',
      followedUp: { meetingId: 'styrgrupp:2026-12-02', revision: 4 },
    });
    const entries = (await audit('AVV-26-004')).slice(2);
    expect(entries.map((e) => [e.action, e.actorId, e.roles, e.detail?.to])).toEqual([
      ['deviation.followedUp', CECILIA.aadObjectId, ['chair', 'staff'], 'followedUp'],
      ['deviation.followUpWithdrawn', CECILIA.aadObjectId, ['chair', 'staff'], 'escalated'],
      ['deviation.followedUp', CECILIA.aadObjectId, ['chair', 'staff'], 'followedUp'],
    ]);
  });

  it('minutes recording a member organisation absent offer the chair a prefilled deviation; nothing is created until she sends it', async () => {
    const cecilia = createdChat(CECILIA);
    const count = (await stored()).length;
    await deliver();
    const offers = bot.connector
      .messagesTo(cecilia)
      .map((m) => cardOf(m))
      .filter((c) => cardText(c).includes('Organisation frånvarande från forum'));
    // Once, though two revisions of the minutes recorded the police absent.
    expect(offers).toHaveLength(1);
    expect(cardText(offers[0])).toContain(
      'var Polis frånvarande från mötet i Styrgruppen onsdag 2 december',
    );
    expect((await outbox('deviation.absenceOffer')).map((m) => m._id)).toEqual([
      `deviation.absenceOffer:${TENANT}:styrgrupp:2026-12-02:police:${CECILIA.aadObjectId}`,
    ]);
    expect((await stored()).length).toBe(count);

    // Her click on the offer's button, as Teams sends it.
    const open = actionData(offers[0], 'deviations.open');
    expect(open).toEqual({ absentFrom: 'styrgrupp:2026-12-02', organisation: 'police' });
    const prefilled = invokeCard(await bot.send(click('deviations.open', open, CECILIA, cecilia)));
    expect(cardText(prefilled)).toContain('Förifyllt från protokollet');
    const values = inputValues(prefilled);
    expect(values).toMatchObject({
      occurredOn: '2026-12-02',
      concerned: 'police',
      forumId: 'styrgrupp',
      category: 'organisationAbsent',
      reportingOrganisation: 'school',
    });
    expect((await stored()).length).toBe(count);
    const submitted = actionData(prefilled, 'deviations.submit');
    const inputs = Object.fromEntries(
      Object.entries(values).filter(([, v]) => typeof v === 'string' && v !== ''),
    );
    const confirmed = codeOf(
      await bot.send(click('deviations.submit', { ...submitted, ...inputs }, CECILIA, cecilia)),
    );
    expect(confirmed).toBe('AVV-26-005');
    expect(await one('AVV-26-005')).toMatchObject({
      category: 'organisationAbsent',
      concerned: ['police'],
      forumId: 'styrgrupp',
      occurredOn: '2026-12-02',
      reportedBy: CECILIA.aadObjectId,
    });
  });

  it('a minutes.saved event naming what the minutes card never offers (another kind, a closed deviation, a non-member absent), or an older revision handled late, changes nothing', async () => {
    // The minutes card refuses such refs and organisations; the event's other producers may not.
    // Revision 3 is older than the revision 4 that followed AVV-26-004 up: a retried event.
    const before = JSON.stringify(await stored());
    const offers = (await outbox('deviation.absenceOffer')).length;
    await bot.app.modules.units.commit({
      id: 'minutes.test:styrgrupp:2026-12-02:foreign',
      writes: [],
      events: [
        {
          type: 'minutes.saved',
          tenantId: TENANT,
          data: {
            forumId: 'styrgrupp',
            meetingId: 'styrgrupp:2026-12-02',
            by: CECILIA.aadObjectId,
            revision: 3,
            attendance: { leisure: 'absent' },
            followedUp: ['deviation:AVV-26-001', 'deviation:AVV-26-002', 'case:FOS-26-001'],
          },
        },
      ],
    });
    await deliver();
    expect(JSON.stringify(await stored())).toBe(before);
    expect((await outbox('deviation.absenceOffer')).length).toBe(offers);
  });

  it('a category reported three times in a term for the same pair of organisations is flagged once to the steering forum’s chairs', async () => {
    // AVV-26-001 (school → social services, contact person change) was the first.
    for (let i = 0; i < 3; i++) {
      await report(PEOPLE.emma, { ...REPORT, concerned: 'socialServices', forumId: undefined });
      await deliver();
    }
    const flags = await outbox('deviation.recurring');
    expect(flags.map((f) => f._id)).toEqual([
      `deviation.recurring:${TENANT}:HT 2026:contactPersonChange:school+socialServices:styrgrupp:${CECILIA.aadObjectId}`,
    ]);
    const sent = bot.connector
      .messagesTo(createdChat(CECILIA))
      .map((m) => cardText(cardOf(m)))
      .filter((t) => t.includes('Återkommande avvikelse'));
    expect(sent).toHaveLength(1);
    expect(sent[0]).toContain(
      'Kategorin "Byte av kontaktperson inte meddelat" har rapporterats 3 gånger under HT 2026 mellan Skola och Socialtjänst (IFO).',
    );
  });

  it('an unanswered deviation gets exactly one reminder per threshold as the clock walks past them', async () => {
    const reminders = async () =>
      (await outbox('deviation.reminder', 'AVV-26-002')).map((m) => m._id).sort();
    const walk = async (to: string) => {
      bot.clock.set(to);
      await deliver();
      await settle();
    };
    const id = (step: string) =>
      `deviation.reminder:${TENANT}:AVV-26-002:${step}:${MATS.aadObjectId}`;
    // AVV-26-002 was reported on 24 November at 08:00 UTC: its reply is due 23 January.
    await walk('2027-01-09T07:00:00Z');
    expect(await reminders()).toEqual([]);
    await walk('2027-01-09T09:00:00Z');
    expect(await reminders()).toEqual([id('d14')]);
    await walk('2027-01-12T09:00:00Z');
    expect(await reminders()).toEqual([id('d14')]);
    await walk('2027-01-20T09:00:00Z');
    expect(await reminders()).toEqual([id('d14'), id('d3')].sort());
    await walk('2027-01-23T09:00:00Z');
    await walk('2027-01-30T09:00:00Z');
    expect(await reminders()).toEqual([id('d14'), id('d3'), id('overdue')].sort());

    const toMats = bot.connector
      .messagesTo(chatOf(MATS))
      .map((m) => cardText(cardOf(m)))
      .filter((t) => t.includes('AVV-26-002'));
    expect(toMats.filter((t) => t.includes('Påminnelse: AVV-26-002'))).toHaveLength(2);
    expect(toMats.filter((t) => t.includes('Svaret på AVV-26-002 är försenat'))).toHaveLength(1);
    // The closed one, the escalated one and the followed-up one were never chased.
    expect(await outbox('deviation.reminder', 'AVV-26-001')).toEqual([]);
    expect(await outbox('deviation.reminder', 'AVV-26-004')).toEqual([]);

    const overdue = cardText(
      invokeCard(await bot.send(click('deviations.list', { overdue: 'true' }, MATS))),
    );
    expect(overdue).toContain('AVV-26-002');
    expect(overdue).toContain('Svaret är försenat.');
  });
  it('holds a text that may identify a child until the reporter confirms it cannot; the confirmation is stored, not the warning text', async () => {
    const before = (await stored()).length;
    const token = cardToken();
    const data = {
      ...REPORT,
      occurredOn: '2027-01-29',
      consequence:
        'Eleven i 7B på Vallaskolan som använder rullstol fick vänta på stöd och har slutat komma.',
    };
    const warned = invokeCard(await report(PEOPLE.emma, data, token));
    expect(cardText(warned)).toContain('Kontrollera texten');
    expect(inputValues(warned)).toMatchObject({
      consequence: data.consequence,
      confirmAnonymous: 'false',
    });
    expect((await stored()).length).toBe(before);
    const confirmedRes = await report(PEOPLE.emma, { ...data, confirmAnonymous: 'true' }, token);
    const code = codeOf(confirmedRes);
    expect(code).toBe('AVV-27-001');
    expect((await one('AVV-27-001')).anonymityConfirmation).toMatchObject({
      by: PEOPLE.emma.aadObjectId,
      fields: ['consequence'],
    });
    const [entry] = await audit('AVV-27-001');
    expect(entry?.detail).toMatchObject({ warningConfirmed: true });
  });
  it('reaches a manager who never wrote to the bot in a 1:1 chat it opens from the team roster; an unreachable manager’s organisation is shown to the admins', async () => {
    bot.connector.clear();
    const code = codeOf(
      await report(PEOPLE.emma, {
        ...REPORT,
        occurredOn: '2027-01-28',
        concerned: 'healthcare,preschool',
        category: 'availability',
        forumId: undefined,
      }),
    );
    expect(code).toBe('AVV-27-002');
    await deliver();
    await deliver();
    // Helge's chat was created with his roster id and the tenant; Teams refused Ingrid's (403).
    expect(bot.connector.created.map((c) => [c.memberId, c.tenantId])).toContainEqual([
      HELGE.teamsId,
      TENANT,
    ]);
    expect(bot.connector.created.map((c) => c.memberId)).not.toContain(INGRID.teamsId);
    const toHelge = bot.connector.messagesTo(createdChat(HELGE)).map((m) => cardOf(m));
    expect(toHelge.map((c) => cardText(c))).toEqual([
      expect.stringContaining('Ny avvikelse till din organisation: AVV-27-002'),
    ]);
    expect(bot.connector.messagesTo(createdChat(INGRID))).toEqual([]);
    expect((await outbox('deviation.routed', 'AVV-27-002')).map((m) => m._id)).toEqual([
      `deviation.routed:${TENANT}:AVV-27-002:${HELGE.aadObjectId}`,
    ]);
    const unrouted = await outbox('deviation.unrouted', 'AVV-27-002');
    expect(unrouted.map((m) => m.refs?.organisation)).toEqual(['preschool']);
    const toAdmin = bot.connector
      .messagesTo(chatOf(PEOPLE.admin))
      .map((m) => cardText(cardOf(m)))
      .filter((t) => t.includes('AVV-27-002'));
    expect(toAdmin).toHaveLength(1);
    expect(toAdmin[0]).toContain('Avvikelse utan chef: AVV-27-002');
    expect(toAdmin[0]).toContain('AVV-27-002 gäller Förskola, men ingen chef');

    // Helge takes it on from the card in the chat the bot opened.
    const take = actionData(toHelge[0], 'deviations.take');
    expect(take).toEqual({ code: 'AVV-27-002' });
    const taken = cardText(
      invokeCard(await bot.send(click('deviations.take', take, HELGE, createdChat(HELGE)))),
    );
    expect(taken).toContain('Du har tagit hand om AVV-27-002');
    expect(await one('AVV-27-002')).toMatchObject({
      state: 'handling',
      handledBy: HELGE.aadObjectId,
    });
    expect((await audit('AVV-27-002')).map((e) => [e.action, e.actorId])).toEqual([
      ['deviation.report', PEOPLE.emma.aadObjectId],
      ['deviation.taken', HELGE.aadObjectId],
    ]);
  });
});
