import { randomUUID } from 'node:crypto';
import type { Collection, Db } from 'mongodb';
import { isDuplicateKey, readById, upsertRacing } from '../../infra/db/mongo';
import type { Locale } from '../../i18n/i18n';
import { isoDate, type PersonalDataItem } from '../../core/personal-data';
import type { AccessStamp, Membership, PeopleRepository, UserRecord } from './people.service';

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

/**
 * A user's access stamp (`userStamps`, by the user's `_id`): a fresh random value every time
 * their memberships or record change, and `changing` while a change is under way. A turn reads
 * it by `_id` and uses what this instance cached for that exact stamp, and reads the memberships
 * afresh otherwise, so a revoked role is refused on the very next turn on every instance.
 */
interface StampDoc {
  _id: string;
  v: string;
  changing: boolean;
  at: Date;
}
const STAMPS = 'userStamps';

/** Sets a user's stamp to a fresh value (an upsert by `_id`; two racing creators both land). */
async function writeStamp(
  stamps: Collection<StampDoc>,
  tenantId: string,
  oid: string,
  changing: boolean,
): Promise<void> {
  const doc = { v: randomUUID(), changing, at: new Date() };
  await upsertRacing(() =>
    stamps.replaceOne({ _id: userId(tenantId, oid) }, doc, { upsert: true }),
  );
}

/**
 * Runs a change of a user's memberships or record between two stamp writes: `changing` first
 * (no instance caches while it is set, so a read racing the change is never kept), a settled
 * fresh value after. A crash in between leaves the stamp `changing`: that user is then read
 * afresh every turn, never served stale.
 */
async function stamped<T>(
  stamps: Collection<StampDoc>,
  tenantId: string,
  oid: string,
  change: () => Promise<T>,
): Promise<T> {
  await writeStamp(stamps, tenantId, oid, true);
  const result = await change();
  await writeStamp(stamps, tenantId, oid, false);
  return result;
}
const membershipId = (tenantId: string, m: Membership) =>
  `${tenantId}:${m.aadObjectId}:${m.kind}:${m.value}`;

/** Users and their role/organisation memberships. One document per membership, so a grant is a unique insert. */
export class MongoPeopleRepository implements PeopleRepository {
  private readonly users: Collection<UserDoc>;
  private readonly memberships_: Collection<MembershipDoc>;
  private readonly stamps: Collection<StampDoc>;

  constructor(private readonly db: Db) {
    this.users = db.collection<UserDoc>('users');
    this.memberships_ = db.collection<MembershipDoc>('memberships');
    this.stamps = db.collection<StampDoc>(STAMPS);
  }

  /** The user's access stamp; null when they have none yet (or were pseudonymized). */
  async accessStamp(tenantId: string, aadObjectId: string): Promise<AccessStamp | null> {
    const doc = await readById<StampDoc>(this.db, STAMPS, userId(tenantId, aadObjectId));
    return doc ? { v: doc.v, changing: doc.changing } : null;
  }

