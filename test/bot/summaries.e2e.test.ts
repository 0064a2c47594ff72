import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { DateTime } from 'luxon';
import type { Actor } from '../../src/core/actor';
import { ManualClock } from '../../src/core/clock';
import type { CaseRecord } from '../../src/capabilities/cases';
import { forumInputSchema } from '../../src/capabilities/forums/forums.schemas';
import type { Meeting } from '../../src/capabilities/meetings';
import type { Figures, TermSummary } from '../../src/capabilities/summaries';
import { PEOPLE, TENANT, actionExecute, message, type Person } from '../fixtures/activities';
import { cardOf } from '../harness/fake-connector';
import { TestBot, cardText, invokeCard, invokeMessage } from '../harness/test-bot';

/**
 * Term summaries end to end: two terms of cases, meetings, minutes and outcomes seeded through
 * the services and the unit of work (the producers of minutes and outcomes are being built in
 * parallel: their events are recorded here as they will record them), figures checked against a
 * recount written here from the stored documents, the card to managers when the term ends,
 * exports read back with real parsers, links that expire, and the bad inputs of the issue.
 */
const ADMIN_CHAT = { from: PEOPLE.admin, conversationId: 'a:personal-admin' };
const carl: Person = {
  aadObjectId: 'c0c0c0c0-3333-4333-8333-000000000004',
  name: 'Carl Holm',
  teamsId: '29:carl',
};
const dana: Person = {
  aadObjectId: 'd0d0d0d0-4444-4444-8444-000000000005',
  name: 'Dana Ek',
  teamsId: '29:dana',
};
const frank: Person = {
  aadObjectId: 'f0f0f0f0-5555-4555-8555-000000000006',
  name: 'Frank Lund',
  teamsId: '29:frank',
};
const ZONE = 'Europe/Stockholm';
const HT = { key: 'HT2026', start: '2026-08-17', end: '2027-01-10' };
const VT = { key: 'VT2027', start: '2027-01-11', end: '2027-08-15' };
const DESCRIPTION = 'Eleven har hög frånvaro sedan några veckor och verkar nedstämd.';
const OUTCOMES = ['adviceGiven', 'openIntervention', 'sipRecommended', 'followUp'] as const;
const AGES = ['grades0to3', 'grades4to6', 'grades7to9', 'upperSecondary'] as const;
const CONCERNS = ['schoolAbsence', 'mentalHealth', 'familySituation', 'crime'] as const;

/** Swedish Excel's CSV read back with csv-parse. */
const readCsv = (text: string): string[][] => {
  const rows: unknown = parseCsv(text, { delimiter: ';', bom: true });
  return rows as string[][];
};
const localDay = (d: Date): string => DateTime.fromJSDate(d, { zone: ZONE }).toISODate()!;
const dayDiff = (a: string, b: string): number =>
  Math.round((Date.parse(b) - Date.parse(a)) / 86_400_000);

