/**
 * Property-based fuzzing over HTTP (issue #10, items 8 and 9), with one TestBot and fixed seeds:
 * (a) activities mutated from the real fixtures never get a 500 or internal text, and the server
 * stays up; (b) random card payloads for every verb never get a 500 or internal text; (c) free
 * text with identifiers embedded, submitted as a case description: a refusal stores nothing.
 * Each property has a bounded number of runs and a time budget; the runs executed are logged.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock';
import {
  PEOPLE,
  actionExecute,
  botAdded,
  cardToken,
  installationAdd,
  message,
  type TeamsActivity,
} from '../fixtures/activities';
import { FOSSAM_FORM } from '../fixtures/forums';
import { TestBot, cardText, invokeCard, invokeMessage } from '../harness/test-bot';

const SEED = 20_261_110;
const NOW = '2027-03-01T08:00:00Z';
const ADMIN_CHAT = { from: PEOPLE.admin, conversationId: 'a:personal-admin' };

/** What no answer may carry: error names, stack frames, paths, driver or schema internals. */
const INTERNAL =
  /\bError\b|TypeError|RangeError|SyntaxError|ReferenceError|ZodError|MongoServerError|MongoError|\n\s+at |node_modules|\/src\/|\.ts:\d+|stack|undefined|\[object Object\]/;

const FORM = {
  meetingId: 'fossam:2027-03-11',
  organisation: 'school',
  ageBand: 'grades7to9',
  concerns: 'schoolAbsence,peerRelations',
  description: 'Eleven har slutat komma till skolan.',
  tried: 'Samtal med mentor.',
  question: 'Hur kan vi stötta eleven?',
  urgency: 'normal',
};

/** Keys the card schemas read (so random payloads reach the schemas' inner checks too). */
const KNOWN_KEYS = [
  ...Object.keys(FORM),
  ...Object.keys(FOSSAM_FORM),
  'token',
  'confirmAnonymous',
  'forumId',
  'userId',
  'role',
  'confirm',
  'reason',
  'date',
  'to',
  'from',
  'target',
  'user',
  'id',
  'action',
];

const junkString = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.string({ unit: 'grapheme', maxLength: 50 }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    '\u202e\u200b\ufeff',
    '${jndi:x}',
    '<script>alert(1)</script>',
    '{"$ne":null}',
    '__proto__',
    'constructor',
    '../../etc/passwd',
    '19121212-1212',
    'NaN',
  ),
  fc.integer({ min: 1, max: 40_000 }).map((n) => 'x'.repeat(n)),
);

const junk: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    junkString,
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(fc.constantFrom(...KNOWN_KEYS), fc.string()), tie('value'), {
      maxKeys: 4,
    }),
  ),
})).value;

/** A path into an activity: top-level fields and the nested ones the bot reads. */
const PATHS = [
  ['type'],
  ['id'],
  ['name'],
  ['text'],
  ['locale'],
  ['from'],
  ['from', 'id'],
  ['from', 'name'],
  ['from', 'aadObjectId'],
  ['recipient'],
  ['recipient', 'id'],
  ['conversation'],
  ['conversation', 'id'],
  ['conversation', 'tenantId'],
  ['conversation', 'conversationType'],
  ['channelData'],
  ['channelData', 'tenant'],
  ['channelData', 'tenant', 'id'],
  ['channelData', 'team'],
  ['value'],
  ['value', 'action'],
  ['value', 'action', 'verb'],
  ['value', 'action', 'data'],
  ['entities'],
  ['membersAdded'],
  ['membersRemoved'],
  ['attachments'],
  ['timestamp'],
  ['channelId'],
  ['replyToId'],
  ['serviceUrl'],
];

type Mutation = { path: string[]; op: 'set'; value: unknown } | { path: string[]; op: 'delete' };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    path: fc.constantFrom(...PATHS),
    op: fc.constant('set' as const),
    value: junk,
  }),
  fc.record({ path: fc.constantFrom(...PATHS), op: fc.constant('delete' as const) }),
);

