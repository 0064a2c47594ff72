import { oncePerPass } from '../../core/pass';
import type { Actor } from '../../core/actor';
import { auditEntry } from '../../core/audit';
import type { UnitOfWork } from '../../core/unit-of-work';
import type { ConversationInfo } from '../../core/capability';
import type { Clock } from '../../core/clock';
import { AppError } from '../../core/errors';
import { authorize } from '../../core/permissions';
import type { SetupState } from '../../core/guidance';
import { newUnitId, type Write } from '../../core/unit-of-work';
import { IdentifyingTextError, createGate, reviewFields, type AnonymityGate } from '../anonymity';
import { forumInputSchema, type ForumInputParsed } from './forums.schemas';
import type { Forum } from './forums.types';

/** Storage port; forums.repository.ts implements it on MongoDB. */
export interface ForumsRepository {
  /** The claim write of a new forum (a forum with that id in the tenant is a conflict). */
  insertForumWrite(forum: Forum): Write;
  /** The forum replaced as a whole (edit, binding). */
  forumWrite(forum: Forum): Write;
  getForum(tenantId: string, forumId: string): Promise<Forum | null>;
  listForums(tenantId?: string): Promise<Forum[]>;
  forumsBoundTo(conversationId: string): Promise<Forum[]>;
}

export interface ForumsServiceDeps {
  repo: ForumsRepository;
  units: UnitOfWork;
  clock: Clock;
  organisationCodes: readonly string[];
  /** The anonymity gate with the municipality's units (default: one without configured units). */
  gate?: AnonymityGate;
}

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

/**
 * Forums: their definitions (created, edited, imported by admins) and where each lives in Teams
 * (its binding). A saved forum is announced with `forum.saved`; the meetings capability
 * materializes its meetings from that.
 */
export class ForumsService {
  private readonly gate: AnonymityGate;

  constructor(private readonly deps: ForumsServiceDeps) {
    this.gate = deps.gate ?? createGate();
  }

  /** Admins create forums (their meetings follow from `forum.saved`). */
  async createForum(actor: Actor, input: ForumInputParsed): Promise<Forum> {
    authorize(actor, 'forums.manage');
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
    const outcome = await this.deps.units.commit({
      id: newUnitId('forum.create'),
      writes: [this.deps.repo.insertForumWrite(forum)],
      audit: [auditEntry(actor, now, 'forum.create', forum.id)],
      events: [
        {
          type: 'forum.saved',
          tenantId: forum.tenantId,
          data: { forumId: forum.id, by: actor.aadObjectId ?? '' },
        },
      ],
    });
    if (!outcome.committed) throw new AppError('conflict', { reason: 'forumExists' });
    return forum;
  }

