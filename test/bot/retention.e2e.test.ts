import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Document } from 'mongodb';
import { ManualClock } from '../../src/core/clock';
import type { CaseRecord } from '../../src/capabilities/cases/cases.types';
import { forumInputSchema } from '../../src/capabilities/forums/forums.schemas';
import type { TickResult } from '../../src/app';
import {
  PEOPLE,
  TENANT,
  actionExecute,
  cardToken,
  message,
  type Person,
} from '../fixtures/activities';
import { cardOf } from '../harness/fake-connector';
import { TestBot, cardText, invokeCard } from '../harness/test-bot';

/**
 * Issue #10, retention: cases raised (and withdrawn) through the bot over HTTP, closed by a chair,
 * the clock walked past the retention, the daily purge run through the scheduler pass: the free
 * text is gone from every stored document, the coded fields stay, `mina ärenden` says so, the
 * summaries agree, a second run purges nothing, two instances purge once, a crashed run is taken
 * over when its lease runs out.
 */
const ADMIN_CHAT = { from: PEOPLE.admin, conversationId: 'a:personal-admin' };
const TEXT = {
  description: 'Eleven har hög frånvaro sedan höstlovet och verkar nedstämd på rasterna.',
  tried: 'Anpassningar i schemat och samtal med kurator varannan vecka.',
  question: 'Vad kan socialtjänsten erbjuda familjen utan ett formellt beslut?',
};
const FORMS = [
  { organisation: 'school', ageBand: 'grades7to9', concerns: 'schoolAbsence,mentalHealth' },
  { organisation: 'school', ageBand: 'grades4to6', concerns: 'schoolAbsence' },
  { organisation: 'school', ageBand: 'grades7to9', concerns: 'familySituation' },
  { organisation: 'school', ageBand: 'upperSecondary', concerns: 'mentalHealth' },
];
const ENV = {
  SCHEDULER_INTERVAL_SECONDS: '0',
  RETENTION_CASE_TEXT_MONTHS: '12',
  RETENTION_AUDIT_MONTHS: '12',
};

/** Every stored document of every collection, as JSON text. */
async function everything(bot: TestBot): Promise<string> {
  const out: string[] = [];
  for (const { name } of await bot.db.listCollections().toArray()) {
    if (name.startsWith('system.')) continue;
    out.push(JSON.stringify(await bot.db.collection(name).find({}).toArray()));
  }
  return out.join('\n');
}

/** Cases per organisation, per age band and per concern, counted in the database. */
async function summary(bot: TestBot): Promise<Record<string, number>> {
  const cases = bot.db.collection<CaseRecord>('cases');
  const out: Record<string, number> = {};
  for (const field of ['raisingOrganisation', 'ageBand', 'status'] as const) {
    const rows = await cases
      .aggregate<Document>([{ $group: { _id: `$${field}`, n: { $sum: 1 } } }])
      .toArray();
    for (const r of rows) out[`${field}:${String(r._id)}`] = r.n as number;
  }
  const concerns = await cases
    .aggregate<Document>([
      { $unwind: '$concerns' },
      { $group: { _id: '$concerns', n: { $sum: 1 } } },
    ])
    .toArray();
  for (const r of concerns) out[`concern:${String(r._id)}`] = r.n as number;
  return out;
}

