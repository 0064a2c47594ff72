import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Document } from 'mongodb';
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
} from '../fixtures/activities';
import { cardOf } from '../harness/fake-connector';
import { TestBot, cardText, invokeCard, invokeMessage } from '../harness/test-bot';

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
