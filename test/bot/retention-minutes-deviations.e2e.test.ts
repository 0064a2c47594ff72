import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock';
import type { DeviationRecord } from '../../src/capabilities/deviations';
import type { MinutesRecord } from '../../src/capabilities/chairs';
import { forumInputSchema } from '../../src/capabilities/forums/forums.schemas';
import {
  PEOPLE,
  TENANT,
  actionExecute,
  cardToken,
  message,
  type Person,
} from '../fixtures/activities';
import { TestBot, cardText, inputValues, invokeCard } from '../harness/test-bot';

/**
 * Issue #10, retention of what the chairs and deviations capabilities keep: minutes saved through
 * the cards (two revisions of one meeting, one of the next) and deviations reported, handled and
 * closed over HTTP; the clock walked past each retention period and the daily purge run by the
 * scheduler pass. The notes and the deviations' free text go from every stored document (every
 * revision and version too), the coded fields stay, the counts per organisation and category are
 * what they were (removed deviations leave codes-only tombstones), and a second run purges
 * nothing.
 */
const CECILIA: Person = {
  aadObjectId: 'c0c0c0c0-5555-4555-8555-000000000006',
  name: 'Cecilia Ordförande',
  teamsId: '29:cecilia',
};
const ADMIN_CHAT = { from: PEOPLE.admin, conversationId: 'a:personal-admin' };
const ENV = {
  SCHEDULER_INTERVAL_SECONDS: '0',
  RETENTION_MINUTES_TEXT_MONTHS: '12',
  RETENTION_DEVIATION_TEXT_MONTHS: '6',
  RETENTION_DEVIATIONS_MONTHS: '12',
};
const NOTES = {
  case: 'Forumet rekommenderar kontakt med elevhälsan.',
  general: 'Nästa möte börjar med uppföljningen av frånvaron.',
  later: 'Mötet ägnades åt terminens planering.',
};
const REPORT = {
  occurredOn: '2026-11-20',
  reportingOrganisation: 'school',
  forumId: 'fossam',
  description: 'Skolan fick inte veta att kontaktpersonen på socialtjänsten hade bytts.',
  consequence: 'Eleven fick vänta tre veckor på ett samordningsmöte.',
  immediateAction: 'Rektor ringde enhetschefen och fick det nya namnet.',
  solvedLocally: 'no',
};
const ANSWER = {
  cause: 'Rutinen för byte av kontaktperson var inte känd i arbetsgruppen.',
  action: 'Rutinen har gåtts igenom med alla handläggare.',
  followUp: 'Följs upp på nästa samverkansmöte med skolorna.',
};
/** Every free text typed into the minutes and the deviations. */
const TEXTS = [
  ...Object.values(NOTES),
  REPORT.description,
  REPORT.consequence,
  REPORT.immediateAction,
  ...Object.values(ANSWER),
];
const TARGETS = ['minutes.notes', 'deviations.freeText', 'deviations.records'] as const;

