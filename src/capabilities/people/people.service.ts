import { auditEntry } from '../../core/audit';
import type { Actor, Role } from '../../core/actor';
import { ROLES, hasRole } from '../../core/actor';
import type { AuditLog } from '../../core/audit';
import type { Clock } from '../../core/clock';
import { AppError } from '../../core/errors';
import { authorize } from '../../core/permissions';
import type { Locale } from '../../i18n/i18n';

/** What Teams tells us about the person behind an activity. */
export interface Identity {
  tenantId: string;
  aadObjectId: string | undefined;
  displayName: string;
  /** The language of the client, when the activity said (install events often do not). */
  locale?: Locale | undefined;
}

export interface UserRecord {
  tenantId: string;
  aadObjectId: string;
  displayName: string;
  /** The language the user's client last reported: answers to events without one use it. */
  locale?: Locale | undefined;
  firstSeenAt: Date;
  lastSeenAt: Date;
}

export interface AccessStamp {
  v: string;
  changing: boolean;
}

/** What a turn knew of a user at an access stamp (this instance's cache). */
interface Known {
  stamp: string;
  user: UserRecord;
  memberships: Membership[];
}
/** Users cached per instance at most (the cache starts over beyond it). */
const MAX_KNOWN = 10_000;

export type MembershipKind = 'role' | 'organisation';
export interface Membership {
  aadObjectId: string;
  kind: MembershipKind;
  value: string;
}

/** The storage port; src/capabilities/people/people.repository.ts implements it on MongoDB. */
export interface PeopleRepository {
  /**
   * The user's access stamp (see people.repository.ts): a fresh value after every change of
   * their memberships or record, `changing` while one is under way; null when they have none.
   */
  accessStamp(tenantId: string, aadObjectId: string): Promise<AccessStamp | null>;
  /** A first stamp for a user without one; null when another writer got there first. */
  createStamp(tenantId: string, aadObjectId: string): Promise<AccessStamp | null>;
  findUser(tenantId: string, aadObjectId: string): Promise<UserRecord | null>;
  /** Inserts unless present (then does nothing). */
  insertUser(user: UserRecord): Promise<void>;
  /** Sets the display name and/or the client language (by _id). */
  updateProfile(
    tenantId: string,
    aadObjectId: string,
    profile: { displayName?: string; locale?: Locale },
    now: Date,
  ): Promise<void>;
  listUsers(tenantId: string, limit: number): Promise<UserRecord[]>;
  memberships(tenantId: string, aadObjectId?: string): Promise<Membership[]>;
  /** False when it was already there (unique insert: atomic on every backend). */
  addMembership(tenantId: string, m: Membership, by: string, now: Date): Promise<boolean>;
  /** False when it was not there. */
  removeMembership(tenantId: string, m: Membership): Promise<boolean>;
}

export interface PeopleServiceDeps {
  repo: PeopleRepository;
  audit: AuditLog;
  clock: Clock;
  /** Entra object ids that are administrators by configuration (lower case). */
  configAdmins: readonly string[];
  organisationCodes: readonly string[];
}

export interface UserSummary {
  aadObjectId: string;
  displayName: string;
  roles: Role[];
  organisations: string[];
  configAdmin: boolean;
}

export type ChangeOutcome = 'changed' | 'unchanged';

const MAX_LISTED_USERS = 100;
const MAX_SEARCHED_USERS = 10_000;

export class PeopleService {
  /** Users as last read, each at its access stamp (per instance). */
  private readonly known = new Map<string, Known>();

  constructor(private readonly deps: PeopleServiceDeps) {}

