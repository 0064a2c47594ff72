import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/core/actor';
import { PERMISSIONS, type Permission } from '../../src/core/permissions';
import {
  PEOPLE,
  actionExecute,
  cardToken,
  message,
  type Person,
  type TeamsActivity,
} from '../fixtures/activities';
import { TestBot, invokeCard, invokeMessage } from '../harness/test-bot';

/**
 * Issue #10: every role (and no role, and no Entra id) against every typed command and every
 * Action.Execute verb, allowed or refused per src/core/permissions.ts; on a refusal the database
 * is unchanged.
 */
const FORBIDDEN = 'Det får du tyvärr inte göra';
const POINTER = 'Det förstod jag inte';

const NOBODY: Person = {
  aadObjectId: 'd0d0d0d0-3333-4333-8333-000000000004',
  name: 'Nils Noll',
  teamsId: '29:nils',
};
const NO_ENTRA: Person = { aadObjectId: '', name: 'Gäst Gästsson', teamsId: '29:guest' };

type ActorName = 'admin' | 'manager' | 'chair' | 'staff' | 'noRole' | 'noEntraId';
const ACTORS: Record<ActorName, { person: Person; roles: Role[] }> = {
  admin: { person: PEOPLE.admin, roles: ['admin'] },
  manager: { person: PEOPLE.anna, roles: ['manager'] },
  chair: { person: PEOPLE.bo, roles: ['chair'] },
  staff: { person: PEOPLE.emma, roles: ['staff'] },
  noRole: { person: NOBODY, roles: [] },
  noEntraId: { person: NO_ENTRA, roles: [] },
};

/** Who may: a permission of the table, or everyone. */
type Who = Permission | 'everyone';
const allowed = (who: Who, roles: readonly Role[]): boolean =>
  who === 'everyone' || roles.some((r) => (PERMISSIONS[who] as readonly Role[]).includes(r));

/** Every typed command (one phrasing each) and who may use it. */
const COMMANDS: [id: string, text: string, who: Who][] = [
  ['help', 'hjälp', 'everyone'],
  ['help.greeting', 'hej', 'everyone'],
  ['help.whatCanYouDo', 'vad kan du', 'everyone'],
  ['people.whoami', 'vem är jag', 'everyone'],
  ['people.roles', 'roller', 'people.manage'],
  ['audit.log', 'granskningslogg', 'audit.view'],
  ['delivery.outbox', 'utkorg', 'delivery.manage'],
  ['cases.new', 'nytt ärende', 'cases.raise'],
  ['cases.mine', 'mina ärenden', 'cases.raise'],
  ['forums.list', 'forum', 'forums.view'],
  ['forums.new', 'nytt forum', 'forums.manage'],
  ['forums.edit', 'ändra forum Inget sådant', 'forums.manage'],
  ['forums.link', 'koppla forum', 'forums.manage'],
  ['meetings.next', 'nästa möte', 'meetings.view'],
  ['deviations.report', 'avvikelse', 'deviations.report'],
  ['deviations.list', 'avvikelser', 'deviations.report'],
];

const MEETING = 'inget-forum:2030-01-07';
/** Every Action.Execute verb, minimal data that passes its schema, and who may use it. */
const VERBS: Record<string, { data: () => unknown; who: Who }> = {
  'audit.filter': { data: () => ({}), who: 'audit.view' },
  'audit.export': { data: () => ({}), who: 'audit.view' },
  'cases.open': { data: () => ({}), who: 'cases.raise' },
  'cases.submit': {
    data: () => ({
      token: cardToken(),
      meetingId: MEETING,
      organisation: 'school',
      ageBand: 'grades4to6',
      concerns: 'schoolAbsence',
      description: 'Eleven är ofta borta från skolan.',
      question: 'Hur kan vi stödja eleven?',
    }),
    who: 'cases.raise',
  },
  'cases.withdraw': { data: () => ({ code: 'ABC-30-001' }), who: 'cases.raise' },
  'cases.mine': { data: () => ({}), who: 'cases.raise' },
  'delivery.retry': { data: () => ({ id: 'no-such-message' }), who: 'delivery.manage' },
  'forums.create': {
    data: () => ({
      name: 'Matrisforum',
      code: 'MAT',
      organisations: 'school',
      weekday: 'monday',
      startTime: '09:00',
      firstDate: '2030-01-07',
    }),
    who: 'forums.manage',
  },
  'forums.update': {
    data: () => ({
      forumId: 'no-such-forum',
      name: 'Matrisforum två',
      code: 'MAU',
      organisations: 'school',
      weekday: 'monday',
      startTime: '09:00',
      firstDate: '2030-01-07',
    }),
    who: 'forums.manage',
  },
  'forums.bind': { data: () => ({ forumId: 'no-such-forum' }), who: 'forums.manage' },
  'meetings.changeForm': {
    data: () => ({ meetingId: MEETING, change: 'cancel' }),
    who: 'meetings.change',
  },
  'meetings.cancel': {
    data: () => ({ meetingId: MEETING, reason: 'Ordföranden är sjuk.' }),
    who: 'meetings.change',
  },
  'meetings.move': {
    data: () => ({ meetingId: MEETING, date: '2030-01-08', reason: 'Lokalen är upptagen.' }),
    who: 'meetings.change',
  },
  'deviations.open': { data: () => ({}), who: 'deviations.report' },
  'deviations.submit': {
    data: () => ({
      token: cardToken(),
      occurredOn: '2026-11-20',
      concerned: 'socialServices',
      reportingOrganisation: 'school',
      category: 'contactPersonChange',
      description: 'Skolan fick inte veta att kontaktpersonen hade bytts.',
      solvedLocally: 'no',
    }),
    who: 'deviations.report',
  },
  'deviations.list': { data: () => ({}), who: 'deviations.report' },
  'deviations.show': { data: () => ({ code: 'AVV-30-001' }), who: 'deviations.report' },
  'deviations.take': { data: () => ({ code: 'AVV-30-001' }), who: 'deviations.handle' },
  'deviations.answer': {
    data: () => ({
      code: 'AVV-30-001',
      cause: 'Rutinen var okänd.',
      action: 'Rutinen är genomgången.',
      followUp: 'Följs upp i maj.',
    }),
    who: 'deviations.handle',
  },
  'deviations.escalate': {
    data: () => ({ code: 'AVV-30-001', forumId: 'no-such-forum' }),
    who: 'deviations.handle',
  },
  'deviations.close': { data: () => ({ code: 'AVV-30-001' }), who: 'deviations.handle' },
  'people.grantRole': { data: () => ({}), who: 'people.manage' },
  'people.revokeRole': { data: () => ({}), who: 'people.manage' },
  'people.addOrganisation': { data: () => ({}), who: 'people.manage' },
  'people.removeOrganisation': { data: () => ({}), who: 'people.manage' },
};

