import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Document } from 'mongodb';
import { ManualClock } from '../../src/core/clock';
import type { CaseRecord } from '../../src/capabilities/cases/cases.types';
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
 * Issue #10, requests about a person: an admin lists and exports everything stored about a staff
 * member, and replaces their identity with a pseudonym (confirmed, once); anyone else is refused
 * with the database unchanged.
 */
const ADMIN_CHAT = { from: PEOPLE.admin, conversationId: 'a:personal-admin' };
const ANNA_CHAT = { from: PEOPLE.anna, conversationId: 'a:personal-anna' };
const BO_CHAT = { from: PEOPLE.bo, conversationId: 'a:personal-bo' };
const FORBIDDEN = 'Det får du tyvärr inte göra';
const TEXT = {
  description: 'Eleven har hög frånvaro och verkar orolig inför lektionerna.',
  tried: 'Samtal med mentor och kurator.',
  question: 'Hur kan vi stötta eleven och familjen tillsammans?',
};

/** The Action.OpenUrl target of a card (an export's download link). */
const openUrl = (card: unknown): string | undefined =>
  /"type":"Action\.OpenUrl"[^}]*"url":"([^"]+)"/.exec(JSON.stringify(card))?.[1];

describe('requests about a person (registerutdrag, pseudonymisering)', () => {
  const clock = new ManualClock('2026-11-24T08:00:00Z');
  let bot: TestBot;
  const codes: string[] = [];

  /** Every collection's documents, sorted, as JSON. */
  const snapshot = async (): Promise<Record<string, string>> => {
    const out: Record<string, string> = {};
    for (const { name } of await bot.db.listCollections().toArray()) {
      if (name.startsWith('system.')) continue;
      const docs = await bot.db.collection(name).find({}).toArray();
      out[name] = JSON.stringify(docs.map((d) => JSON.stringify(d)).sort());
    }
    return out;
  };
  const summary = async () =>
    JSON.stringify(
      await bot.db
        .collection<CaseRecord>('cases')
        .aggregate<Document>([
          {
            $group: {
              _id: { o: '$raisingOrganisation', a: '$ageBand', s: '$status' },
              n: { $sum: 1 },
            },
          },
          { $sort: { '_id.o': 1, '_id.a': 1, '_id.s': 1 } },
        ])
        .toArray(),
    );

  beforeAll(async () => {
    bot = await TestBot.start({ clock, env: { SCHEDULER_INTERVAL_SECONDS: '0' } });
    for (const chat of [ADMIN_CHAT, ANNA_CHAT, BO_CHAT]) await bot.send(message('hej', chat));
    for (const p of [PEOPLE.anna, PEOPLE.bo] as Person[]) {
      const userId = p.aadObjectId;
      await bot.send(actionExecute('people.grantRole', { userId, role: 'staff' }, ADMIN_CHAT));
      await bot.send(
        actionExecute('people.addOrganisation', { userId, organisation: 'school' }, ADMIN_CHAT),
      );
    }
    const { people, forums } = bot.app.services;
    const admin = await people.resolveActor({
      tenantId: TENANT,
      aadObjectId: PEOPLE.admin.aadObjectId,
      displayName: PEOPLE.admin.name,
    });
    await forums.createForum(
      admin,
      forumInputSchema.parse({
        id: 'fossam',
        name: 'Fossam',
        code: 'FOS',
        organisations: ['school', 'socialServices', 'firstLine'],
        chairs: [PEOPLE.anna.aadObjectId],
        schedule: {
          recurrence: { kind: 'weekly', interval: 1, weekdays: ['thursday'] },
          startTime: '13:00',
          durationMinutes: 120,
          firstDate: '2026-11-05',
          deadline: { workingDaysBefore: 2, time: '12:00' },
        },
      }),
    );
    for (const [from, ageBand] of [
      [PEOPLE.anna, 'grades7to9'],
      [PEOPLE.anna, 'grades4to6'],
      [PEOPLE.bo, 'grades7to9'],
    ] as const) {
      const res = await bot.send(
        actionExecute(
          'cases.submit',
          {
            token: cardToken(),
            meetingId: 'fossam:2026-11-26',
            organisation: 'school',
            ageBand,
            concerns: 'schoolAbsence',
            urgency: 'normal',
            ...TEXT,
          },
          { from },
        ),
      );
      codes.push(/FOS-26-\d{3}/.exec(cardText(invokeCard(res)))![0]);
    }
    await bot.send(actionExecute('cases.withdraw', { code: codes[1] }, { from: PEOPLE.anna }));
  });
  afterAll(async () => {
    await bot.stop();
  });

  it('lists everything stored about a staff member for an admin: user, roles, cases, audit, chats', async () => {
    bot.connector.clear();
    await bot.send(message('registerutdrag anna', ADMIN_CHAT));
    const card = cardOf(bot.connector.sent[0]);
    const text = cardText(card);
    expect(text).toContain('Registerutdrag: Anna Lind');
    expect(text).toContain(PEOPLE.anna.aadObjectId);
    expect(text).toContain('Användare och roller (3)'); // the user, staff, school
    expect(text).toMatch(/kind=role · value=staff/);
    expect(text).toContain('Ärenden (2)');
    expect(text).toContain(`code=${codes[0]!}`);
    expect(text).toContain('status=withdrawn');
    expect(text).toMatch(/Granskningslogg \(\d+\)/);
    expect(text).toContain('action=case.submit');
    expect(text).toContain('as=target · action=role.grant');
    expect(text).toContain('Personliga chattar med boten (2)');
    expect(text).toContain('Forum (ordförande, skapat, kopplat) (1)');
    expect(text).toContain('forumId=fossam · chair=true');
    expect(text).not.toContain(TEXT.question); // the child's text is not about the person
    expect(text).not.toContain(codes[2]); // Bo's case
    expect(await bot.db.collection('audit').findOne({ action: 'person.report' })).toMatchObject({
      actorId: PEOPLE.admin.aadObjectId,
      target: PEOPLE.anna.aadObjectId,
    });

    bot.connector.clear();
    await bot.send(
      message(`data about ${PEOPLE.anna.aadObjectId.toUpperCase()}`, {
        ...ADMIN_CHAT,
        locale: 'en-US',
      }),
    );
    expect(cardText(cardOf(bot.connector.sent[0]))).toContain('Personal data: Anna Lind');

    for (const [query, said] of [
      ['anna.lind@skolan.se', 'E-postadresser lagras inte'],
      ['ingen sådan', 'Jag hittar ingen användare'],
    ]) {
      bot.connector.clear();
      await bot.send(message(`registerutdrag ${query}`, ADMIN_CHAT));
      expect(bot.connector.sent[0]?.activity.text).toContain(said);
    }
  });

  it('exports it as JSON and CSV through a link signed for the admin, audited when fetched', async () => {
    const json = invokeCard(
      await bot.send(
        actionExecute(
          'privacy.export',
          { userId: PEOPLE.anna.aadObjectId, format: 'json' },
          ADMIN_CHAT,
        ),
      ),
    );
    expect(cardText(json)).toContain('Exporten är klar');
    const jsonUrl = openUrl(json)!;
    expect(jsonUrl).toMatch(new RegExp(`^${bot.app.url}/exports/person/`));
    const res = await fetch(jsonUrl);
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      userId: string;
      sections: Record<string, Record<string, unknown>[]>;
    };
    expect(body.userId).toBe(PEOPLE.anna.aadObjectId);
    expect(body.sections.cases!.map((c) => c.code)).toEqual(codes.slice(0, 2));
    expect(body.sections.people![0]).toMatchObject({ record: 'user', displayName: 'Anna Lind' });
    expect(Object.keys(body.sections)).toEqual(
      expect.arrayContaining([
        'people',
        'conversations',
        'forums',
        'meetings',
        'cases',
        'audit',
        'events',
        'operations',
      ]),
    );
    expect(JSON.stringify(body)).not.toContain(TEXT.question);

    const csv = invokeCard(
      await bot.send(
        actionExecute(
          'privacy.export',
          { userId: PEOPLE.anna.aadObjectId, format: 'csv' },
          ADMIN_CHAT,
        ),
      ),
    );
    const bytes = Buffer.from(await (await fetch(openUrl(csv)!)).arrayBuffer());
    const csvText = bytes.toString('utf8');
    expect(csvText.startsWith('\uFEFFDel;Post;Fält;Värde\r\n')).toBe(true);
    expect(csvText).toContain(`Ärenden;1;code;${codes[0]!}`);

    expect(await bot.db.collection('audit').countDocuments({ action: 'person.export' })).toBe(2);
    expect(await bot.db.collection('audit').countDocuments({ action: 'export.download' })).toBe(2);
    // Someone else's copy of the link is still refused once they are not an admin (Bo).
    expect((await fetch(jsonUrl.replace('/person/', '/audit/'))).status).toBe(404);
  });

  it('refuses everyone but admins, commands and card actions alike, with the database unchanged', async () => {
    const before = await snapshot();
    for (const text of ['registerutdrag anna', 'pseudonymisera anna', 'data about anna']) {
      bot.connector.clear();
      await bot.send(message(text, BO_CHAT));
      expect(bot.connector.sent[0]?.activity.text, text).toContain(FORBIDDEN);
    }
    const userId = PEOPLE.anna.aadObjectId;
    for (const [verb, data] of [
      ['privacy.show', { userId }],
      ['privacy.export', { userId, format: 'json' }],
      ['privacy.confirm', { userId }],
      ['privacy.pseudonymize', { userId, token: cardToken() }],
    ] as const) {
      expect(invokeMessage(await bot.send(actionExecute(verb, data, BO_CHAT))), verb).toContain(
        FORBIDDEN,
      );
    }
    expect(await snapshot()).toEqual(before);
  });

  it('pseudonymizes after a confirmation, once: no trace of the name or Entra id, counts and histories kept', async () => {
    const anna = PEOPLE.anna.aadObjectId;
    const before = await summary();
    bot.connector.clear();
    await bot.send(message('pseudonymisera Anna Lind', ADMIN_CHAT));
    const confirm = cardOf(bot.connector.sent[0]);
    expect(cardText(confirm)).toContain('Pseudonymisera Anna Lind?');
    expect(cardText(confirm)).toContain('Det går inte att ångra.');
    const token = /"token":"([A-Za-z0-9_-]+)"/.exec(JSON.stringify(confirm))![1]!;
    // The confirmation card itself changes nothing.
    expect(await bot.db.collection('users').countDocuments({ aadObjectId: anna })).toBe(1);

    const click = () =>
      bot.send(actionExecute('privacy.pseudonymize', { userId: anna, token }, ADMIN_CHAT));
    const [first, second] = await Promise.all([click(), click()]);
    const said = invokeMessage(first)!;
    expect(said).toMatch(/^Klart: personen heter nu anon-[0-9a-f]{12} överallt/);
    expect(invokeMessage(second)).toBe(said);
    expect(invokeMessage(await click())).toBe(said);
    const pseudonym = /anon-[0-9a-f]{12}/.exec(said)![0];

    // Nowhere in the database: neither her Entra id nor her name.
    const all = JSON.stringify(await snapshot());
    expect(all).not.toContain(anna);
    expect(all).not.toContain(anna.toUpperCase());
    expect(all).not.toContain('Anna Lind');
    expect(await bot.db.collection('pseudonymizations').countDocuments()).toBe(0);
    // Counts and case histories stay consistent.
    expect(await summary()).toBe(before);
    const cases = await bot.db
      .collection<CaseRecord>('cases')
      .find({}, { sort: { sequence: 1 } })
      .toArray();
    expect(cases.map((c) => [c.code, c.submittedBy, c.status])).toEqual([
      [codes[0], pseudonym, 'submitted'],
      [codes[1], pseudonym, 'withdrawn'],
      [codes[2], PEOPLE.bo.aadObjectId, 'submitted'],
    ]);
    expect(cases[1]!.history.map((h) => [h.action, h.by])).toEqual([
      ['submitted', pseudonym],
      ['withdrawn', pseudonym],
      ['pseudonymized', ''],
    ]);
    expect(cases[0]).toMatchObject(TEXT); // the case itself is not about her
    expect(await bot.db.collection('forums').findOne({})).toMatchObject({ chairs: [pseudonym] });
    expect(
      await bot.db.collection('memberships').find({ aadObjectId: pseudonym }).toArray(),
    ).toHaveLength(2);
    expect(await bot.db.collection('users').findOne({ aadObjectId: pseudonym })).toMatchObject({
      displayName: pseudonym,
    });
    expect(
      await bot.db
        .collection('audit')
        .countDocuments({ actorId: pseudonym, action: 'case.submit' }),
    ).toBe(2);
    expect(
      await bot.db.collection('audit').findOne({ action: 'person.pseudonymize' }),
    ).toMatchObject({ actorId: PEOPLE.admin.aadObjectId, target: pseudonym });

    // She is gone: nobody by that name, and by her old id nothing is left to pseudonymize.
    bot.connector.clear();
    await bot.send(message('registerutdrag anna', ADMIN_CHAT));
    expect(bot.connector.sent[0]?.activity.text).toContain('Jag hittar ingen användare');
    const again = await bot.send(
      actionExecute('privacy.pseudonymize', { userId: anna, token: cardToken() }, ADMIN_CHAT),
    );
    expect(invokeMessage(again)).toMatch(/finns inte|hittar/i);
  });

  it('refuses to pseudonymize oneself or an administrator named in the configuration', async () => {
    const before = await snapshot();
    await bot.send(
      actionExecute(
        'people.grantRole',
        { userId: PEOPLE.bo.aadObjectId, role: 'admin' },
        ADMIN_CHAT,
      ),
    );
    const mid = await snapshot();
    const self = await bot.send(
      actionExecute(
        'privacy.pseudonymize',
        { userId: PEOPLE.bo.aadObjectId, token: cardToken() },
        BO_CHAT,
      ),
    );
    expect(invokeMessage(self)).toContain('Du kan inte pseudonymisera dig själv');
    const configured = await bot.send(
      actionExecute(
        'privacy.pseudonymize',
        { userId: PEOPLE.admin.aadObjectId, token: cardToken() },
        BO_CHAT,
      ),
    );
    expect(invokeMessage(configured)).toContain('ADMIN_AAD_OBJECT_IDS');
    expect(await snapshot()).toEqual(mid);
    expect(mid).not.toEqual(before);
  });
});

