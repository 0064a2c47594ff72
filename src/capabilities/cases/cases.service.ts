import type { Actor } from '../../core/actor';
import { hasRole } from '../../core/actor';
import type { Clock } from '../../core/clock';
import type { UnitOfWork } from '../../core/unit-of-work';
import { AppError } from '../../core/errors';
import { authorize } from '../../core/permissions';
import {
  IdentifyingCombinationWarning,
  IdentifyingTextError,
  createGate,
  reviewFields,
  type AnonymityGate,
} from '../anonymity';
import { instantToLocalDate, periodKeysOn, type Terms } from '../calendar';
import { isChairOf, takesPartIn, type Forum } from '../forums';
import { openForCases, takesPlace, type Meeting } from '../meetings';
import type { OutcomeOption } from '../../core/outcomes';
import type { CasesConfig } from './cases.config';
import { DEFAULT_CASES_CONFIG } from './cases.config';
import type {
  CaseCountRow,
  CaseForums,
  CaseMeetings,
  CaseScope,
  CasesRepository,
  CodedCase,
} from './cases.ports';
import { applyTransition, insertWithCode } from './cases.records';
import type {
  AnonymityConfirmation,
  CaseInput,
  CaseRecord,
  CaseStatus,
  FreeTextField,
  Outcome,
} from './cases.types';
import { FREE_TEXT_FIELDS, WAITING_STATUSES } from './cases.types';

export interface CasesServiceDeps {
  repo: CasesRepository;
  forums: CaseForums;
  meetings: CaseMeetings;
  units: UnitOfWork;
  clock: Clock;
  config?: CasesConfig;
  /** The anonymity gate with the municipality's units (default: one without configured units). */
  gate?: AnonymityGate;
  /** The configured outcomes and what each does to a case (config.outcomes). */
  outcomes?: readonly OutcomeOption[];
  /** The municipality's terms: each case is stored with the periods it counts under. */
  calendar?: Terms;
}

/** A case raised for an earlier meeting and moved on (not reached, follow-up, a cancellation). */
export const isCarriedOver = (record: CaseRecord): boolean =>
  !!record.history[0]?.meetingId && record.history[0].meetingId !== record.meetingId;

export interface ForumChoice {
  forum: Forum;
  meetings: Meeting[];
}

export interface CaseFormOptions {
  forums: ForumChoice[];
  /** The actor's organisations that take part in at least one of the forums. */
  organisations: string[];
  selectedMeetingId?: string | undefined;
  /** The meeting a button asked for no longer takes cases (deadline passed). */
  requestedClosed?: Meeting | undefined;
}

export interface SubmitResult {
  record: CaseRecord;
  forum: Forum;
  meeting: Meeting;
  /** Set when the chosen meeting's deadline had passed and the case went to `meeting` instead. */
  rolledOverFrom?: Meeting | undefined;
}

export interface MyCase {
  record: CaseRecord;
  forumName: string;
  meeting: Meeting | null;
  canWithdraw: boolean;
}

/** The rules of anonymized cases: who may raise them, where they go, and how they move on. */
export class CasesService {
  readonly config: CasesConfig;
  private readonly gate: AnonymityGate;

  constructor(private readonly deps: CasesServiceDeps) {
    this.config = deps.config ?? DEFAULT_CASES_CONFIG;
    this.gate = deps.gate ?? createGate();
  }

