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
import { DEFAULT_OUTCOMES } from '../../src/core/outcomes';
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
 * Term summaries end to end: two terms of cases and meetings. Cases are raised through the cases
 * service; every meeting's minutes (attendance and an outcome per case) are kept through the
 * chairs' real minutes cards over HTTP (`chairs.openMinutes`, `chairs.saveMinutes`), so the
 * outcomes do to the cases what the product does (discussed, closed, or moved to the next
 * meeting). The test keeps its own ledger of what each outcome does to a case (the effects of
 * `core/outcomes.ts`), checks the stored cases against it, and recounts every figure from it;
 * the card to managers when the term ends, exports read back with real parsers, links that
 * expire, and the bad inputs of the issue.
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
/** A manager of Första linjen who never writes to the bot: known from the Fossam channel's roster. */
const greta: Person = {
  aadObjectId: 'a7a7a7a7-6666-4666-8666-000000000007',
  name: 'Greta Chef',
  teamsId: '29:greta',
};
/** Fossam's channel, and its team (channelData.team.id of the channel fixtures): the roster is the team's. */
const CHANNEL = '19:fossam-summaries@thread.tacv2';
const TEAM = '19:0a1b2c3d4e5f60718293a4b5c6d7e8f9@thread.tacv2';
/** The 1:1 chat the fake connector creates for a roster id. */
const createdChat = (p: Person) => `a:1${Buffer.from(p.teamsId).toString('hex')}`;
const ZONE = 'Europe/Stockholm';
const HT = { key: 'HT2026', start: '2026-08-17', end: '2027-01-10' };
const VT = { key: 'VT2027', start: '2027-01-11', end: '2027-08-15' };
const DESCRIPTION = 'Eleven har hög frånvaro sedan några veckor och verkar nedstämd.';
const AGES = ['grades0to3', 'grades4to6', 'grades7to9', 'upperSecondary'] as const;
const CONCERNS = ['schoolAbsence', 'mentalHealth', 'familySituation', 'crime'] as const;
/** Every default outcome (no OUTCOMES_FILE in the tests): each effect occurs. */
const EFFECT = new Map(DEFAULT_OUTCOMES.map((o) => [o.code, o.effect]));
const OUTCOMES = [...EFFECT.keys()];
const CODE = /\b[A-Z]{3}-\d{2}-\d{3}\b/g;

/** Swedish Excel's CSV read back with csv-parse. */
const readCsv = (text: string): string[][] => {
  const rows: unknown = parseCsv(text, { delimiter: ';', bom: true });
  return rows as string[][];
};
const localDay = (d: Date): string => DateTime.fromJSDate(d, { zone: ZONE }).toISODate()!;
const dayDiff = (a: string, b: string): number =>
  Math.round((Date.parse(b) - Date.parse(a)) / 86_400_000);

/** A case as this test expects it to be, from what the test did to it (not read back). */
interface Modelled {
  code: string;
  forumId: string;
  org: string;
  ageBand: string;
  concerns: string[];
  raisedOn: string;
  meetingId: string;
  status: 'submitted' | 'discussed' | 'closed' | 'withdrawn';
  outcome?: string;
  /** The day it first became `discussed`. */
  discussedOn?: string;
  /** The day it was closed or withdrawn. */
  endedOn?: string;
}

/** A deviation as this test expects it to be, from the card clicks it made. */
interface ModelledDeviation {
  code: string;
  forumId: string | null;
  orgs: string[];
  category: string;
  state: 'reported' | 'handling' | 'answered' | 'closed';
  reportedOn: string;
  /** The answer is due 60 days (DEVIATION_REPLY_DAYS) after the report. */
  dueOn: string;
  answeredOn?: string;
  closedOn?: string;
}

