import type { Collection, Db, ObjectId } from 'mongodb';
import type { AuditEntry, AuditLog, AuditQuery } from '../../core/audit';
import { AUDIT } from './journal';
import { renameIdsOf } from './personal-data';

const BATCH = 500;

export class MongoAuditLog implements AuditLog {
  private readonly col: Collection<AuditEntry>;

  constructor(private readonly db: Db) {
    this.col = db.collection<AuditEntry>(AUDIT);
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

  async purgeBefore(cutoff: Date): Promise<string[]> {
    const purged: string[] = [];
    for (;;) {
      // In batches by _id: small deletes, and a crash leaves only whole batches done.
      const batch = (await this.col
        .find({ at: { $lt: cutoff } }, { projection: { _id: 1, tenantId: 1 } })
        .limit(BATCH)
        .toArray()) as unknown as { _id: ObjectId | string; tenantId: string }[];
      if (batch.length === 0) return purged;
      // Entries written by a unit of work have string ids, the others ObjectIds.
      const ids = batch.map(
        (d) => `${d.tenantId}:${typeof d._id === 'string' ? d._id : d._id.toHexString()}`,
      );
      await this.col.deleteMany({ _id: { $in: batch.map((d) => d._id) } } as never);
      purged.push(...ids);
    }
  }

  async pseudonymize(tenantId: string, userId: string, pseudonym: string): Promise<number> {
    const asActor = await this.col.updateMany(
      { tenantId, actorId: userId },
      { $set: { actorId: pseudonym } },
    );
    const asTarget = await this.col.updateMany(
      { tenantId, target: userId },
      { $set: { target: pseudonym } },
    );
    // Entries of the user's once-only actions carry the operation's id (with theirs) in `_id`.
    const moved = await renameIdsOf(this.db, AUDIT, tenantId, userId, pseudonym);
    return asActor.modifiedCount + asTarget.modifiedCount + moved;
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