function mutate(a: Record<string, unknown>, m: Mutation): void {
  let o: Record<string, unknown> = a;
  for (const key of m.path.slice(0, -1)) {
    const next = o[key];
    if (!next || typeof next !== 'object') {
      if (m.op === 'delete') return;
      o[key] = {};
    }
    o = o[key] as Record<string, unknown>;
  }
  const last = m.path[m.path.length - 1]!;
  if (m.op === 'delete') delete o[last];
  else o[last] = m.value;
}

const base = fc.constantFrom<(() => TeamsActivity)[]>(
  () => message('hjälp', { from: PEOPLE.anna }),
  () => message('nytt ärende', { from: PEOPLE.anna, kind: 'channel' }),
  () => message('mina ärenden', { from: PEOPLE.admin, kind: 'groupChat' }),
  () => actionExecute('cases.submit', { token: cardToken(), ...FORM }, { from: PEOPLE.anna }),
  () => actionExecute('cases.mine', {}, { from: PEOPLE.anna }),
  () => botAdded(),
  () => installationAdd(),
);

/** Identifiers to embed in free text. */
const SEPARATORS = ['', '-', '+', ' ', '.', '–', ' - ', '\u200b', '/'];
const personnummer = fc
  .tuple(
    fc.constantFrom('', '19', '20'),
    fc.integer({ min: 0, max: 99 }),
    fc.integer({ min: 1, max: 12 }),
    fc.integer({ min: 1, max: 28 }),
    fc.constantFrom(...SEPARATORS),
    fc.integer({ min: 0, max: 9999 }),
  )
  .map(
    ([c, y, m, d, sep, n]) =>
      `${c}${String(y).padStart(2, '0')}${String(m).padStart(2, '0')}${String(d).padStart(2, '0')}${sep}${String(n).padStart(4, '0')}`,
  );
const phone = fc
  .tuple(
    fc.constantFrom('070', '072', '073', '076', '08', '+46 70', '031'),
    fc.constantFrom(...SEPARATORS),
    fc.integer({ min: 100_000, max: 9_999_999 }),
  )
  .map(([p, sep, n]) => `${p}${sep}${String(n).replace(/(\d{3})(?=\d)/g, `$1${sep}`)}`);
const NAMES = ['Kalle', 'Lisa Andersson', 'Ahmed', 'Saga', 'Björn', 'Fatima Hussein', 'Elsa'];
const freeText = fc
  .array(
    fc.oneof(
      { weight: 3, arbitrary: fc.string({ minLength: 1, maxLength: 60 }) },
      { weight: 2, arbitrary: fc.constantFrom('Eleven', 'har', 'slutat', 'komma', 'i skolan.') },
      { weight: 1, arbitrary: personnummer },
      { weight: 1, arbitrary: phone },
      { weight: 1, arbitrary: fc.constantFrom(...NAMES) },
    ),
    { minLength: 1, maxLength: 8 },
  )
  .map((parts) => parts.join(' '));

const BUDGET_MS = 15_000;

