import type { Collection, Db } from 'mongodb';
import type { Write } from '../../core/unit-of-work';
import { fromStored } from '../../infra/db/journal';
import { readVersioned } from '../../infra/db/versioned';
import { isDuplicateKey } from '../../infra/db/mongo';
import type { DeviationTombstone, DeviationsRepository } from './deviations.ports';
import type { DeviationRecord, DeviationState } from './deviations.types';

type DeviationDoc = DeviationRecord & { _id: string };
interface VersionDoc {
  _id: string;
  tenantId: string;
  code: string;
  version: number;
  state: DeviationRecord;
}
type TombstoneDoc = DeviationTombstone & { _id: string };

export const DEVIATIONS = 'deviations';
export const DEVIATION_VERSIONS = 'deviationVersions';
/** What retention keeps of a removed deviation (codes only). */
export const DEVIATIONS_REMOVED = 'deviationsRemoved';

const key = (tenantId: string, code: string) => `${tenantId}:${code}`;
const versionKey = (tenantId: string, code: string, version: number) =>
  `${tenantId}:${code}#${version}`;

/**
 * Deviations on MongoDB / FerretDB v1: a new deviation's code and each later change are claimed
 * with a unique insert (`deviations._id` = tenant + code, `deviationVersions._id` = tenant + code
 * + version), the one write FerretDB v1 makes atomic. Lists filter on other fields (a scan on
 * FerretDB): a municipality reports tens to hundreds of deviations a year.
 */
export class MongoDeviationsRepository implements DeviationsRepository {
  private readonly col: Collection<DeviationDoc>;
  private readonly versions: Collection<VersionDoc>;
  private readonly removed: Collection<TombstoneDoc>;

  constructor(db: Db) {
    this.col = db.collection<DeviationDoc>(DEVIATIONS);
    this.versions = db.collection<VersionDoc>(DEVIATION_VERSIONS);
    this.removed = db.collection<TombstoneDoc>(DEVIATIONS_REMOVED);
  }

  async init(): Promise<void> {
    await this.col.createIndex({ tenantId: 1, year: 1, sequence: -1 });
    await this.col.createIndex({ tenantId: 1, state: 1 });
    await this.col.createIndex({ tenantId: 1, reportedBy: 1, reportedAt: -1 });
    await this.col.createIndex({ closedAt: 1 });
    await this.versions.createIndex({ tenantId: 1, code: 1, version: -1 });
    await this.removed.createIndex({ tenantId: 1, year: 1, sequence: -1 });
  }

  async maxSequence(tenantId: string, year: number): Promise<number> {
    const top = async (c: Collection<DeviationDoc> | Collection<TombstoneDoc>) =>
      (
        await (c as unknown as Collection<{ _id: string; sequence: number }>)
          .find({ tenantId, year }, { projection: { sequence: 1 } })
          .sort({ sequence: -1 })
          .limit(1)
          .toArray()
      )[0]?.sequence ?? 0;
    return Math.max(await top(this.col), await top(this.removed));
  }

  insertWrite(record: DeviationRecord): Write {
    return {
      mode: 'claim',
      collection: DEVIATIONS,
      id: key(record.tenantId, record.code),
      doc: { ...record },
    };
  }

  async get(tenantId: string, code: string): Promise<DeviationRecord | null> {
    const doc = await readVersioned(
      this.col,
      this.versions as never,
      key(tenantId, code),
      tenantId,
      code,
    );
    return doc ? toRecord(doc) : null;
  }

  versionWrites(next: DeviationRecord): Write[] {
    return [
      {
        mode: 'claim',
        collection: DEVIATION_VERSIONS,
        id: versionKey(next.tenantId, next.code, next.version),
        doc: { tenantId: next.tenantId, code: next.code, version: next.version, state: next },
      },
      {
        mode: 'replace',
        collection: DEVIATIONS,
        id: key(next.tenantId, next.code),
        doc: { ...next },
      },
    ];
  }

  async listInStates(
    tenantId: string | undefined,
    states: readonly DeviationState[],
  ): Promise<DeviationRecord[]> {
    const docs = await this.col
      .find({ ...(tenantId ? { tenantId } : {}), state: { $in: [...states] } })
      .sort({ reportedAt: 1, _id: 1 })
      .toArray();
    return docs.map(toRecord);
  }

