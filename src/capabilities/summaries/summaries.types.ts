/** Term summaries: the counters kept from events, and the figures compiled from them. */

/** Case counts of one organisation in one period and forum (kept with `$inc` from case events). */
export interface OrgCaseCounts {
  raised: number;
  withdrawn: number;
  closed: number;
  discussed: number;
  /** Closed / withdrawn before the period ended (the rest were carried over). */
  closedInPeriod: number;
  withdrawnInPeriod: number;
  age: Record<string, number>;
  concern: Record<string, number>;
  /** Days from raised to discussed → how many cases. */
  days: Record<string, number>;
  /** ISO week raised (`2026-W37`) → how many (for "the same point of the previous period"). */
  week: Record<string, number>;
  /** Month raised (`2026-09`) → how many. */
  month: Record<string, number>;
  /** Outcome → how many (from `case.outcome`; a correction moves a case between outcomes). */
  outcome: Record<string, number>;
}

/** Deviation counts of one organisation in one period and forum (deltas of each deviation's facts). */
export interface OrgDeviationCounts {
  count: number;
  category: Record<string, number>;
  state: Record<string, number>;
  /** Days from reported to answered / closed → how many. */
  answerDays: Record<string, number>;
  closeDays: Record<string, number>;
  /** Answer due date → how many not answered and not closed (overdue = those due before today). */
  dueOpen: Record<string, number>;
  /** ISO week reported → how many. */
  week: Record<string, number>;
}

/** A meeting as summaries see it (set from the meetings module's state, idempotently). */
export interface MeetingFact {
  status: 'scheduled' | 'skipped' | 'moved' | 'cancelled';
  /** Local date it takes place (or would have). */
  date: string;
  /** Why it was skipped, cancelled or moved: a kind, never the chair's text. */
  reason?: 'holiday' | 'break' | 'outsideTerm' | 'scheduleChanged' | 'chair' | undefined;
}

/** The attendance a chair recorded in a meeting's minutes (the latest revision wins). */
export interface AttendanceFact {
  rev: number;
  orgs: Record<string, 'present' | 'absent' | 'excused'>;
}

/** The deviations capability's states (reported → handling → answered → closed, or escalated → followedUp). */
export const DEVIATION_STATES = [
  'reported',
  'handling',
  'answered',
  'escalated',
  'followedUp',
  'closed',
] as const;
export type DeviationState = (typeof DEVIATION_STATES)[number];
/** Waiting for the written answer (chased by the deviations capability): these can be overdue. */
export const UNANSWERED_DEVIATION_STATES: readonly DeviationState[] = ['reported', 'handling'];

/**
 * A deviation as summaries count it: set (not incremented) on every event about it, so a state
 * change simply replaces it. Dates are local days. `dueOn` is the day the answer is due. It
 * counts once in the totals and once under each organisation it concerns (`orgs`).
 */
export interface DeviationFact {
  id: string;
  forumId: string | null;
  /** The organisations it concerns (those that answer it). */
  orgs: string[];
  category: string;
  state: DeviationState;
  reportedOn: string;
  answeredOn?: string | undefined;
  closedOn?: string | undefined;
  dueOn?: string | undefined;
}

/**
 * The counters of one period and forum: `_id` = `<tenant>:<period>:<forum>` (`_` for what
 * belongs to no forum), read by `_id` only, and kept small (FerretDB v1 reads slow down with the
 * collection's size, `_id` lookups included). Cases and deviations are counts per organisation;
 * meetings and attendance are the forum's few meetings of the period, set whole.
 */
export interface CounterDoc {
  _id: string;
  tenantId: string;
  period: string;
  forumId: string;
  cases?: Record<string, Partial<OrgCaseCounts>>;
  /** Per organisation concerned (a deviation concerning two organisations counts under both). */
  deviations?: Record<string, Partial<OrgDeviationCounts>>;
  /** Every deviation once: the source of the deviation figures but `byOrg`. */
  deviationTotals?: Partial<OrgDeviationCounts>;
  /** original date → the meeting. */
  meetings?: Record<string, MeetingFact>;
  /** original date → the minutes' attendance. */
  attendance?: Record<string, AttendanceFact>;
}

export type Counts = Record<string, number>;

/** The figures of one period and scope. */
export interface Figures {
  meetings: {
    planned: number;
    held: number;
    cancelled: number;
    moved: number;
    skipped: number;
    /** Cancelled or skipped, by reason kind. */
    reasons: Counts;
  };
  /** Per organisation: meetings with minutes where it was present / absent / excused. */
  attendance: Record<
    string,
    { present: number; absent: number; excused: number; rate: number | null }
  >;
  cases: {
    raised: number;
    open: number;
    discussed: number;
    closed: number;
    withdrawn: number;
    /** Raised in the period and still open when it ended. */
    carriedOver: number;
    byOrg: Counts;
    byAgeBand: Counts;
    byConcern: Counts;
    byOutcome: Counts;
    /** Raised per month (`2026-09`). */
    byMonth: Counts;
    medianDaysToDiscussed: number | null;
    p90DaysToDiscussed: number | null;
  };
  deviations: {
    reported: number;
    open: number;
    overdue: number;
    byCategory: Counts;
    /** Per organisation concerned: one deviation concerning two organisations counts under both. */
    byOrg: Counts;
    byState: Counts;
    medianDaysToAnswer: number | null;
    medianDaysToClose: number | null;
  };
}

/** A stored term summary: one per tenant, period and scope, recomputed idempotently. */
export interface TermSummary {
  tenantId: string;
  period: string;
  /** `all`, or `forum:<id>`, or `forums:<id>,<id>` (a manager's or chair's forums). */
  scope: string;
  forumIds: string[];
  compiledAt: Date;
  /** What it was compiled from: counters read by _id, or a recount in the database. */
  source: 'counters' | 'recount';
  /** The counters' documents it read (their _ids). */
  from: string[];
  figures: Figures;
  previousPeriod: string;
  previous: Figures;
  /** Each numeric figure's change against the previous period of the same kind. */
  changes: FigureChange[];
}

/** One figure (by path, e.g. `cases.byOrg.school`) now, in the previous period, and the change. */
export interface FigureChange {
  figure: string;
  now: number;
  before: number;
  change: number;
}
