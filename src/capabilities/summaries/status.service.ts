import type { Actor } from '../../core/actor';
import type { Clock } from '../../core/clock';
import { authorize } from '../../core/permissions';
import type { OrganisationDirectory } from '../../core/organisations';
import {
  periodOf,
  previousPeriod,
  samePointIn,
  termOf,
  type Period,
  type Terms,
} from '../calendar';
import type { Forum } from '../forums';
import type { Meeting } from '../meetings';
import { figuresOf, soFar, type SoFar } from './summaries.figures';
import type { SummaryCases, SummaryMeetings } from './summaries.ports';
import { today, type Scope, type SummariesService } from './summaries.service';
import type { CounterDoc, Figures } from './summaries.types';
import { parseStatusQuestion, type StatusQuery } from './status.parser';

/** What the bot answers a status question with. */
export type StatusAnswer =
  | { kind: 'unknown'; forums: string[] }
  | {
      kind: 'refused';
      reason:
        'futurePeriod' | 'badPeriod' | 'unknownForum' | 'notYourForum' | 'notYourOrg' | 'noScope';
      forums: string[];
    }
  | {
      kind: 'own';
      cases: { code: string; status: string; forum: string }[];
      meetings: { forum: string; start: Date }[];
    }
  | StatusFigures;

export interface StatusFigures {
  kind: 'figures';
  query: StatusQuery;
  period: Period;
  /** The period is the current one (figures so far). */
  current: boolean;
  forums: Forum[];
  org: string | null;
  figures: Figures;
  previousPeriod: Period;
  previous: Figures;
  /** This period so far against the same point of the previous one. */
  soFar: SoFar;
  soFarBefore: SoFar;
  nextMeetings: { forum: string; start: Date }[];
  openCases: number;
  /** Overdue deviations (answer due before today, not answered) per organisation. */
  overdue: Record<string, number>;
}

export interface StatusDeps {
  summaries: SummariesService;
  cases: SummaryCases;
  meetings: SummaryMeetings;
  clock: Clock;
  calendar: Terms;
  orgs: OrganisationDirectory;
}

/** Terms back from the current one whose still-open cases count as open now. */
const OPEN_CASE_TERMS = 3;

/** Keeps only one organisation's own figures (meetings stay: they belong to the forum). */
function onlyOrg(docs: readonly CounterDoc[], org: string): CounterDoc[] {
  return docs.map((d) => ({
    ...d,
    cases: d.cases?.[org] ? { [org]: d.cases[org] } : {},
    attendance: Object.fromEntries(
      Object.entries(d.attendance ?? {}).map(([k, a]) => [
        k,
        { rev: a.rev, orgs: a.orgs[org] ? { [org]: a.orgs[org] } : {} },
      ]),
    ),
    // For one organisation, the deviations concerning it are the totals.
    deviations: d.deviations?.[org] ? { [org]: d.deviations[org] } : {},
    deviationTotals: d.deviations?.[org] ?? {},
  }));
}

/** Answers status questions, each asker with what they may see. */
export class StatusService {
  constructor(private readonly deps: StatusDeps) {}

  async answer(actor: Actor, text: string): Promise<StatusAnswer> {
    authorize(actor, 'status.ask');
    const now = this.deps.clock.now();
    const day = today(now);
    const scope = await this.deps.summaries.scopeOf(actor);
    const all = await this.deps.summaries.tenantForums(actor.tenantId);
    const names = (forums: readonly Forum[]) => forums.map((f) => f.name);
    const query = parseStatusQuestion(text, {
      today: day,
      calendar: this.deps.calendar,
      forums: all.map((f) => ({ id: f.id, name: f.name })),
      organisations: this.deps.orgs.all(),
    });
    if (query.intent === 'unknown') return { kind: 'unknown', forums: names(scope.forums) };
    if (scope.level === 'staff') return this.ownView(actor, scope);
    const refuse = (
      reason: Extract<StatusAnswer, { kind: 'refused' }>['reason'],
    ): StatusAnswer => ({
      kind: 'refused',
      reason,
      forums: names(scope.forums),
    });
    if (query.badPeriod) return refuse('badPeriod');
    if (query.unknownName && !query.forum && !query.org) return refuse('unknownForum');
    const current = termOf(this.deps.calendar, day);
    const period = query.period ? periodOf(this.deps.calendar, query.period) : current;
    if (!period) return refuse('badPeriod');
    if (period.start > day) return refuse('futurePeriod');
    let forums = scope.forums;
    if (query.forum) {
      forums = scope.forums.filter((f) => f.id === query.forum);
      if (forums.length === 0) return refuse('notYourForum');
    }
    if (query.org && scope.organisations && !scope.organisations.includes(query.org))
      return refuse('notYourOrg');
    if (forums.length === 0) return refuse('noScope');
    return this.figures(actor, query, period, period.key === current.key, forums, scope, day);
  }

