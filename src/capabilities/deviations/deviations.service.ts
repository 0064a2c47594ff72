import type { Actor } from '../../core/actor';
import { hasRole, type Role } from '../../core/actor';
import type { AgendaFollowUpItem } from '../../core/agenda';
import type { Clock } from '../../core/clock';
import { AppError } from '../../core/errors';
import type { OrganisationDirectory } from '../../core/organisations';
import { authorize } from '../../core/permissions';
import type { UnitOfWork } from '../../core/unit-of-work';
import {
  IdentifyingCombinationWarning,
  IdentifyingTextError,
  requireAnonymous,
  reviewFields,
  type AnonymityGate,
} from '../anonymity';
import {
  instantToLocalDate,
  isValidLocalDate,
  reportingTermFor,
  termLabel,
  type MunicipalityCalendarConfig,
} from '../calendar';
import { isChairOf, type Forum } from '../forums';
import type { DeviationsConfig } from './deviations.config';
import type {
  DeviationForums,
  DeviationPeople,
  DeviationTombstone,
  DeviationsRepository,
} from './deviations.ports';
import { applyTransition, insertWithCode } from './deviations.records';
import type {
  AnswerInput,
  DeviationAnonymityConfirmation,
  DeviationInput,
  DeviationRecord,
  DeviationState,
  ReportTextField,
} from './deviations.types';
import {
  CLOSABLE_STATES,
  ESCALATABLE_STATES,
  OPEN_STATES,
  REPORT_TEXT_FIELDS,
  UNANSWERED_STATES,
} from './deviations.types';

export interface DeviationsServiceDeps {
  repo: DeviationsRepository;
  forums: DeviationForums;
  people: Pick<DeviationPeople, 'managersOf'>;
  units: UnitOfWork;
  clock: Clock;
  config: DeviationsConfig;
  calendar: Pick<MunicipalityCalendarConfig, 'terms'>;
  gate: AnonymityGate;
  orgs: OrganisationDirectory;
}

export interface FormOptions {
  /** The actor's own organisations (the reporting organisation is one of them). */
  organisations: string[];
  /** The tenant's forums, by name (the forum a deviation may concern). */
  forums: Forum[];
}

/** What the actor may do with one deviation. */
export interface Access {
  take: boolean;
  answer: boolean;
  escalate: boolean;
  close: boolean;
}

export interface DeviationView {
  record: DeviationRecord;
  access: Access;
  /** Steering forums it may be escalated to (when `access.escalate`). */
  escalationForums: Forum[];
  forumNames: Readonly<Record<string, string>>;
}

export interface ListFilters {
  category?: string | undefined;
  forumId?: string | undefined;
  olderThanDays?: number | undefined;
  overdue?: boolean | undefined;
}

export interface DeviationLists {
  /** Open deviations of the organisations the actor manages (filtered); null: not a manager. */
  managed: DeviationRecord[] | null;
  /** The actor's own reports, newest first. */
  mine: DeviationRecord[];
  /** Escalated to a forum the actor chairs; null: chairs none. */
  escalated: DeviationRecord[] | null;
  /** Admins: open deviations with no manager in any organisation concerned; null: not an admin. */
  unrouted: DeviationRecord[] | null;
  forumNames: Readonly<Record<string, string>>;
  /** Forums offered by the filter. */
  forums: Forum[];
  filters: ListFilters;
  now: Date;
}

const DAY = 24 * 60 * 60 * 1000;

/** The rules of deviations: who reports, who handles, how they move on, what is kept. */
export class DeviationsService {
  readonly config: DeviationsConfig;

  constructor(private readonly deps: DeviationsServiceDeps) {
    this.config = deps.config;
  }

  async formOptions(actor: Actor): Promise<FormOptions> {
    authorize(actor, 'deviations.report');
    return { organisations: [...actor.organisations], forums: await this.forumsOf(actor.tenantId) };
  }