/**
 * The capabilities that came later (roster, chairs, deviations) answer requests about a person
 * too: a chair known from the channel's roster, @mentioned when Teams would not let the bot reach
 * her, who raised a case from the channel, reported and handled a deviation, and saved the
 * minutes twice, appears in the extract with all of it; after pseudonymization her Entra id, name
 * and Teams id are in no document of any collection, and the counts are what they were.
 */
describe('requests about a person: roster, minutes and deviations', { timeout: 120_000 }, () => {
  const CHANNEL = '19:fossam-privacy@thread.tacv2';
  /** The team of every channel fixture (channelData.team.id): the roster is the team's. */
  const TEAM = '19:0a1b2c3d4e5f60718293a4b5c6d7e8f9@thread.tacv2';
  const MEETING = 'fossam:2026-12-03';
  const PETRA: Person = {
    aadObjectId: 'd1d1d1d1-7777-4777-8777-00000000000e',
    name: 'Petra Protokoll',
    teamsId: '29:petra',
  };
  /** Her personal chat (an opaque id, as Teams gives them). */
  const PETRA_CHAT = { from: PETRA, conversationId: 'a:1petrachat' };
  const inChannel = (from: Person) => ({
    kind: 'channel' as const,
    conversationId: CHANNEL,
    from,
  });
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
  const NOTE = 'Forumet rekommenderar kontakt med elevhälsan.';
  let bot: TestBot;
  const codes: string[] = [];
  let deviation = '';

  const snapshot = async (): Promise<string> => {
    const out: string[] = [];
    for (const { name } of await bot.db.listCollections().toArray()) {
      if (name.startsWith('system.')) continue;
      out.push(`${name}: ${JSON.stringify(await bot.db.collection(name).find({}).toArray())}`);
    }
    return out.join('\n');
  };
  /** Counts per organisation, category and state (deviations), per meeting (minutes). */
  const counts = async () => {
    const group = async (collection: string, key: Document) =>
      JSON.stringify(
        await bot.db
          .collection(collection)
          .aggregate<Document>([{ $group: { _id: key, n: { $sum: 1 } } }, { $sort: { _id: 1 } }])
          .toArray(),
      );
    return {
      deviations: await group('deviations', {
        o: '$reportingOrganisation',
        c: '$category',
        s: '$state',
      }),
      minutes: await group('minutes', { m: '$meetingId', r: '$revision' }),
      minutesRevisions: await group('minutesRevisions', { m: '$meetingId' }),
      cases: await group('cases', { o: '$raisingOrganisation', s: '$status' }),
    };
  };
  const settle = async (passes = 8) => {
    for (let i = 0; i < passes; i++) {
      await bot.app.tick();
      bot.clock.advance(1_000);
    }
  };
  /** The minutes card's save data, with the card's inputs as Teams sends them (empty ones absent). */
  const saveMinutes = async (inputs: Record<string, string>) => {
    const card = invokeCard(
      await bot.send(actionExecute('chairs.openMinutes', { meetingId: MEETING }, PETRA_CHAT)),
    )!;
    const data = (JSON.stringify(card).match(/"verb":"chairs\.saveMinutes","data":(\{[^}]*\})/) ??
      [])[1];
    const values = Object.fromEntries(
      Object.entries(inputValues(card)).filter(([, v]) => typeof v === 'string' && v !== ''),
    );
    const res = await bot.send(
      actionExecute(
        'chairs.saveMinutes',
        { ...(JSON.parse(data ?? '{}') as object), ...values, ...inputs },
        PETRA_CHAT,
      ),
    );
    return cardText(invokeCard(res));
  };

  beforeAll(async () => {
    // Monday 30 November 2026. Fossam meets Thursdays 13:00; the deadline is Tuesday 12:00.
    bot = await TestBot.start({ clock: new ManualClock('2026-11-30T08:00:00Z') });
    bot.connector.rosters.set(
      TEAM,
      [PETRA, PEOPLE.anna, PEOPLE.bo].map((p) => ({
        id: p.teamsId,
        name: p.name,
        aadObjectId: p.aadObjectId,
        tenantId: TENANT,
        userRole: 'user',
      })),
    );
    // Teams will not let the bot open a 1:1 chat with her: she is @mentioned in the channel.
    bot.connector.unreachable.add(PETRA.teamsId);
    for (const chat of [ADMIN_CHAT, ANNA_CHAT, BO_CHAT]) await bot.send(message('hej', chat));
    const { people, forums } = bot.app.services;
    const admin = await people.resolveActor({
      tenantId: TENANT,
      aadObjectId: PEOPLE.admin.aadObjectId,
      displayName: PEOPLE.admin.name,
    });
    await forums.createForum(
      admin,
      forumInputSchema.parse({
        id: 'fossam',
        name: 'Fossam',
        code: 'FOS',
        organisations: ['school', 'socialServices', 'firstLine'],
        chairs: [PETRA.aadObjectId],
        schedule: {
          recurrence: { kind: 'weekly', interval: 1, weekdays: ['thursday'] },
          startTime: '13:00',
          durationMinutes: 120,
          firstDate: '2026-11-05',
          deadline: { workingDaysBefore: 2, time: '12:00' },
        },
      }),
    );
    // The forum is bound to the channel: its roster makes Petra known before she ever writes.
    await bot.send(message('koppla forum', inChannel(PEOPLE.admin)));
    await bot.send(actionExecute('forums.bind', { forumId: 'fossam' }, inChannel(PEOPLE.admin)));
    expect(await bot.db.collection('rosterMembers').countDocuments()).toBe(3);
    const grant = async (p: Person, roles: string[], organisations: string[]) => {
      const userId = p.aadObjectId;
      for (const role of roles)
        await bot.send(actionExecute('people.grantRole', { userId, role }, ADMIN_CHAT));
      for (const organisation of organisations)
        await bot.send(
          actionExecute('people.addOrganisation', { userId, organisation }, ADMIN_CHAT),
        );
    };
    await grant(PETRA, ['chair', 'manager'], ['school', 'firstLine']);
    await grant(PEOPLE.anna, ['staff'], ['school']);
    await grant(PEOPLE.bo, ['manager'], ['socialServices']);

    // Cases for Thursday's meeting: Petra raises hers from the channel, Anna from her chat.
    for (const [from, where] of [
      [PETRA, inChannel(PETRA)],
      [PEOPLE.anna, ANNA_CHAT],
    ] as const) {
      const res = await bot.send(
        actionExecute(
          'cases.submit',
          {
            token: cardToken(),
            meetingId: MEETING,
            organisation: 'school',
            ageBand: 'grades7to9',
            concerns: 'schoolAbsence',
            urgency: 'normal',
            ...TEXT,
          },
          { ...where, from },
        ),
      );
      codes.push(/FOS-26-\d{3}/.exec(cardText(invokeCard(res)))![0]);
    }
    // The digest at the deadline: Petra cannot be reached 1:1, so she is @mentioned.
    bot.clock.set('2026-12-01T11:00:00Z');
    await settle();
    expect(await bot.db.collection('outbox').countDocuments({ kind: 'agenda.mention' })).toBe(1);

    // She reports a deviation concerning her own organisation too, takes it on, answers, closes.
    const reported = await bot.send(
      actionExecute('deviations.submit', { token: cardToken(), ...REPORT }, PETRA_CHAT),
    );
    deviation = /AVV-\d{2}-\d{3}/.exec(cardText(invokeCard(reported)))![0];
    await bot.send(actionExecute('deviations.take', { code: deviation }, PETRA_CHAT));
    await bot.send(
      actionExecute(
        'deviations.answer',
        {
          code: deviation,
          cause: 'Rutinen för byte av kontaktperson var inte känd.',
          action: 'Rutinen har gåtts igenom med alla handläggare.',
          followUp: 'Följs upp på nästa samverkansmöte.',
        },
        PETRA_CHAT,
      ),
    );
    await bot.send(actionExecute('deviations.close', { code: deviation }, PETRA_CHAT));
    // Bo reports one too (his must stay his).
    await bot.send(
      actionExecute(
        'deviations.submit',
        {
          token: cardToken(),
          ...REPORT,
          reportingOrganisation: 'socialServices',
          concerned: 'school',
        },
        BO_CHAT,
      ),
    );

    // Thursday after the meeting: Petra saves the minutes (first responder absent), then corrects.
    bot.clock.set('2026-12-03T14:10:00Z');
    const att = {
      'att.school': 'present',
      'att.socialServices': 'present',
      'att.firstLine': 'absent',
      [`out.${codes[0]!}`]: 'adviceGiven',
      [`out.${codes[1]!}`]: 'noAction',
    };
    expect(await saveMinutes({ ...att, [`note.${codes[0]!}`]: NOTE })).toContain(
      'Protokollet är sparat (version 1)',
    );
    expect(await saveMinutes({ ...att, general: 'Nästa möte som vanligt.' })).toContain(
      'Protokollet är sparat (version 2)',
    );
    await settle();
    // She was offered the absence as a deviation; both submitters were told their outcome.
    const outbox = await bot.db
      .collection<{ _id: string; kind: string; conversationId: string }>('outbox')
      .find({})
      .toArray();
    expect(outbox.filter((m) => m.kind === 'deviation.absenceOffer')).toHaveLength(1);
    expect(
      outbox.filter((m) => m.kind === 'minutes.feedback').map((m) => m.conversationId),
    ).toEqual(
      expect.arrayContaining([
        `person:${TENANT}:${PETRA.aadObjectId}`,
        `person:${TENANT}:${PEOPLE.anna.aadObjectId}`,
      ]),
    );
  });
  afterAll(async () => {
    await bot.stop();
  });

  it('lists her roster record, chats, minutes revisions, deviation, case and outbox messages', async () => {
    bot.connector.clear();
    await bot.send(message('registerutdrag petra', ADMIN_CHAT));
    const text = cardText(cardOf(bot.connector.sent[0]));
    expect(text).toContain('Registerutdrag: Petra Protokoll');
    expect(text).toContain('Teams-medlemslistor och personliga chattar som boten öppnat (2)');
    expect(text).toContain('record=rosterMember · name=Petra Protokoll · rosterId=29:petra');
    expect(text).toContain('record=personalChat · conversationId=a:1petrachat');
    expect(text).toContain('Protokoll (sparade versioner) (2)');
    expect(text).toContain(`meetingId=${MEETING} · forumId=fossam · revision=2`);
    expect(text).toContain('Avvikelser (rapporterat, hanterat, följt upp) (1)');
    expect(text).toContain(`code=${deviation} · category=contactPersonChange · state=closed`);
    expect(text).toContain('roles=reported,handled,answered');
    expect(text).toContain('changes=reported,taken,answered,closed');
    // Her case, and Anna's, which her minutes closed.
    expect(text).toContain('Ärenden (2)');
    expect(text).toContain(`code=${codes[0]!} · forumId=fossam · raisedBy=true`);
    expect(text).toContain(`code=${codes[1]!} · forumId=fossam · raisedBy=false`);
    expect(text).toMatch(/kind=agenda\.mention/);
    expect(text).toMatch(/kind=deviation\.absenceOffer/);
    expect(text).toMatch(/kind=minutes\.feedback/);
    // Neither the notes, the deviation's text nor the child's text is about her.
    for (const t of [NOTE, REPORT.description, TEXT.question]) expect(text).not.toContain(t);

    const json = invokeCard(
      await bot.send(
        actionExecute('privacy.export', { userId: PETRA.aadObjectId, format: 'json' }, ADMIN_CHAT),
      ),
    );
    const body = (await (await fetch(openUrl(json)!)).json()) as {
      sections: Record<string, Record<string, unknown>[]>;
    };
    expect(body.sections.roster).toHaveLength(2);
    expect(body.sections.minutes!.map((m) => m.revision)).toEqual([1, 2]);
    expect(body.sections.deviations).toEqual([
      // Taken, answered, closed: the versions after the report (the deviation itself).
      expect.objectContaining({ code: deviation, state: 'closed', versions: 3 }),
    ]);
    expect(JSON.stringify(body)).not.toContain(NOTE);
  });

  it('pseudonymizes her everywhere: no Entra id, name or Teams id left, counts unchanged', async () => {
    const petra = PETRA.aadObjectId;
    const before = await counts();
    expect(await snapshot()).toContain(petra);
    bot.connector.clear();
    await bot.send(message('pseudonymisera Petra Protokoll', ADMIN_CHAT));
    const token = /"token":"([A-Za-z0-9_-]+)"/.exec(
      JSON.stringify(cardOf(bot.connector.sent[0])),
    )![1]!;
    const said = invokeMessage(
      await bot.send(actionExecute('privacy.pseudonymize', { userId: petra, token }, ADMIN_CHAT)),
    )!;
    const pseudonym = /anon-[0-9a-f]{12}/.exec(said)![0];

    const all = await snapshot();
    const leaks = all
      .split('\n')
      .filter((line) =>
        [petra, petra.toUpperCase(), PETRA.name, PETRA.teamsId].some((s) => line.includes(s)),
      )
      .map((line) => line.slice(0, line.indexOf(':')));
    expect(leaks).toEqual([]);
    expect(await counts()).toEqual(before);
    // Her deviation changed once more (a version claimed, so no concurrent change is lost).
    const versions = await bot.db
      .collection<{ version: number; state: DeviationRecord }>('deviationVersions')
      .find({}, { sort: { version: 1 } })
      .toArray();
    expect(versions.map((v) => [v.version, v.state.reportedBy])).toEqual([
      [2, pseudonym],
      [3, pseudonym],
      [4, pseudonym],
      [5, pseudonym],
    ]);

    // Who did what stays, under the pseudonym; Bo's deviation stays his.
    const stored = await bot.db
      .collection<DeviationRecord>('deviations')
      .find({}, { sort: { sequence: 1 } })
      .toArray();
    expect(stored.map((d) => [d.code, d.reportedBy, d.state])).toEqual([
      [deviation, pseudonym, 'closed'],
      [expect.stringMatching(/^AVV-/), PEOPLE.bo.aadObjectId, 'reported'],
    ]);
    expect(stored[0]).toMatchObject({
      handledBy: pseudonym,
      answer: { by: pseudonym },
      description: REPORT.description,
    });
    expect(stored[0]!.history.map((h) => [h.action, h.by])).toEqual([
      ['reported', pseudonym],
      ['taken', pseudonym],
      ['answered', pseudonym],
      ['closed', pseudonym],
    ]);
    const revisions = await bot.db
      .collection<{ revision: number; state: { savedBy: string } }>('minutesRevisions')
      .find({}, { sort: { revision: 1 } })
      .toArray();
    expect(revisions.map((r) => [r.revision, r.state.savedBy])).toEqual([
      [1, pseudonym],
      [2, pseudonym],
    ]);
    expect(await bot.db.collection('minutes').findOne({})).toMatchObject({
      savedBy: pseudonym,
      revision: 2,
      notes: { [codes[0]!]: NOTE },
    });
    // Her audit trail, and the ids the journal gave it (her changes' unit ids), under the pseudonym.
    const trail = await bot.db
      .collection<{ _id: string; action: string }>('audit')
      .find({ actorId: pseudonym }, { sort: { at: 1 } })
      .toArray();
    expect(trail.map((a) => a.action).sort()).toEqual([
      'case.closed',
      'case.discussed',
      'case.submit',
      'deviation.answered',
      'deviation.closed',
      'deviation.report',
      'deviation.taken',
      'minutes.correct',
      'minutes.save',
    ]);
    // A change's id ends with who made it (`deviation.taken:<tenant>:<code>:v2:<user>:a0`).
    for (const a of trail.filter((x) => /^deviation\.(taken|answered|closed)$/.test(x.action)))
      expect(a._id).toContain(`:${pseudonym}:a0`);
    expect(await bot.db.collection('rosterMembers').countDocuments()).toBe(2);
    // By her old id, nothing is left to list.
    bot.connector.clear();
    await bot.send(message(`registerutdrag ${petra}`, ADMIN_CHAT));
    const after = cardText(cardOf(bot.connector.sent[0]));
    for (const gone of ['rosterMember', 'revision=', `code=${deviation}`, 'agenda.mention'])
      expect(after).not.toContain(gone);
  });
});
