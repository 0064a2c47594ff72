import type { Collection, Db } from 'mongodb';
import type { Write } from '../../core/unit-of-work';
import { fromStored } from '../../infra/db/journal';
import { isDuplicateKey } from '../../infra/db/mongo';
import type { DigestRecord, MinutesRecord } from './chairs.types';

type MinutesDoc = MinutesRecord & { _id: string };
/** One revision of a meeting's minutes (the history); its insert decides a save. */
interface RevisionDoc {
  _id: string;
  tenantId: string;
  meetingId: string;
  revision: number;
  state: MinutesRecord;
}
type DigestDoc = DigestRecord & { _id: string };

const MINUTES = 'minutes';
const REVISIONS = 'minutesRevisions';
const key = (tenantId: string, meetingId: string) => `${tenantId}:${meetingId}`;
const revisionKey = (tenantId: string, meetingId: string, revision: number) =>
  `${tenantId}:${meetingId}#${revision}`;

const toRecord = (d: Omit<MinutesRecord, never>): MinutesRecord => ({
  ...d,
  meetingStart: new Date(d.meetingStart),
  savedAt: new Date(d.savedAt),
  ...(d.textPurgedAt ? { textPurgedAt: new Date(d.textPurgedAt) } : {}),
});

/**
 * Minutes by `<tenant>:<meetingId>`, each save first claimed as revision n (a unique insert of
 * `<tenant>:<meetingId>#n`, the one write FerretDB v1 makes atomic), so two chairs saving on the
 * same revision cannot both win; the revisions are the minutes' history. Digest markers by
 * `<tenant>:<meetingId>`.
 */
export class MongoChairsRepository {
  private readonly minutes: Collection<MinutesDoc>;
  private readonly revisions: Collection<RevisionDoc>;
  private readonly digests: Collection<DigestDoc>;

  constructor(db: Db) {
    this.minutes = db.collection<MinutesDoc>(MINUTES);
    this.revisions = db.collection<RevisionDoc>(REVISIONS);
    this.digests = db.collection<DigestDoc>('agendaDigests');
  }

  async init(): Promise<void> {
    await this.minutes.createIndex({ meetingStart: 1 });
    await this.revisions.createIndex({ tenantId: 1, meetingId: 1 });
  }

  async getMinutes(tenantId: string, meetingId: string): Promise<MinutesRecord | null> {
    const doc = await this.minutes.findOne({ _id: key(tenantId, meetingId) });
    if (!doc) return null;
    // A save that claimed its revision but did not finish writing the minutes: finish it.
    const newer = await this.getRevision(tenantId, meetingId, doc.revision + 1);
    if (newer) {
      await this.minutes.replaceOne({ _id: doc._id }, newer);
      return newer;
    }
    return toRecord(fromStored(doc));
  }

  async getRevision(
    tenantId: string,
    meetingId: string,
    revision: number,
  ): Promise<MinutesRecord | null> {
    const doc = await this.revisions.findOne({ _id: revisionKey(tenantId, meetingId, revision) });
    return doc ? toRecord(doc.state) : null;
  }

  /** The claim of revision n and the minutes replaced, for the save's unit of work. */
  saveWrites(next: MinutesRecord): Write[] {
    return [
      {
        mode: 'claim',
        collection: REVISIONS,
        id: revisionKey(next.tenantId, next.meetingId, next.revision),
        doc: {
          tenantId: next.tenantId,
          meetingId: next.meetingId,
          revision: next.revision,
          state: next,
        },
      },
      {
        mode: 'replace',
        collection: MINUTES,
        id: key(next.tenantId, next.meetingId),
        doc: { ...next },
      },
    ];
  }

  async getDigest(tenantId: string, meetingId: string): Promise<DigestRecord | null> {
    const doc = await this.digests.findOne({ _id: key(tenantId, meetingId) });
    return doc ? { ...fromStored(doc), sentAt: new Date(doc.sentAt) } : null;
  }

  /** Unique insert: false when the digest was already recorded (another pass or instance). */
  async insertDigest(record: DigestRecord): Promise<boolean> {
    try {
      await this.digests.insertOne({ _id: key(record.tenantId, record.meetingId), ...record });
      return true;
    } catch (e) {
      if (isDuplicateKey(e)) return false;
      throw e;
    }
  }

  /** Minutes of meetings that started before `cutoff` whose notes are still there. */
  async minutesWithTextBefore(cutoff: Date, limit: number): Promise<MinutesRecord[]> {
    const docs = await this.minutes
      .find({ meetingStart: { $lt: cutoff }, textPurgedAt: { $exists: false } })
      .limit(limit)
      .toArray();
    return docs.map((d) => toRecord(fromStored(d)));
  }

  /**
   * Removes the notes of one meeting's minutes and of every revision in its history (outcomes,
   * attendance and who saved when are kept). Idempotent.
   */
  async purgeText(tenantId: string, meetingId: string, now: Date): Promise<void> {
    const cleared = { notes: {}, general: '', textPurgedAt: now };
    const revisions = await this.revisions.find({ tenantId, meetingId }).toArray();
    for (const r of revisions)
      await this.revisions.updateOne(
        { _id: r._id },
        { $set: { 'state.notes': {}, 'state.general': '', 'state.textPurgedAt': now } },
      );
    await this.minutes.updateOne({ _id: key(tenantId, meetingId) }, { $set: cleared });
  }
}
