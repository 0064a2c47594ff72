import type { Collection, Db } from 'mongodb';
import type { AuditEntry, AuditLog, AuditQuery } from '../../core/audit';

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

  async query(q: AuditQuery): Promise<AuditEntry[]> {
    const at: Record<string, Date> = {};
    if (q.from) at.$gte = q.from;
    if (q.to) at.$lt = q.to;
    const match: Record<string, unknown> = {
      tenantId: q.tenantId,
      ...(q.actorId ? { actorId: q.actorId } : {}),
      ...(q.target ? { target: q.target } : {}),
      ...(q.from || q.to ? { at } : {}),
    };
    return this.col
      .aggregate<AuditEntry>([
        { $match: match },
        { $sort: { at: -1 } },
        { $limit: q.limit },
        { $project: { _id: 0 } },
      ])
      .toArray();
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
