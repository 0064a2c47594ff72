import type { Collection, Db } from 'mongodb';
import type { Claim, ClaimStore } from '../../core/claims';
import type { Write } from '../../core/unit-of-work';
import { MongoClaimStore } from '../../infra/db/claims.repository';
import { fromStored } from '../../infra/db/journal';

/** What one run of one target purged: codes and counts, never text. */
export interface PurgeRecord {
  /** `<target>:<yyyy-MM-dd>`: one run per target and local day. */
  id: string;
  target: string;
  day: string;
  cutoff: Date;
  at: Date;
  count: number;
  /** The purged ids (`<tenantId>:<id>`), the first MAX_LISTED of them. */
  ids: string[];
  /** True when more were purged than `ids` lists. */
  truncated: boolean;
  /** The instance that ran it. */
  owner: string;
}

type PurgeDoc = Omit<PurgeRecord, 'id'> & { _id: string };

export const PURGES = 'purges';
const PURGE_CLAIMS = 'purgeClaims';
/** How many ids a purge record lists (the count is always whole). */
export const MAX_LISTED = 1000;

/**
 * The purge records (`purges`, by `_id` = target and day, the completion marker) and the claims
 * on a run (`purgeClaims`, `<target>:<day>#<n>` with a lease, so a crashed run is taken over).
 */
export class MongoRetentionRepository implements ClaimStore {
  private readonly purges: Collection<PurgeDoc>;
  private readonly claims: MongoClaimStore;

  constructor(db: Db) {
    this.purges = db.collection<PurgeDoc>(PURGES);
    this.claims = new MongoClaimStore(db, PURGE_CLAIMS);
  }

  async init(): Promise<void> {
    await Promise.all([this.claims.init(), this.purges.createIndex({ target: 1, at: -1 })]);
  }

  /** True when the target's run of that day completed (here or on another instance). */
  async done(id: string): Promise<boolean> {
    return (await this.purges.findOne({ _id: id }, { projection: { _id: 1 } })) !== null;
  }

  /** The completion marker as a claim write: a second completer's unit is a conflict. */
  completeWrite(record: PurgeRecord): Write {
    const { id, ...rest } = record;
    return { mode: 'claim', collection: PURGES, id, doc: rest };
  }

  async list(limit = 100): Promise<PurgeRecord[]> {
    const docs = await this.purges.find({}).sort({ at: -1 }).limit(limit).toArray();
    return docs.map((doc) => {
      const d = fromStored(doc);
      return { ...d, id: doc._id, cutoff: new Date(d.cutoff), at: new Date(d.at) };
    });
  }

  insertClaim(claim: Claim): Promise<boolean> {
    return this.claims.insertClaim(claim);
  }

  getClaim(id: string): Promise<Claim | null> {
    return this.claims.getClaim(id);
  }

  deleteClaim(id: string): Promise<void> {
    return this.claims.deleteClaim(id);
  }
}