  /** The form's choices: the actor's forums with their open meetings, and the actor's organisations. */
  async formOptions(
    actor: Actor,
    wanted: { forumId?: string | undefined; meetingId?: string | undefined } = {},
  ): Promise<CaseFormOptions> {
    authorize(actor, 'cases.raise');
    const { forums, meetings } = this.deps;
    const eligible = (await forums.forumsForActor(actor)).filter((f) =>
      this.config.caseForumKinds.includes(f.kind),
    );
    const choices: ForumChoice[] = [];
    for (const forum of eligible) {
      const open = await meetings.openMeetings(
        actor.tenantId,
        forum.id,
        this.config.meetingsPerForum,
      );
      if (open.length > 0) choices.push({ forum, meetings: open });
    }
    const organisations = actor.organisations.filter((o) =>
      choices.some((c) => takesPartIn(o, c.forum)),
    );
    const all = choices.flatMap((c) => c.meetings).sort((a, b) => +a.start - +b.start);
    const ofForum = (id: string | undefined) => choices.find((c) => c.forum.id === id)?.meetings;
    let selected = all.find((m) => m.id === wanted.meetingId);
    let requestedClosed: Meeting | undefined;
    if (!selected && wanted.meetingId) {
      const asked = await meetings.getMeeting(actor.tenantId, wanted.meetingId);
      if (asked && ofForum(asked.forumId)) {
        requestedClosed = asked;
        selected = ofForum(asked.forumId)?.find((m) => m.start > asked.start);
      }
    }
    selected ??= ofForum(wanted.forumId)?.[0] ?? all[0];
    return { forums: choices, organisations, selectedMeetingId: selected?.id, requestedClosed };
  }

  /**
   * Raises a case. The raising organisation must be the actor's own and a member of the forum;
   * every free-text field passes the anonymity gate: a direct identifier refuses the case, and a
   * combination that may identify the child holds it until the submitter confirms that it cannot
   * (the confirmation is stored with the case: who, when, about what). A meeting whose deadline
   * has passed hands the case on to the forum's next open meeting. Nothing is stored unless all
   * of that holds.
   */
  /**
   * A case as stored, for other modules' reactions to its events (no actor: subscriptions run
   * for the system). Callers show nothing of it to users without their own authorization.
   */
  record(tenantId: string, code: string): Promise<CaseRecord | null> {
    return this.deps.repo.get(tenantId, code);
  }

  /** Counts in the database for follow-up (the summaries' recount). */
  countCases(tenantId: string, scope: CaseScope): Promise<CaseCountRow[]> {
    return this.deps.repo.countCases(tenantId, scope);
  }

  /** The coded data of the cases in scope (no free text), for the forums' own analysis. */
  codedCases(tenantId: string, scope: CaseScope): Promise<CodedCase[]> {
    return this.deps.repo.codedCases(tenantId, scope);
  }

  async submit(actor: Actor, input: CaseInput, operationId?: string): Promise<SubmitResult> {
    authorize(actor, 'cases.raise');
    const { forums, meetings } = this.deps;
    const chosen = await meetings.getMeeting(actor.tenantId, input.meetingId);
    if (!chosen) throw new AppError('notFound');
    const forum = await forums.getForum(actor.tenantId, chosen.forumId);
    if (!forum || !this.config.caseForumKinds.includes(forum.kind)) throw new AppError('notFound');
    if (
      !actor.aadObjectId ||
      !actor.organisations.includes(input.organisation) ||
      !takesPartIn(input.organisation, forum)
    ) {
      throw new AppError('forbidden', { needs: 'forumMember' });
    }
    const known = new Set(this.config.concerns.map((c) => c.code));
    if (input.concerns.length === 0 || input.concerns.some((c) => !known.has(c)))
      throw new AppError('invalidInput', { field: 'concerns' });
    const review = reviewFields(this.gate, {
      description: input.description,
      tried: input.tried,
      question: input.question,
    });
    if (review.findings.length > 0)
      throw new IdentifyingTextError(review.findings, review.warnings);
    if (review.warnings.length > 0 && !input.confirmAnonymous)
      throw new IdentifyingCombinationWarning(review.warnings);

    const now = this.deps.clock.now();
    const anonymityConfirmation: AnonymityConfirmation | undefined =
      review.warnings.length > 0
        ? {
            by: actor.aadObjectId,
            at: now,
            fields: FREE_TEXT_FIELDS.filter((f: FreeTextField) =>
              review.warnings.some((w) => w.field === f),
            ),
            signals: [...new Set(review.warnings.flatMap((w) => w.signals))],
          }
        : undefined;
    const meeting = await this.meetingFor(forum, chosen, now);
    const raisedOn = instantToLocalDate(now, forum.schedule.timeZone);
    const year = Number(raisedOn.slice(0, 4));
    const base = {
      tenantId: actor.tenantId,
      forumId: forum.id,
      meetingId: meeting.id,
      year,
      raisingOrganisation: input.organisation,
      submittedBy: actor.aadObjectId,
      ageBand: input.ageBand,
      concerns: input.concerns,
      description: input.description,
      tried: input.tried,
      question: input.question,
      urgency: input.urgency,
      ...(anonymityConfirmation ? { anonymityConfirmation } : {}),
      status: 'submitted' as const,
      history: [
        {
          at: now,
          by: actor.aadObjectId,
          action: 'submitted' as const,
          to: 'submitted' as const,
          meetingId: meeting.id,
        },
      ],
      raisedOn,
      periods: periodKeysOn(this.deps.calendar ?? { terms: [] }, raisedOn),
      version: 1,
      createdAt: now,
      updatedAt: now,
    };
    const rolledOver = meeting.id !== chosen.id;
    const record = await insertWithCode(this.deps, actor, forum.code, base, {
      operationId,
      result: (r) => ({ code: r.code, ...(rolledOver ? { rolledOverFrom: chosen.id } : {}) }),
      auditDetail: {
        forumId: forum.id,
        meetingId: meeting.id,
        rolledOver,
        // A warning about an identifying combination was confirmed (what kinds; never the text).
        ...(anonymityConfirmation
          ? {
              warningConfirmed: true,
              warningSignals: anonymityConfirmation.signals.join(','),
            }
          : {}),
      },
    });
    return {
      record,
      forum,
      meeting,
      rolledOverFrom: meeting.id !== chosen.id ? chosen : undefined,
    };
  }

