import type { Actor } from '../../core/actor';
import { ANY_ROLE, hasRole, requireRole } from '../../core/actor';
import type { AuditLog } from '../../core/audit';
import type { ConversationInfo } from '../../core/capability';
import type { Clock } from '../../core/clock';
import { AppError } from '../../core/errors';
import {
  IdentifyingTextError,
  requireAnonymous,
  reviewFields,
} from '../anonymity/anonymity.fields';
import type { AnonymityGate } from '../anonymity/anonymity.gate';
import { createGate } from '../anonymity/anonymity.gate';
import type { MunicipalityCalendarConfig, OccurrenceOverride } from '../calendar';
import { applyOverrides, computeReminderMoments, materializeOccurrences } from '../calendar';
import { forumInputSchema, type ForumInputParsed } from './forums.schemas';
import type { Forum, Meeting, MeetingOverrideRecord } from './forums.types';

/** Storage port; forums.repository.ts implements it on MongoDB. */
export interface ForumsRepository {
  /** Unique insert; false when a forum with that id exists in the tenant. */
  insertForum(forum: Forum): Promise<boolean>;
  replaceForum(forum: Forum): Promise<void>;
  getForum(tenantId: string, forumId: string): Promise<Forum | null>;
  listForums(tenantId?: string): Promise<Forum[]>;
  forumsBoundTo(conversationId: string): Promise<Forum[]>;
  /** Writes the meetings (deterministic content: concurrent writers agree). */
  saveMeetings(meetings: readonly Meeting[]): Promise<void>;
  /** Meetings of a forum starting at or after `from`, by start. */
  meetingsFrom(tenantId: string, forumId: string, from: Date, limit: number): Promise<Meeting[]>;
  getMeeting(tenantId: string, meetingId: string): Promise<Meeting | null>;
  overridesFor(tenantId: string, forumId: string): Promise<MeetingOverrideRecord[]>;
  saveOverride(record: MeetingOverrideRecord): Promise<void>;
}

export interface ForumsServiceDeps {
  repo: ForumsRepository;
  audit: AuditLog;
  clock: Clock;
  calendar: MunicipalityCalendarConfig;
  organisationCodes: readonly string[];
  /** How far ahead meetings are materialized. */
  horizonDays?: number;
  /** The anonymity gate with the municipality's units (default: one without configured units). */
  gate?: AnonymityGate;
}

const DAY = 24 * 60 * 60 * 1000;

