import { randomBytes } from 'node:crypto';
import type { Actor } from '../../core/actor';
import { hasRole } from '../../core/actor';
import { auditEntry, type AuditLog } from '../../core/audit';
import type { Clock } from '../../core/clock';
import type { Download, DownloadLinks } from '../../core/downloads';
import { AppError } from '../../core/errors';
import type { Logger } from '../../core/logger';
import type { Outbox } from '../../core/outbox';
import { authorize, isAllowed } from '../../core/permissions';
import type { Locale, Translate } from '../../i18n/i18n';
import {
  instantToLocalDate,
  periodOf,
  previousPeriod,
  schoolTerm,
  wholeMonths,
  type Period,
  type Terms,
} from '../calendar';
import { isChairOf, takesPartIn, type Forum } from '../forums';
import {
  expectedCounts,
  NO_FORUM,
  SUMMARY_ZONE,
  type SummariesCounting,
} from './summaries.counting';
import {
  caseRows,
  CASE_COLUMNS,
  figureRows,
  FIGURE_COLUMNS,
  toCsv,
  toXlsx,
} from './summaries.export';
import { changesOf, figuresOf } from './summaries.figures';
import type {
  SummaryCases,
  SummaryPersonalChat,
  SummaryForums,
  SummaryPeople,
} from './summaries.ports';
import { counterId, type MongoSummariesRepository } from './summaries.repository';
import type { CounterDoc, TermSummary } from './summaries.types';
import type { AdaptiveCardJson } from '../../cards/render';

/** How long an export's link works. */
export const EXPORT_TTL_MS = 15 * 60_000;
/** A term that ended longer ago than this is not delivered any more (e.g. on first start). */
const DELIVER_WITHIN_DAYS = 14;

export interface SummariesDeps {
  repo: MongoSummariesRepository;
  counting: SummariesCounting;
  cases: SummaryCases;
  forums: SummaryForums;
  people: SummaryPeople;
  personalChat: SummaryPersonalChat;
  outbox: Outbox;
  audit: AuditLog;
  clock: Clock;
  log: Logger;
  calendar: Terms;
  t: (locale: Locale) => Translate;
  /** Signed, expiring links bound to the manager who asked (the kernel's downloads). */
  links: DownloadLinks;
  /** Renders the term summary card for one reader (summaries.cards.ts). */
  card: (
    summary: TermSummary,
    forums: readonly Forum[],
    t: Translate,
    locale: Locale,
  ) => AdaptiveCardJson;
}

/** Who sees which forums' figures. */
export interface Scope {
  level: 'all' | 'manager' | 'chair' | 'staff';
  forums: Forum[];
  /** Organisations whose own figures the actor may ask for; null = every organisation. */
  organisations: readonly string[] | null;
}

export const today = (now: Date): string => instantToLocalDate(now, SUMMARY_ZONE);

/** `all`, or `forum:<id>`, or `forums:<id>,<id>`: the key of a stored summary's scope. */
export function scopeKey(forumIds: readonly string[], allForumIds: readonly string[]): string {
  const ids = [...forumIds].sort();
  if (ids.length === allForumIds.length && ids.every((id) => allForumIds.includes(id)))
    return 'all';
  return ids.length === 1 ? `forum:${ids[0]}` : `forums:${ids.join(',')}`;
}

export class SummariesService {
  constructor(private readonly deps: SummariesDeps) {}

  async tenantForums(tenantId: string): Promise<Forum[]> {
    return (await this.deps.forums.allForums())
      .filter((f) => f.tenantId === tenantId)
      .sort((a, b) => a.name.localeCompare(b.name, 'sv'));
  }

  /**
   * The forums whose figures the actor may see: admins every forum; managers the forums their
   * organisations take part in; chairs the forums they chair; staff none (their own view only).
   */
  async scopeOf(actor: Actor): Promise<Scope> {
    const forums = await this.tenantForums(actor.tenantId);
    if (hasRole(actor, 'admin')) return { level: 'all', forums, organisations: null };
    const mine = new Map<string, Forum>();
    let level: Scope['level'] = 'staff';
    if (hasRole(actor, 'manager')) {
      level = 'manager';
      for (const f of forums)
        if (actor.organisations.some((o) => takesPartIn(o, f))) mine.set(f.id, f);
    }
    if (hasRole(actor, 'chair')) {
      if (level === 'staff') level = 'chair';
      for (const f of forums) if (isChairOf(actor, f)) mine.set(f.id, f);
    }
    return { level, forums: [...mine.values()], organisations: actor.organisations };
  }