  /**
   * The receipt of a case the actor raised, as the first submission answered it (a repeated
   * submission of the same card gets it again).
   */
  async submission(actor: Actor, code: string, rolledOverFromId?: string): Promise<SubmitResult> {
    authorize(actor, 'cases.raise');
    const record = await this.requireCase(actor, code);
    if (record.submittedBy !== actor.aadObjectId)
      throw new AppError('forbidden', { needs: 'submitter' });
    const { forums, meetings } = this.deps;
    const [forum, meeting, rolledOverFrom] = await Promise.all([
      forums.getForum(actor.tenantId, record.forumId),
      meetings.getMeeting(actor.tenantId, record.history[0]?.meetingId ?? record.meetingId),
      rolledOverFromId ? meetings.getMeeting(actor.tenantId, rolledOverFromId) : null,
    ]);
    if (!forum || !meeting) throw new AppError('notFound');
    return { record, forum, meeting, rolledOverFrom: rolledOverFrom ?? undefined };
  }

  /** `mina ärenden`: the actor's own cases, newest first. */
  async myCases(actor: Actor): Promise<MyCase[]> {
    authorize(actor, 'cases.raise');
    if (!actor.aadObjectId) return [];
    const now = this.deps.clock.now();
    const records = await this.deps.repo.listBySubmitter(
      actor.tenantId,
      actor.aadObjectId,
      this.config.myCasesLimit,
    );
    const forums = new Map<string, Forum | null>();
    const out: MyCase[] = [];
    for (const record of records) {
      if (!forums.has(record.forumId))
        forums.set(record.forumId, await this.deps.forums.getForum(actor.tenantId, record.forumId));
      const meeting = await this.deps.meetings.getMeeting(actor.tenantId, record.meetingId);
      out.push({
        record,
        forumName: forums.get(record.forumId)?.name ?? record.forumId,
        meeting,
        canWithdraw: WAITING_STATUSES.includes(record.status) && !!meeting && meeting.start > now,
      });
    }
    return out;
  }