/** Deviation figures recounted from the ledger (those outside a forum count in `all` only). */
function recountDeviations(
  deviations: readonly ModelledDeviation[],
  period: { start: string; end: string },
  forumIds: readonly string[],
  all: boolean,
  today: string,
) {
  const mine = deviations.filter(
    (d) =>
      d.reportedOn >= period.start &&
      d.reportedOn <= period.end &&
      (d.forumId === null ? all : forumIds.includes(d.forumId)),
  );
  const count = (values: string[]) => {
    const out: Record<string, number> = {};
    for (const v of values) out[v] = (out[v] ?? 0) + 1;
    return out;
  };
  const median = (xs: number[]) => {
    const v = [...xs].sort((a, b) => a - b);
    return v.length
      ? (v[Math.floor((v.length - 1) / 2)]! + v[Math.ceil((v.length - 1) / 2)]!) / 2
      : null;
  };
  return {
    reported: mine.length,
    open: mine.filter((d) => d.state !== 'closed').length,
    overdue: mine.filter(
      (d) => (d.state === 'reported' || d.state === 'handling') && d.dueOn < today,
    ).length,
    byCategory: count(mine.map((d) => d.category)),
    byOrg: count(mine.flatMap((d) => d.orgs)),
    byState: count(mine.map((d) => d.state)),
    medianDaysToAnswer: median(
      mine.filter((d) => d.answeredOn).map((d) => dayDiff(d.reportedOn, d.answeredOn!)),
    ),
    medianDaysToClose: median(
      mine.filter((d) => d.closedOn).map((d) => dayDiff(d.reportedOn, d.closedOn!)),
    ),
  };
}

/** The recount written for this test: from its own ledger of cases, the stored meetings and the minutes it saved. */
function recount(
  cases: readonly Modelled[],
  meetings: readonly Meeting[],
  minutes: ReadonlyMap<string, Record<string, 'present' | 'absent' | 'excused'>>,
  period: { start: string; end: string },
  forumIds: readonly string[],
  today: string,
) {
  const inPeriod = (d: string) => d >= period.start && d <= period.end;
  const mine = cases.filter((c) => forumIds.includes(c.forumId) && inPeriod(c.raisedOn));
  const count = (values: string[]) => {
    const out: Record<string, number> = {};
    for (const v of values) out[v] = (out[v] ?? 0) + 1;
    return out;
  };
  const endedIn = (c: Modelled) =>
    (c.status === 'closed' || c.status === 'withdrawn') && c.endedOn! <= period.end;
  // Days from raised to the first time the case was discussed (an outcome with the effect
  // `discussed`); a case closed at a meeting (effect `closed`) never became `discussed`.
  const days = mine
    .filter((c) => c.discussedOn !== undefined)
    .map((c) => dayDiff(c.raisedOn, c.discussedOn!))
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
      carriedOver: mine.filter((c) => !endedIn(c)).length,
      byOrg: count(mine.map((c) => c.org)),
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
  deviations: f.deviations,
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

/** The minutes card's save button data, and the card's inputs as Teams sends them (empty ones absent). */
const saveData = (card: Record<string, unknown>, inputs: Record<string, string>) => {
  const data = (JSON.stringify(card).match(/"verb":"chairs\.saveMinutes","data":(\{[^}]*\})/) ??
    [])[1];
  const values = Object.fromEntries(
    Object.entries(inputValues(card)).filter(([, v]) => typeof v === 'string' && v !== ''),
  );
  return { ...(JSON.parse(data ?? '{}') as object), ...values, ...inputs };
};

