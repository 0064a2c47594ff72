import type { DomainEvent } from '../../core/events';
import type { Logger } from '../../core/logger';
import { instantToLocalDate, periodKeysOn, periodOf, type Terms } from '../calendar';
import type { CaseCountRow } from '../cases';
import type { DeviationRecord } from '../deviations';
import type { Meeting } from '../meetings';
import { counterId, safeKey, type MongoSummariesRepository } from './summaries.repository';
import { isoWeek } from './summaries.figures';
import type {
  DeviationSource,
  SummaryCases,
  SummaryForums,
  SummaryMeetings,
} from './summaries.ports';
import type {
  CounterDoc,
  Counts,
  DeviationFact,
  MeetingFact,
  OrgCaseCounts,
} from './summaries.types';
import { UNANSWERED_DEVIATION_STATES } from './summaries.types';

/** Follow-up counts Swedish municipal days. */
export const SUMMARY_ZONE = 'Europe/Stockholm';
/** The counter document of what belongs to no forum (deviations reported outside a forum). */
export const NO_FORUM = '_';

export interface CountingDeps {
  repo: MongoSummariesRepository;
  cases: SummaryCases;
  meetings: SummaryMeetings;
  forums: SummaryForums;
  calendar: Terms;
  log: Logger;
  deviations?: DeviationSource | undefined;
}

/** What a recount found and did. */
export interface RecountResult {
  period: string;
  forums: number;
  /** Forums whose counters disagreed with the database (and were repaired). */
  disagreed: string[];
}

const dayOf = (at: Date): string => instantToLocalDate(at, SUMMARY_ZONE);

/**
 * Keeps the counters from events, and recounts them in the database as the check that they
 * agree and the repair when they do not. Writes to the counters are made one at a time in this
 * process (FerretDB v1 does not make an update atomic across connections).
 */