describe('retention: the daily purge of case text and old audit entries', () => {
  const clock = new ManualClock('2026-11-24T08:00:00Z');
  let bot: TestBot;
  let second: TestBot | undefined;
  const codes: string[] = [];
  const cases = () =>
    bot.db
      .collection<CaseRecord>('cases')
      .find({}, { sort: { sequence: 1 } })
      .toArray();

  beforeAll(async () => {
    bot = await TestBot.start({ clock, env: ENV });
    for (const p of [PEOPLE.anna, PEOPLE.bo]) await bot.send(message('hej', { from: p }));
    for (const p of [PEOPLE.anna, PEOPLE.bo]) {
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
        schedule: {
          recurrence: { kind: 'weekly', interval: 1, weekdays: ['thursday'] },
          startTime: '13:00',
          durationMinutes: 120,
          firstDate: '2026-11-05',
          deadline: { workingDaysBefore: 2, time: '12:00' },
        },
      }),
    );
    // Four cases over HTTP: Anna raises three, Bo one.
    for (const [i, form] of FORMS.entries()) {
      const from: Person = i === 3 ? PEOPLE.bo : PEOPLE.anna;
      const res = await bot.send(
        actionExecute(
          'cases.submit',
          {
            token: cardToken(),
            meetingId: 'fossam:2026-11-26',
            ...form,
            ...TEXT,
            urgency: 'normal',
          },
          { from },
        ),
      );
      const code = /FOS-26-\d{3}/.exec(cardText(invokeCard(res)))?.[0];
      expect(code).toBeDefined();
      codes.push(code!);
    }
    // Anna withdraws the third through the bot; the chair closes the first two after the meeting.
    const withdrawn = await bot.send(
      actionExecute('cases.withdraw', { code: codes[2] }, { from: PEOPLE.anna }),
    );
    expect(cardText(invokeCard(withdrawn))).toContain(`Ärendet ${codes[2]!} är återkallat`);
    clock.set('2026-11-27T09:00:00Z');
    const chair = await people.resolveActor({
      tenantId: TENANT,
      aadObjectId: PEOPLE.admin.aadObjectId,
      displayName: PEOPLE.admin.name,
    });
    for (const code of codes.slice(0, 2)) {
      await bot.app.services.cases.markDiscussed(chair, code, 'adviceGiven');
      await bot.app.services.cases.close(chair, code);
    }
    expect((await cases()).map((c) => c.status)).toEqual([
      'closed',
      'closed',
      'withdrawn',
      'submitted',
    ]);
  });
  afterAll(async () => {
    await second?.stop();
    await bot.stop();
  });

  it('keeps everything before the retention period has passed', async () => {
    clock.set('2027-11-20T03:00:00Z'); // cut-off 2026-11-20: all cases closed after it
    const result = await bot.app.tick();
    expect(result.retention).toEqual({
      'cases.freeText': 0,
      'audit.entries': 0,
      'minutes.notes': 0,
      'deviations.freeText': 0,
      'deviations.records': 0,
      'outbox.finished': 0,
    });
    expect((await cases()).every((c) => c.question === TEXT.question)).toBe(true);
    const purges = await bot.db.collection('purges').find({}).toArray();
    expect(purges.map((p): unknown[] => [p._id, p.count]).sort()).toEqual([
      ['audit.entries:2027-11-20', 0],
      ['cases.freeText:2027-11-20', 0],
      ['deviations.freeText:2027-11-20', 0],
      ['deviations.records:2027-11-20', 0],
      ['minutes.notes:2027-11-20', 0],
      ['outbox.finished:2027-11-20', 0],
    ]);
  });

  it('purges the text of closed and withdrawn cases once, across two instances; coded fields and summaries stay', async () => {
    const before = await summary(bot);
    const auditBefore = await bot.db.collection('audit').countDocuments();
    clock.set('2027-12-01T03:00:00Z'); // cut-off 2026-12-01
    second = await TestBot.start({ clock, env: ENV, dbName: bot.dbName });
    const results: TickResult[] = await Promise.all([bot.app.tick(), second.app.tick()]);
    console.log(
      'retention: two concurrent runs →',
      JSON.stringify(results.map((r) => r.retention)),
    );
    // Exactly one instance purged each target; the other found it busy or done.
    const purgedBy = (target: string) =>
      results.map((r) => r.retention[target]).filter((v) => typeof v === 'number');
    expect(purgedBy('cases.freeText')).toEqual([3]);
    expect(purgedBy('audit.entries')).toEqual([auditBefore]);
    for (const r of results)
      for (const v of Object.values(r.retention))
        expect([3, auditBefore, 0, 'busy', 'done']).toContain(v); // 0: no minutes or deviations

    // The raw documents: free text gone from the closed and withdrawn cases, codes kept.
    const stored = await cases();
    for (const c of stored.slice(0, 3)) {
      expect(c).toMatchObject({ description: '', tried: '', question: '' });
      expect(c.textPurgedAt).toBeInstanceOf(Date);
      expect(c.history.at(-1)).toMatchObject({ action: 'textPurged', by: '' });
    }
    expect(
      stored.map((c) => [c.code, c.raisingOrganisation, c.ageBand, c.concerns, c.status]),
    ).toEqual(
      FORMS.map((f, i) => [
        codes[i],
        f.organisation,
        f.ageBand,
        f.concerns.split(','),
        ['closed', 'closed', 'withdrawn', 'submitted'][i],
      ]),
    );
    expect(stored[0]).toMatchObject({ outcome: 'adviceGiven', forumId: 'fossam' });
    // The open case keeps its text; no other document anywhere holds the purged text.
    expect(stored[3]).toMatchObject(TEXT);
    expect(stored[3]!.textPurgedAt).toBeUndefined();
    const versions = await bot.db
      .collection<{ code: string; state: CaseRecord }>('caseVersions')
      .find({ code: { $in: codes.slice(0, 3) } })
      .toArray();
    expect(versions.length).toBeGreaterThan(3);
    for (const v of versions)
      expect(v.state).toMatchObject({ description: '', tried: '', question: '' });
    const all = await everything(bot);
    const textCount = (s: string) => all.split(s).length - 1;
    // Only the open case still carries it (a case's first version is the case itself).
    for (const t of Object.values(TEXT)) expect(textCount(t)).toBe(1);

    expect(await summary(bot)).toEqual(before);

    // What was purged is recorded (codes, cut-off, count; never text) and audited once per target.
    const purge = await bot.db
      .collection('purges')
      .findOne({ _id: 'cases.freeText:2027-12-01' as never });
    expect(purge).toMatchObject({
      target: 'cases.freeText',
      count: 3,
      ids: codes.slice(0, 3).map((c) => `${TENANT}:${c}`),
      truncated: false,
    });
    expect(new Date(purge!.cutoff as Date).toISOString()).toBe('2026-11-30T23:00:00.000Z');
    const audited = await bot.db.collection('audit').find({ action: 'retention.purge' }).toArray();
    expect(audited.map((a): unknown[] => [a.target, a.detail])).toEqual(
      expect.arrayContaining([
        ['cases.freeText', { count: 3, cutoff: '2026-12-01' }],
        ['audit.entries', { count: auditBefore, cutoff: '2026-12-01' }],
      ]),
    );
    expect(audited).toHaveLength(2);
    // The old audit entries are gone; only the purge's own entries are left.
    expect(await bot.db.collection('audit').countDocuments()).toBe(2);
    expect(JSON.stringify(audited)).not.toContain(TEXT.question);
  });

  it('shows the cases in mina ärenden, saying the text was removed after the retention period', async () => {
    bot.connector.clear();
    await bot.send(message('mina ärenden', { from: PEOPLE.anna }));
    const text = cardText(cardOf(bot.connector.sent[0]));
    for (const code of codes.slice(0, 3)) expect(text).toContain(code);
    expect(text).toContain('Texten togs bort onsdag 1 december 2027 efter lagringstiden');
    expect(text).toContain('avslutat');
    expect(text).not.toContain(TEXT.question.slice(0, 20));

    bot.connector.clear();
    await bot.send(message('my cases', { from: PEOPLE.anna, locale: 'en-US' }));
    expect(cardText(cardOf(bot.connector.sent[0]))).toContain(
      'The text was removed on Wednesday 1 December 2027 after the retention period',
    );
  });

  it('purges nothing on a second run, the same day or the next', async () => {
    const before = await everything(bot);
    const again = await bot.app.tick();
    expect(Object.values(again.retention)).toEqual(Array(6).fill('done'));
    clock.set('2027-12-02T03:00:00Z');
    const nextDay = await bot.app.tick();
    expect(nextDay.retention['cases.freeText']).toBe(0);
    const casesNow = await cases();
    expect(JSON.stringify(casesNow)).toBe(JSON.stringify(await cases()));
    expect(before).toContain(JSON.stringify(casesNow[0]!.code));
    expect(await bot.db.collection('audit').countDocuments({ action: 'retention.purge' })).toBe(2);
  });

  it('leaves a run another instance holds, and takes over a crashed run when its lease is over', async () => {
    clock.set('2027-12-03T03:00:00Z');
    // A process claimed today's case purge and died.
    await bot.db.collection('purgeClaims').insertOne({
      _id: 'cases.freeText:2027-12-03#0' as never,
      itemId: 'cases.freeText:2027-12-03',
      owner: 'dead',
      at: clock.now(),
      leaseUntil: new Date(clock.now().getTime() + 15 * 60_000),
    });
    expect((await bot.app.tick()).retention['cases.freeText']).toBe('busy');
    expect(
      await bot.db.collection('purges').findOne({ _id: 'cases.freeText:2027-12-03' as never }),
    ).toBeNull();
    clock.advance(15 * 60_000 + 1000);
    expect((await bot.app.tick()).retention['cases.freeText']).toBe(0);
    expect(
      await bot.db
        .collection('purgeClaims')
        .findOne({ _id: 'cases.freeText:2027-12-03#1' as never }),
    ).not.toMatchObject({ owner: 'dead' });
    expect(
      await bot.db.collection('purges').findOne({ _id: 'cases.freeText:2027-12-03' as never }),
    ).toMatchObject({
      count: 0,
    });
  });

  it('deletes finished outbox messages queued before the cut-off (a digest card holds case text)', async () => {
    const outbox = bot.db.collection<{ _id: string; status: string; createdAt: Date }>('outbox');
    await outbox.insertMany([
      { _id: 'ret:old-sent', status: 'sent', createdAt: new Date('2027-10-01T08:00:00Z') },
      { _id: 'ret:old-dead', status: 'deadLettered', createdAt: new Date('2027-10-02T08:00:00Z') },
      { _id: 'ret:recent-sent', status: 'sent', createdAt: new Date('2027-11-20T08:00:00Z') },
    ]);
    clock.set('2027-12-05T03:00:00Z'); // RETENTION_OUTBOX_MONTHS 1: cut-off 2027-11-05
    expect((await bot.app.tick()).retention['outbox.finished']).toBe(2);
    const left = await outbox
      .find({ _id: { $in: ['ret:old-sent', 'ret:old-dead', 'ret:recent-sent'] } })
      .toArray();
    expect(left.map((d) => d._id)).toEqual(['ret:recent-sent']);
  });
});