describe('term summaries and status questions through the bot', () => {
  const clock = new ManualClock('2026-08-18T07:00:00Z');
  let bot: TestBot;
  const minutes = new Map<string, Record<string, 'present' | 'absent' | 'excused'>>();
  const actors = new Map<string, Actor>();
  /** The ledger: every case as this test expects it to be. */
  const ledger = new Map<string, Modelled>();
  const modelled = () => [...ledger.values()];
  /** The ledger of deviations reported, handled and closed through their cards. */
  const deviationLedger = new Map<string, ModelledDeviation>();
  const deviationsModelled = () => [...deviationLedger.values()];
  /** Everything this test recounts for a period and forums (`all` adds deviations outside forums). */
  const recountAll = (
    period: { start: string; end: string },
    forumIds: readonly string[],
    day: string,
    cases: readonly Modelled[] = modelled(),
    meetings: readonly Meeting[] = htMeetings,
    deviations: readonly ModelledDeviation[] = deviationsModelled(),
  ) => ({
    ...recount(cases, meetings, minutes, period, forumIds, day),
    deviations: recountDeviations(deviations, period, forumIds, forumIds.length === 2, day),
  });
  /** A card click by `from` in their personal chat; the card it returns. */
  const click = async (verb: string, data: Record<string, unknown>, from: Person) => {
    const res = await bot.send(actionExecute(verb, data, { from }));
    const card = invokeCard(res);
    expect(card, `${verb}: ${JSON.stringify(res.body)}`).toBeDefined();
    return cardText(card);
  };
  /** A deviation reported through its card (as the reporter's own organisation). */
  async function reportDeviation(
    from: Person,
    org: string,
    concerned: string[],
    category: string,
    forumId: string | null,
  ): Promise<string> {
    const receipt = await click(
      'deviations.submit',
      {
        token: cardToken(),
        occurredOn: today(),
        concerned: concerned.join(','),
        reportingOrganisation: org,
        ...(forumId ? { forumId } : {}),
        category,
        description: 'Återkopplingen efter mötet kom aldrig till skolan.',
        consequence: 'Arbetet med eleven stod still i flera veckor.',
        immediateAction: 'Rektor kontaktade enheten igen.',
        solvedLocally: 'no',
      },
      from,
    );
    const code = /AVV-\d{2}-\d{3}/.exec(receipt)?.[0];
    expect(code, receipt).toBeDefined();
    deviationLedger.set(code!, {
      code: code!,
      forumId,
      orgs: [...concerned],
      category,
      state: 'reported',
      reportedOn: today(),
      dueOn: DateTime.fromISO(today()).plus({ days: 60 }).toISODate()!,
    });
    return code!;
  }
  /** A manager takes a deviation on, answers it or closes it, through its card's buttons. */
  async function handleDeviation(from: Person, code: string, step: 'take' | 'answer' | 'close') {
    const d = deviationLedger.get(code)!;
    if (step === 'take') {
      expect(await click('deviations.take', { code }, from)).toContain(code);
      d.state = 'handling';
    } else if (step === 'answer') {
      const said = await click(
        'deviations.answer',
        {
          code,
          cause: 'Rutinen för återkoppling var inte känd.',
          action: 'Rutinen har gåtts igenom med alla.',
          followUp: 'Följs upp på nästa samverkansmöte.',
        },
        from,
      );
      expect(said).toContain(`Svaret på ${code} är sparat.`);
      Object.assign(d, { state: 'answered', answeredOn: today() });
    } else {
      expect(await click('deviations.close', { code }, from)).toContain(`${code} är avslutad.`);
      Object.assign(d, { state: 'closed', closedOn: today() });
    }
  }
  /** The stored deviations are in the states the ledger says. */
  async function expectDeviationsAsModelled() {
    const stored = await bot.db
      .collection<{ code: string; state: string; concerned: string[] }>('deviations')
      .find({})
      .toArray();
    expect(
      Object.fromEntries(stored.map((d) => [d.code, [d.state, [...d.concerned].sort()]])),
    ).toEqual(
      Object.fromEntries(deviationsModelled().map((d) => [d.code, [d.state, [...d.orgs].sort()]])),
    );
  }
  let htCases: Modelled[] = [];
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
  const today = () => localDay(clock.now());
  const waitingAt = (meetingId: string) =>
    modelled().filter((c) => c.meetingId === meetingId && c.status === 'submitted');
  /** The outcome messages, digests, minutes notices… queued so far, delivered (one pass a second). */
  const drain = async () => {
    const due = () =>
      bot.db
        .collection('outbox')
        .countDocuments({ status: 'pending', notBefore: { $lte: clock.now() } });
    for (let i = 0; i < 60 && (await due()) > 0; i++) {
      await bot.app.tick();
      clock.advance(1_000);
    }
    expect(await due()).toBe(0);
  };

  /** Scheduler passes a second apart: the outbox keeps to Teams' per-second budget over a burst. */
  const settle = async (passes = 6) => {
    for (let i = 0; i < passes; i++) {
      clock.advance(1_000);
      await bot.app.tick();
    }
  };

  /** One case raised by `who` for the forum's next open meeting. */
  async function raise(who: Person, org: string, forumId: string) {
    const a = await actor(who);
    const [meeting] = await bot.app.services.meetings.openMeetings(TENANT, forumId, 1);
    const input = {
      ageBand: pick(AGES),
      concerns: [...new Set([pick(CONCERNS), pick(CONCERNS)])],
    };
    const { record } = await bot.app.services.cases.submit(a, {
      meetingId: meeting!.id,
      organisation: org,
      ...input,
      description: DESCRIPTION,
      tried: 'Samtal med elevhälsan.',
      question: 'Vad kan vi göra tillsammans?',
      urgency: 'normal',
    });
    ledger.set(record.code, {
      code: record.code,
      forumId,
      org,
      ...input,
      raisedOn: today(),
      meetingId: meeting!.id,
      status: 'submitted',
    });
    return record;
  }

  /**
   * Term summary cards the connector received (to one conversation, or to any): told apart from
   * the outcome messages, digests and minutes notices by their title.
   */
  const termSummariesTo = (conversationId?: string) =>
    bot.connector.sent.filter(
      (s) =>
        (!conversationId || s.conversationId === conversationId) &&
        cardText(cardOf(s)).includes('Terminssammanfattning'),
    );
  /** The outbox's term summary messages of a period: [id, status], sorted. */
  const termSummaryMessages = async (period: string) =>
    (
      await bot.db
        .collection<{ _id: string; status: string }>('outbox')
        .find({ kind: 'summary.term', 'refs.period': period })
        .toArray()
    )
      .map((m) => [m._id, m.status])
      .sort();

  /** The next meeting of the forum that takes place after this one (where a moved case goes). */
  async function nextMeeting(meeting: Meeting): Promise<Meeting | undefined> {
    return (await allMeetings())
      .filter(
        (m) =>
          m.forumId === meeting.forumId &&
          (m.status === 'scheduled' || m.status === 'moved') &&
          m.start > meeting.start,
      )
      .sort((a, b) => a.start.getTime() - b.start.getTime())[0];
  }

  /**
   * After a meeting: its chair opens the minutes card and saves attendance and an outcome for
   * most of the cases on it (some are left without one: they stay open at that meeting), as
   * Teams sends the card. The ledger follows each outcome's effect.
   */
  async function afterMeeting(meeting: Meeting, orgs: readonly string[]) {
    const from = PEOPLE.bo;
    const opened = await bot.send(
      actionExecute('chairs.openMinutes', { meetingId: meeting.id }, { from }),
    );
    const card = invokeCard(opened);
    expect(card, JSON.stringify(opened.body)).toBeDefined();
    // The card lists exactly the cases the ledger has waiting at this meeting.
    const onCard = [...new Set(cardText(card).match(CODE) ?? [])].sort();
    const waiting = waitingAt(meeting.id);
    expect(onCard).toEqual(waiting.map((c) => c.code).sort());
    const attendance = Object.fromEntries(
      orgs.map((o) => [o, pick(['present', 'present', 'absent', 'excused'] as const)]),
    );
    const outcomes: Record<string, string> = {};
    for (const c of waiting) if (random() >= 0.1) outcomes[c.code] = pick(OUTCOMES);
    const saved = await bot.send(
      actionExecute(
        'chairs.saveMinutes',
        saveData(card!, {
          ...Object.fromEntries(Object.entries(attendance).map(([o, a]) => [`att.${o}`, a])),
          ...Object.fromEntries(Object.entries(outcomes).map(([c, o]) => [`out.${c}`, o])),
        }),
        { from },
      ),
    );
    expect(cardText(invokeCard(saved))).toContain('Protokollet är sparat (version 1)');
    minutes.set(meeting.id, attendance);
    const day = today();
    const next = await nextMeeting(meeting);
    for (const [code, outcome] of Object.entries(outcomes)) {
      const c = ledger.get(code)!;
      c.outcome = outcome;
      switch (EFFECT.get(outcome)) {
        case 'discussed':
          c.status = 'discussed';
          c.discussedOn ??= day;
          break;
        case 'closed':
          c.status = 'closed';
          c.endedOn = day;
          break;
        case 'moved':
          // To the forum's next meeting, where it waits again (stays here if there is none).
          if (next) c.meetingId = next.id;
          break;
      }
    }
  }

  /** The stored cases are what the ledger says the outcomes did to them. */
  async function expectCasesAsModelled() {
    const stored = await allCases();
    expect(stored).toHaveLength(ledger.size);
    for (const s of stored) {
      const c = ledger.get(s.code)!;
      expect(
        {
          status: s.status,
          meetingId: s.meetingId,
          outcome: s.outcome,
          raisedOn: s.raisedOn,
          discussedDays: s.discussedDays,
          endedOn: s.endedOn,
        },
        s.code,
      ).toEqual({
        status: c.status,
        meetingId: c.meetingId,
        outcome: c.outcome,
        raisedOn: c.raisedOn,
        discussedDays: c.discussedOn ? dayDiff(c.raisedOn, c.discussedOn) : undefined,
        endedOn: c.endedOn,
      });
    }
  }

  /** Walks one term week by week: cases on Mondays, meetings held, minutes and outcomes after. */
  async function seedTerm(
    firstMonday: string,
    weeks: number,
    onMonday: (week: number) => Promise<void> = async () => {},
  ) {
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
        Object.assign(ledger.get(c.code)!, { status: 'withdrawn', endedOn: today() });
      }
      await onMonday(w);
      // Friday 16:00: this week's meetings are over (a meeting moved to Friday 13:00 too).
      clock.set(monday.plus({ days: 4, hours: 8 }).toJSDate());
      const held = (await allMeetings())
        .filter(
          (m) =>
            (m.status === 'scheduled' || m.status === 'moved') &&
            m.start < clock.now() &&
            m.start > monday.toJSDate() &&
            !minutes.has(m.id),
        )
        .sort((a, b) => a.start.getTime() - b.start.getTime());
      for (const m of held)
        await afterMeeting(
          m,
          m.forumId === 'fossam'
            ? ['school', 'socialServices', 'firstLine']
            : ['police', 'socialServices', 'leisure'],
        );
      await drain();
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
    // Fossam is bound to its channel: the bot reads the team's roster, so Greta, who never
    // writes to the bot, is known and can be made a manager of Första linjen.
    bot.connector.rosters.set(
      TEAM,
      [greta, PEOPLE.bo, PEOPLE.anna].map((p) => ({
        id: p.teamsId,
        name: p.name,
        aadObjectId: p.aadObjectId,
        tenantId: TENANT,
        userRole: 'user',
      })),
    );
    const inChannel = { kind: 'channel' as const, conversationId: CHANNEL, from: PEOPLE.admin };
    await bot.send(message('koppla forum', inChannel));
    const bound = await bot.send(actionExecute('forums.bind', { forumId: 'fossam' }, inChannel));
    expect(cardText(invokeCard(bound))).toContain('kopplat hit');
    await grant(greta, 'manager', 'firstLine');
    for (const [k, p] of Object.entries({
      anna: PEOPLE.anna,
      bo: PEOPLE.bo,
      emma: PEOPLE.emma,
      carl,
      dana,
    }))
      actors.set(k, await actor(p));

    // Deviations through their cards: reported by staff, taken, answered and closed by the
    // managers of the organisations concerned (one outside any forum, one concerning two).
    const avv: string[] = [];
    await seedTerm('2026-08-24', 9, async (w) => {
      if (w === 1) {
        avv.push(await reportDeviation(PEOPLE.anna, 'school', ['police'], 'availability', 'sspf'));
        await handleDeviation(frank, avv[0]!, 'take');
      }
      if (w === 3) {
        await handleDeviation(frank, avv[0]!, 'answer');
        avv.push(
          await reportDeviation(dana, 'police', ['school'], 'contactPersonChange', 'fossam'),
        );
        await handleDeviation(PEOPLE.emma, avv[1]!, 'take');
      }
      if (w === 5) {
        await handleDeviation(frank, avv[0]!, 'close');
        await handleDeviation(PEOPLE.emma, avv[1]!, 'answer');
        // Concerning the police and the school, in no forum; nobody answers it (overdue by December).
        avv.push(
          await reportDeviation(
            PEOPLE.anna,
            'school',
            ['police', 'school'],
            'routineNotFollowed',
            null,
          ),
        );
      }
    });
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
    // The cancelled meeting's waiting cases (if any) went to the next meeting that takes place.
    const cancelled = (await allMeetings()).find((m) => m.id === 'fossam:2026-11-05')!;
    const after = await nextMeeting(cancelled);
    for (const c of waitingAt(cancelled.id)) c.meetingId = after!.id;
    await seedTerm('2026-10-26', 7, async (w) => {
      // Reported late in the term: open, not yet overdue when the term ends.
      if (w === 5)
        avv.push(
          await reportDeviation(dana, 'police', ['school'], 'informationNotPassedOn', 'sspf'),
        );
    });
    await expectCasesAsModelled();
    await expectDeviationsAsModelled();
  }, 600_000);

  afterAll(async () => {
    await bot.stop();
  });

  it('compiles HT 2026 when the term ends: every stored figure equals the recount written here', async () => {
    clock.set('2026-12-19T06:00:00Z');
    bot.connector.clear();
    await bot.app.tick(); // recount check, compile, cards queued
    await settle(); // cards delivered, a second apart (the send budget is per second)
    htCases = structuredClone(modelled());
    htMeetings = await allMeetings();
    const stored = await bot.db
      .collection<TermSummary>('termSummaries')
      .findOne({ _id: `${TENANT}:HT2026:all` } as never);
    expect(stored).not.toBeNull();
    htSummary = stored;
    expect(stored!.period).toBe('HT2026');
    expect(stored!.previousPeriod).toBe('VT2026');
    expect(stored!.source).toBe('counters');
    const want = recountAll(HT, ['fossam', 'sspf'], '2026-12-19', htCases);
    expect(want.cases.raised).toBeGreaterThan(20);
    expect(want.cases.discussed).toBeGreaterThan(5);
    expect(want.meetings.cancelled).toBe(1);
    expect(want.meetings.moved).toBe(1);
    expect(Object.keys(want.attendance)).toEqual(
      expect.arrayContaining(['school', 'socialServices', 'firstLine', 'police', 'leisure']),
    );
    expect(new Set(Object.keys(want.cases.byOutcome).map((o) => EFFECT.get(o)))).toEqual(
      new Set(['discussed', 'closed', 'moved']),
    );
    expect(want.cases.closed).toBeGreaterThan(0);
    // Four deviations: one closed, one answered, one overdue (outside any forum, concerning two
    // organisations: it counts under each), one not yet due.
    expect(want.deviations).toMatchObject({
      reported: 4,
      open: 3,
      overdue: 1,
      byOrg: { police: 2, school: 3 },
      byState: { closed: 1, answered: 1, reported: 2 },
    });
    expect(want.cases.carriedOver).toBeGreaterThan(0);
    expect(want.cases.carriedOver).toBeLessThan(want.cases.raised);
    expect(comparable(stored!.figures)).toEqual(JSON.parse(JSON.stringify(want)));
    // Each forum's own summary too.
    for (const forumId of ['fossam', 'sspf']) {
      const one = await bot.db
        .collection<TermSummary>('termSummaries')
        .findOne({ _id: `${TENANT}:HT2026:forum:${forumId}` } as never);
      const wantOne = recountAll(HT, [forumId], '2026-12-19', htCases);
      expect(comparable(one!.figures)).toEqual(JSON.parse(JSON.stringify(wantOne)));
    }
    // The recount in the database agreed with the counters: nothing was repaired.
    expect(bot.logs.some((l) => l.includes('summary counters repaired'))).toBe(false);
  });

  it("sends each manager the summary of their organisations' forums in personal chat (opened from a bound forum's roster for one who never wrote), once, with charts that fall back to tables", async () => {
    const toEmma = termSummariesTo(`a:personal-${PEOPLE.emma.aadObjectId}`);
    const toFrank = termSummariesTo(`a:personal-${frank.aadObjectId}`);
    // Greta never wrote: the bot opened her 1:1 chat from the roster (her roster id, the tenant).
    const toGreta = termSummariesTo(createdChat(greta));
    expect(toGreta).toHaveLength(1);
    expect(bot.connector.created).toContainEqual({
      id: createdChat(greta),
      memberId: greta.teamsId,
      tenantId: TENANT,
    });
    expect(cardText(cardOf(toGreta[0]))).toContain('Fossam');
    expect(cardText(cardOf(toGreta[0]))).not.toContain('SSPF');
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
    // The outcome chart names each outcome by its configured label (every effect occurs here).
    const slices = elements(card, 'Chart.Donut')[0]!.data as { legend: string; value: number }[];
    expect(Object.fromEntries(slices.map((x) => [x.legend, x.value]))).toEqual(
      Object.fromEntries(
        Object.entries(fossam.cases.byOutcome).map(([code, n]) => [
          DEFAULT_OUTCOMES.find((o) => o.code === code)!.label.sv,
          n,
        ]),
      ),
    );
    // Nobody else got it (staff, chairs, admins), and a later pass sends nothing again.
    expect(termSummariesTo()).toHaveLength(3);
    expect(await termSummaryMessages('HT2026')).toEqual(
      [
        [`summary.term:${TENANT}:HT2026:${PEOPLE.emma.aadObjectId}`, 'sent'],
        [`summary.term:${TENANT}:HT2026:${frank.aadObjectId}`, 'sent'],
        [`summary.term:${TENANT}:HT2026:${greta.aadObjectId}`, 'sent'],
      ].sort(),
    );
    bot.connector.clear();
    await bot.app.tick();
    await settle();
    expect(termSummariesTo()).toHaveLength(0);
    expect(await termSummaryMessages('HT2026')).toHaveLength(3);
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
    const fossamCases = htCases.filter((c) => c.forumId === 'fossam' && c.raisedOn <= HT.end);
    expect(caseRows).toHaveLength(fossamCases.length + 1);
    for (const c of fossamCases) {
      const row = caseRows.find((r) => r[0] === c.code)!;
      expect(row).toEqual([
        c.code,
        'fossam',
        c.org,
        c.ageBand,
        c.concerns.join(','),
        'normal',
        c.status,
        c.outcome ?? '',
        c.raisedOn,
        c.discussedOn ? String(dayDiff(c.raisedOn, c.discussedOn)) : '',
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
    const avv: string[] = [];
    await seedTerm('2027-01-18', 6, async (w) => {
      if (w === 1) {
        avv.push(await reportDeviation(PEOPLE.anna, 'school', ['police'], 'sipNotCalled', 'sspf'));
        await handleDeviation(frank, avv[0]!, 'take');
      }
      if (w === 3) await handleDeviation(frank, avv[0]!, 'answer');
      if (w === 4) await handleDeviation(frank, avv[0]!, 'close');
    });
    await expectDeviationsAsModelled();
    clock.set('2027-06-12T06:00:00Z');
    bot.connector.clear();
    await bot.app.tick();
    await settle();
    const vt = await bot.db
      .collection<TermSummary>('termSummaries')
      .findOne({ _id: `${TENANT}:VT2027:all` } as never);
    await expectCasesAsModelled();
    const meetings = await allMeetings();
    const want = recountAll(VT, ['fossam', 'sspf'], '2027-06-12', modelled(), meetings);
    expect(want.deviations).toMatchObject({ reported: 1, byState: { closed: 1 } });
    expect(want.cases.raised).toBeGreaterThan(10);
    expect(want.cases.discussed).toBeGreaterThan(0);
    expect(comparable(vt!.figures)).toEqual(JSON.parse(JSON.stringify(want)));
    expect(vt!.previousPeriod).toBe('HT2026');
    const raised = vt!.changes.find((c) => c.figure === 'cases.raised')!;
    expect(raised).toEqual({
      figure: 'cases.raised',
      now: want.cases.raised,
      before: htSummary!.figures.cases.raised,
      change: want.cases.raised - htSummary!.figures.cases.raised,
    });
    const toEmma = termSummariesTo(`a:personal-${PEOPLE.emma.aadObjectId}`);
    expect(toEmma).toHaveLength(1);
    expect(cardText(cardOf(toEmma[0]))).toContain('Terminssammanfattning VT 2027');
    expect(await termSummaryMessages('VT2027')).toHaveLength(3);
    expect(termSummariesTo(createdChat(greta))).toHaveLength(1);
  });
});