  /**
   * Reports a deviation. Codes (category, organisations, forum) must be known, the reporting
   * organisation the actor's own, the date not in the future nor more than a year back; every
   * free-text field passes the anonymity gate (an identifying combination holds the report until
   * the reporter confirms). Nothing is stored unless all of that holds.
   */
  async report(
    actor: Actor,
    input: DeviationInput,
    operationId?: string,
  ): Promise<DeviationRecord> {
    authorize(actor, 'deviations.report');
    if (!actor.aadObjectId) throw new AppError('forbidden', { needs: 'aadObjectId' });
    const { clock, config, orgs } = this.deps;
    const now = clock.now();
    const today = instantToLocalDate(now, config.timeZone);
    if (!isValidLocalDate(input.occurredOn))
      throw new AppError('invalidInput', { field: 'occurredOn', reason: 'date' });
    if (input.occurredOn > today)
      throw new AppError('invalidInput', { field: 'occurredOn', reason: 'future' });
    if (input.occurredOn < `${Number(today.slice(0, 4)) - 1}${today.slice(4)}`)
      throw new AppError('invalidInput', { field: 'occurredOn', reason: 'tooOld' });
    if (!actor.organisations.includes(input.reportingOrganisation))
      throw new AppError('invalidInput', { field: 'reportingOrganisation' });
    const known = new Set(orgs.codes());
    if (input.concerned.length === 0 || input.concerned.some((o) => !known.has(o)))
      throw new AppError('invalidInput', { field: 'concerned' });
    if (!config.categories.some((c) => c.code === input.category))
      throw new AppError('invalidInput', { field: 'category' });
    if (input.forumId && !(await this.deps.forums.getForum(actor.tenantId, input.forumId)))
      throw new AppError('invalidInput', { field: 'forumId' });

    const review = reviewFields(this.deps.gate, {
      description: input.description,
      consequence: input.consequence,
      immediateAction: input.immediateAction,
    });
    if (review.findings.length > 0)
      throw new IdentifyingTextError(review.findings, review.warnings);
    if (review.warnings.length > 0 && !input.confirmAnonymous)
      throw new IdentifyingCombinationWarning(review.warnings);
    const anonymityConfirmation: DeviationAnonymityConfirmation | undefined =
      review.warnings.length > 0
        ? {
            by: actor.aadObjectId,
            at: now,
            fields: REPORT_TEXT_FIELDS.filter((f: ReportTextField) =>
              review.warnings.some((w) => w.field === f),
            ),
            signals: [...new Set(review.warnings.flatMap((w) => w.signals))],
          }
        : undefined;

    const term = reportingTermFor(this.deps.calendar, today);
    const base: Omit<DeviationRecord, 'code' | 'sequence'> = {
      tenantId: actor.tenantId,
      year: Number(today.slice(0, 4)),
      occurredOn: input.occurredOn,
      concerned: [...new Set(input.concerned)].sort(),
      reportingOrganisation: input.reportingOrganisation,
      ...(input.forumId ? { forumId: input.forumId } : {}),
      category: input.category,
      description: input.description,
      consequence: input.consequence,
      immediateAction: input.immediateAction,
      solvedLocally: input.solvedLocally,
      ...(anonymityConfirmation ? { anonymityConfirmation } : {}),
      reportedBy: actor.aadObjectId,
      reportedAt: now,
      ...(term ? { term: termLabel(term) } : {}),
      replyDueAt: new Date(now.getTime() + config.replyDays * DAY),
      state: 'reported',
      history: [{ at: now, by: actor.aadObjectId, action: 'reported', to: 'reported' }],
      version: 1,
      createdAt: now,
      updatedAt: now,
    };
    return insertWithCode(this.deps, actor, base, {
      operationId,
      auditDetail: {
        solvedLocally: input.solvedLocally,
        ...(input.forumId ? { forumId: input.forumId } : {}),
        ...(anonymityConfirmation
          ? { warningConfirmed: true, warningSignals: anonymityConfirmation.signals.join(',') }
          : {}),
      },
    });
  }

  /** The receipt of a deviation the actor reported (a repeated submission gets it again). */
  async receipt(actor: Actor, code: string): Promise<DeviationRecord> {
    authorize(actor, 'deviations.report');
    const record = await this.require(actor, code);
    if (record.reportedBy !== actor.aadObjectId)
      throw new AppError('forbidden', { needs: 'reporter' });
    return record;
  }

