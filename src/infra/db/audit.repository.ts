import type { Collection, Db } from 'mongodb';
import type { AuditEntry, AuditLog } from '../../core/audit';

export class MongoAuditLog implements AuditLog {
  private readonly col: Collection<AuditEntry>;

  constructor(db: Db) {
    this.col = db.collection<AuditEntry>('audit');
  }

  async init(): Promise<void> {
    await this.col.createIndex({ tenantId: 1, at: -1 });
  }

  async record(entry: AuditEntry): Promise<void> {
    await this.col.insertOne({ ...entry });
  }

  async list(tenantId: string, limit = 100): Promise<AuditEntry[]> {
    const docs = await this.col
      .find({ tenantId }, { projection: { _id: 0 } })
      .sort({ at: -1 })
      .limit(limit)
      .toArray();
    return docs;
  }
}