  /** Called on every turn: remembers the user and returns the actor with their roles. */
  async resolveActor(identity: Identity): Promise<Actor> {
    const { repo, clock } = this.deps;
    const oid = identity.aadObjectId?.toLowerCase();
    if (!oid) {
      return {
        tenantId: identity.tenantId,
        aadObjectId: undefined,
        displayName: identity.displayName,
        locale: identity.locale,
        roles: new Set(),
        organisations: [],
      };
    }
    const now = clock.now();
    const key = `${identity.tenantId}:${oid}`;
    // One read by _id a turn: the user's access stamp. What this instance read at that same
    // stamp still holds (every change of memberships or record writes a new one); otherwise the
    // user and memberships are read afresh, after the stamp, so a revoked role is refused on
    // the very next turn whichever instance serves it.
    let stamp = await repo.accessStamp(identity.tenantId, oid);
    let known = this.known.get(key);
    if (!known || !stamp || stamp.changing || stamp.v !== known.stamp) {
      this.known.delete(key);
      stamp ??= await repo.createStamp(identity.tenantId, oid);
      const [existing, memberships] = await Promise.all([
        repo.findUser(identity.tenantId, oid),
        repo.memberships(identity.tenantId, oid),
      ]);
      let user = existing;
      if (!user) {
        user = {
          tenantId: identity.tenantId,
          aadObjectId: oid,
          displayName: identity.displayName,
          ...(identity.locale ? { locale: identity.locale } : {}),
          firstSeenAt: now,
          lastSeenAt: now,
        };
        // Two first requests race here; the loser's insert is a no-op (duplicate key ignored).
        await repo.insertUser(user);
      }
      known = { stamp: stamp && !stamp.changing ? stamp.v : '', user, memberships };
      if (known.stamp) {
        if (this.known.size >= MAX_KNOWN) this.known.clear();
        this.known.set(key, known);
      }
    }
    const existing = known.user;
    const profile: { displayName?: string; locale?: Locale } = {};
    if (identity.displayName && existing.displayName !== identity.displayName)
      profile.displayName = identity.displayName;
    if (identity.locale && existing.locale !== identity.locale) profile.locale = identity.locale;
    if (Object.keys(profile).length > 0) {
      await repo.updateProfile(identity.tenantId, oid, profile, now);
      known.user = { ...existing, ...profile, lastSeenAt: now };
    }
    const { memberships } = known;
    const roles = new Set<Role>(
      memberships.filter((m) => m.kind === 'role').map((m) => m.value as Role),
    );
    if (this.isConfigAdmin(oid)) roles.add('admin');
    return {
      tenantId: identity.tenantId,
      aadObjectId: oid,
      displayName: identity.displayName,
      locale: identity.locale ?? existing.locale,
      roles,
      organisations: memberships
        .filter((m) => m.kind === 'organisation')
        .map((m) => m.value)
        .sort(),
    };
  }

  /**
   * A member read from a team's or group chat's roster: known as a user (listed in the roles card,
   * reachable by the bot) before they ever write. An existing record is left as it is; two
   * readers racing insert once (a duplicate key is ignored).
   */
  async knowMember(m: {
    tenantId: string;
    aadObjectId: string;
    displayName: string;
  }): Promise<void> {
    const oid = m.aadObjectId.toLowerCase();
    if (await this.deps.repo.findUser(m.tenantId, oid)) return;
    const now = this.deps.clock.now();
    await this.deps.repo.insertUser({
      tenantId: m.tenantId,
      aadObjectId: oid,
      displayName: m.displayName,
      firstSeenAt: now,
      lastSeenAt: now,
    });
  }

  /** The display name and language of a known user (system use: personal messages). */
  async profile(
    tenantId: string,
    aadObjectId: string,
  ): Promise<{ displayName: string; locale: Locale } | null> {
    const user = await this.deps.repo.findUser(tenantId, aadObjectId.toLowerCase());
    return user ? { displayName: user.displayName, locale: user.locale ?? 'sv' } : null;
  }

  /**
   * The actor a stored user is now (roles and organisations), read only; null for a user the
   * bot does not know. For checks made outside a turn (a download link being opened).
   */
  async actorFor(tenantId: string, aadObjectIdRaw: string): Promise<Actor | null> {
    const oid = aadObjectIdRaw.toLowerCase();
    const user = await this.deps.repo.findUser(tenantId, oid);
    if (!user) return null;
    const memberships = await this.deps.repo.memberships(tenantId, oid);
    const roles = new Set<Role>(
      memberships.filter((m) => m.kind === 'role').map((m) => m.value as Role),
    );
    if (this.isConfigAdmin(oid)) roles.add('admin');
    return {
      tenantId,
      aadObjectId: oid,
      displayName: user.displayName,
      locale: user.locale,
      roles,
      organisations: memberships
        .filter((m) => m.kind === 'organisation')
        .map((m) => m.value)
        .sort(),
    };
  }