  /** The counter documents of a period for these forums (and what belongs to no forum, for `all`). */
  async docsFor(
    tenantId: string,
    period: Period,
    forumIds: readonly string[],
    withNoForum: boolean,
  ): Promise<{ docs: CounterDoc[]; source: TermSummary['source']; from: string[] }> {
    const forums = withNoForum ? [...forumIds, NO_FORUM] : [...forumIds];
    const months = period.kind === 'range' ? wholeMonths(period) : [period.key];
    if (months) {
      const ids = months.flatMap((m) => forums.map((f) => counterId(tenantId, m, f)));
      return { docs: await this.deps.repo.read(ids), source: 'counters', from: ids };
    }
    // A range that cuts months: the months it touches, facts cut to its dates, and the cases
    // recounted in the database by the day they were raised.
    const touched: string[] = [];
    for (let m = period.start.slice(0, 7); m <= period.end.slice(0, 7); m = nextMonth(m))
      touched.push(m);
    const ids = touched.flatMap((m) => forums.map((f) => counterId(tenantId, m, f)));
    const inRange = (d: string) => d >= period.start && d <= period.end;
    // Deviations are counted per month here: a range that cuts a month counts that month's whole.
    const docs: CounterDoc[] = (await this.deps.repo.read(ids)).map((d) => ({
      ...d,
      cases: {},
      meetings: Object.fromEntries(
        Object.entries(d.meetings ?? {}).filter(([, m]) => inRange(m.date)),
      ),
      attendance: Object.fromEntries(
        Object.entries(d.attendance ?? {}).filter(([k]) => inRange(d.meetings?.[k]?.date ?? k)),
      ),
    }));
    const rows = await this.deps.cases.countCases(tenantId, { from: period.start, to: period.end });
    for (const [forumId, cases] of expectedCounts(rows)) {
      if (!forumIds.includes(forumId)) continue;
      docs.push({ _id: `recount:${forumId}`, tenantId, period: period.key, forumId, cases });
    }
    return { docs, source: 'recount', from: ids };
  }

  /** Compiles and stores the summary of one period and scope (the same input gives the same summary). */
  async compile(
    tenantId: string,
    periodKey: string,
    forumIds: readonly string[],
    now: Date,
  ): Promise<TermSummary> {
    const all = (await this.tenantForums(tenantId)).map((f) => f.id);
    const [summary] = await this.compileScopes(tenantId, periodKey, [forumIds], all, now);
    return summary!;
  }

  /**
   * The summaries of a period for every forum and for all of them, from one read of the
   * counters (what the term-end job stores).
   */
  async compileAll(tenantId: string, periodKey: string, now: Date): Promise<TermSummary[]> {
    const all = (await this.tenantForums(tenantId)).map((f) => f.id);
    return this.compileScopes(tenantId, periodKey, [all, ...all.map((id) => [id])], all, now);
  }

  private async compileScopes(
    tenantId: string,
    periodKey: string,
    scopes: readonly (readonly string[])[],
    all: readonly string[],
    now: Date,
  ): Promise<TermSummary[]> {
    const period = periodOf(this.deps.calendar, periodKey);
    if (!period) throw new AppError('invalidInput', { field: 'period' });
    const previous = previousPeriod(this.deps.calendar, period);
    const everything = scopes.some((ids) => scopeKey(ids, all) === 'all');
    const wanted = [...new Set(scopes.flat())];
    const [current, before] = await Promise.all([
      this.docsFor(tenantId, period, wanted, everything),
      this.docsFor(tenantId, previous, wanted, everything),
    ]);
    const day = today(now);
    const out: TermSummary[] = [];
    for (const forumIds of scopes) {
      const scope = scopeKey(forumIds, all);
      const take = (docs: readonly CounterDoc[]) =>
        docs.filter(
          (d) => forumIds.includes(d.forumId) || (scope === 'all' && d.forumId === NO_FORUM),
        );
      const figures = figuresOf(take(current.docs), { today: day });
      const previousFigures = figuresOf(take(before.docs), { today: day });
      const summary: TermSummary = {
        tenantId,
        period: period.key,
        scope,
        forumIds: [...forumIds].sort(),
        compiledAt: now,
        source: current.source,
        from: take(current.docs).map((d) => d._id),
        figures,
        previousPeriod: previous.key,
        previous: previousFigures,
        changes: changesOf(figures, previousFigures),
      };
      await this.deps.repo.saveSummary(summary);
      out.push(summary);
    }
    return out;
  }