export class ForumImportError extends Error {
  constructor(readonly problems: string[]) {
    super(`forum import refused:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ForumImportError';
  }
}

const describeEntry = (i: number, entry: unknown): string => {
  const e = entry as { id?: unknown; name?: unknown } | null;
  const name = typeof e?.id === 'string' ? e.id : typeof e?.name === 'string' ? e.name : '';
  return `forum #${i + 1}${name ? ` (${name.slice(0, 40)})` : ''}`;
};

export class ForumsService {
  readonly horizonDays: number;
  private readonly gate: AnonymityGate;
  private boundListeners: ((conversationId: string) => Promise<void>)[] = [];
  private cancelledListeners: ((actor: Actor, meeting: Meeting) => Promise<unknown>)[] = [];

  constructor(private readonly deps: ForumsServiceDeps) {
    this.horizonDays = deps.horizonDays ?? 120;
    this.gate = deps.gate ?? createGate();
  }

  /** Admins create forums; the meetings ahead are materialized at once. */
  async createForum(actor: Actor, input: ForumInputParsed): Promise<Forum> {
    requireRole(actor, 'admin');
    this.checkOrganisations(input.organisations);
    this.checkFreeText(input);
    const now = this.deps.clock.now();
    const forum: Forum = {
      ...input,
      tenantId: actor.tenantId,
      createdAt: now,
      updatedAt: now,
      createdBy: actor.aadObjectId ?? '',
    };
    if (!(await this.deps.repo.insertForum(forum)))
      throw new AppError('conflict', { reason: 'forumExists' });
    await this.audit(actor, 'forum.create', forum.id);
    await this.materialize(forum);
    return forum;
  }

  /**
   * Sets up many forums at once (npm run forums:import). Everything is validated first; on any
   * problem nothing is imported and every problem is listed, naming the entry and the field.
   */
  async importForums(tenantId: string, entries: readonly unknown[], by: string): Promise<Forum[]> {
    const parsed = await this.checkImport(tenantId, entries);
    const now = this.deps.clock.now();
    const created: Forum[] = [];
    for (const input of parsed) {
      const forum: Forum = { ...input, tenantId, createdAt: now, updatedAt: now, createdBy: by };
      if (!(await this.deps.repo.insertForum(forum)))
        throw new ForumImportError([`id: "${input.id}" was created meanwhile`]);
      await this.deps.audit.record({
        at: now,
        tenantId,
        actorId: by,
        action: 'forum.import',
        target: forum.id,
      });
      await this.materialize(forum, now);
      created.push(forum);
    }
    return created;
  }

  /** Validates an import without writing anything; returns how many forums it holds. */
  async validateImport(tenantId: string, entries: readonly unknown[]): Promise<number> {
    return (await this.checkImport(tenantId, entries)).length;
  }

  private async checkImport(
    tenantId: string,
    entries: readonly unknown[],
  ): Promise<ForumInputParsed[]> {
    const problems: string[] = [];
    const parsed: ForumInputParsed[] = [];
    const seen = new Set<string>();
    for (const [i, entry] of entries.entries()) {
      const label = describeEntry(i, entry);
      const result = forumInputSchema.safeParse(entry);
      const rawOrgs = (entry as { organisations?: unknown } | null)?.organisations;
      const unknown = (Array.isArray(rawOrgs) ? rawOrgs : []).filter(
        (c): c is string => typeof c === 'string' && !this.deps.organisationCodes.includes(c),
      );
      if (unknown.length)
        problems.push(`${label}: organisations: unknown code(s) ${unknown.join(', ')}`);
      if (!result.success) {
        for (const issue of result.error.issues)
          problems.push(`${label}: ${issue.path.join('.') || '(entry)'}: ${issue.message}`);
        continue;
      }
      const input = result.data;
      try {
        this.checkFreeText(input);
      } catch (e) {
        if (!(e instanceof IdentifyingTextError)) throw e;
        for (const f of e.findings)
          problems.push(
            `${label}: ${f.field}: looks like it identifies a person (${f.type}, sentence ${f.sentence})`,
          );
        for (const w of e.warnings)
          problems.push(
            `${label}: ${w.field}: together, ${w.signals.join(' + ')} could identify a child`,
          );
      }
      if (seen.has(input.id))
        problems.push(`${label}: id: "${input.id}" appears twice in the file`);
      else if (await this.deps.repo.getForum(tenantId, input.id))
        problems.push(`${label}: id: "${input.id}" already exists`);
      seen.add(input.id);
      parsed.push(input);
    }
    if (problems.length > 0) throw new ForumImportError(problems);
    return parsed;
  }

  /** Admins edit a forum (its binding is kept); future meetings are recomputed. */
  async updateForum(actor: Actor, input: ForumInputParsed): Promise<Forum> {
    requireRole(actor, 'admin');
    this.checkOrganisations(input.organisations);
    this.checkFreeText(input);
    const existing = await this.requireForum(actor.tenantId, input.id);
    const forum: Forum = { ...existing, ...input, updatedAt: this.deps.clock.now() };
    await this.deps.repo.replaceForum(forum);
    await this.audit(actor, 'forum.update', forum.id);
    await this.materialize(forum);
    return forum;
  }

  listForums(actor: Actor): Promise<Forum[]> {
    requireRole(actor, ...ANY_ROLE);
    return this.deps.repo.listForums(actor.tenantId);
  }

  /** The forums an admin may bind (all of the tenant's). */
  forumsForBinding(actor: Actor): Promise<Forum[]> {
    requireRole(actor, 'admin');
    return this.deps.repo.listForums(actor.tenantId);
  }

  /** A meeting a chair of its forum (or an admin) may cancel or move. */
  async meetingForChange(
    actor: Actor,
    meetingId: string,
  ): Promise<{ forum: Forum; meeting: Meeting }> {
    const meeting = await this.deps.repo.getMeeting(actor.tenantId, meetingId);
    if (!meeting) throw new AppError('notFound');
    const forum = await this.requireForum(actor.tenantId, meeting.forumId);
    this.requireChairOrAdmin(actor, forum);
    return { forum, meeting };
  }

  canChangeMeetings(actor: Actor, forum: Forum): boolean {
    return hasRole(actor, 'admin') || (hasRole(actor, 'chair') && this.isChair(actor, forum));
  }

  /** Every forum of every tenant (the scheduler's view). */
  allForums(): Promise<Forum[]> {
    return this.deps.repo.listForums();
  }

  /** Forums in which any of the actor's organisations take part (where they may raise cases). */
  async forumsForActor(actor: Actor): Promise<Forum[]> {
    const all = await this.deps.repo.listForums(actor.tenantId);
    return all.filter((f) => f.organisations.some((o) => actor.organisations.includes(o)));
  }

  getForum(tenantId: string, forumId: string): Promise<Forum | null> {
    return this.deps.repo.getForum(tenantId, forumId);
  }

  async findForumByName(tenantId: string, name: string): Promise<Forum | null> {
    const wanted = name.trim().toLowerCase();
    const all = await this.deps.repo.listForums(tenantId);
    return (
      all.find(
        (f) =>
          f.name.toLowerCase() === wanted || f.id === wanted || f.code.toLowerCase() === wanted,
      ) ?? null
    );
  }

  async forumsInConversation(conversationId: string): Promise<Forum[]> {
    return (await this.deps.repo.forumsBoundTo(conversationId)).filter(
      (f) => f.binding?.status === 'active',
    );
  }

  /** Called after a forum is bound to a conversation (the outbox may post there again). */
  onBound(listener: (conversationId: string) => Promise<void>): void {
    this.boundListeners.push(listener);
  }

  /** Called after a chair cancels a meeting (its waiting cases must move on). */
  onMeetingCancelled(listener: (actor: Actor, meeting: Meeting) => Promise<unknown>): void {
    this.cancelledListeners.push(listener);
  }

  /** `koppla forum`: binds a forum to the channel or group chat the admin writes in. */
  async bindForum(actor: Actor, forumId: string, conversation: ConversationInfo): Promise<Forum> {
    requireRole(actor, 'admin');
    if (conversation.type === 'personal')
      throw new AppError('invalidInput', { field: 'conversation' });
    const forum = await this.requireForum(actor.tenantId, forumId);
    const now = this.deps.clock.now();
    const bound: Forum = {
      ...forum,
      binding: {
        conversationId: conversation.id,
        conversationType: conversation.type,
        boundAt: now,
        boundBy: actor.aadObjectId ?? '',
        status: 'active',
      },
      updatedAt: now,
    };
    await this.deps.repo.replaceForum(bound);
    await this.audit(actor, 'forum.bind', forum.id);
    for (const listener of this.boundListeners) await listener(conversation.id);
    return bound;
  }

  /** The bot was removed from a conversation: every forum bound there is marked broken. Returns them. */
  async markBindingsBroken(conversationId: string): Promise<Forum[]> {
    const now = this.deps.clock.now();
    const broken: Forum[] = [];
    for (const forum of await this.deps.repo.forumsBoundTo(conversationId)) {
      if (!forum.binding || forum.binding.status === 'broken') continue;
      const updated = {
        ...forum,
        binding: { ...forum.binding, status: 'broken' as const, brokenAt: now },
        updatedAt: now,
      };
      await this.deps.repo.replaceForum(updated);
      broken.push(updated);
    }
    return broken;
  }

  /** The next meetings (scheduled or moved) starting after `now`. */
  async upcomingMeetings(tenantId: string, forumId: string, limit = 3): Promise<Meeting[]> {
    const now = this.deps.clock.now();
    const meetings = await this.deps.repo.meetingsFrom(tenantId, forumId, now, limit * 4 + 8);
    return meetings.filter((m) => m.status === 'scheduled' || m.status === 'moved').slice(0, limit);
  }

  /** Meetings a case can still be raised for: upcoming, deadline not passed. */
  async openMeetings(tenantId: string, forumId: string, limit = 6): Promise<Meeting[]> {
    const now = this.deps.clock.now();
    return (await this.upcomingMeetings(tenantId, forumId, limit + 4))
      .filter((m) => m.deadlineAt > now)
      .slice(0, limit);
  }

  getMeeting(tenantId: string, meetingId: string): Promise<Meeting | null> {
    return this.deps.repo.getMeeting(tenantId, meetingId);
  }

  /** A chair (of that forum) or an admin cancels one meeting, with a reason (kept for summaries). */
  async cancelMeeting(actor: Actor, meetingId: string, reason: string): Promise<Meeting> {
    return this.override(actor, meetingId, { action: 'cancel', reason });
  }

  async moveMeeting(
    actor: Actor,
    meetingId: string,
    date: string,
    reason: string,
    startTime?: string,
  ): Promise<Meeting> {
    return this.override(actor, meetingId, { action: 'move', reason, date, startTime });
  }

  isChair(actor: Actor, forum: Forum): boolean {
    return !!actor.aadObjectId && forum.chairs.includes(actor.aadObjectId);
  }

  /**
   * Materializes the forum's meetings from yesterday to the horizon, with chairs' overrides
   * applied, and stores them. Idempotent: ids are stable (`<forumId>:<originalDate>`).
   */
  async materialize(forum: Forum, now: Date = this.deps.clock.now()): Promise<Meeting[]> {
    const schedule = { ...forum.schedule, forumId: forum.id };
    const from = new Date(now.getTime() - DAY);
    const occurrences = materializeOccurrences(
      schedule,
      this.deps.calendar,
      from,
      this.horizonDays + 1,
    );
    const overrides = await this.deps.repo.overridesFor(forum.tenantId, forum.id);
    const applied = applyOverrides(
      occurrences,
      new Map(overrides.map((o) => [o.meetingId, o.override])),
    );
    const meetings: Meeting[] = applied.map((o) => ({
      ...o,
      tenantId: forum.tenantId,
      ...computeReminderMoments(o, schedule, this.deps.calendar),
    }));
    await this.deps.repo.saveMeetings(meetings);
    return meetings;
  }

  private async override(
    actor: Actor,
    meetingId: string,
    override: OccurrenceOverride,
  ): Promise<Meeting> {
    const meeting = await this.deps.repo.getMeeting(actor.tenantId, meetingId);
    if (!meeting) throw new AppError('notFound');
    const forum = await this.requireForum(actor.tenantId, meeting.forumId);
    this.requireChairOrAdmin(actor, forum);
    requireAnonymous(this.gate, { reason: override.reason });
    const now = this.deps.clock.now();
    if (meeting.start <= now) throw new AppError('conflict', { reason: 'meetingPassed' });
    await this.deps.repo.saveOverride({
      meetingId,
      tenantId: actor.tenantId,
      forumId: forum.id,
      override,
      by: actor.aadObjectId ?? '',
      at: now,
    });
    await this.audit(actor, `meeting.${override.action}`, meetingId);
    const meetings = await this.materialize(forum, now);
    const updated = meetings.find((m) => m.id === meetingId);
    if (!updated) throw new AppError('conflict', { reason: 'outsideHorizon' });
    if (override.action === 'cancel')
      for (const listener of this.cancelledListeners) await listener(actor, updated);
    return updated;
  }

  private requireChairOrAdmin(actor: Actor, forum: Forum): void {
    if (!this.canChangeMeetings(actor, forum)) throw new AppError('forbidden', { needs: 'chair' });
  }

  /**
   * Forum names and places pass the anonymity gate too. A place may be an office address (that
   * identifies no child), so address and postcode findings are allowed there, nothing else.
   */
  private checkFreeText(input: ForumInputParsed): void {
    const review = reviewFields(this.gate, { name: input.name, place: input.place });
    const findings = review.findings.filter(
      (f) => f.field !== 'place' || (f.type !== 'address' && f.type !== 'postcode'),
    );
    if (findings.length > 0 || review.warnings.length > 0)
      throw new IdentifyingTextError(findings, review.warnings);
  }

  private async requireForum(tenantId: string, forumId: string): Promise<Forum> {
    const forum = await this.deps.repo.getForum(tenantId, forumId);
    if (!forum) throw new AppError('notFound');
    return forum;
  }

  private checkOrganisations(codes: readonly string[]): void {
    const unknown = codes.find((c) => !this.deps.organisationCodes.includes(c));
    if (unknown) throw new AppError('invalidInput', { field: 'organisations' });
  }

  private audit(actor: Actor, action: string, target: string): Promise<void> {
    return this.deps.audit.record({
      at: this.deps.clock.now(),
      tenantId: actor.tenantId,
      actorId: actor.aadObjectId ?? '',
      action,
      target,
    });
  }
}
