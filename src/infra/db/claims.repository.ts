import type { Collection, Db } from 'mongodb';
import type { Claim, ClaimStore } from '../../core/claims';
import { isDuplicateKey } from './mongo';

interface ClaimDoc {
  _id: string;
  itemId: string;
  owner: string;
  at: Date;
  leaseUntil: Date;
}

/** Claims in one collection of their own (each user of claims has its own). */
export class MongoClaimStore implements ClaimStore {
  private readonly col: Collection<ClaimDoc>;

  constructor(db: Db, collection: string) {
    this.col = db.collection<ClaimDoc>(collection);
  }

  async init(): Promise<void> {
    await this.col.createIndex({ itemId: 1 });
  }

  async insertClaim(claim: Claim): Promise<boolean> {
    const { id, ...rest } = claim;
    try {
      await this.col.insertOne({ _id: id, ...rest });
      return true;
    } catch (e) {
      if (isDuplicateKey(e)) return false;
      throw e;
    }
  }

  async getClaim(id: string): Promise<Claim | null> {
    const doc = await this.col.findOne({ _id: id });
    if (!doc) return null;
    return {
      id: doc._id,
      itemId: doc.itemId,
      owner: doc.owner,
      at: new Date(doc.at),
      leaseUntil: new Date(doc.leaseUntil),
    };
  }

  async deleteClaim(id: string): Promise<void> {
    await this.col.deleteOne({ _id: id });
  }

  /** Every claim on one item (its attempts are over). */
  async deleteClaims(itemId: string): Promise<void> {
    await this.col.deleteMany({ itemId });
  }
}

/**
 * For stores that hold claims beside their own documents (the outbox, event deliveries,
 * once-only operations): the ClaimStore port, answered by a MongoClaimStore of their own.
 */
export abstract class ClaimsBacked implements ClaimStore {
  protected constructor(protected readonly claims: MongoClaimStore) {}

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