describe('fuzzing the bot over HTTP', () => {
  let bot: TestBot;
  const runs: Record<string, number> = {};
  const statuses: Record<number, number> = {};

  async function postRaw(body: unknown) {
    const res = await fetch(`${bot.app.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, text: await res.text() };
  }
  const healthy = async () => (await fetch(`${bot.app.url}/healthz`)).status === 200;

  beforeAll(async () => {
    bot = await TestBot.start({ clock: new ManualClock(NOW) });
    await bot.send(message('hej', { from: PEOPLE.anna }));
    const userId = PEOPLE.anna.aadObjectId;
    await bot.send(actionExecute('people.grantRole', { userId, role: 'staff' }, ADMIN_CHAT));
    await bot.send(actionExecute('people.grantRole', { userId, role: 'chair' }, ADMIN_CHAT));
    await bot.send(
      actionExecute('people.addOrganisation', { userId, organisation: 'school' }, ADMIN_CHAT),
    );
    expect(
      cardText(invokeCard(await bot.send(actionExecute('forums.create', FOSSAM_FORM, ADMIN_CHAT)))),
    ).toContain('är skapat');
  });
  afterAll(async () => {
    console.log(
      `fuzz runs: ${Object.entries(runs)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ')} (activities by HTTP status: ${JSON.stringify(statuses)})`,
    );
    await bot.stop();
  });

  it('(a) answers random activities without a 500 or internal text, and stays up', async () => {
    const details = await fc.check(
      fc.asyncProperty(base, fc.array(mutation, { minLength: 1, maxLength: 5 }), async (b, ms) => {
        const a = { ...b(), serviceUrl: bot.connector.url } as Record<string, unknown>;
        for (const m of ms) mutate(a, m);
        const res = await postRaw(a);
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
        expect(res.status).not.toBe(500);
        expect(res.status).toBeLessThan(500);
        expect(res.text).not.toMatch(INTERNAL);
      }),
      {
        seed: SEED,
        numRuns: 150,
        interruptAfterTimeLimit: BUDGET_MS,
        markInterruptAsFailure: false,
      },
    );
    runs.activities = details.numRuns;
    expect(details.failed, fc.defaultReportMessage(details) ?? '').toBe(false);
    expect(await healthy()).toBe(true);
    bot.connector.clear();
    await bot.send(message('hjälp', { from: PEOPLE.anna }));
    await bot.connector.waitFor(1);
  });

  it('(b) answers random card payloads for every verb without a 500 or internal text', async () => {
    const verbs = bot.app.verbs;
    expect(verbs.length).toBeGreaterThan(5);
    const details = await fc.check(
      fc.asyncProperty(
        fc.constantFrom(...verbs),
        fc.oneof(
          junk,
          fc.dictionary(fc.constantFrom(...KNOWN_KEYS), junk, { maxKeys: 8 }),
          fc.dictionary(fc.constantFrom(...KNOWN_KEYS), junkString, { maxKeys: 12 }),
        ),
        fc.constantFrom(PEOPLE.admin, PEOPLE.anna),
        fc.constantFrom('sv-SE', 'en-US'),
        async (verb, data, from, locale) => {
          const res = await bot.send(actionExecute(verb, data, { from, locale }));
          expect(res.status).toBeLessThan(500);
          const answer = invokeCard(res) ?? invokeMessage(res) ?? res.body;
          // The answer may echo the inputs back (a form keeps them): only look at our text.
          const echoed = new Set<string>();
          const walk = (v: unknown): void => {
            if (typeof v === 'string') echoed.add(v);
            else if (v && typeof v === 'object') Object.values(v).forEach(walk);
          };
          walk(data);
          const own = cardText(answer)
            .split('\n')
            .filter((line) => ![...echoed].some((e) => e.length > 0 && line.includes(e)))
            .join('\n');
          expect(own).not.toMatch(INTERNAL);
        },
      ),
      {
        seed: SEED,
        numRuns: 150,
        interruptAfterTimeLimit: BUDGET_MS,
        markInterruptAsFailure: false,
      },
    );
    runs.cardPayloads = details.numRuns;
    expect(details.failed, fc.defaultReportMessage(details) ?? '').toBe(false);
    expect(await healthy()).toBe(true);
  });

  it('(c) stores nothing when the gate refuses a free text', async () => {
    const count = () => bot.db.collection('cases').countDocuments();
    let refused = 0;
    const details = await fc.check(
      fc.asyncProperty(freeText, async (description) => {
        const before = await count();
        const res = await bot.send(
          actionExecute(
            'cases.submit',
            { token: cardToken(), ...FORM, description },
            { from: PEOPLE.anna },
          ),
        );
        expect(res.status).toBeLessThan(500);
        const text = cardText(invokeCard(res) ?? invokeMessage(res));
        const after = await count();
        if (text.includes('Inget sparades') || text.includes('Kontrollera texten')) {
          refused++;
          expect(after).toBe(before);
        } else {
          expect(after).toBeLessThanOrEqual(before + 1);
        }
      }),
      {
        seed: SEED,
        numRuns: 200,
        interruptAfterTimeLimit: BUDGET_MS,
        markInterruptAsFailure: false,
      },
    );
    runs.freeTexts = details.numRuns;
    runs.freeTextsRefused = refused;
    expect(details.failed, fc.defaultReportMessage(details) ?? '').toBe(false);
    expect(refused).toBeGreaterThan(0);
  });
});