  /**
   * Gives a user without a stamp their first one (a unique insert): the settled stamp, or null
   * when another writer got there first (a change may be under way: nothing is cached).
   */
  async createStamp(tenantId: string, aadObjectId: string): Promise<AccessStamp | null> {
    const v = randomUUID();
    try {
      await this.stamps.insertOne({
        _id: userId(tenantId, aadObjectId),
        v,
        changing: false,
        at: new Date(),
      });
      return { v, changing: false };
    } catch (e) {
      if (isDuplicateKey(e)) return null;
      throw e;
    }
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

  addMembership(tenantId: string, m: Membership, by: string, now: Date): Promise<boolean> {
    return stamped(this.stamps, tenantId, m.aadObjectId, () =>
      this.insertMembership(tenantId, m, by, now),
    );
  }

  private async insertMembership(
    tenantId: string,
    m: Membership,
    by: string,
    now: Date,
  ): Promise<boolean> {
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

  removeMembership(tenantId: string, m: Membership): Promise<boolean> {
    return stamped(this.stamps, tenantId, m.aadObjectId, async () => {
      const res = await this.memberships_.deleteOne({ _id: membershipId(tenantId, m) });
      return res.deletedCount === 1;
    });
  }
}

/** What the people capability stores about a person (requests about a person). */
export class MongoPeoplePrivacy {
  private readonly users: Collection<UserDoc>;
  private readonly memberships: Collection<MembershipDoc>;
  private readonly stamps: Collection<StampDoc>;

  constructor(db: Db) {
    this.users = db.collection<UserDoc>('users');
    this.memberships = db.collection<MembershipDoc>('memberships');
    this.stamps = db.collection<StampDoc>(STAMPS);
  }

  async collect(tenantId: string, oid: string): Promise<PersonalDataItem[]> {
    const user = await this.users.findOne({ _id: userId(tenantId, oid) });
    const own = await this.memberships.find({ tenantId, aadObjectId: oid }).toArray();
    const granted = await this.memberships.find({ tenantId, grantedBy: oid }).toArray();
    return [
      ...(user
        ? [
            {
              record: 'user',
              aadObjectId: user.aadObjectId,
              displayName: user.displayName,
              locale: user.locale ?? '',
              firstSeenAt: isoDate(new Date(user.firstSeenAt)),
              lastSeenAt: isoDate(new Date(user.lastSeenAt)),
            },
          ]
        : []),
      ...own.map((m) => ({
        record: 'membership',
        kind: m.kind,
        value: m.value,
        grantedBy: m.grantedBy,
        grantedAt: isoDate(new Date(m.grantedAt)),
      })),
      ...granted.map((m) => ({
        record: 'grantedByThem',
        kind: m.kind,
        value: m.value,
        to: m.aadObjectId,
        grantedAt: isoDate(new Date(m.grantedAt)),
      })),
    ];
  }

  /**
   * The user record and memberships moved to the pseudonym (new `_id`s: they hold the Entra
   * id), the name replaced and the language dropped; grants they made name the pseudonym.
   * Each step is idempotent: inserts ignore duplicates, then the old documents go.
   */
  /**
   * Marked as a change under way first (no instance caches the old record meanwhile); at the
   * end the stamp goes too (its `_id` holds the Entra id): a user without a stamp is read afresh.
   */
  async pseudonymize(tenantId: string, oid: string, pseudonym: string): Promise<number> {
    await writeStamp(this.stamps, tenantId, oid, true);
    const count = await this.move(tenantId, oid, pseudonym);
    await this.stamps.deleteOne({ _id: userId(tenantId, oid) });
    return count;
  }

  private async move(tenantId: string, oid: string, pseudonym: string): Promise<number> {
    let count = 0;
    const user = await this.users.findOne({ _id: userId(tenantId, oid) });
    if (user) {
      await insertOnce(this.users, {
        _id: userId(tenantId, pseudonym),
        tenantId,
        aadObjectId: pseudonym,
        displayName: pseudonym,
        firstSeenAt: user.firstSeenAt,
        lastSeenAt: user.lastSeenAt,
      });
      await this.users.deleteOne({ _id: user._id });
      count++;
    }
    for (const m of await this.memberships.find({ tenantId, aadObjectId: oid }).toArray()) {
      const moved: Membership = { aadObjectId: pseudonym, kind: m.kind, value: m.value };
      await insertOnce(this.memberships, {
        _id: membershipId(tenantId, moved),
        tenantId,
        ...moved,
        grantedBy: m.grantedBy === oid ? pseudonym : m.grantedBy,
        grantedAt: m.grantedAt,
      });
      await this.memberships.deleteOne({ _id: m._id });
      count++;
    }
    const grants = await this.memberships.updateMany(
      { tenantId, grantedBy: oid },
      { $set: { grantedBy: pseudonym } },
    );
    return count + grants.modifiedCount;
  }
}

async function insertOnce<T extends { _id: string }>(col: Collection<T>, doc: T): Promise<void> {
  try {
    await col.insertOne(doc as never);
  } catch (e) {
    if (!isDuplicateKey(e)) throw e;
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