  /**
   * One deviation, for those involved: the reporter, managers of an organisation it concerns,
   * chairs of the forum it was escalated to, admins. Anyone else is refused.
   */
  async view(actor: Actor, code: string): Promise<DeviationView> {
    authorize(actor, 'deviations.report');
    const record = await this.require(actor, code);
    const handler = this.mayHandle(actor, record);
    const escalatedForum = record.escalatedTo
      ? await this.deps.forums.getForum(actor.tenantId, record.escalatedTo)
      : null;
    const involved =
      handler ||
      record.reportedBy === actor.aadObjectId ||
      (!!escalatedForum && isChairOf(actor, escalatedForum));
    if (!involved) throw new AppError('forbidden', { needs: 'involved' });
    const forums = await this.forumsOf(actor.tenantId);
    const access: Access = {
      take: handler && record.state === 'reported',
      answer: handler && UNANSWERED_STATES.includes(record.state),
      escalate: handler && ESCALATABLE_STATES.includes(record.state),
      close: handler && CLOSABLE_STATES.includes(record.state),
    };
    return {
      record,
      access,
      escalationForums: access.escalate ? forums.filter((f) => this.escalationForum(f)) : [],
      forumNames: Object.fromEntries(forums.map((f) => [f.id, f.name])),
    };
  }

  /** A manager of an organisation concerned takes the deviation on. */
  async take(actor: Actor, code: string): Promise<DeviationRecord> {
    const record = await this.requireHandler(actor, code);
    this.requireState(record, ['reported']);
    return applyTransition(this.deps, actor, record, 'taken', 'handling', {
      handledBy: actor.aadObjectId,
    });
  }

  /** The written answer: cause, action taken and follow-up, each through the anonymity gate. */
  async answer(actor: Actor, code: string, input: AnswerInput): Promise<DeviationRecord> {
    const record = await this.requireHandler(actor, code);
    this.requireState(record, UNANSWERED_STATES);
    requireAnonymous(this.deps.gate, {
      cause: input.cause,
      action: input.action,
      followUp: input.followUp,
    });
    const now = this.deps.clock.now();
    return applyTransition(this.deps, actor, record, 'answered', 'answered', {
      handledBy: record.handledBy ?? actor.aadObjectId,
      answer: { ...input, by: actor.aadObjectId ?? '', at: now },
    });
  }

  /** Escalates to a steering forum: it is on that forum's next agenda under "to follow up". */
  async escalate(actor: Actor, code: string, forumId: string): Promise<DeviationRecord> {
    const record = await this.requireHandler(actor, code);
    this.requireState(record, ESCALATABLE_STATES);
    const forum = await this.deps.forums.getForum(actor.tenantId, forumId);
    if (!forum || !this.escalationForum(forum))
      throw new AppError('invalidInput', { field: 'forumId' });
    return applyTransition(this.deps, actor, record, 'escalated', 'escalated', {
      escalatedTo: forum.id,
    });
  }

  async close(actor: Actor, code: string): Promise<DeviationRecord> {
    const record = await this.requireHandler(actor, code);
    this.requireState(record, CLOSABLE_STATES);
    return applyTransition(this.deps, actor, record, 'closed', 'closed', {
      closedAt: this.deps.clock.now(),
    });
  }

  /**
   * A revision of a forum's minutes marked follow-up refs: each deviation escalated to that
   * forum and not yet followed up is recorded as followed up at that meeting, by the chair who
   * saved the minutes (audited with the roles they held when saving). A deviation followed up at
   * that meeting that a later revision no longer marks goes back to escalated (the chair
   * corrected the minutes). Idempotent, and an older revision handled after a newer one (a
   * retried event) changes nothing. Returns the codes changed.
   */
  async followUpFromMinutes(
    tenantId: string,
    saved: {
      forumId: string;
      meetingId: string;
      by: string;
      roles?: readonly Role[] | undefined;
      revision: number;
      followedUp: readonly string[];
    },
  ): Promise<string[]> {
    const { forumId, meetingId, by, revision } = saved;
    const actor = { tenantId, aadObjectId: by, roles: new Set(saved.roles ?? []) };
    const marked = new Set(
      saved.followedUp.flatMap((ref) => /^deviation:(AVV-\d{2}-\d{3,6})$/.exec(ref)?.[1] ?? []),
    );
    /** The latest revision of this meeting's minutes that changed the deviation. */
    const seen = (r: DeviationRecord) =>
      Math.max(
        0,
        ...r.history.filter((h) => h.meetingId === meetingId).map((h) => h.revision ?? 0),
      );
    const changed: string[] = [];
    const now = this.deps.clock.now();
    for (const code of marked) {
      const record = await this.deps.repo.get(tenantId, code);
      if (!record || record.state !== 'escalated' || record.escalatedTo !== forumId) continue;
      if (seen(record) >= revision) continue;
      await applyTransition(this.deps, actor, record, 'followedUp', 'followedUp', {
        followedUp: { meetingId, by, at: now, revision },
        meetingId,
        revision,
      });
      changed.push(code);
    }
    const followedHere = await this.deps.repo.listEscalatedTo(tenantId, [forumId], ['followedUp']);
    for (const record of followedHere) {
      if (record.followedUp?.meetingId !== meetingId || marked.has(record.code)) continue;
      if (seen(record) >= revision) continue;
      await applyTransition(this.deps, actor, record, 'followUpWithdrawn', 'escalated', {
        followedUp: undefined,
        meetingId,
        revision,
      });
      changed.push(record.code);
    }
    return changed;
  }

