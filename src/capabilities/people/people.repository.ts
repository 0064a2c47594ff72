import type { Collection, Db } from 'mongodb';
import { isDuplicateKey } from '../../infra/db/mongo';
import type { Locale } from '../../i18n/i18n';
import type { Membership, PeopleRepository, UserRecord } from './people.service';

interface UserDoc extends UserRecord {
  _id: string;
}
interface MembershipDoc extends Membership {
  _id: string;
  tenantId: string;
  grantedBy: string;
  grantedAt: Date;
}

const userId = (tenantId: string, oid: string) => `${tenantId}:${oid}`;
const membershipId = (tenantId: string, m: Membership) =>
  `${tenantId}:${m.aadObjectId}:${m.kind}:${m.value}`;

/** Users and their role/organisation memberships. One document per membership, so a grant is a unique insert. */
export class MongoPeopleRepository implements PeopleRepository {
  private readonly users: Collection<UserDoc>;
  private readonly memberships_: Collection<MembershipDoc>;

  constructor(db: Db) {
    this.users = db.collection<UserDoc>('users');
    this.memberships_ = db.collection<MembershipDoc>('memberships');
  }

  async init(): Promise<void> {
    await this.users.createIndex({ tenantId: 1, displayName: 1 });
    await this.memberships_.createIndex({ tenantId: 1, aadObjectId: 1 });
  }

  async findUser(tenantId: string, aadObjectId: string): Promise<UserRecord | null> {
    const doc = await this.users.findOne({ _id: userId(tenantId, aadObjectId) });
    return doc ? toUser(doc) : null;
  }

  async insertUser(user: UserRecord): Promise<void> {
    try {
      await this.users.insertOne({ _id: userId(user.tenantId, user.aadObjectId), ...user });
    } catch (e) {
      if (!isDuplicateKey(e)) throw e;
    }
  }

  async updateProfile(
    tenantId: string,
    aadObjectId: string,
    profile: { displayName?: string; locale?: Locale },
    now: Date,
  ): Promise<void> {
    await this.users.updateOne(
      { _id: userId(tenantId, aadObjectId) },
      { $set: { ...profile, lastSeenAt: now } },
    );
  }

  async listUsers(tenantId: string, limit: number): Promise<UserRecord[]> {
    const docs = await this.users
      .find({ tenantId })
      .sort({ displayName: 1 })
      .limit(limit)
      .toArray();
    return docs.map(toUser);
  }

  async memberships(tenantId: string, aadObjectId?: string): Promise<Membership[]> {
    const filter = aadObjectId ? { tenantId, aadObjectId } : { tenantId };
    const docs = await this.memberships_.find(filter).toArray();
    return docs.map((d) => ({ aadObjectId: d.aadObjectId, kind: d.kind, value: d.value }));
  }

  async addMembership(tenantId: string, m: Membership, by: string, now: Date): Promise<boolean> {
    try {
      await this.memberships_.insertOne({
        _id: membershipId(tenantId, m),
        tenantId,
        ...m,
        grantedBy: by,
        grantedAt: now,
      });
      return true;
    } catch (e) {
      if (isDuplicateKey(e)) return false;
      throw e;
    }
  }

  async removeMembership(tenantId: string, m: Membership): Promise<boolean> {
    const res = await this.memberships_.deleteOne({ _id: membershipId(tenantId, m) });
    return res.deletedCount === 1;
  }
}

function toUser(d: UserDoc): UserRecord {
  return {
    tenantId: d.tenantId,
    aadObjectId: d.aadObjectId,
    displayName: d.displayName,
    ...(d.locale === 'sv' || d.locale === 'en' ? { locale: d.locale } : {}),
    firstSeenAt: new Date(d.firstSeenAt),
    lastSeenAt: new Date(d.lastSeenAt),
  };
}
