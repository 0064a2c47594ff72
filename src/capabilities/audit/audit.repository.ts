import type { Collection, Db } from 'mongodb';

/** A prepared export: the CSV, whose admin made it, and until when its link works. */
export interface ExportDoc {
  _id: string;
  tenantId: string;
  actorId: string;
  createdAt: Date;
  expiresAt: Date;
  filename: string;
  count: number;
  body: string;
}

export const AUDIT_EXPORTS = 'auditExports';

export class MongoAuditExports {
  private readonly col: Collection<ExportDoc>;

  constructor(db: Db) {
    this.col = db.collection<ExportDoc>(AUDIT_EXPORTS);
  }

  async init(): Promise<void> {
    await this.col.createIndex({ expiresAt: 1 });
  }

  async insert(doc: ExportDoc): Promise<void> {
    await this.col.insertOne(doc);
  }

  /** The export with this id while it has not expired (looked up by `_id`). */
  async findLive(id: string, now: Date): Promise<ExportDoc | null> {
    const doc = await this.col.findOne({ _id: id });
    return doc && doc.expiresAt > now ? doc : null;
  }

  /** A tenant's prepared exports (they hold names and ids; a pseudonymization removes them). */
  async deleteTenant(tenantId: string): Promise<number> {
    return (await this.col.deleteMany({ tenantId })).deletedCount;
  }

  async deleteExpired(now: Date): Promise<number> {
    return (await this.col.deleteMany({ expiresAt: { $lte: now } })).deletedCount;
  }
}