export class SummariesCounting {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: CountingDeps) {}

  /** Runs counter writes one after another (each event's writes together). */
  private serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  async onCaseSubmitted(e: DomainEvent<'case.submitted'>): Promise<void> {
    const record = await this.deps.cases.record(e.tenantId, e.data.code);
    if (!record?.periods || !record.raisedOn) return; // stored before summaries: the recount has it
    const org = record.raisingOrganisation;
    if (![org, record.ageBand, ...record.concerns].every(safeKey)) return;
    const inc: Counts = {
      [`cases.${org}.raised`]: 1,
      [`cases.${org}.age.${record.ageBand}`]: 1,
      [`cases.${org}.week.${isoWeek(record.raisedOn)}`]: 1,
      [`cases.${org}.month.${record.raisedOn.slice(0, 7)}`]: 1,
    };
    for (const c of new Set(record.concerns)) inc[`cases.${org}.concern.${c}`] = 1;
    await this.serial(async () => {
      if (!(await this.deps.repo.claimEvent(`submitted:${e.id}`, e.at))) return;
      for (const period of record.periods ?? [])
        await this.deps.repo.increment(
          { tenantId: e.tenantId, period, forumId: record.forumId },
          inc,
        );
    });
  }

  async onCaseStatusChanged(e: DomainEvent<'case.statusChanged'>): Promise<void> {
    const { from, to } = e.data;
    if (from === to || !['discussed', 'closed', 'withdrawn'].includes(to)) return;
    const record = await this.deps.cases.record(e.tenantId, e.data.code);
    if (!record?.periods || !record.raisedOn) return;
    const org = record.raisingOrganisation;
    if (!safeKey(org)) return;
    const day = dayOf(e.at);
    await this.serial(async () => {
      if (!(await this.deps.repo.claimEvent(`statusChanged:${e.id}`, e.at))) return;
      for (const key of record.periods ?? []) {
        const period = periodOf(this.deps.calendar, key);
        if (!period) continue;
        const inc: Counts = {};
        if (to === 'discussed') {
          const days =
            record.discussedDays ??
            Math.max(0, Math.round((Date.parse(day) - Date.parse(record.raisedOn!)) / 86_400_000));
          inc[`cases.${org}.discussed`] = 1;
          inc[`cases.${org}.days.${days}`] = 1;
        } else {
          inc[`cases.${org}.${to}`] = 1;
          if (day <= period.end) inc[`cases.${org}.${to}InPeriod`] = 1;
        }
        await this.deps.repo.increment(
          { tenantId: e.tenantId, period: key, forumId: record.forumId },
          inc,
        );
      }
    });
  }

  /**
   * Counts something known by its latest state (a case's outcome, a deviation): the counters
   * move by the difference between what the new state and the last known state contribute, so
   * a repeat changes nothing and a correction moves the count. The new state is stored first:
   * a process dying in between loses a change (the recount repairs it), never doubles one.
   */
  private async applyFact<T>(
    tenantId: string,
    factId: string,
    fact: T,
    contribute: (f: T) => { period: string; forumId: string; inc: Counts }[],
  ): Promise<void> {
    await this.serial(async () => {
      const before = await this.deps.repo.getFact<T>(factId);
      const delta = new Map<string, { period: string; forumId: string; inc: Counts }>();
      const addAll = (parts: { period: string; forumId: string; inc: Counts }[], sign: number) => {
        for (const p of parts) {
          const k = `${p.period}|${p.forumId}`;
          const d = delta.get(k) ?? { period: p.period, forumId: p.forumId, inc: {} };
          for (const [path, n] of Object.entries(p.inc))
            d.inc[path] = (d.inc[path] ?? 0) + sign * n;
          delta.set(k, d);
        }
      };
      if (before) addAll(contribute(before), -1);
      addAll(contribute(fact), 1);
      await this.deps.repo.putFact(factId, fact);
      for (const d of delta.values())
        await this.deps.repo.increment({ tenantId, period: d.period, forumId: d.forumId }, d.inc);
    });
  }

  /** An outcome is the case's latest: a corrected outcome moves the case between outcomes. */
  async onCaseOutcome(e: DomainEvent<'case.outcome'>): Promise<void> {
    const record = await this.deps.cases.record(e.tenantId, e.data.code);
    if (!record?.periods) return;
    const org = record.raisingOrganisation;
    if (![org, e.data.outcome].every(safeKey)) return;
    const fact = { forumId: record.forumId, org, outcome: e.data.outcome, periods: record.periods };
    await this.applyFact(e.tenantId, `outcome:${e.tenantId}:${e.data.code}`, fact, (f) =>
      f.periods.map((period) => ({
        period,
        forumId: f.forumId,
        inc: { [`cases.${f.org}.outcome.${f.outcome}`]: 1 },
      })),
    );
  }

  /** The attendance of the latest revision of a meeting's minutes. */
  async onMinutesSaved(e: DomainEvent<'minutes.saved'>): Promise<void> {
    const meeting = await this.deps.meetings.getMeeting(e.tenantId, e.data.meetingId);
    if (!meeting || !safeKey(meeting.originalDate)) return;
    const orgs = Object.fromEntries(
      Object.entries(e.data.attendance).filter(([org]) => safeKey(org)),
    );
    await this.serial(async () => {
      for (const period of periodKeysOn(this.deps.calendar, meeting.date)) {
        const key = { tenantId: e.tenantId, period, forumId: meeting.forumId };
        const doc = await this.deps.repo.readOne(counterId(e.tenantId, period, meeting.forumId));
        const stored = doc?.attendance?.[meeting.originalDate];
        if (stored && stored.rev > e.data.revision) continue;
        await this.deps.repo.setFacts(key, {
          [`attendance.${meeting.originalDate}`]: { rev: e.data.revision, orgs },
        });
      }
    });
  }

  /**
   * A forum's meetings as facts, per period: set whole from the meetings module's state (after
   * making sure they are materialized), so a cancellation, a move or an edited schedule is
   * simply the new state.
   */
  async refreshMeetings(tenantId: string, forumId: string): Promise<void> {
    const forum = await this.deps.forums.getForum(tenantId, forumId);
    if (!forum) return;
    await this.deps.meetings.materialize(forum);
    const meetings = await this.deps.meetings.meetingsBetween(
      tenantId,
      forumId,
      new Date(0),
      new Date('2200-01-01T00:00:00Z'),
    );
    const byPeriod = new Map<string, Record<string, MeetingFact>>();
    for (const m of meetings) {
      if (!safeKey(m.originalDate)) continue;
      for (const period of periodKeysOn(this.deps.calendar, m.date)) {
        const facts = byPeriod.get(period) ?? {};
        facts[m.originalDate] = meetingFact(m);
        byPeriod.set(period, facts);
      }
    }
    await this.serial(async () => {
      for (const [period, facts] of byPeriod)
        await this.deps.repo.setFacts({ tenantId, period, forumId }, { meetings: facts });
    });
  }

  /**
   * A deviation event (`deviation.reported` / `deviation.stateChanged`): the deviation as it now
   * is, read from the deviations capability, becomes its fact (a repeat, or an older event
   * handled late, changes nothing; a later state moves the counts).
   */
  async onDeviation(tenantId: string, code: string): Promise<void> {
    const record = await this.deps.deviations?.record(tenantId, code);
    if (record) await this.recordDeviation(tenantId, deviationFact(record));
  }

  /**
   * The one place deviations enter the counters: the deviation's current state as a fact; a
   * repeat changes nothing and a later state moves the counts.
   */
  async recordDeviation(tenantId: string, fact: DeviationFact): Promise<void> {
    const forumId = fact.forumId ?? NO_FORUM;
    if (![fact.id, ...fact.orgs, fact.category, forumId].every(safeKey)) return;
    await this.applyFact(tenantId, `deviation:${tenantId}:${fact.id}`, { ...fact, forumId }, (f) =>
      periodKeysOn(this.deps.calendar, f.reportedOn).map((period) => ({
        period,
        forumId: f.forumId ?? NO_FORUM,
        inc: deviationCounts(f),
      })),
    );
  }

  /**
   * The check and the repair: counts the period's cases in the database (`$match` on the period
   * key stored on each case + `$group`/`$sum`), compares them with the counters of every forum,
   * and sets the counters to the recount where they disagree. Meetings are refreshed, and
   * deviations re-read when a source is wired.
   */
  async recount(
    tenantId: string,
    periodKey: string,
    forumIds: readonly string[],
  ): Promise<RecountResult> {
    const period = periodOf(this.deps.calendar, periodKey);
    if (!period || period.kind === 'range') throw new Error('recount needs a term, year or month');
    const rows = await this.deps.cases.countCases(tenantId, {
      period: periodKey,
      endBy: period.end,
    });
    const expected = expectedCounts(rows);
    const forums = [...new Set([...forumIds, ...expected.keys()])].sort();
    for (const forumId of forumIds) await this.refreshMeetings(tenantId, forumId);
    const disagreed: string[] = [];
    const docs = await this.deps.repo.read(forums.map((f) => counterId(tenantId, periodKey, f)));
    const have = new Map(docs.map((d) => [d.forumId, d]));
    for (const forumId of forums) {
      const want = expected.get(forumId) ?? {};
      if (same(normalizeCases(have.get(forumId)?.cases ?? {}), want)) continue;
      disagreed.push(forumId);
      await this.serial(() =>
        this.deps.repo.setFacts({ tenantId, period: periodKey, forumId }, { cases: want }),
      );
    }
    if (this.deps.deviations) {
      // A day's margin either side of the local dates, then the local day decides.
      const from = new Date(Date.parse(`${period.start}T00:00:00Z`) - 86_400_000);
      const to = new Date(Date.parse(`${period.end}T00:00:00Z`) + 2 * 86_400_000);
      for (const record of await this.deps.deviations.reportedBetween(tenantId, from, to)) {
        const fact = deviationFact(record);
        if (fact.reportedOn >= period.start && fact.reportedOn <= period.end)
          await this.recordDeviation(tenantId, fact);
      }
    }
    if (disagreed.length)
      this.deps.log.warn(
        { period: periodKey, forums: disagreed.length },
        'summary counters repaired',
      );
    return { period: periodKey, forums: forums.length, disagreed };
  }
}

