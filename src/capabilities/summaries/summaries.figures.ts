// Figures from counter documents. Pure: the same documents and day give the same figures.
import { DateTime } from 'luxon';
import type {
  Counts,
  CounterDoc,
  FigureChange,
  Figures,
  OrgCaseCounts,
  OrgDeviationCounts,
} from './summaries.types';

const add = (into: Counts, key: string, n = 1): void => {
  if (n) into[key] = (into[key] ?? 0) + n;
};
const sumInto = (into: Counts, from: Readonly<Counts> | undefined): void => {
  for (const [k, v] of Object.entries(from ?? {})) add(into, k, v);
};

/** The value at a quantile of a histogram (value → count): nearest rank; the median averages the two middle values. */
export function quantile(histogram: Readonly<Counts>, q: number): number | null {
  const values = Object.entries(histogram)
    .flatMap(([v, n]) => Array<number>(n).fill(Number(v)))
    .sort((a, b) => a - b);
  if (values.length === 0) return null;
  if (q === 0.5) {
    const lo = values[Math.floor((values.length - 1) / 2)]!;
    const hi = values[Math.ceil((values.length - 1) / 2)]!;
    return (lo + hi) / 2;
  }
  return values[Math.max(0, Math.ceil(q * values.length) - 1)]!;
}

export interface FigureOptions {
  /** Today (local): meetings before it that take place count as held; deviations past due are overdue. */
  today: string;
}

/** Adds up the counters of the documents (several forums, or several months of one). */
export function figuresOf(docs: readonly CounterDoc[], { today }: FigureOptions): Figures {
  const f: Figures = {
    meetings: { planned: 0, held: 0, cancelled: 0, moved: 0, skipped: 0, reasons: {} },
    attendance: {},
    cases: {
      raised: 0,
      open: 0,
      discussed: 0,
      closed: 0,
      withdrawn: 0,
      carriedOver: 0,
      byOrg: {},
      byAgeBand: {},
      byConcern: {},
      byOutcome: {},
      byMonth: {},
      medianDaysToDiscussed: null,
      p90DaysToDiscussed: null,
    },
    deviations: {
      reported: 0,
      open: 0,
      overdue: 0,
      byCategory: {},
      byOrg: {},
      byState: {},
      medianDaysToAnswer: null,
      medianDaysToClose: null,
    },
  };
  const discussedDays: Counts = {};
  const answerDays: Counts = {};
  const closeDays: Counts = {};
  for (const doc of docs) {
    const minutes = doc.attendance ?? {};
    for (const [original, m] of Object.entries(doc.meetings ?? {})) {
      if (m.status === 'skipped') {
        f.meetings.skipped++;
        add(f.meetings.reasons, m.reason ?? 'holiday');
        continue;
      }
      f.meetings.planned++;
      if (m.status === 'cancelled') {
        f.meetings.cancelled++;
        add(f.meetings.reasons, m.reason ?? 'chair');
        continue;
      }
      if (m.status === 'moved') f.meetings.moved++;
      if (m.date < today || minutes[original]) f.meetings.held++;
    }
    for (const a of Object.values(minutes)) {
      for (const [org, state] of Object.entries(a.orgs)) {
        const row = (f.attendance[org] ??= { present: 0, absent: 0, excused: 0, rate: null });
        row[state]++;
      }
    }
    for (const [org, c] of Object.entries<Partial<OrgCaseCounts>>(doc.cases ?? {})) {
      const raised = c.raised ?? 0;
      f.cases.raised += raised;
      add(f.cases.byOrg, org, raised);
      f.cases.discussed += c.discussed ?? 0;
      f.cases.closed += c.closed ?? 0;
      f.cases.withdrawn += c.withdrawn ?? 0;
      f.cases.open += raised - (c.closed ?? 0) - (c.withdrawn ?? 0);
      f.cases.carriedOver += raised - (c.closedInPeriod ?? 0) - (c.withdrawnInPeriod ?? 0);
      sumInto(f.cases.byAgeBand, c.age);
      sumInto(f.cases.byConcern, c.concern);
      sumInto(f.cases.byOutcome, c.outcome);
      sumInto(f.cases.byMonth, c.month);
      sumInto(discussedDays, c.days);
    }
    for (const [org, d] of Object.entries<Partial<OrgDeviationCounts>>(doc.deviations ?? {}))
      add(f.deviations.byOrg, org, d.count ?? 0);
    const d: Partial<OrgDeviationCounts> = doc.deviationTotals ?? {};
    const count = d.count ?? 0;
    f.deviations.reported += count;
    sumInto(f.deviations.byCategory, d.category);
    sumInto(f.deviations.byState, d.state);
    f.deviations.open += count - (d.state?.closed ?? 0);
    for (const [due, n] of Object.entries(d.dueOpen ?? {}))
      if (due < today) f.deviations.overdue += n;
    sumInto(answerDays, d.answerDays);
    sumInto(closeDays, d.closeDays);
  }
  for (const row of Object.values(f.attendance)) {
    const all = row.present + row.absent + row.excused;
    row.rate = all ? Math.round((1000 * row.present) / all) / 1000 : null;
  }
  f.cases.medianDaysToDiscussed = quantile(discussedDays, 0.5);
  f.cases.p90DaysToDiscussed = quantile(discussedDays, 0.9);
  f.deviations.medianDaysToAnswer = quantile(answerDays, 0.5);
  f.deviations.medianDaysToClose = quantile(closeDays, 0.5);
  return f;
}

/** What "so far" compares: figures up to a day of the period (inclusive). */
export interface SoFar {
  casesRaised: number;
  meetingsHeld: number;
  meetingsCancelled: number;
  deviationsReported: number;
}

export function soFar(docs: readonly CounterDoc[], through: string): SoFar {
  const s: SoFar = { casesRaised: 0, meetingsHeld: 0, meetingsCancelled: 0, deviationsReported: 0 };
  const week = isoWeek(through);
  for (const doc of docs) {
    for (const m of Object.values(doc.meetings ?? {})) {
      if (m.date > through) continue;
      if (m.status === 'cancelled') s.meetingsCancelled++;
      else if (m.status !== 'skipped') s.meetingsHeld++;
    }
    for (const c of Object.values(doc.cases ?? {}))
      for (const [w, n] of Object.entries(c.week ?? {})) if (w <= week) s.casesRaised += n;
    for (const [w, n] of Object.entries(doc.deviationTotals?.week ?? {}))
      if (w <= week) s.deviationsReported += n;
  }
  return s;
}

/** `2026-W37`: the ISO week of a local date (weeks compare as strings). */
export const isoWeek = (date: string): string =>
  DateTime.fromISO(date, { zone: 'utc' }).toFormat("kkkk-'W'WW");

/** Every numeric figure by path (`cases.byOrg.school`), for changes and exports. */
export function flatten(figures: Figures): Record<string, number> {
  const out: Record<string, number> = {};
  const walk = (v: unknown, path: string): void => {
    if (typeof v === 'number') out[path] = v;
    else if (v && typeof v === 'object')
      for (const [k, x] of Object.entries(v)) walk(x, path ? `${path}.${k}` : k);
  };
  walk(figures, '');
  return out;
}

/** Each figure against the previous period (a figure missing there counts as 0). */
export function changesOf(now: Figures, before: Figures): FigureChange[] {
  const a = flatten(now);
  const b = flatten(before);
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].sort().map((figure) => {
    const n = a[figure] ?? 0;
    const p = b[figure] ?? 0;
    return { figure, now: n, before: p, change: Math.round((n - p) * 1000) / 1000 };
  });
}
