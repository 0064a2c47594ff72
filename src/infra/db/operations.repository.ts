import type { Collection, Db } from 'mongodb';
import type { Claim } from '../../core/claims';
import type { OperationStore } from '../../core/operations';
import type { OperationResult } from '../../core/unit-of-work';
import { MongoClaimStore } from './claims.repository';
import { OPERATIONS } from './journal';

interface OperationDoc {
  _id: string;
  verb: string;
  result: OperationResult;
  at: Date;
}

/** Results of once-only card actions (written by the journal) and their claims; read by `_id`. */
export class MongoOperationStore implements OperationStore {
  private readonly results: Collection<OperationDoc>;
  private readonly claims: MongoClaimStore;

  constructor(db: Db) {
    this.results = db.collection<OperationDoc>(OPERATIONS);
    this.claims = new MongoClaimStore(db, 'operationClaims');
  }

  init(): Promise<void> {
    return this.claims.init();
  }

  async result(operationId: string): Promise<OperationResult | null> {
    const doc = await this.results.findOne({ _id: operationId });
    return doc ? doc.result : null;
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