const PAIRS = (COMMANDS.length + Object.keys(VERBS).length) * Object.keys(ACTORS).length;

/** An activity from the person; for the user without an Entra id, `from` has no aadObjectId. */
const as = (a: TeamsActivity, p: Person): TeamsActivity => {
  if (!p.aadObjectId) delete (a.from as { aadObjectId?: string }).aadObjectId;
  return a;
};
const chatOf = (p: Person) => ({
  from: p,
  conversationId: `a:personal-${p.aadObjectId || p.teamsId}`,
});

describe('authorization matrix', () => {
  let bot: TestBot;

  /** Every collection's documents, sorted, as JSON: what a refusal must leave as it was. */
  const snapshot = async (): Promise<Record<string, string>> => {
    const out: Record<string, string> = {};
    for (const { name } of await bot.db.listCollections().toArray()) {
      if (name.startsWith('system.')) continue;
      const docs = await bot.db.collection(name).find({}).toArray();
      out[name] = JSON.stringify(docs.map((d) => JSON.stringify(d)).sort());
    }
    return out;
  };

  beforeAll(async () => {
    bot = await TestBot.start();
    for (const { person } of Object.values(ACTORS))
      await bot.send(as(message('hej', chatOf(person)), person));
    for (const { person, roles } of Object.values(ACTORS)) {
      if (person === PEOPLE.admin) continue;
      for (const role of roles) {
        const res = await bot.send(
          actionExecute(
            'people.grantRole',
            { userId: person.aadObjectId, role },
            chatOf(PEOPLE.admin),
          ),
        );
        expect(invokeCard(res)).toBeDefined();
      }
    }
  });
  afterAll(async () => {
    await bot.stop();
  });

  it('lists every verb the running app registers', () => {
    expect(Object.keys(VERBS).sort()).toEqual([...bot.app.verbs].sort());
  });

  it(`walks ${PAIRS} role × action pairs: allowed or refused per the permission table`, async () => {
    console.log(`authorization matrix: ${PAIRS} role × action pairs`);
    const wrong: string[] = [];
    const changed: string[] = [];
    let tested = 0;

    const check = async (
      label: string,
      expected: boolean,
      run: () => Promise<{ refused: boolean; said: string }>,
    ) => {
      const before = await snapshot();
      const { refused, said } = await run();
      tested++;
      if (refused === expected)
        wrong.push(`${label}: ${expected ? 'refused' : 'allowed'} (${said.slice(0, 80)})`);
      if (refused) {
        const after = await snapshot();
        for (const name of new Set([...Object.keys(before), ...Object.keys(after)]))
          if (before[name] !== after[name]) changed.push(`${label}: ${name} changed`);
      }
    };

    for (const [actorName, { person, roles }] of Object.entries(ACTORS)) {
      for (const [id, text, who] of COMMANDS) {
        await check(`${actorName} × ${id}`, allowed(who, roles), async () => {
          bot.connector.clear();
          await bot.send(as(message(text, chatOf(person)), person));
          const said = bot.connector.sent.map((s) => String(s.activity.text ?? '')).join(' | ');
          return { refused: said.includes(FORBIDDEN) || said.includes(POINTER), said };
        });
      }
      for (const [verb, { data, who }] of Object.entries(VERBS)) {
        await check(`${actorName} × ${verb}`, allowed(who, roles), async () => {
          const res = await bot.send(as(actionExecute(verb, data(), chatOf(person)), person));
          const said = invokeMessage(res) ?? (invokeCard(res) ? '[card]' : JSON.stringify(res));
          return { refused: said.includes(FORBIDDEN), said };
        });
      }
    }

    expect(tested).toBe(PAIRS);
    expect(wrong).toEqual([]);
    expect(changed).toEqual([]);
  });
});