  /** A manager (or admin, or chair for their forums) asks for a period's summary. */
  async summaryFor(
    actor: Actor,
    periodKey: string,
    forumId?: string,
  ): Promise<{ summary: TermSummary; forums: Forum[] }> {
    authorize(actor, 'summaries.view');
    const period = periodOf(this.deps.calendar, periodKey);
    if (!period) throw new AppError('invalidInput', { field: 'period' });
    const now = this.deps.clock.now();
    if (period.start > today(now)) throw new AppError('invalidInput', { field: 'period' });
    const scope = await this.scopeOf(actor);
    const forums = forumId ? scope.forums.filter((f) => f.id === forumId) : scope.forums;
    // No forum in the asker's scope (or not this one): nothing to show, and nothing said about it.
    if (forums.length === 0) throw new AppError('notFound');
    const summary = await this.compile(
      actor.tenantId,
      period.key,
      forums.map((f) => f.id),
      now,
    );
    return { summary, forums };
  }

  /**
   * Prepares the exports of a summary: figures (CSV), coded cases (CSV), both (XLSX), each under
   * a random 128-bit id that works for 15 minutes, for this user. Audited with counts only.
   */
  async createExports(
    actor: Actor,
    periodKey: string,
    forumId: string | undefined,
    t: Translate,
  ): Promise<{ figuresCsv: string; casesCsv: string; xlsx: string; count: number }> {
    authorize(actor, 'summaries.export');
    const { summary, forums } = await this.summaryFor(actor, periodKey, forumId);
    const period = periodOf(this.deps.calendar, summary.period)!;
    const visible = new Set(forums.map((f) => f.id));
    const coded = (
      await this.deps.cases.codedCases(
        actor.tenantId,
        period.kind === 'range'
          ? { from: period.start, to: period.end }
          : { period: period.key, endBy: period.end },
      )
    ).filter((c) => visible.has(c.forumId));
    const figureHeader = FIGURE_COLUMNS.map((c) => t(`summaries.export.${c}`));
    const caseHeader = CASE_COLUMNS.map((c) => t(`summaries.export.case.${c}`));
    const figures = figureRows(summary);
    const cases = caseRows(coded);
    const xlsx = await toXlsx([
      { name: t('summaries.export.figuresSheet'), header: figureHeader, rows: figures },
      { name: t('summaries.export.casesSheet'), header: caseHeader, rows: cases },
    ]);
    const now = this.deps.clock.now();
    const base = `sammanfattning-${summary.period}-${summary.scope.replace(/[^A-Za-z0-9-]+/g, '_')}`;
    const put = async (
      filename: string,
      contentType: string,
      body: string,
      encoding: 'utf8' | 'base64',
    ) => {
      const id = randomBytes(16).toString('hex');
      const expiresAt = new Date(now.getTime() + EXPORT_TTL_MS);
      await this.deps.repo.insertExport({
        _id: id,
        tenantId: actor.tenantId,
        actorId: actor.aadObjectId ?? '',
        createdAt: now,
        expiresAt,
        filename,
        contentType,
        body,
        encoding,
      });
      // The link names the file, the manager it was made for and its expiry, signed.
      return this.deps.links.link(
        'summary',
        id,
        { tenantId: actor.tenantId, userId: actor.aadObjectId ?? '' },
        expiresAt,
      );
    };
    const result = {
      figuresCsv: await put(
        `${base}-nyckeltal.csv`,
        'text/csv; charset=utf-8',
        toCsv(figureHeader, figures),
        'utf8',
      ),
      casesCsv: await put(
        `${base}-arenden.csv`,
        'text/csv; charset=utf-8',
        toCsv(caseHeader, cases),
        'utf8',
      ),
      xlsx: await put(
        `${base}.xlsx`,
        'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        xlsx.toString('base64'),
        'base64',
      ),
      count: cases.length,
    };
    await this.deps.audit.record(
      auditEntry(actor, now, 'summary.export', `${summary.period}:${summary.scope}`, {
        cases: cases.length,
        figures: figures.length,
      }),
    );
    return result;
  }

