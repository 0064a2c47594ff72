import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock';
import type { CaseRecord } from '../../src/capabilities/cases/cases.types';
import {
  PEOPLE,
  TENANT,
  actionExecute,
  cardToken,
  message,
  type Person,
} from '../fixtures/activities';
import { FOSSAM_FORM } from '../fixtures/forums';
import { TestBot, cardText, invokeCard, type HttpResult } from '../harness/test-bot';

const ADMIN_CHAT = { from: PEOPLE.admin, conversationId: 'a:personal-admin' };
const MEETING = 'fossam:2027-03-11';
const CODE = /FOS-27-\d{3}/g;

const FORM = {
  meetingId: MEETING,
  organisation: 'school',
  ageBand: 'grades4to6',
  concerns: 'schoolAbsence',
  description: 'Eleven har varit borta mycket sedan sportlovet.',
  tried: 'Samtal med mentor och kurator.',
  question: 'Hur kan vi samverka kring närvaron?',
  urgency: 'normal',
};

const opId = (p: Person, token: string) => `op:${TENANT}:${p.aadObjectId}:${token}`;

/** Every case code a receipt names (a receipt names exactly one). */
const codesIn = (res: HttpResult): string[] => [
  ...new Set(cardText(invokeCard(res)).match(CODE) ?? []),
];

/**
 * Once-only card actions over HTTP: a case form carries a one-time token, and whatever happens
 * to the invoke (double clicks, redelivery, a refusal corrected and sent again, another user
 * replaying the body) exactly one case is stored per user and token, with one audit entry, one
 * event and one recorded result, and every answer for it is that case's receipt.
 */