describe(
  'retention: minutes notes and deviations through the daily purge',
  { timeout: 120_000 },
  () => {
    let bot: TestBot;
    const codes: string[] = [];

    /** How often a text occurs in all stored documents of all collections. */
    const occurrences = async (text: string): Promise<number> => {
      let n = 0;
      for (const { name } of await bot.db.listCollections().toArray()) {
        if (name.startsWith('system.')) continue;
        n +=
          JSON.stringify(await bot.db.collection(name).find({}).toArray()).split(text).length - 1;
      }
      return n;
    };
    /**
     * Deviations per reporting organisation, concerned organisation, category and state (last
     * state for a removed one), kept and removed together; minutes' attendance and outcomes.
     */
    const counts = async () => {
      const out: Record<string, number> = {};
      const add = (k: string) => (out[k] = (out[k] ?? 0) + 1);
      const rows = [
        ...(await bot.db.collection<DeviationRecord>('deviations').find({}).toArray()),
        ...(
          await bot.db
            .collection<Omit<DeviationRecord, 'state'> & { states: string[] }>('deviationsRemoved')
            .find({})
            .toArray()
        ).map((t) => ({ ...t, state: t.states.at(-1) })),
      ];
      for (const d of rows) {
        add(`from:${d.reportingOrganisation}`);
        add(`category:${d.category}`);
        add(`state:${d.state}`);
        add(`term:${d.term}`);
        for (const c of d.concerned) add(`concerned:${c}`);
      }
      for (const m of await bot.db.collection<MinutesRecord>('minutes').find({}).toArray()) {
        for (const [org, a] of Object.entries(m.attendance)) add(`attendance:${org}:${a}`);
        for (const o of Object.values(m.outcomes)) add(`outcome:${o}`);
        add(`minutes:r${m.revision}`);
      }
      add(`revisions:${await bot.db.collection('minutesRevisions').countDocuments()}`);
      return out;
    };
    const purgeDay = async (at: string) => {
      bot.clock.set(at);
      const { retention } = await bot.app.tick();
      return Object.fromEntries(TARGETS.map((t) => [t, retention[t]]));
    };
    const minutes = (meetingId: string) =>
      bot.db.collection<MinutesRecord>('minutes').findOne({ meetingId });
    const deviation = async (code: string) =>
      bot.db.collection<DeviationRecord>('deviations').findOne({ code });

    /** Opens the minutes card as a chair and saves it with these inputs (empty ones absent). */
    const saveMinutes = async (meetingId: string, inputs: Record<string, string>) => {
      const chat = { from: CECILIA, conversationId: 'a:1cecilia' };
      const card = invokeCard(
        await bot.send(actionExecute('chairs.openMinutes', { meetingId }, chat)),
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
          chat,
        ),
      );
      return cardText(invokeCard(res));
    };
    const report = async (category: string, concerned: string) => {
      const res = await bot.send(
        actionExecute(
          'deviations.submit',
          { token: cardToken(), ...REPORT, category, concerned },
          { from: PEOPLE.emma },
        ),
      );
      const code = /AVV-\d{2}-\d{3}/.exec(cardText(invokeCard(res)))?.[0];
      expect(code).toBeDefined();
      return code!;
    };
    const handle = async (code: string, manager: Person) => {
      for (const [verb, data] of [
        ['deviations.take', { code }],
        ['deviations.answer', { code, ...ANSWER }],
        ['deviations.close', { code }],
      ] as const)
        expect(
          cardText(invokeCard(await bot.send(actionExecute(verb, data, { from: manager })))),
        ).toContain(code);
    };

    beforeAll(async () => {
      bot = await TestBot.start({ clock: new ManualClock('2026-11-30T08:00:00Z'), env: ENV });
      for (const p of [PEOPLE.admin, PEOPLE.anna, PEOPLE.bo, PEOPLE.emma])
        await bot.send(message('hej', { from: p }));
      await bot.send(message('hej', { from: CECILIA, conversationId: 'a:1cecilia' }));
      const grant = async (p: Person, role: string, organisation: string) => {
        const userId = p.aadObjectId;
        await bot.send(actionExecute('people.grantRole', { userId, role }, ADMIN_CHAT));
        await bot.send(
          actionExecute('people.addOrganisation', { userId, organisation }, ADMIN_CHAT),
        );
      };
      await grant(CECILIA, 'chair', 'school');
      await grant(PEOPLE.emma, 'staff', 'school');
      await grant(PEOPLE.anna, 'manager', 'firstLine');
      await grant(PEOPLE.bo, 'manager', 'socialServices');
      const admin = await bot.app.services.people.resolveActor({
        tenantId: TENANT,
        aadObjectId: PEOPLE.admin.aadObjectId,
        displayName: PEOPLE.admin.name,
      });
      await bot.app.services.forums.createForum(
        admin,
        forumInputSchema.parse({
          id: 'fossam',
          name: 'Fossam',
          code: 'FOS',
          organisations: ['school', 'socialServices', 'firstLine'],
          chairs: [CECILIA.aadObjectId],
          schedule: {
            recurrence: { kind: 'weekly', interval: 1, weekdays: ['thursday'] },
            startTime: '13:00',
            durationMinutes: 120,
            firstDate: '2026-11-05',
            deadline: { workingDaysBefore: 2, time: '12:00' },
          },
        }),
      );
      // A case for Thursday 3 December, raised over HTTP.
      const raised = await bot.send(
        actionExecute(
          'cases.submit',
          {
            token: cardToken(),
            meetingId: 'fossam:2026-12-03',
            organisation: 'school',
            ageBand: 'grades7to9',
            concerns: 'schoolAbsence',
            urgency: 'normal',
            description: 'Eleven har hög frånvaro sedan höstlovet.',
            tried: 'Samtal med kurator.',
            question: 'Vad kan socialtjänsten erbjuda?',
          },
          { from: PEOPLE.emma },
        ),
      );
      const code = /FOS-26-\d{3}/.exec(cardText(invokeCard(raised)))![0];

      // Three deviations: one closed in December, one closed in February, one left open.
      codes.push(await report('contactPersonChange', 'socialServices'));
      codes.push(await report('informationNotPassedOn', 'firstLine'));
      codes.push(await report('contactPersonChange', 'firstLine'));
      bot.clock.set('2026-12-01T09:00:00Z');
      await handle(codes[0]!, PEOPLE.bo);

      // The minutes of 3 December (saved, then corrected) and of 10 December.
      bot.clock.set('2026-12-03T14:10:00Z');
      const attendance = {
        'att.school': 'present',
        'att.socialServices': 'present',
        'att.firstLine': 'excused',
      };
      expect(
        await saveMinutes('fossam:2026-12-03', {
          ...attendance,
          [`out.${code}`]: 'adviceGiven',
          [`note.${code}`]: NOTES.case,
        }),
      ).toContain('(version 1)');
      expect(await saveMinutes('fossam:2026-12-03', { general: NOTES.general })).toContain(
        '(version 2)',
      );
      bot.clock.set('2026-12-10T14:10:00Z');
      expect(
        await saveMinutes('fossam:2026-12-10', { ...attendance, general: NOTES.later }),
      ).toContain('(version 1)');

      bot.clock.set('2027-02-01T09:00:00Z');
      await handle(codes[1]!, PEOPLE.anna);
      expect((await deviation(codes[1]!))?.state).toBe('closed');
      for (const t of TEXTS) expect(await occurrences(t), t).toBeGreaterThan(0);
    });
    afterAll(async () => {
      await bot.stop();
    });

    it('keeps everything before the periods have passed', async () => {
      const before = await counts();
      // Deviation text: cut-off 2026-12-01 (6 months): the one closed 1 December 09:00 is after it.
      expect(await purgeDay('2027-06-01T03:00:00Z')).toEqual({
        'minutes.notes': 0,
        'deviations.freeText': 0,
        'deviations.records': 0,
      });
      expect(await counts()).toEqual(before);
      for (const t of TEXTS) expect(await occurrences(t), t).toBeGreaterThan(0);
    });

    it('purges the text of the deviation closed more than six months ago, in every version; codes stay', async () => {
      const before = await counts();
      expect(await purgeDay('2027-06-10T03:00:00Z')).toEqual({
        'minutes.notes': 0,
        'deviations.freeText': 1,
        'deviations.records': 0,
      });
      const purged = (await deviation(codes[0]!))!;
      expect(purged).toMatchObject({
        description: '',
        consequence: '',
        immediateAction: '',
        answer: { cause: '', action: '', followUp: '', by: PEOPLE.bo.aadObjectId },
        category: 'contactPersonChange',
        concerned: ['socialServices'],
        reportingOrganisation: 'school',
        forumId: 'fossam',
        state: 'closed',
        term: 'HT 2026',
      });
      expect(purged.textPurgedAt).toBeInstanceOf(Date);
      expect(purged.history.map((h) => h.to)).toEqual([
        'reported',
        'handling',
        'answered',
        'closed',
      ]);
      // Its versions that held the text are gone; the others still hold theirs.
      const versions = await bot.db
        .collection<{ state: DeviationRecord }>('deviationVersions')
        .find({ code: codes[0] })
        .toArray();
      for (const v of versions) expect(v.state.description).toBe('');
      expect((await deviation(codes[1]!))!.description).toBe(REPORT.description);
      expect((await deviation(codes[2]!))!.description).toBe(REPORT.description);
      expect(await counts()).toEqual(before);
      const record = await bot.db
        .collection('purges')
        .findOne({ _id: 'deviations.freeText:2027-06-10' as never });
      expect(record).toMatchObject({
        count: 1,
        ids: [expect.stringContaining(codes[0]!)],
        truncated: false,
      });
    });

    it('purges the minutes notes (every revision) a year after the meeting, and removes the old deviation to a tombstone', async () => {
      const before = await counts();
      // Minutes cut-off 2026-12-05: the 3 December meeting only. Deviation text cut-off 2027-06-05:
      // the one closed in February. Records cut-off 2026-12-05: the one closed 1 December.
      expect(await purgeDay('2027-12-05T03:00:00Z')).toEqual({
        'minutes.notes': 1,
        'deviations.freeText': 1,
        'deviations.records': 1,
      });
      const early = (await minutes('fossam:2026-12-03'))!;
      expect(early).toMatchObject({
        notes: {},
        general: '',
        revision: 2,
        attendance: { school: 'present', socialServices: 'present', firstLine: 'excused' },
        savedBy: CECILIA.aadObjectId,
      });
      expect(Object.values(early.outcomes)).toEqual(['adviceGiven']);
      expect(early.textPurgedAt).toBeInstanceOf(Date);
      const revisions = await bot.db
        .collection<{ revision: number; state: MinutesRecord }>('minutesRevisions')
        .find({ meetingId: 'fossam:2026-12-03' })
        .toArray();
      expect(revisions).toHaveLength(2);
      for (const r of revisions) expect(r.state).toMatchObject({ notes: {}, general: '' });
      // The next meeting's minutes are younger than a year: kept.
      expect((await minutes('fossam:2026-12-10'))!.general).toBe(NOTES.later);

      expect(await deviation(codes[0]!)).toBeNull();
      expect(
        await bot.db.collection('deviationsRemoved').findOne({ code: codes[0] }),
      ).toMatchObject({
        category: 'contactPersonChange',
        concerned: ['socialServices'],
        reportingOrganisation: 'school',
        states: ['reported', 'handling', 'answered', 'closed'],
      });
      expect((await deviation(codes[1]!))!).toMatchObject({
        description: '',
        answer: { cause: '' },
        category: 'informationNotPassedOn',
      });
      expect((await deviation(codes[2]!))!.description).toBe(REPORT.description);

      // The counts per organisation, category, state, attendance and outcome are what they were.
      expect(await counts()).toEqual(before);
      // The purged texts are in no stored document; the open deviation and the later minutes
      // still hold theirs (the open one's report, the later meeting's general note).
      for (const t of [NOTES.case, NOTES.general, ...Object.values(ANSWER)])
        expect(await occurrences(t), t).toBe(0);
      expect(await occurrences(NOTES.later)).toBeGreaterThan(0);
      expect(await occurrences(REPORT.description)).toBeGreaterThan(0);
    });

    it('purges nothing on a second run, the same day or the next', async () => {
      const before = await counts();
      const snapshot = async () =>
        JSON.stringify(
          await Promise.all(
            [
              'minutes',
              'minutesRevisions',
              'deviations',
              'deviationVersions',
              'deviationsRemoved',
            ].map((c) =>
              bot.db
                .collection(c)
                .find({}, { sort: { _id: 1 } })
                .toArray(),
            ),
          ),
        );
      const stored = await snapshot();
      expect(await purgeDay('2027-12-05T09:00:00Z')).toEqual({
        'minutes.notes': 'done',
        'deviations.freeText': 'done',
        'deviations.records': 'done',
      });
      expect(await purgeDay('2027-12-06T03:00:00Z')).toEqual({
        'minutes.notes': 0,
        'deviations.freeText': 0,
        'deviations.records': 0,
      });
      expect(await snapshot()).toBe(stored);
      expect(await counts()).toEqual(before);
    });
  },
);