  /** `avvikelser`: what the actor manages (filtered), reported, chairs and (admins) what has no manager. */
  async lists(actor: Actor, filters: ListFilters = {}): Promise<DeviationLists> {
    authorize(actor, 'deviations.report');
    const { repo, config } = this.deps;
    const now = this.deps.clock.now();
    const forums = await this.forumsOf(actor.tenantId);
    const mine = actor.aadObjectId
      ? await repo.listByReporter(actor.tenantId, actor.aadObjectId, config.listLimit)
      : [];
    const isManager = hasRole(actor, 'manager') && actor.organisations.length > 0;
    const isAdmin = hasRole(actor, 'admin');
    const open = isManager || isAdmin ? await repo.listInStates(actor.tenantId, OPEN_STATES) : [];
    const managed = isManager
      ? open
          .filter((r) => r.concerned.some((o) => actor.organisations.includes(o)))
          .filter((r) => matches(r, filters, now))
          .slice(0, config.listLimit)
      : null;
    const chaired = forums.filter((f) => isChairOf(actor, f)).map((f) => f.id);
    const escalated =
      chaired.length > 0
        ? (await repo.listEscalatedTo(actor.tenantId, chaired, ['escalated', 'followedUp'])).slice(
            0,
            config.listLimit,
          )
        : null;
    let unrouted: DeviationRecord[] | null = null;
    if (isAdmin) {
      const hasManager = new Map<string, boolean>();
      for (const org of new Set(open.flatMap((r) => r.concerned)))
        hasManager.set(org, (await this.deps.people.managersOf(actor.tenantId, org)).length > 0);
      unrouted = open
        .filter((r) => !r.concerned.some((o) => hasManager.get(o)))
        .slice(0, config.listLimit);
    }
    return {
      managed,
      mine,
      escalated,
      unrouted,
      forumNames: Object.fromEntries(forums.map((f) => [f.id, f.name])),
      forums,
      filters,
      now,
    };
  }

  /**
   * The agenda's "to follow up" items of a forum's meeting: deviations escalated to the forum and
   * not yet followed up, and those followed up at this very meeting (so its minutes card keeps
   * showing them ticked, and a correction of those minutes keeps them recorded).
   */
  async followUps(
    tenantId: string,
    forumId: string,
    meetingId: string,
  ): Promise<AgendaFollowUpItem[]> {
    const records = (
      await this.deps.repo.listEscalatedTo(
        tenantId,
        [forumId],
        ['escalated', 'followedUp', 'closed'],
      )
    ).filter((r) => r.state === 'escalated' || r.followedUp?.meetingId === meetingId);
    const { orgs } = this.deps;
    return records.map((r) => ({
      ref: `deviation:${r.code}`,
      kind: 'deviation',
      label: (locale) =>
        `${r.code} · ${this.categoryName(r.category, locale)} · ${r.concerned
          .map((o) => orgs.name(o, locale))
          .join(', ')}`,
    }));
  }

  /** One deviation as it now is (system use: term summaries count it from its events' codes). */
  record(tenantId: string, code: string): Promise<DeviationRecord | null> {
    return this.deps.repo.get(tenantId, code);
  }

  /** Deviations reported in [from, to) (system use: the term summaries' recount). */
  reportedBetween(tenantId: string, from: Date, to: Date): Promise<DeviationRecord[]> {
    return this.deps.repo.reportedBetween(tenantId, from, to);
  }

  categoryName(code: string, locale: 'sv' | 'en'): string {
    return this.config.categories.find((c) => c.code === code)?.name[locale] ?? code;
  }