  /**
   * Requests about a person: the tenant's users whose Entra id is `query`, or whose name
   * contains it (case-insensitive). E-mail addresses are not stored, so they match nothing.
   */
  async findPeople(actor: Actor, query: string): Promise<UserRecord[]> {
    authorize(actor, 'people.privacy');
    const q = query.trim().toLowerCase();
    if (!q) return [];
    const users = await this.deps.repo.listUsers(actor.tenantId, MAX_SEARCHED_USERS);
    const exact = users.filter((u) => u.aadObjectId === q || u.displayName.toLowerCase() === q);
    if (exact.length > 0) return exact;
    return users.filter((u) => u.displayName.toLowerCase().includes(q));
  }

  async listUsers(actor: Actor): Promise<UserSummary[]> {
    authorize(actor, 'people.manage');
    const [users, memberships] = await Promise.all([
      this.deps.repo.listUsers(actor.tenantId, MAX_LISTED_USERS),
      this.deps.repo.memberships(actor.tenantId),
    ]);
    return users.map((u) => this.summarize(u, memberships));
  }

  async grantRole(
    actor: Actor,
    targetId: string,
    role: Role,
  ): Promise<{ outcome: ChangeOutcome; user: UserSummary }> {
    return this.change(actor, targetId, 'role', role, 'add');
  }

  async revokeRole(
    actor: Actor,
    targetId: string,
    role: Role,
  ): Promise<{ outcome: ChangeOutcome; user: UserSummary }> {
    return this.change(actor, targetId, 'role', role, 'remove');
  }

  async addOrganisation(
    actor: Actor,
    targetId: string,
    organisation: string,
  ): Promise<{ outcome: ChangeOutcome; user: UserSummary }> {
    return this.change(actor, targetId, 'organisation', organisation, 'add');
  }

  async removeOrganisation(
    actor: Actor,
    targetId: string,
    organisation: string,
  ): Promise<{ outcome: ChangeOutcome; user: UserSummary }> {
    return this.change(actor, targetId, 'organisation', organisation, 'remove');
  }

  /** Everyone who is an administrator in the tenant (configured or granted). System use. */
  async adminIds(tenantId: string): Promise<string[]> {
    const granted = (await this.deps.repo.memberships(tenantId))
      .filter((m) => m.kind === 'role' && m.value === 'admin')
      .map((m) => m.aadObjectId);
    return [...new Set([...this.deps.configAdmins, ...granted])];
  }

  /** The tenant's administrators with the language each reads (for notices; system use). */
  async adminRecipients(tenantId: string): Promise<{ aadObjectId: string; locale: Locale }[]> {
    return Promise.all(
      (await this.adminIds(tenantId)).map(async (aadObjectId) => ({
        aadObjectId,
        locale: (await this.deps.repo.findUser(tenantId, aadObjectId))?.locale ?? 'sv',
      })),
    );
  }

  /**
   * The managers of an organisation: users holding the role `manager` who are members of it,
   * with the language each reads (system use: routing deviations).
   */
  async managersOf(
    tenantId: string,
    organisation: string,
  ): Promise<{ aadObjectId: string; locale: Locale }[]> {
    const all = await this.deps.repo.memberships(tenantId);
    const managers = new Set(
      all.filter((m) => m.kind === 'role' && m.value === 'manager').map((m) => m.aadObjectId),
    );
    const ids = [
      ...new Set(
        all
          .filter(
            (m) =>
              m.kind === 'organisation' && m.value === organisation && managers.has(m.aadObjectId),
          )
          .map((m) => m.aadObjectId),
      ),
    ].sort();
    return Promise.all(
      ids.map(async (aadObjectId) => ({
        aadObjectId,
        locale: await this.localeOf(tenantId, aadObjectId),
      })),
    );
  }

