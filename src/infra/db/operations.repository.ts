import type { Collection, Db } from 'mongodb';
import type { OperationStore } from '../../core/operations';
import type { OperationResult } from '../../core/unit-of-work';
import { ClaimsBacked, MongoClaimStore } from './claims.repository';
import { OPERATIONS } from './journal';

interface OperationDoc {
  _id: string;
  verb: string;
  result: OperationResult;
  at: Date;
}

/** Results of once-only card actions (written by the journal) and their claims; read by `_id`. */
export class MongoOperationStore extends ClaimsBacked implements OperationStore {
  private readonly results: Collection<OperationDoc>;

  constructor(db: Db) {
    super(new MongoClaimStore(db, 'operationClaims'));
    this.results = db.collection<OperationDoc>(OPERATIONS);
  }

  init(): Promise<void> {
    return this.claims.init();
  }

  async result(operationId: string): Promise<OperationResult | null> {
    const doc = await this.results.findOne({ _id: operationId });
    return doc ? doc.result : null;
  }
}