  async listByReporter(
    tenantId: string,
    aadObjectId: string,
    limit: number,
  ): Promise<DeviationRecord[]> {
    const docs = await this.col
      .find({ tenantId, reportedBy: aadObjectId })
      .sort({ reportedAt: -1, _id: -1 })
      .limit(limit)
      .toArray();
    return docs.map(toRecord);
  }

  async listEscalatedTo(
    tenantId: string,
    forumIds: readonly string[],
    states: readonly DeviationState[],
  ): Promise<DeviationRecord[]> {
    if (forumIds.length === 0) return [];
    const docs = await this.col
      .find({ tenantId, escalatedTo: { $in: [...forumIds] }, state: { $in: [...states] } })
      .sort({ reportedAt: 1, _id: 1 })
      .toArray();
    return docs.map(toRecord);
  }

  /** Deviations reported in [from, to) (the term summaries' recount; a scan on FerretDB v1). */
  async reportedBetween(tenantId: string, from: Date, to: Date): Promise<DeviationRecord[]> {
    const docs = await this.col
      .find({ tenantId, reportedAt: { $gte: from, $lt: to } })
      .sort({ reportedAt: 1, _id: 1 })
      .toArray();
    return docs.map(toRecord);
  }

  async listByTermAndCategory(
    tenantId: string,
    term: string,
    category: string,
  ): Promise<DeviationRecord[]> {
    const docs = await this.col.find({ tenantId, term, category }).toArray();
    return docs.map(toRecord);
  }

  async closedBefore(cutoff: Date, o: { textPurged?: boolean }): Promise<DeviationRecord[]> {
    const docs = await this.col
      .find({
        state: 'closed',
        closedAt: { $lt: cutoff },
        ...(o.textPurged === undefined ? {} : { textPurgedAt: { $exists: o.textPurged } }),
      })
      .sort({ closedAt: 1, _id: 1 })
      .toArray();
    return docs.map(toRecord);
  }

  async dropTextSnapshots(cutoff: Date): Promise<number> {
    // Every earlier version of a purged deviation is a snapshot with its text (the purge's own
    // version has none): all of them go, also after a crash between the purge and this step.
    let dropped = 0;
    for (const d of await this.closedBefore(cutoff, { textPurged: true })) {
      const res = await this.versions.deleteMany({
        tenantId: d.tenantId,
        code: d.code,
        'state.textPurgedAt': { $exists: false },
      });
      dropped += res.deletedCount;
    }
    return dropped;
  }

  async remove(record: DeviationRecord, tombstone: DeviationTombstone): Promise<boolean> {
    const id = key(record.tenantId, record.code);
    try {
      await this.removed.insertOne({ _id: id, ...tombstone });
    } catch (e) {
      if (!isDuplicateKey(e)) throw e;
    }
    const res = await this.col.deleteOne({ _id: id });
    await this.versions.deleteMany({ tenantId: record.tenantId, code: record.code });
    return res.deletedCount === 1;
  }
}

function toRecord(doc: DeviationDoc): DeviationRecord {
  const d = fromStored(doc);
  const date = (x: Date | undefined) => (x ? new Date(x) : undefined);
  return {
    ...d,
    reportedAt: new Date(d.reportedAt),
    replyDueAt: new Date(d.replyDueAt),
    createdAt: new Date(d.createdAt),
    updatedAt: new Date(d.updatedAt),
    ...(d.closedAt ? { closedAt: date(d.closedAt) } : {}),
    ...(d.textPurgedAt ? { textPurgedAt: date(d.textPurgedAt) } : {}),
    ...(d.answer ? { answer: { ...d.answer, at: new Date(d.answer.at) } } : {}),
    ...(d.followedUp ? { followedUp: { ...d.followedUp, at: new Date(d.followedUp.at) } } : {}),
    ...(d.anonymityConfirmation
      ? {
          anonymityConfirmation: {
            ...d.anonymityConfirmation,
            at: new Date(d.anonymityConfirmation.at),
          },
        }
      : {}),
    history: d.history.map((h) => ({ ...h, at: new Date(h.at) })),
  };
}
