import type { AuditEntry, AuditLog } from '../../../src/core/audit';
import type {
  Membership,
  PeopleRepository,
  UserRecord,
} from '../../../src/capabilities/people/people.service';

/** A small in-memory PeopleRepository for unit tests of the service's rules (not of storage). */
export class FakePeopleRepository implements PeopleRepository {
  users = new Map<string, UserRecord>();
  members = new Map<string, Membership & { tenantId: string }>();

  findUser(tenantId: string, oid: string) {
    return Promise.resolve(this.users.get(`${tenantId}:${oid}`) ?? null);
  }
  insertUser(u: UserRecord) {
    if (!this.users.has(`${u.tenantId}:${u.aadObjectId}`))
      this.users.set(`${u.tenantId}:${u.aadObjectId}`, { ...u });
    return Promise.resolve();
  }
  updateProfile(tenantId: string, oid: string, profile: Partial<UserRecord>) {
    const u = this.users.get(`${tenantId}:${oid}`);
    if (u) Object.assign(u, profile);
    return Promise.resolve();
  }
  listUsers(tenantId: string, limit: number) {
    return Promise.resolve(
      [...this.users.values()].filter((u) => u.tenantId === tenantId).slice(0, limit),
    );
  }
  memberships(tenantId: string, oid?: string) {
    return Promise.resolve(
      [...this.members.values()]
        .filter((m) => m.tenantId === tenantId && (!oid || m.aadObjectId === oid))
        .map(({ aadObjectId, kind, value }) => ({ aadObjectId, kind, value })),
    );
  }
  addMembership(tenantId: string, m: Membership) {
    const key = `${tenantId}:${m.aadObjectId}:${m.kind}:${m.value}`;
    if (this.members.has(key)) return Promise.resolve(false);
    this.members.set(key, { ...m, tenantId });
    return Promise.resolve(true);
  }
  removeMembership(tenantId: string, m: Membership) {
    return Promise.resolve(
      this.members.delete(`${tenantId}:${m.aadObjectId}:${m.kind}:${m.value}`),
    );
  }
}

export const fakeAudit = (): AuditLog & { entries: AuditEntry[] } => {
  const entries: AuditEntry[] = [];
  return {
    entries,
    record: (e) => {
      entries.push(e);
      return Promise.resolve();
    },
  };
};