  private async figures(
    actor: Actor,
    query: StatusQuery,
    period: Period,
    current: boolean,
    forums: Forum[],
    scope: Scope,
    day: string,
  ): Promise<StatusFigures> {
    const { summaries, calendar } = this.deps;
    const ids = forums.map((f) => f.id);
    const everything = scope.level === 'all' && !query.forum;
    const previous = previousPeriod(calendar, period);
    const cut = (docs: CounterDoc[]) => (query.org ? onlyOrg(docs, query.org) : docs);
    // The open cases: the still-open ones of this term and the terms before it.
    const terms: Period[] = [termOf(calendar, day)];
    while (terms.length < OPEN_CASE_TERMS) terms.push(previousPeriod(calendar, terms.at(-1)!));
    const [now, before, recent, nextMeetings] = await Promise.all([
      summaries.docsFor(actor.tenantId, period, ids, everything),
      summaries.docsFor(actor.tenantId, previous, ids, everything),
      Promise.all(terms.map((t) => summaries.docsFor(actor.tenantId, t, ids, everything))),
      this.nextMeetings(actor.tenantId, forums),
    ]);
    const recentDocs = cut(recent.flatMap((r) => r.docs));
    const recentFigures = figuresOf(recentDocs, { today: day });
    const overdue: Record<string, number> = {};
    for (const doc of recentDocs)
      for (const [org, d] of Object.entries(doc.deviations ?? {}))
        for (const [due, n] of Object.entries(d.dueOpen ?? {}))
          if (due < day && n) overdue[org] = (overdue[org] ?? 0) + n;
    const through = current ? day : period.end;
    return {
      kind: 'figures',
      query,
      period,
      current,
      forums,
      org: query.org,
      figures: figuresOf(cut(now.docs), { today: day }),
      previousPeriod: previous,
      previous: figuresOf(cut(before.docs), { today: day }),
      soFar: soFar(cut(now.docs), through),
      soFarBefore: soFar(cut(before.docs), samePointIn(period, previous, through)),
      nextMeetings,
      openCases: recentFigures.cases.open,
      overdue,
    };
  }

  private async nextMeetings(
    tenantId: string,
    forums: readonly Forum[],
  ): Promise<{ forum: string; start: Date }[]> {
    const lists = await Promise.all(
      forums.map(async (f) =>
        (await this.deps.meetings.upcomingMeetings(tenantId, f.id, 1)).map((m: Meeting) => ({
          forum: f.name,
          start: m.start,
        })),
      ),
    );
    return lists
      .flat()
      .sort((a, b) => a.start.getTime() - b.start.getTime())
      .slice(0, 5);
  }

  /** Staff: their own cases and their forums' next meetings, no figures. */
  private async ownView(actor: Actor, scope: Scope): Promise<StatusAnswer> {
    const mine = await this.deps.cases.myCases(actor);
    const all = await this.deps.summaries.tenantForums(actor.tenantId);
    const theirs = all.filter((f) => actor.organisations.some((o) => f.organisations.includes(o)));
    const byId = new Map(all.map((f) => [f.id, f.name]));
    void scope;
    return {
      kind: 'own',
      cases: mine.slice(0, 10).map(({ record }) => ({
        code: record.code,
        status: record.status,
        forum: byId.get(record.forumId) ?? record.forumId,
      })),
      meetings: await this.nextMeetings(actor.tenantId, theirs),
    };
  }
}