  /** The submitter withdraws their own case, before its meeting starts. */
  async withdraw(actor: Actor, code: string): Promise<CaseRecord> {
    authorize(actor, 'cases.raise');
    const record = await this.requireCase(actor, code);
    if (!actor.aadObjectId || record.submittedBy !== actor.aadObjectId)
      throw new AppError('forbidden', { needs: 'submitter' });
    this.requireStatus(record, WAITING_STATUSES);
    const meeting = await this.deps.meetings.getMeeting(actor.tenantId, record.meetingId);
    if (meeting && meeting.start <= this.deps.clock.now())
      throw new AppError('conflict', { reason: 'meetingStarted' });
    return applyTransition(this.deps, actor, record, 'withdrawn', 'withdrawn');
  }

  /** A chair puts the case on the meeting's agenda. */
  async markOnAgenda(actor: Actor, code: string): Promise<CaseRecord> {
    const record = await this.requireChairOf(actor, code);
    this.requireStatus(record, ['submitted']);
    return applyTransition(this.deps, actor, record, 'onAgenda', 'onAgenda');
  }

  /** A chair records that the case was discussed, with its outcome (utfall). */
  async markDiscussed(actor: Actor, code: string, outcome: Outcome): Promise<CaseRecord> {
    const record = await this.requireChairOf(actor, code);
    this.requireStatus(record, WAITING_STATUSES);
    const meeting = await this.deps.meetings.getMeeting(actor.tenantId, record.meetingId);
    if (meeting && meeting.start > this.deps.clock.now())
      throw new AppError('conflict', { reason: 'meetingNotStarted' });
    return applyTransition(this.deps, actor, record, 'discussed', 'discussed', { outcome });
  }

  async close(actor: Actor, code: string): Promise<CaseRecord> {
    const record = await this.requireChairOf(actor, code);
    this.requireStatus(record, ['discussed']);
    return applyTransition(this.deps, actor, record, 'closed', 'closed');
  }

  /** A chair moves a waiting case to a later meeting of the same forum (back to `submitted`). */
  async moveToMeeting(actor: Actor, code: string, meetingId: string): Promise<CaseRecord> {
    const record = await this.requireChairOf(actor, code);
    this.requireStatus(record, WAITING_STATUSES);
    const { meetings, clock } = this.deps;
    const [current, target] = await Promise.all([
      meetings.getMeeting(actor.tenantId, record.meetingId),
      meetings.getMeeting(actor.tenantId, meetingId),
    ]);
    if (!target || target.forumId !== record.forumId) throw new AppError('notFound');
    const later = !current || target.start > current.start;
    const usable = takesPlace(target);
    if (!later || !usable || target.start <= clock.now())
      throw new AppError('conflict', { reason: 'meetingNotLater' });
    return applyTransition(this.deps, actor, record, 'moved', 'submitted', {
      meetingId: target.id,
    });
  }

  /**
   * A chair cancelled a meeting: its waiting cases move to the forum's next meeting (deadline
   * or not: they were raised in time), so no case is left on a meeting that will not happen.
   * Recorded in each case's history and the audit trail as done by that chair. Returns the
   * number moved; with no later meeting they stay (and still show in the submitter's list).
   */
  async followCancelledMeeting(actor: Actor, meeting: Meeting): Promise<number> {
    const waiting = (await this.deps.repo.listByMeeting(meeting.tenantId, meeting.id)).filter((r) =>
      WAITING_STATUSES.includes(r.status),
    );
    if (waiting.length === 0) return 0;
    const upcoming = await this.deps.meetings.upcomingMeetings(
      meeting.tenantId,
      meeting.forumId,
      6,
    );
    const next = upcoming.find((m) => m.id !== meeting.id && m.start > meeting.start);
    if (!next) return 0;
    for (const record of waiting) {
      await applyTransition(this.deps, actor, record, 'moved', 'submitted', { meetingId: next.id });
    }
    return waiting.length;
  }

  /** Every case raised for (or moved to) a meeting, in the order raised (system use: the agenda). */
  casesOfMeeting(tenantId: string, meetingId: string): Promise<CaseRecord[]> {
    return this.deps.repo.listByMeeting(tenantId, meetingId);
  }