  /**
   * Retention, step 1: the free text of deviations closed before `cutoff` is removed (description,
   * consequence, immediate action, the answer's cause, action and follow-up); the coded fields
   * stay. Each removal is a compare-and-swap version (safe with two instances at once); older
   * snapshots holding the text are dropped. Returns the codes whose text was removed.
   */
  async purgeText(cutoff: Date, now: Date): Promise<string[]> {
    const purged: string[] = [];
    for (const r of await this.deps.repo.closedBefore(cutoff, { textPurged: false })) {
      const next: DeviationRecord = {
        ...r,
        description: '',
        consequence: '',
        immediateAction: '',
        ...(r.answer ? { answer: { ...r.answer, cause: '', action: '', followUp: '' } } : {}),
        textPurgedAt: now,
        version: r.version + 1,
        updatedAt: now,
      };
      const outcome = await this.deps.units.commit({
        id: `deviation.purgeText:${r.tenantId}:${r.code}:v${next.version}`,
        writes: this.deps.repo.versionWrites(next),
      });
      if (outcome.committed) purged.push(r.code);
    }
    await this.deps.repo.dropTextSnapshots(cutoff);
    return purged;
  }

  /**
   * Retention, step 2: deviations closed before `cutoff` are removed with their history (who did
   * what); a tombstone keeps the codes a count needs (category, organisations, forum, term,
   * dates, the states it went through), so counts and code numbering stay right.
   */
  async removeClosed(cutoff: Date, now: Date): Promise<string[]> {
    const removed: string[] = [];
    for (const r of await this.deps.repo.closedBefore(cutoff, {})) {
      const tombstone: DeviationTombstone = {
        tenantId: r.tenantId,
        code: r.code,
        year: r.year,
        sequence: r.sequence,
        category: r.category,
        concerned: r.concerned,
        reportingOrganisation: r.reportingOrganisation,
        ...(r.forumId ? { forumId: r.forumId } : {}),
        ...(r.escalatedTo ? { escalatedTo: r.escalatedTo } : {}),
        ...(r.term ? { term: r.term } : {}),
        occurredOn: r.occurredOn,
        reportedAt: r.reportedAt,
        closedAt: r.closedAt ?? r.updatedAt,
        states: r.history.map((h) => h.to),
        removedAt: now,
      };
      if (await this.deps.repo.remove(r, tombstone)) removed.push(r.code);
    }
    return removed;
  }

  /** A manager of an organisation the deviation concerns (role and membership), or an admin. */
  mayHandle(actor: Actor, record: DeviationRecord): boolean {
    return (
      hasRole(actor, 'admin') ||
      (hasRole(actor, 'manager') && record.concerned.some((o) => actor.organisations.includes(o)))
    );
  }

  escalationForum(forum: Forum): boolean {
    return this.config.escalationForumKinds.includes(forum.kind);
  }

  private async forumsOf(tenantId: string): Promise<Forum[]> {
    return (await this.deps.forums.allForums())
      .filter((f) => f.tenantId === tenantId)
      .sort((a, b) => a.name.localeCompare(b.name, 'sv'));
  }

  private async require(actor: Actor, code: string): Promise<DeviationRecord> {
    const record = await this.deps.repo.get(actor.tenantId, code);
    if (!record) throw new AppError('notFound');
    return record;
  }

  /** A manager of an organisation concerned (or an admin) and the deviation; refused otherwise. */
  async requireHandler(actor: Actor, code: string): Promise<DeviationRecord> {
    authorize(actor, 'deviations.handle');
    const record = await this.require(actor, code);
    if (!this.mayHandle(actor, record))
      throw new AppError('forbidden', { needs: 'concernedManager' });
    return record;
  }

  private requireState(record: DeviationRecord, allowed: readonly DeviationState[]): void {
    if (!allowed.includes(record.state))
      throw new AppError('conflict', { reason: 'state', state: record.state });
  }
}

/** The manager's filters: category, forum (concerned or escalated to), age, overdue. */
function matches(r: DeviationRecord, f: ListFilters, now: Date): boolean {
  if (f.category && r.category !== f.category) return false;
  if (f.forumId && r.forumId !== f.forumId && r.escalatedTo !== f.forumId) return false;
  if (f.olderThanDays && now.getTime() - r.reportedAt.getTime() < f.olderThanDays * DAY)
    return false;
  if (f.overdue && !(UNANSWERED_STATES.includes(r.state) && r.replyDueAt <= now)) return false;
  return true;
}