  /**
   * The file behind an export id while it is live, for the manager it was made for only (the
   * signed link names them; the kernel has checked the signature, the expiry and that they still
   * hold `summaries.export`).
   */
  async download(id: string, now: Date, requester: string): Promise<Download | null> {
    const doc = await this.deps.repo.findLiveExport(id, now);
    if (!doc || doc.actorId !== requester) return null;
    return {
      filename: doc.filename,
      contentType: doc.contentType,
      body: doc.body,
      ...(doc.encoding === 'base64' ? { encoding: 'base64' } : {}),
    };
  }

  async sweep(now: Date): Promise<number> {
    return this.deps.repo.deleteExpiredExports(now);
  }

  /**
   * The scheduler's job: when a school term has ended (within the last two weeks), each tenant's
   * counters are checked against a recount in the database (and repaired), the summary is
   * compiled for every forum and for all, and each manager gets it in personal chat, for the
   * forums their organisations take part in. Once per tenant and term; a pass that dies midway is
   * redone by the next (every step is idempotent, messages have deterministic ids).
   */
  async runTermEnd(now: Date): Promise<{ compiled: number; delivered: number }> {
    const day = today(now);
    const year = Number(day.slice(0, 4));
    const ended = [
      schoolTerm(this.deps.calendar, 'HT', year - 1),
      schoolTerm(this.deps.calendar, 'VT', year),
      schoolTerm(this.deps.calendar, 'HT', year),
    ]
      .filter((t) => t.end < day)
      .sort((a, b) => b.end.localeCompare(a.end))[0];
    if (!ended) return { compiled: 0, delivered: 0 };
    const sinceEnd = (Date.parse(day) - Date.parse(ended.end)) / 86_400_000;
    if (sinceEnd > DELIVER_WITHIN_DAYS) return { compiled: 0, delivered: 0 };
    const term = `${ended.kind}${ended.year}`;
    const tenants = [
      ...new Set((await this.deps.forums.allForums()).map((f) => f.tenantId)),
    ].sort();
    let compiled = 0;
    let delivered = 0;
    for (const tenantId of tenants) {
      const run = `${tenantId}:${term}`;
      if (await this.deps.repo.runDone(run)) continue;
      const forums = await this.tenantForums(tenantId);
      const ids = forums.map((f) => f.id);
      await this.deps.counting.recount(tenantId, term, ids);
      await this.compileAll(tenantId, term, now);
      compiled++;
      for (const manager of await this.deps.people.roleHolders(tenantId, 'manager')) {
        const theirs = forums.filter((f) => manager.organisations.some((o) => takesPartIn(o, f)));
        if (theirs.length === 0) continue;
        // Their own chat, or one opened for them from a bound forum's roster.
        const chat = await this.deps.personalChat(tenantId, manager.aadObjectId);
        if (!chat) continue;
        const summary = await this.compile(
          tenantId,
          term,
          theirs.map((f) => f.id),
          now,
        );
        const t = this.deps.t(manager.locale);
        const outcome = await this.deps.outbox.enqueue({
          id: `summary.term:${tenantId}:${term}:${manager.aadObjectId}`,
          tenantId,
          conversationId: chat,
          kind: 'summary.term',
          payload: { card: this.deps.card(summary, theirs, t, manager.locale) },
          notBefore: now,
          refs: { period: term },
        });
        if (outcome === 'created') delivered++;
      }
      await this.deps.repo.markRunDone(run, now);
    }
    return { compiled, delivered };
  }

  canSeeFigures(actor: Actor): boolean {
    return isAllowed(actor, 'summaries.view');
  }
}

/** `2026-12` → `2027-01`. */
const nextMonth = (month: string): string => {
  const [y, m] = [Number(month.slice(0, 4)), Number(month.slice(5, 7))];
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
};
