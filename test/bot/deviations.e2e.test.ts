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
 * organisation concerned, handled, chased, escalated to a steering forum's agenda and followed
 * up through its minutes; bad input refused with every input kept; all of it in the database
 * with audit entries and events.
 */
const FORBIDDEN = 'Det får du tyvärr inte göra';
const CHANNEL = '19:elevhalsa-channel@thread.tacv2';

const MATS: Person = {
  aadObjectId: 'f0f0f0f0-4444-4444-8444-000000000005',
  name: 'Mats Polis',
  teamsId: '29:mats',
};
const CECILIA: Person = {
  aadObjectId: 'c0c0c0c0-5555-4555-8555-000000000006',
  name: 'Cecilia Ordförande',
  teamsId: '29:cecilia',
};
const chatOf = (p: Person) => `a:personal-${p.aadObjectId}`;

/** A click on a card in personal chat (or in the channel). */
function click(verb: string, data: unknown, from: Person, channel = false) {
  const a = actionExecute(verb, data, channel ? { from, conversationId: CHANNEL } : { from });
  if (channel) a.conversation.conversationType = 'channel';
  return a;
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
  const codeOf = (res: Awaited<ReturnType<TestBot['send']>>) =>
    /AVV-\d{2}-\d{3}/.exec(cardText(invokeCard(res)))?.[0];

  beforeAll(async () => {
    bot = await TestBot.start({ clock: new ManualClock('2026-11-24T08:00:00Z') });
    for (const p of [PEOPLE.admin, PEOPLE.anna, PEOPLE.bo, PEOPLE.emma, MATS, CECILIA])
      await bot.send(message('hej', { from: p, conversationId: chatOf(p) }));
    const admin = { from: PEOPLE.admin, conversationId: chatOf(PEOPLE.admin) };
    const grant = async (p: Person, roles: string[], organisation: string) => {
      const userId = p.aadObjectId;
      for (const role of roles)
        await bot.send(actionExecute('people.grantRole', { userId, role }, admin));
      await bot.send(actionExecute('people.addOrganisation', { userId, organisation }, admin));
    };
    await grant(PEOPLE.anna, ['manager'], 'socialServices');
    await grant(PEOPLE.bo, ['manager'], 'firstLine');
    await grant(PEOPLE.emma, ['staff'], 'school');
    await grant(MATS, ['manager'], 'police');
    await grant(CECILIA, ['chair', 'staff'], 'school');

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

  it('escalated to a steering forum: on its next agenda, followed up through its minutes; an absent organisation is offered to the chair, not created', async () => {
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

    const [provider] = bot.app.modules.faces.agendaFollowUps;
    const items = await provider!.followUps(TENANT, 'styrgrupp', 'styrgrupp:2026-11-25');
    expect(provider!.kind).toBe('deviation');
    expect(items.map((i) => [i.ref, i.kind])).toEqual([['deviation:AVV-26-004', 'deviation']]);
    expect(items[0]!.label('sv')).toBe('AVV-26-004 · Otydligt ansvar · Socialtjänst (IFO)');
    expect(items[0]!.label('en')).toBe('AVV-26-004 · Unclear responsibility · Social services');
    expect(await provider!.followUps(TENANT, 'fossam', 'fossam:2026-11-26')).toEqual([]);

    const chairList = cardText(invokeCard(await bot.send(click('deviations.list', {}, CECILIA))));
    expect(chairList).toContain('Eskalerade till forum du leder');
    expect(chairList).toContain('AVV-26-004');
    expect(
      cardText(
        invokeCard(await bot.send(click('deviations.show', { code: 'AVV-26-004' }, CECILIA))),
      ),
    ).toContain('Eskalerad till');

    // The minutes (issue 11, on the chairs branch) are recorded as its event says.
    const minutes = (revision: number) =>
      bot.app.modules.units.commit({
        id: `minutes.test:styrgrupp:2026-11-18:r${revision}`,
        writes: [],
        events: [
          {
            type: 'minutes.saved',
            tenantId: TENANT,
            data: {
              forumId: 'styrgrupp',
              meetingId: 'styrgrupp:2026-11-18',
              by: CECILIA.aadObjectId,
              revision,
              attendance: {
                school: 'present',
                socialServices: 'present',
                firstLine: 'excused',
                police: 'absent',
                leisure: 'absent',
              },
              followedUp: ['deviation:AVV-26-004', 'deviation:AVV-26-001', 'case:FOS-26-001'],
            },
          },
        ],
      });
    await minutes(1);
    const followed = await one('AVV-26-004');
    expect(followed).toMatchObject({
      state: 'followedUp',
      followedUp: { meetingId: 'styrgrupp:2026-11-18', by: CECILIA.aadObjectId },
    });
    expect((await one('AVV-26-001')).state).toBe('closed');
    expect(await provider!.followUps(TENANT, 'styrgrupp', 'styrgrupp:2026-12-02')).toEqual([]);
    await minutes(2);
    expect((await one('AVV-26-004')).history).toHaveLength(followed.history.length);
    expect((await audit('AVV-26-004')).map((e) => [e.action, e.actorId, e.detail?.to])).toEqual([
      ['deviation.report', PEOPLE.emma.aadObjectId, 'reported'],
      ['deviation.escalated', PEOPLE.anna.aadObjectId, 'escalated'],
      ['deviation.followedUp', CECILIA.aadObjectId, 'followedUp'],
    ]);

    // The chair is offered the absent member organisation (police), once; leisure is no member.
    const count = (await stored()).length;
    await deliver();
    const offers = bot.connector
      .messagesTo(chatOf(CECILIA))
      .map((m) => cardOf(m))
      .filter((c) => cardText(c).includes('Organisation frånvarande från forum'));
    expect(offers).toHaveLength(1);
    expect(cardText(offers[0])).toContain(
      'var Polis frånvarande från mötet i Styrgruppen onsdag 18 november',
    );
    expect((await outbox('deviation.absenceOffer')).length).toBe(1);
    expect((await stored()).length).toBe(count);

    const prefilled = invokeCard(
      await bot.send(
        click(
          'deviations.open',
          { absentFrom: 'styrgrupp:2026-11-18', organisation: 'police' },
          CECILIA,
        ),
      ),
    );
    expect(cardText(prefilled)).toContain('Förifyllt från protokollet');
    const values = inputValues(prefilled);
    expect(values).toMatchObject({
      occurredOn: '2026-11-18',
      concerned: 'police',
      forumId: 'styrgrupp',
      category: 'organisationAbsent',
      reportingOrganisation: 'school',
    });
    expect((await stored()).length).toBe(count);
    const confirmed = codeOf(
      await report(CECILIA, {
        occurredOn: values.occurredOn,
        concerned: values.concerned,
        reportingOrganisation: values.reportingOrganisation,
        forumId: values.forumId,
        category: values.category,
        description: values.description,
        solvedLocally: 'no',
      }),
    );
    expect(confirmed).toBe('AVV-26-005');
    expect(await one('AVV-26-005')).toMatchObject({
      category: 'organisationAbsent',
      concerned: ['police'],
      forumId: 'styrgrupp',
      reportedBy: CECILIA.aadObjectId,
    });
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
      .messagesTo(chatOf(CECILIA))
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
      await deliver();
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
});