  /**
   * Sets up many forums at once (npm run forums:import). Everything is validated first; on any
   * problem nothing is imported and every problem is listed, naming the entry and the field.
   */
  async importForums(tenantId: string, entries: readonly unknown[], by: string): Promise<Forum[]> {
    const parsed = await this.checkImport(tenantId, entries);
    const now = this.deps.clock.now();
    const created: Forum[] = parsed.map((input) => ({
      ...input,
      tenantId,
      createdAt: now,
      updatedAt: now,
      createdBy: by,
    }));
    // One unit: every forum is a claim, so an import racing another (or a forum created
    // meanwhile) writes nothing at all, not the forums before the one that collided.
    const outcome = await this.deps.units.commit({
      id: newUnitId('forum.import'),
      writes: created.map((forum) => this.deps.repo.insertForumWrite(forum)),
      audit: created.map((forum) =>
        auditEntry({ tenantId, aadObjectId: by }, now, 'forum.import', forum.id),
      ),
      events: created.map((forum) => ({
        type: 'forum.saved' as const,
        tenantId,
        data: { forumId: forum.id, by },
      })),
    });
    if (!outcome.committed) {
      const existing = await Promise.all(
        created.map(async (f) => ((await this.deps.repo.getForum(tenantId, f.id)) ? f.id : null)),
      );
      const taken = existing
        .filter((id): id is string => id !== null)
        .map((id) => `id: "${id}" was created meanwhile; nothing was imported`);
      throw new ForumImportError(
        taken.length ? taken : ['another import ran at the same moment; nothing was imported'],
      );
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
    authorize(actor, 'forums.manage');
    this.checkOrganisations(input.organisations);
    this.checkFreeText(input);
    const existing = await this.requireForum(actor.tenantId, input.id);
    const now = this.deps.clock.now();
    const forum: Forum = { ...existing, ...input, updatedAt: now };
    await this.deps.units.commit({
      id: newUnitId('forum.update'),
      writes: [this.deps.repo.forumWrite(forum)],
      audit: [auditEntry(actor, now, 'forum.update', forum.id)],
      events: [
        {
          type: 'forum.saved',
          tenantId: forum.tenantId,
          data: { forumId: forum.id, by: actor.aadObjectId ?? '' },
        },
      ],
    });
    return forum;
  }

  listForums(actor: Actor): Promise<Forum[]> {
    authorize(actor, 'forums.view');
    return this.deps.repo.listForums(actor.tenantId);
  }

  /** The forums an admin may bind (all of the tenant's). */
  forumsForBinding(actor: Actor): Promise<Forum[]> {
    authorize(actor, 'forums.manage');
    return this.deps.repo.listForums(actor.tenantId);
  }

  /** Every forum of every tenant (the scheduler's view: read once per scheduler pass). */
  allForums(): Promise<Forum[]> {
    return oncePerPass('forums.all', () => this.deps.repo.listForums());
  }

  /** Forums in which any of the actor's organisations take part (where they may raise cases). */
  async forumsForActor(actor: Actor): Promise<Forum[]> {
    const all = await this.deps.repo.listForums(actor.tenantId);
    return all.filter((f) => f.organisations.some((o) => actor.organisations.includes(o)));
  }

  /** How far the tenant is set up: the guidance for newcomers reads it (no role needed). */
  async setupState(actor: Actor): Promise<SetupState> {
    const all = await this.deps.repo.listForums(actor.tenantId);
    return {
      forums: all.length,
      linkedForums: all.filter((f) => f.binding?.status === 'active').length,
      forumsOfMyOrganisations: all.filter((f) =>
        f.organisations.some((o) => actor.organisations.includes(o)),
      ).length,
    };
  }

  /** The names of the tenant's forums, sorted: what a suggestion may name. */
  async forumNames(tenantId: string): Promise<string[]> {
    return (await this.deps.repo.listForums(tenantId)).map((f) => f.name);
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

  /** `koppla forum`: binds a forum to the channel or group chat the admin writes in. */
  async bindForum(actor: Actor, forumId: string, conversation: ConversationInfo): Promise<Forum> {
    authorize(actor, 'forums.manage');
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
    await this.deps.units.commit({
      id: newUnitId('forum.bind'),
      writes: [this.deps.repo.forumWrite(bound)],
      audit: [auditEntry(actor, now, 'forum.bind', forum.id)],
      events: [
        {
          type: 'forum.bound',
          tenantId: forum.tenantId,
          data: { forumId: forum.id, conversationId: conversation.id, by: actor.aadObjectId ?? '' },
        },
      ],
    });
    return bound;
  }

  /**
   * The bot was removed from a conversation (`conversation.gone`): every forum bound there is
   * marked broken, each with a `forum.bindingBroken` event (admins are told from that).
   * Idempotent: a forum already broken is left as it is.
   */
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
      await this.deps.units.commit({
        id: `forum.broken:${forum.tenantId}:${forum.id}:${forum.binding.boundAt.toISOString()}`,
        writes: [this.deps.repo.forumWrite(updated)],
        audit: [
          auditEntry(
            { tenantId: forum.tenantId, aadObjectId: 'system' },
            now,
            'forum.bindingBroken',
            forum.id,
          ),
        ],
        events: [
          {
            type: 'forum.bindingBroken',
            tenantId: forum.tenantId,
            data: { forumId: forum.id, conversationId, brokenAt: now.toISOString() },
          },
        ],
      });
      broken.push(updated);
    }
    return broken;
  }

  /**
   * Forum names and places pass the anonymity gate too. A place may be an office address (that
   * identifies no child), so address and postcode findings are allowed there, nothing else.
   */
  private checkFreeText(input: ForumInputParsed): void {
    const review = reviewFields(this.gate, { name: input.name, place: input.place });
    // A forum's name is a proper name by design ("Bosam", "SSPF Norr"): a word no dictionary
    // holds is expected there, so only identifiers of other kinds refuse it.
    const findings = review.findings.filter((f) =>
      f.field === 'place'
        ? f.type !== 'address' && f.type !== 'postcode'
        : f.field !== 'name' || f.type !== 'name',
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
}