  /** The language a user's client last reported (Swedish when unknown). System use. */
  async localeOf(tenantId: string, aadObjectId: string): Promise<Locale> {
    return (await this.deps.repo.findUser(tenantId, aadObjectId.toLowerCase()))?.locale ?? 'sv';
  }

  /**
   * The tenant's holders of a role with their organisations and language (system use: e.g. the
   * managers who get the term summary, each scoped to their organisations).
   */
  async roleHolders(
    tenantId: string,
    role: Role,
  ): Promise<{ aadObjectId: string; locale: Locale; organisations: string[] }[]> {
    const memberships = await this.deps.repo.memberships(tenantId);
    const ids = [
      ...new Set(
        memberships.filter((m) => m.kind === 'role' && m.value === role).map((m) => m.aadObjectId),
      ),
    ].sort();
    return Promise.all(
      ids.map(async (aadObjectId) => ({
        aadObjectId,
        locale: (await this.deps.repo.findUser(tenantId, aadObjectId))?.locale ?? 'sv',
        organisations: memberships
          .filter((m) => m.kind === 'organisation' && m.aadObjectId === aadObjectId)
          .map((m) => m.value)
          .sort(),
      })),
    );
  }

  isConfigAdmin(aadObjectId: string): boolean {
    return this.deps.configAdmins.includes(aadObjectId.toLowerCase());
  }

  private async change(
    actor: Actor,
    targetIdRaw: string,
    kind: MembershipKind,
    value: string,
    op: 'add' | 'remove',
  ): Promise<{ outcome: ChangeOutcome; user: UserSummary }> {
    authorize(actor, 'people.manage');
    const { repo, audit, clock } = this.deps;
    if (kind === 'role' && !(ROLES as readonly string[]).includes(value))
      throw new AppError('invalidInput', { field: 'role' });
    if (kind === 'organisation' && !this.deps.organisationCodes.includes(value)) {
      throw new AppError('invalidInput', { field: 'organisation' });
    }
    const targetId = targetIdRaw.toLowerCase();
    const target = await repo.findUser(actor.tenantId, targetId);
    if (!target) throw new AppError('notFound');
    if (kind === 'role' && value === 'admin' && op === 'remove') {
      if (this.isConfigAdmin(targetId)) throw new AppError('conflict', { reason: 'configAdmin' });
      if (targetId === actor.aadObjectId && hasRole(actor, 'admin'))
        throw new AppError('conflict', { reason: 'selfRevokeAdmin' });
    }
    const now = clock.now();
    const membership: Membership = { aadObjectId: targetId, kind, value };
    const changed =
      op === 'add'
        ? await repo.addMembership(actor.tenantId, membership, actor.aadObjectId ?? '', now)
        : await repo.removeMembership(actor.tenantId, membership);
    if (changed) {
      await audit.record(
        auditEntry(actor, now, `${kind}.${op === 'add' ? 'grant' : 'revoke'}`, targetId, {
          [kind]: value,
        }),
      );
    }
    const memberships = await repo.memberships(actor.tenantId, targetId);
    return {
      outcome: changed ? 'changed' : 'unchanged',
      user: this.summarize(target, memberships),
    };
  }

  private summarize(u: UserRecord, memberships: readonly Membership[]): UserSummary {
    const mine = memberships.filter((m) => m.aadObjectId === u.aadObjectId);
    const roles = new Set(mine.filter((m) => m.kind === 'role').map((m) => m.value as Role));
    const configAdmin = this.isConfigAdmin(u.aadObjectId);
    if (configAdmin) roles.add('admin');
    return {
      aadObjectId: u.aadObjectId,
      displayName: u.displayName,
      roles: ROLES.filter((r) => roles.has(r)),
      organisations: mine
        .filter((m) => m.kind === 'organisation')
        .map((m) => m.value)
        .sort(),
      configAdmin,
    };
  }
}