/** The recount written for this test: from the stored cases and meetings and the minutes recorded here. */
function recount(
  cases: readonly CaseRecord[],
  meetings: readonly Meeting[],
  minutes: ReadonlyMap<string, Record<string, 'present' | 'absent' | 'excused'>>,
  period: { start: string; end: string },
  forumIds: readonly string[],
  today: string,
) {
  const inPeriod = (d: string) => d >= period.start && d <= period.end;
  const mine = cases.filter((c) => forumIds.includes(c.forumId) && inPeriod(localDay(c.createdAt)));
  const count = (values: string[]) => {
    const out: Record<string, number> = {};
    for (const v of values) out[v] = (out[v] ?? 0) + 1;
    return out;
  };
  const endedIn = (c: CaseRecord, status: 'closed' | 'withdrawn') => {
    const h = c.history.find((x) => x.to === status);
    return c.status === status && h !== undefined && localDay(h.at) <= period.end;
  };
  const days = mine
    .filter((c) => c.status === 'discussed' || c.status === 'closed')
    .map((c) =>
      dayDiff(localDay(c.createdAt), localDay(c.history.find((h) => h.to === 'discussed')!.at)),
    )
    .sort((a, b) => a - b);
  const median = days.length
    ? (days[Math.floor((days.length - 1) / 2)]! + days[Math.ceil((days.length - 1) / 2)]!) / 2
    : null;
  const p90 = days.length ? days[Math.ceil(0.9 * days.length) - 1]! : null;
  const ms = meetings.filter((m) => forumIds.includes(m.forumId) && inPeriod(m.date));
  const attendance: Record<string, { present: number; absent: number; excused: number }> = {};
  for (const m of ms) {
    for (const [org, state] of Object.entries(minutes.get(m.id) ?? {})) {
      attendance[org] ??= { present: 0, absent: 0, excused: 0 };
      attendance[org][state]++;
    }
  }
  return {
    meetings: {
      planned: ms.filter((m) => m.status !== 'skipped').length,
      held: ms.filter(
        (m) =>
          (m.status === 'scheduled' || m.status === 'moved') &&
          (m.date < today || minutes.has(m.id)),
      ).length,
      cancelled: ms.filter((m) => m.status === 'cancelled').length,
      moved: ms.filter((m) => m.status === 'moved').length,
      skipped: ms.filter((m) => m.status === 'skipped').length,
    },
    attendance,
    cases: {
      raised: mine.length,
      open: mine.filter((c) => c.status !== 'closed' && c.status !== 'withdrawn').length,
      discussed: days.length,
      closed: mine.filter((c) => c.status === 'closed').length,
      withdrawn: mine.filter((c) => c.status === 'withdrawn').length,
      carriedOver: mine.filter((c) => !endedIn(c, 'closed') && !endedIn(c, 'withdrawn')).length,
      byOrg: count(mine.map((c) => c.raisingOrganisation)),
      byAgeBand: count(mine.map((c) => c.ageBand)),
      byConcern: count(mine.flatMap((c) => c.concerns)),
      byOutcome: count(mine.flatMap((c) => (c.outcome ? [c.outcome] : []))),
      medianDaysToDiscussed: median,
      p90DaysToDiscussed: p90,
    },
  };
}

/** The stored figures in the recount's shape (rates and what the recount does not cover left out). */
const comparable = (f: Figures) => ({
  meetings: { ...f.meetings, reasons: undefined },
  attendance: Object.fromEntries(
    Object.entries(f.attendance).map(([org, a]) => [
      org,
      { present: a.present, absent: a.absent, excused: a.excused },
    ]),
  ),
  cases: { ...f.cases, byMonth: undefined },
});

/** The Action.OpenUrl targets of a card. */
const openUrls = (card: unknown): string[] => {
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (o.type === 'Action.OpenUrl' && typeof o.url === 'string') out.push(o.url);
      Object.values(o).forEach(walk);
    }
  };
  walk(card);
  return out;
};

/** Elements of a card by type (charts and their fallbacks). */
const elements = (card: unknown, type: string): Record<string, unknown>[] => {
  const out: Record<string, unknown>[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (o.type === type) out.push(o);
      Object.values(o).forEach(walk);
    }
  };
  walk(card);
  return out;
};