/** A deviation record as summaries count it (codes and local days, no text). */
export function deviationFact(r: DeviationRecord): DeviationFact {
  const day = (at: Date | undefined) => (at ? dayOf(new Date(at)) : undefined);
  return {
    id: r.code,
    forumId: r.forumId ?? null,
    orgs: [...r.concerned],
    category: r.category,
    state: r.state,
    reportedOn: dayOf(new Date(r.reportedAt)),
    answeredOn: day(r.answer?.at),
    closedOn: day(r.closedAt),
    dueOn: day(r.replyDueAt),
  };
}

/**
 * What one deviation adds: once to the totals, and once to each organisation it concerns. It is
 * open to answer (`dueOpen`, overdue after its due day) while reported or being handled, as the
 * deviations capability chases it.
 */
export function deviationCounts(f: DeviationFact): Counts {
  const days = (to: string) => Math.round((Date.parse(to) - Date.parse(f.reportedOn)) / 86_400_000);
  const inc: Counts = {};
  for (const at of ['deviationTotals', ...[...new Set(f.orgs)].map((o) => `deviations.${o}`)]) {
    inc[`${at}.count`] = 1;
    inc[`${at}.category.${f.category}`] = 1;
    inc[`${at}.state.${f.state}`] = 1;
    inc[`${at}.week.${isoWeek(f.reportedOn)}`] = 1;
    if (f.answeredOn) inc[`${at}.answerDays.${days(f.answeredOn)}`] = 1;
    if (f.closedOn) inc[`${at}.closeDays.${days(f.closedOn)}`] = 1;
    if (UNANSWERED_DEVIATION_STATES.includes(f.state) && f.dueOn && safeKey(f.dueOn))
      inc[`${at}.dueOpen.${f.dueOn}`] = 1;
  }
  return inc;
}