describe('once-only case submissions', () => {
  let bot: TestBot;
  const count = (collection: string, filter: Record<string, unknown> = {}) =>
    bot.db.collection(collection).countDocuments(filter);
  /** How many cases, case.submit audit entries, case.submitted events and results are stored. */
  const totals = async () => ({
    cases: await count('cases'),
    audit: await count('audit', { action: 'case.submit' }),
    events: await count('events', { type: 'case.submitted' }),
    operations: await count('operations'),
  });
  const plus = (t: Awaited<ReturnType<typeof totals>>, n: number) => ({
    cases: t.cases + n,
    audit: t.audit + n,
    events: t.events + n,
    operations: t.operations + n,
  });

  /** The one case an operation stored, with its audit entry, event and recorded result. */
  const expectStoredOnce = async (p: Person, token: string, code: string) => {
    const cases = await bot.db.collection<CaseRecord>('cases').find({ code }).toArray();
    expect(cases).toHaveLength(1);
    expect(cases[0]).toMatchObject({ submittedBy: p.aadObjectId, meetingId: MEETING });
    const audit = await bot.db
      .collection('audit')
      .find({ action: 'case.submit', target: code })
      .toArray();
    expect(audit.map((a) => a._id as unknown)).toEqual([`${opId(p, token)}:a0`]);
    expect(audit[0]).toMatchObject({ actorId: p.aadObjectId });
    const events = await bot.db
      .collection('events')
      .find({ type: 'case.submitted', 'data.code': code })
      .toArray();
    expect(events.map((e) => e._id as unknown)).toEqual([`${opId(p, token)}:e0`]);
    const operation = await bot.db
      .collection('operations')
      .findOne({ _id: opId(p, token) as never });
    expect(operation).toMatchObject({ verb: 'cases.submit', result: { code } });
  };

  beforeAll(async () => {
    bot = await TestBot.start({ clock: new ManualClock('2027-03-01T08:00:00Z') });
    for (const p of [PEOPLE.anna, PEOPLE.bo]) {
      await bot.send(message('hej', { from: p }));
      await bot.send(
        actionExecute('people.grantRole', { userId: p.aadObjectId, role: 'staff' }, ADMIN_CHAT),
      );
      await bot.send(
        actionExecute(
          'people.addOrganisation',
          { userId: p.aadObjectId, organisation: 'school' },
          ADMIN_CHAT,
        ),
      );
    }
    const created = await bot.send(actionExecute('forums.create', FOSSAM_FORM, ADMIN_CHAT));
    expect(cardText(invokeCard(created))).toContain('är skapat');
  });
  afterAll(async () => {
    await bot?.stop();
  });

  it('stores one case for 20 identical invokes sent at once, and answers each with its receipt', async () => {
    const before = await totals();
    const token = cardToken();
    const activity = actionExecute('cases.submit', { token, ...FORM }, { from: PEOPLE.anna });
    const answers = await Promise.all(Array.from({ length: 20 }, () => bot.send(activity)));

    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
    const codes = answers.map(codesIn);
    const code = codes[0]?.[0] ?? '';
    expect(code).toMatch(CODE);
    expect(codes).toEqual(Array(20).fill([code]));
    // The same receipt, not merely the same code: the replays render what the first one did.
    for (const a of answers) {
      expect(cardText(invokeCard(a))).toContain('Vad händer nu?');
      expect(invokeCard(a)).toEqual(invokeCard(answers[0]!));
    }

    expect(await totals()).toEqual(plus(before, 1));
    await expectStoredOnce(PEOPLE.anna, token, code);
    expect(await count('journal')).toBe(0);
  });

  it('stores one case when the same activity is delivered twice in a row', async () => {
    const before = await totals();
    const token = cardToken();
    const activity = actionExecute('cases.submit', { token, ...FORM }, { from: PEOPLE.anna });
    const one = await bot.send(activity);
    const two = await bot.send(activity);

    const [code] = codesIn(one);
    expect(code).toMatch(CODE);
    expect(codesIn(two)).toEqual([code]);
    expect(invokeCard(two)).toEqual(invokeCard(one));

    expect(await totals()).toEqual(plus(before, 1));
    await expectStoredOnce(PEOPLE.anna, token, code!);
  });

  it('lets a submission refused by the anonymity gate be corrected and sent with the same token', async () => {
    const before = await totals();
    const token = cardToken();
    const refused = await bot.send(
      actionExecute(
        'cases.submit',
        { token, ...FORM, description: 'Ring mamman på 070-123 45 67 om frånvaron.' },
        { from: PEOPLE.anna },
      ),
    );
    const form = cardText(invokeCard(refused));
    expect(form).toContain('telefonnummer');
    expect(form).not.toMatch(CODE);
    // Nothing stored, and the refusal released the token (no result, no claim left behind).
    expect(await totals()).toEqual(before);
    expect(await count('operations', { _id: opId(PEOPLE.anna, token) })).toBe(0);
    expect(await count('operationClaims', { itemId: opId(PEOPLE.anna, token) })).toBe(0);

    const corrected = actionExecute('cases.submit', { token, ...FORM }, { from: PEOPLE.anna });
    const receipt = await bot.send(corrected);
    const [code] = codesIn(receipt);
    expect(code).toMatch(CODE);
    expect(cardText(invokeCard(receipt))).toContain('Vad händer nu?');
    // The corrected card sent once more is a repeat: the same receipt, nothing new.
    expect(codesIn(await bot.send(corrected))).toEqual([code]);

    expect(await totals()).toEqual(plus(before, 1));
    await expectStoredOnce(PEOPLE.anna, token, code!);
  });

  it("gives another user replaying the first user's invoke their own submission, never the first receipt", async () => {
    const token = cardToken();
    const annas = actionExecute('cases.submit', { token, ...FORM }, { from: PEOPLE.anna });
    const [annasCode] = codesIn(await bot.send(annas));
    expect(annasCode).toMatch(CODE);
    const before = await totals();

    // Bo sends Anna's card data, token included, under the same activity id, as himself.
    const replay = actionExecute(
      'cases.submit',
      (annas.value as { action: { data: unknown } }).action.data,
      { from: PEOPLE.bo, id: annas.id as string },
    );
    const res = await bot.send(replay);
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.body)).not.toContain(annasCode);
    const [code] = codesIn(res);
    expect(code).toMatch(CODE);
    expect(code).not.toBe(annasCode);
    expect(await totals()).toEqual(plus(before, 1));
    await expectStoredOnce(PEOPLE.bo, token, code!);
    // Anna's case and its recorded result are untouched.
    await expectStoredOnce(PEOPLE.anna, token, annasCode!);
    // Bo's "mina ärenden" lists his case, never Anna's.
    const mine = JSON.stringify(
      (await bot.send(actionExecute('cases.mine', {}, { from: PEOPLE.bo }))).body,
    );
    expect(mine).toContain(code);
    expect(mine).not.toContain(annasCode);
    expect(await count('journal')).toBe(0);
  });

  it('lets one of two different changes racing for the same case version win; the other is told so', async () => {
    // No card moves a case yet (chairs will): this drives the cases module's face directly.
    const token = cardToken();
    const [code] = codesIn(
      await bot.send(actionExecute('cases.submit', { token, ...FORM }, { from: PEOPLE.anna })),
    );
    const admin = await bot.app.services.people.resolveActor({
      tenantId: TENANT,
      aadObjectId: PEOPLE.admin.aadObjectId,
      displayName: PEOPLE.admin.name,
    });
    const targets = ['fossam:2027-03-18', 'fossam:2027-03-25'];
    const results = await Promise.allSettled(
      targets.map((m) => bot.app.services.cases.moveToMeeting(admin, code!, m)),
    );
    const won = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value.meetingId] : []));
    const lost = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    expect(won).toHaveLength(1);
    expect(lost).toEqual([expect.objectContaining({ code: 'conflict' })]);
    const stored = await bot.db.collection<CaseRecord>('cases').findOne({ code: code! });
    expect(stored).toMatchObject({ meetingId: won[0], version: 2 });
    expect(stored?.history.map((h) => [h.action, h.meetingId])).toEqual([
      ['submitted', MEETING],
      ['moved', won[0]],
    ]);
    const audit = await bot.db
      .collection('audit')
      .find({ action: 'case.moved', target: code })
      .toArray();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ detail: { meetingId: won[0] } });
  });
});
