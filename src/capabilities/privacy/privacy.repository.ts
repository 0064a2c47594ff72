import type { Collection, Db } from 'mongodb';
import { isDuplicateKey } from '../../infra/db/mongo';

/** A prepared export of what is stored about a person: whose admin made it, until when it works. */
export interface PersonExportDoc {
  _id: string;
  tenantId: string;
  actorId: string;
  /** Whom the export is about (deleted with everything else when they are pseudonymized). */
  subjectId: string;
  createdAt: Date;
  expiresAt: Date;
  filename: string;
  contentType: string;
  body: string;
}

/**
 * A pseudonymization in progress: the only place the Entra id and its pseudonym are written
 * together, so a run taken over after a crash uses the same pseudonym; deleted when it is done.
 */
interface PseudonymizationDoc {
  _id: string;
  pseudonym: string;
  by: string;
  startedAt: Date;
}

export class MongoPrivacyRepository {
  private readonly exports: Collection<PersonExportDoc>;
  private readonly running: Collection<PseudonymizationDoc>;

  constructor(db: Db) {
    this.exports = db.collection<PersonExportDoc>('personExports');
    this.running = db.collection<PseudonymizationDoc>('pseudonymizations');
  }

  async init(): Promise<void> {
    await this.exports.createIndex({ expiresAt: 1 });
  }

  async insertExport(doc: PersonExportDoc): Promise<void> {
    await this.exports.insertOne(doc);
  }

  async findLiveExport(id: string, now: Date): Promise<PersonExportDoc | null> {
    const doc = await this.exports.findOne({ _id: id });
    return doc && doc.expiresAt > now ? doc : null;
  }

  async deleteAbout(tenantId: string, subjectId: string): Promise<number> {
    return (await this.exports.deleteMany({ tenantId, subjectId })).deletedCount;
  }

  async deleteExpired(now: Date): Promise<number> {
    return (await this.exports.deleteMany({ expiresAt: { $lte: now } })).deletedCount;
  }

  /** The pseudonym of a run for this user: ours (a unique insert), or the one a crashed run chose. */
  async begin(
    tenantId: string,
    userId: string,
    pseudonym: string,
    by: string,
    now: Date,
  ): Promise<string> {
    const _id = `${tenantId}:${userId}`;
    try {
      await this.running.insertOne({ _id, pseudonym, by, startedAt: now });
      return pseudonym;
    } catch (e) {
      if (!isDuplicateKey(e)) throw e;
      return (await this.running.findOne({ _id }))?.pseudonym ?? pseudonym;
    }
  }

  /** True while a run for this user has not finished (a crash left it). */
  async inProgress(tenantId: string, userId: string): Promise<boolean> {
    return (await this.running.findOne({ _id: `${tenantId}:${userId}` })) !== null;
  }

  async finish(tenantId: string, userId: string): Promise<void> {
    await this.running.deleteOne({ _id: `${tenantId}:${userId}` });
  }
}