export function meetingFact(m: Meeting): MeetingFact {
  const reason = m.reason?.kind;
  return {
    status: m.status,
    date: m.date,
    ...(reason ? { reason: reason === 'override' ? 'chair' : reason } : {}),
  };
}

type CaseCounters = Record<string, Partial<OrgCaseCounts>>;

/** The recount's rows as counters, per forum (zeros left out, as `$inc` leaves them out). */
export function expectedCounts(rows: readonly CaseCountRow[]): Map<string, CaseCounters> {
  const out = new Map<string, CaseCounters>();
  for (const r of rows) {
    if (!safeKey(r.org) || !safeKey(r.key)) continue;
    const forum = out.get(r.forumId) ?? {};
    out.set(r.forumId, forum);
    const c = (forum[r.org] ??= {});
    type Scalar =
      'raised' | 'closed' | 'withdrawn' | 'discussed' | 'closedInPeriod' | 'withdrawnInPeriod';
    const bump = (field: Scalar) => (c[field] = (c[field] ?? 0) + r.n);
    const bumpIn = (
      field: 'age' | 'concern' | 'days' | 'week' | 'month' | 'outcome',
      key = r.key,
    ) => {
      const m = (c[field] ??= {});
      m[key] = (m[key] ?? 0) + r.n;
    };
    switch (r.kind) {
      case 'status':
        bump('raised');
        if (r.key === 'closed' || r.key === 'withdrawn') bump(r.key);
        break;
      case 'ageBand':
        bumpIn('age');
        break;
      case 'concern':
        bumpIn('concern');
        break;
      case 'days':
        bump('discussed');
        bumpIn('days');
        break;
      case 'raisedOn':
        bumpIn('week', isoWeek(r.key));
        bumpIn('month', r.key.slice(0, 7));
        break;
      case 'endedBy':
        if (r.key === 'closed') bump('closedInPeriod');
        if (r.key === 'withdrawn') bump('withdrawnInPeriod');
        break;
      case 'outcome':
        bumpIn('outcome');
        break;
    }
  }
  return out;
}

/** Counters as stored, without zeros and empty maps (what a recount would write). */
export function normalizeCases(cases: Readonly<CounterDoc['cases']>): CaseCounters {
  const out: CaseCounters = {};
  for (const [org, c] of Object.entries(cases ?? {})) {
    const row: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(c)) {
      if (typeof v === 'number') {
        if (v) row[k] = v;
      } else if (v && typeof v === 'object') {
        const m = Object.fromEntries(Object.entries(v as Counts).filter(([, n]) => n));
        if (Object.keys(m).length) row[k] = m;
      }
    }
    if (Object.keys(row).length) out[org] = row;
  }
  return out;
}

/** Deep equality of plain count objects, key order aside. */
const canonical = (v: unknown): unknown =>
  v && typeof v === 'object'
    ? Object.fromEntries(
        Object.entries(v)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([k, x]) => [k, canonical(x)]),
      )
    : v;
const same = (a: unknown, b: unknown): boolean =>
  JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