describe('term summaries and status questions through the bot', () => {
  const clock = new ManualClock('2026-08-18T07:00:00Z');
  let bot: TestBot;
  const minutes = new Map<string, Record<string, 'present' | 'absent' | 'excused'>>();
  const actors = new Map<string, Actor>();
  let htCases: CaseRecord[] = [];
  let htMeetings: Meeting[] = [];
  let htSummary: TermSummary | null = null;
  let rng = 7;
  const random = () => (rng = (rng * 48271) % 2147483647) / 2147483647;
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;

  const actor = async (p: Person): Promise<Actor> =>
    bot.app.services.people.resolveActor({
      tenantId: TENANT,
      aadObjectId: p.aadObjectId,
      displayName: p.name,
    });
  const allCases = () => bot.db.collection<CaseRecord>('cases').find({}).toArray();
  const allMeetings = async () =>
    (await bot.db.collection<Meeting & { _id: string }>('meetings').find({}).toArray()).map(
      (m) => ({
        ...m,
        start: new Date(m.start),
      }),
    );

  /** One case raised by `who` for the forum's next open meeting. */
  async function raise(who: Person, org: string, forumId: string) {
    const a = await actor(who);
    const [meeting] = await bot.app.services.meetings.openMeetings(TENANT, forumId, 1);
    const { record } = await bot.app.services.cases.submit(a, {
      meetingId: meeting!.id,
      organisation: org,
      ageBand: pick(AGES),
      concerns: [...new Set([pick(CONCERNS), pick(CONCERNS)])],
      description: DESCRIPTION,
      tried: 'Samtal med elevhälsan.',
      question: 'Vad kan vi göra tillsammans?',
      urgency: 'normal',
    });
    return record;
  }

  /** After a meeting: the chair discusses (outcome recorded with the minutes) and closes some. */
  async function afterMeeting(meeting: Meeting, orgs: readonly string[]) {
    const chair = actors.get('bo')!;
    const attendance = Object.fromEntries(
      orgs.map((o) => [o, pick(['present', 'present', 'absent', 'excused'] as const)]),
    );
    minutes.set(meeting.id, attendance);
    const events: { type: 'minutes.saved' | 'case.outcome'; data: unknown }[] = [
      {
        type: 'minutes.saved',
        data: {
          forumId: meeting.forumId,
          meetingId: meeting.id,
          by: PEOPLE.bo.aadObjectId,
          revision: 1,
          attendance,
          followedUp: [],
        },
      },
    ];
    const waiting = (await allCases()).filter(
      (c) => c.meetingId === meeting.id && (c.status === 'submitted' || c.status === 'onAgenda'),
    );
    for (const c of waiting) {
      if (random() < 0.2) continue; // not reached: stays open
      const outcome = pick(OUTCOMES);
      await bot.app.services.cases.markDiscussed(chair, c.code, outcome);
      events.push({
        type: 'case.outcome',
        data: {
          code: c.code,
          forumId: c.forumId,
          meetingId: meeting.id,
          outcome,
          by: PEOPLE.bo.aadObjectId,
        },
      });
      if (random() < 0.5) await bot.app.services.cases.close(chair, c.code);
    }
    // The chairs' minutes (built on another branch) record these events in one unit of work.
    const outcome = await bot.app.modules.units.commit({
      id: `minutes.save:${TENANT}:${meeting.id}:1`,
      writes: [],
      events: events.map((e) => ({ type: e.type, tenantId: TENANT, data: e.data }) as never),
    });
    expect(outcome.committed).toBe(true);
  }

  /** Walks one term week by week: cases on Mondays, meetings held, minutes and outcomes after. */
  async function seedTerm(firstMonday: string, weeks: number) {
    for (let w = 0; w < weeks; w++) {
      const monday = DateTime.fromISO(`${firstMonday}T08:00:00`, { zone: ZONE }).plus({ weeks: w });
      clock.set(monday.toJSDate());
      await bot.app.tick();
      await raise(PEOPLE.anna, 'school', 'fossam');
      if (w % 2 === 0) await raise(carl, 'socialServices', 'fossam');
      if (w % 3 === 0) await raise(dana, 'police', 'sspf');
      if (w === 3) {
        const c = await raise(PEOPLE.anna, 'school', 'fossam');
        await bot.app.services.cases.withdraw(actors.get('anna')!, c.code);
      }
      clock.set(monday.plus({ days: 4 }).toJSDate()); // Friday: this week's meetings are over
      const held = (await allMeetings()).filter(
        (m) =>
          (m.status === 'scheduled' || m.status === 'moved') &&
          m.start < clock.now() &&
          m.start > monday.toJSDate() &&
          !minutes.has(m.id),
      );
      for (const m of held)
        await afterMeeting(
          m,
          m.forumId === 'fossam'
            ? ['school', 'socialServices', 'firstLine']
            : ['police', 'socialServices', 'leisure'],
        );
    }
  }

  beforeAll(async () => {
    bot = await TestBot.start({ clock });
    const everyone = [PEOPLE.anna, PEOPLE.bo, PEOPLE.emma, carl, dana, frank];
    for (const p of everyone) await bot.send(message('hej', { from: p }));
    await bot.send(message('hej', ADMIN_CHAT));
    const grant = async (p: Person, role: string, organisation: string) => {
      await bot.send(
        actionExecute('people.grantRole', { userId: p.aadObjectId, role }, ADMIN_CHAT),
      );
      await bot.send(
        actionExecute(
          'people.addOrganisation',
          { userId: p.aadObjectId, organisation },
          ADMIN_CHAT,
        ),
      );
    };
    await grant(PEOPLE.anna, 'staff', 'school');
    await grant(carl, 'staff', 'socialServices');
    await grant(dana, 'staff', 'police');
    await grant(PEOPLE.bo, 'chair', 'socialServices');
    await grant(PEOPLE.emma, 'manager', 'school');
    await grant(frank, 'manager', 'police');
    const admin = await actor(PEOPLE.admin);
    const forum = (
      id: string,
      name: string,
      code: string,
      organisations: string[],
      weekday: string,
      firstDate: string,
    ) =>
      bot.app.services.forums.createForum(
        admin,
        forumInputSchema.parse({
          id,
          name,
          code,
          organisations,
          chairs: [PEOPLE.bo.aadObjectId],
          schedule: {
            recurrence: { kind: 'weekly', interval: 1, weekdays: [weekday] },
            startTime: '13:00',
            durationMinutes: 120,
            firstDate,
            deadline: { workingDaysBefore: 1, time: '12:00' },
          },
        }),
      );
    await forum(
      'fossam',
      'Fossam',
      'FOS',
      ['school', 'socialServices', 'firstLine'],
      'thursday',
      '2026-08-20',
    );
    await forum(
      'sspf',
      'SSPF Centrum',
      'SSP',
      ['police', 'socialServices', 'leisure'],
      'tuesday',
      '2026-08-18',
    );
    for (const [k, p] of Object.entries({
      anna: PEOPLE.anna,
      bo: PEOPLE.bo,
      emma: PEOPLE.emma,
      carl,
      dana,
    }))
      actors.set(k, await actor(p));

    await seedTerm('2026-08-24', 9);
    // A chair cancels one Fossam meeting and moves another (with reasons, through the service).
    const bo = actors.get('bo')!;
    await bot.app.services.meetings.cancelMeeting(
      bo,
      'fossam:2026-11-05',
      'Studiedag för personalen',
    );
    await bot.app.services.meetings.moveMeeting(
      bo,
      'fossam:2026-11-12',
      '2026-11-13',
      'Lokalen är upptagen',
    );
    await seedTerm('2026-10-26', 7);
  }, 600_000);

  afterAll(async () => {
    await bot.stop();
  });

  it('compiles HT 2026 when the term ends: every stored figure equals the recount written here', async () => {
    clock.set('2026-12-19T06:00:00Z');
    bot.connector.clear();
    await bot.app.tick(); // recount check, compile, cards queued
    await bot.app.tick(); // cards delivered
    htCases = await allCases();
    htMeetings = await allMeetings();
    const stored = await bot.db
      .collection<TermSummary>('termSummaries')
      .findOne({ _id: `${TENANT}:HT2026:all` } as never);
    expect(stored).not.toBeNull();
    htSummary = stored;
    expect(stored!.period).toBe('HT2026');
    expect(stored!.previousPeriod).toBe('VT2026');
    expect(stored!.source).toBe('counters');
    const want = recount(htCases, htMeetings, minutes, HT, ['fossam', 'sspf'], '2026-12-19');
    expect(want.cases.raised).toBeGreaterThan(20);
    expect(want.cases.discussed).toBeGreaterThan(5);
    expect(want.meetings.cancelled).toBe(1);
    expect(want.meetings.moved).toBe(1);
    expect(Object.keys(want.attendance)).toEqual(
      expect.arrayContaining(['school', 'socialServices', 'firstLine', 'police', 'leisure']),
    );
    expect(Object.keys(want.cases.byOutcome).length).toBeGreaterThan(1);
    expect(want.cases.carriedOver).toBeGreaterThan(0);
    expect(want.cases.carriedOver).toBeLessThan(want.cases.raised);
    expect(comparable(stored!.figures)).toEqual(JSON.parse(JSON.stringify(want)));
    // Each forum's own summary too.
    for (const forumId of ['fossam', 'sspf']) {
      const one = await bot.db
        .collection<TermSummary>('termSummaries')
        .findOne({ _id: `${TENANT}:HT2026:forum:${forumId}` } as never);
      const wantOne = recount(htCases, htMeetings, minutes, HT, [forumId], '2026-12-19');
      expect(comparable(one!.figures)).toEqual(JSON.parse(JSON.stringify(wantOne)));
    }
    // The recount in the database agreed with the counters: nothing was repaired.
    expect(bot.logs.some((l) => l.includes('summary counters repaired'))).toBe(false);
  });

  it("sends each manager the summary of their organisations' forums in personal chat, once, with charts that fall back to tables", async () => {
    const toEmma = bot.connector.sent.filter(
      (s) => s.conversationId === `a:personal-${PEOPLE.emma.aadObjectId}`,
    );
    const toFrank = bot.connector.sent.filter(
      (s) => s.conversationId === `a:personal-${frank.aadObjectId}`,
    );
    expect(toEmma).toHaveLength(1);
    expect(toFrank).toHaveLength(1);
    const card = cardOf(toEmma[0]);
    const text = cardText(card);
    expect(text).toContain('Terminssammanfattning HT 2026');
    expect(text).toContain('Fossam');
    expect(text).not.toContain('SSPF');
    expect(cardText(cardOf(toFrank[0]))).toContain('SSPF Centrum');
    expect(card!.version).toBe('1.5');
    for (const type of ['Chart.VerticalBar', 'Chart.Donut', 'Chart.Line']) {
      const charts = elements(card, type);
      expect(charts.length, type).toBeGreaterThan(0);
      for (const chart of charts) expect((chart.fallback as { type: string }).type).toBe('Table');
    }
    // Emma's card counts Fossam only, as the recount does.
    const fossam = recount(htCases, htMeetings, minutes, HT, ['fossam'], '2026-12-19');
    const bars = elements(card, 'Chart.VerticalBar')[0]!.data as { x: string; y: number }[];
    expect(bars.reduce((s, b) => s + b.y, 0)).toBe(fossam.cases.raised);
    // Nobody else got it (staff, chairs, admins), and a later pass sends nothing again.
    expect(
      bot.connector.sent.filter((s) => (s.activity.attachments ?? []).length > 0),
    ).toHaveLength(2);
    bot.connector.clear();
    await bot.app.tick();
    await bot.app.tick();
    expect(bot.connector.sent).toHaveLength(0);
  });

  it("answers a manager's status questions with the same figures, scoped to what they may see", async () => {
    const fossam = recount(htCases, htMeetings, minutes, HT, ['fossam'], '2026-12-19');
    bot.connector.clear();
    await bot.send(message('hur många ärenden kom in i höstas?', { from: PEOPLE.emma }));
    const text = cardText(cardOf(bot.connector.sent[0]));
    expect(text).toContain('Ärenden: Fossam');
    expect(text).toContain(`${fossam.cases.raised} (`);

    bot.connector.clear();
    await bot.send(message('how is fosam doing?', { from: PEOPLE.emma, locale: 'en-US' }));
    const en = cardText(cardOf(bot.connector.sent[0]));
    expect(en).toContain('Status: Fossam');
    expect(en).toContain('Next meetings');
    expect(en).toContain('Open cases');

    bot.connector.clear();
    await bot.send(message('hur går det för Fossam?', { from: PEOPLE.bo }));
    expect(cardText(cardOf(bot.connector.sent[0]))).toContain('Status: Fossam');
  });

  it('gives staff their own view only, never figures', async () => {
    bot.connector.clear();
    await bot.send(message('status Fossam', { from: PEOPLE.anna }));
    const text = cardText(cardOf(bot.connector.sent[0]));
    expect(text).toContain('Din status');
    expect(text).toContain('FOS-26-');
    expect(text).not.toContain('Öppna ärenden');
    expect(text).not.toContain('Avvikelser');
  });

  it('answers bad input clearly and shows nothing it should not', async () => {
    const ask = async (text: string, from: Person = PEOPLE.emma) => {
      bot.connector.clear();
      await bot.send(message(text, { from }));
      return bot.connector.sent.map((s) => s.activity.text ?? cardText(cardOf(s))).join('\n');
    };
    expect(await ask('status VT2027')).toContain('har inte börjat');
    expect(await ask('status HT1990')).toContain('Den perioden finns inte');
    expect(await ask('status Foobar')).toContain('Jag känner inte till något forum');
    expect(await ask("what's open for socialtjänsten?")).toContain(
      'Den organisationens egna siffror kan du inte se',
    );
    expect(await ask('status SSPF')).toContain('Det forumets siffror kan du inte se');
    expect(await ask('hur går det med semestern?')).toContain('Jag känner inte till');
    const unknown = await ask('ge mig lönestatistiken');
    expect(unknown).not.toContain('Fossam:');
    // Staff cannot export, and a tampered export request is refused, nothing stored.
    const refused = invokeMessage(
      await bot.send(
        actionExecute('summaries.export', { period: 'HT2026' }, { from: PEOPLE.anna }),
      ),
    );
    expect(refused).toBeDefined();
    const bad = invokeMessage(
      await bot.send(
        actionExecute('summaries.export', { period: 'HT2026; drop' }, { from: PEOPLE.emma }),
      ),
    );
    expect(bad).toBeDefined();
    const future = invokeMessage(
      await bot.send(
        actionExecute('summaries.export', { period: 'HT2030' }, { from: PEOPLE.emma }),
      ),
    );
    expect(future).toBeDefined();
    expect(await bot.db.collection('summaryExports').countDocuments()).toBe(0);
  });

  it('exports figures and coded cases as CSV and XLSX that read back and match, behind links that expire', async () => {
    const res = await bot.send(
      actionExecute('summaries.export', { period: 'HT2026' }, { from: PEOPLE.emma }),
    );
    const card = invokeCard(res);
    const urls = openUrls(card);
    expect(urls).toHaveLength(3);
    const [figuresUrl, casesUrl, xlsxUrl] = urls as [string, string, string];

    const figuresRes = await fetch(figuresUrl);
    expect(figuresRes.status).toBe(200);
    const figuresBytes = Buffer.from(await figuresRes.arrayBuffer());
    expect([...figuresBytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // the BOM Excel needs
    const figuresText = figuresBytes.toString('utf8');
    const figureRows = readCsv(figuresText);
    expect(figureRows[0]).toEqual([
      'Period',
      'Omfattning',
      'Nyckeltal',
      'Värde',
      'Föregående period',
      'Förändring',
    ]);
    const fossam = recount(htCases, htMeetings, minutes, HT, ['fossam'], '2026-12-19');
    const value = (figure: string) => figureRows.find((r) => r[2] === figure)?.[3];
    expect(value('cases.raised')).toBe(String(fossam.cases.raised));
    expect(value('meetings.held')).toBe(String(fossam.meetings.held));
    expect(value('cases.byOrg.school')).toBe(String(fossam.cases.byOrg.school));

    const casesText = await (await fetch(casesUrl)).text();
    const caseRows = readCsv(casesText);
    const fossamCases = htCases.filter(
      (c) => c.forumId === 'fossam' && localDay(c.createdAt) <= HT.end,
    );
    expect(caseRows).toHaveLength(fossamCases.length + 1);
    for (const c of fossamCases) {
      const row = caseRows.find((r) => r[0] === c.code)!;
      expect(row).toEqual([
        c.code,
        'fossam',
        c.raisingOrganisation,
        c.ageBand,
        c.concerns.join(','),
        'normal',
        c.status,
        c.outcome ?? '',
        localDay(c.createdAt),
        c.discussedDays === undefined ? '' : String(c.discussedDays),
        c.endedOn ?? '',
      ]);
    }
    expect(casesText).not.toContain('frånvaro sedan');

    const xlsxRes = await fetch(xlsxUrl);
    expect(xlsxRes.headers.get('content-type')).toContain('spreadsheetml');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(await xlsxRes.arrayBuffer()) as never);
    const sheets = workbook.worksheets.map((w) => w.name);
    expect(sheets).toEqual(['Nyckeltal', 'Ärenden']);
    const sheetRows = (i: number) => {
      const rows: unknown[][] = [];
      workbook.worksheets[i]!.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
      return rows;
    };
    const xFigures = sheetRows(0);
    expect(xFigures.find((r) => r[2] === 'cases.raised')?.[3]).toBe(fossam.cases.raised);
    const xCases = sheetRows(1);
    expect(xCases).toHaveLength(fossamCases.length + 1);
    expect(
      xCases
        .map((r) => r[0])
        .slice(1)
        .sort(),
    ).toEqual(fossamCases.map((c) => c.code).sort());
    expect(JSON.stringify(xCases)).not.toContain('frånvaro sedan');

    // A changed id is a bare 404; after 15 minutes the links are gone.
    const tampered = figuresUrl.replace(/.$/, (ch) => (ch === '0' ? '1' : '0'));
    expect((await fetch(tampered)).status).toBe(404);
    clock.advance(16 * 60_000);
    expect((await fetch(figuresUrl)).status).toBe(404);
    expect((await fetch(xlsxUrl)).status).toBe(404);
    // The export was audited, with counts only.
    const audit = await bot.db.collection('audit').findOne({ action: 'summary.export' });
    expect(audit).toMatchObject({
      target: 'HT2026:forum:fossam',
      detail: { cases: fossamCases.length },
    });
  });

  it('links are signed for the manager who asked: another user in the link breaks it, and the file is refused to anyone else', async () => {
    const res = await bot.send(
      actionExecute('summaries.export', { period: 'HT2026' }, { from: PEOPLE.emma }),
    );
    const url = openUrls(invokeCard(res))[0]!;
    const token = url.split('/').at(-1)!;
    const [payload, signature] = token.split('.') as [string, string];
    const [version, id, tenant, userId, exp] = JSON.parse(
      Buffer.from(payload, 'base64url').toString('utf8'),
    ) as [number, string, string, string, number];
    expect(userId).toBe(PEOPLE.emma.aadObjectId);
    expect((await fetch(url)).status).toBe(200);
    // The same file, made out to another manager, under Emma's signature: a bare 404.
    const forged = Buffer.from(
      JSON.stringify([version, id, tenant, frank.aadObjectId, exp]),
    ).toString('base64url');
    const refused = await fetch(url.replace(token, `${forged}.${signature}`));
    expect(refused.status).toBe(404);
    expect(await refused.text()).toBe('Not found');
    const { summaries } = bot.app.services.summaries;
    expect(await summaries.download(id, clock.now(), PEOPLE.emma.aadObjectId)).not.toBeNull();
    expect(await summaries.download(id, clock.now(), frank.aadObjectId)).toBeNull();
  });

  it("compiles VT 2027 at its end, with each figure's change against HT 2026", async () => {
    await seedTerm('2027-01-18', 6);
    clock.set('2027-06-12T06:00:00Z');
    bot.connector.clear();
    await bot.app.tick();
    await bot.app.tick();
    const vt = await bot.db
      .collection<TermSummary>('termSummaries')
      .findOne({ _id: `${TENANT}:VT2027:all` } as never);
    const cases = await allCases();
    const meetings = await allMeetings();
    const want = recount(cases, meetings, minutes, VT, ['fossam', 'sspf'], '2027-06-12');
    expect(comparable(vt!.figures)).toEqual(JSON.parse(JSON.stringify(want)));
    expect(vt!.previousPeriod).toBe('HT2026');
    const raised = vt!.changes.find((c) => c.figure === 'cases.raised')!;
    expect(raised).toEqual({
      figure: 'cases.raised',
      now: want.cases.raised,
      before: htSummary!.figures.cases.raised,
      change: want.cases.raised - htSummary!.figures.cases.raised,
    });
    const toEmma = bot.connector.sent.filter(
      (s) => s.conversationId === `a:personal-${PEOPLE.emma.aadObjectId}`,
    );
    expect(cardText(cardOf(toEmma[0]))).toContain('Terminssammanfattning VT 2027');
  });
});