  /** One case (system use: feedback to its submitter). */
  getCase(tenantId: string, code: string): Promise<CaseRecord | null> {
    return this.deps.repo.get(tenantId, code);
  }

  /**
   * The minutes gave a case an outcome (`case.outcome`): its status follows, in the chair's name.
   * `discussed` and `closed` set the status (with the outcome) at the meeting; `moved` takes it to
   * the forum's next meeting, where it comes first on the agenda. A correction of the minutes
   * applies on top: a case moved by the earlier outcome and still waiting at its new meeting
   * comes back to this one. Idempotent: an outcome already applied changes nothing. Returns the
   * case as it now is, or null when nothing applied (unknown case or outcome, withdrawn, or the
   * case has moved on at its new meeting).
   */
  async applyOutcome(
    actor: Actor,
    code: string,
    meetingId: string,
    outcome: string,
  ): Promise<CaseRecord | null> {
    const option = (this.deps.outcomes ?? []).find((o) => o.code === outcome);
    const record = await this.deps.repo.get(actor.tenantId, code);
    if (!option || !record || record.status === 'withdrawn') return null;
    const here = record.meetingId === meetingId;
    const moves = record.history.filter((h) => h.meetingId);
    const movedFromHere =
      !here &&
      WAITING_STATUSES.includes(record.status) &&
      moves.at(-1)?.action === 'moved' &&
      moves.at(-2)?.meetingId === meetingId;
    if (!here && !movedFromHere) return null;
    if (option.effect === 'moved') {
      if (!here) return null; // already moved on by an earlier outcome of the same meeting
      const meeting = await this.deps.meetings.getMeeting(actor.tenantId, meetingId);
      const upcoming = await this.deps.meetings.upcomingMeetings(actor.tenantId, record.forumId, 6);
      const next = upcoming.find(
        (m) => m.id !== meetingId && (!meeting || m.start > meeting.start),
      );
      if (!next) {
        // No later meeting yet: the outcome is kept on the case; it stays waiting here.
        if (record.outcome === outcome) return null;
        return applyTransition(this.deps, actor, record, 'discussed', record.status, { outcome });
      }
      return applyTransition(this.deps, actor, record, 'moved', 'submitted', {
        outcome,
        meetingId: next.id,
      });
    }
    const to: CaseStatus = option.effect === 'closed' ? 'closed' : 'discussed';
    if (here && record.status === to && record.outcome === outcome) return null;
    return applyTransition(this.deps, actor, record, to === 'closed' ? 'closed' : 'discussed', to, {
      outcome,
      ...(here ? {} : { meetingId }),
    });
  }

  /** The chosen meeting, or, if it no longer takes cases, the forum's next open meeting. */
  private async meetingFor(forum: Forum, chosen: Meeting, now: Date): Promise<Meeting> {
    if (openForCases(chosen, now)) return chosen;
    const open = await this.deps.meetings.openMeetings(forum.tenantId, forum.id, 12);
    const next = open.find((m) => m.start > chosen.start && openForCases(m, now)) ?? open[0];
    if (!next) throw new AppError('conflict', { reason: 'noOpenMeeting' });
    return next;
  }

  private async requireCase(actor: Actor, code: string): Promise<CaseRecord> {
    const record = await this.deps.repo.get(actor.tenantId, code);
    if (!record) throw new AppError('notFound');
    return record;
  }

  /** Chair flows: a chair of the case's forum, or an admin. */
  private async requireChairOf(actor: Actor, code: string): Promise<CaseRecord> {
    authorize(actor, 'cases.chair');
    const record = await this.requireCase(actor, code);
    if (hasRole(actor, 'admin')) return record;
    const forum = await this.deps.forums.getForum(actor.tenantId, record.forumId);
    if (!forum || !isChairOf(actor, forum)) throw new AppError('forbidden', { needs: 'chair' });
    return record;
  }

  private requireStatus(record: CaseRecord, allowed: readonly CaseStatus[]): void {
    if (!allowed.includes(record.status))
      throw new AppError('conflict', { reason: 'status', status: record.status });
  }
}
