import type { AnyBulkWriteOperation, Collection, Db } from 'mongodb';
import type { Write } from '../../core/unit-of-work';
import { fromStored } from '../../infra/db/journal';
import { upsertRacing } from '../../infra/db/mongo';
import type { MeetingsRepository } from './meetings.ports';
import type { Meeting, MeetingOverrideRecord } from './meetings.types';

type MeetingDoc = Meeting & { _id: string };
type OverrideDoc = MeetingOverrideRecord & { _id: string };

const OVERRIDES = 'meetingOverrides';
const key = (tenantId: string, id: string) => `${tenantId}:${id}`;

/** Materialized meetings and the chairs' overrides. */
export class MongoMeetingsRepository implements MeetingsRepository {
  private readonly meetings: Collection<MeetingDoc>;
  private readonly overrides: Collection<OverrideDoc>;

  constructor(db: Db) {
    this.meetings = db.collection<MeetingDoc>('meetings');
    this.overrides = db.collection<OverrideDoc>(OVERRIDES);
  }

  async init(): Promise<void> {
    await this.meetings.createIndex({ tenantId: 1, forumId: 1, start: 1 });
    await this.meetings.createIndex({ deadlineReminderAt: 1 });
    await this.meetings.createIndex({ meetingReminderAt: 1 });
    await this.meetings.createIndex({ deadlineAt: 1 });
    await this.overrides.createIndex({ tenantId: 1, forumId: 1 });
  }

  meetingWrite(meeting: Meeting): Write {
    return {
      mode: 'replace',
      collection: 'meetings',
      id: key(meeting.tenantId, meeting.id),
      doc: { ...meeting },
    };
  }

  overrideWrite(record: MeetingOverrideRecord): Write {
    return {
      mode: 'replace',
      collection: OVERRIDES,
      id: key(record.tenantId, record.meetingId),
      doc: { ...record },
    };
  }

  async saveMeetings(meetings: readonly Meeting[]): Promise<void> {
    if (meetings.length === 0) return;
    const ops: AnyBulkWriteOperation<MeetingDoc>[] = meetings.map((m) => ({
      replaceOne: {
        filter: { _id: key(m.tenantId, m.id) },
        replacement: { ...m, _id: key(m.tenantId, m.id) },
        upsert: true,
      },
    }));
    // Two scheduler passes (or instances) may materialize the same new meetings at once.
    await upsertRacing(() => this.meetings.bulkWrite(ops, { ordered: false }));
  }

  async meetingsFrom(
    tenantId: string,
    forumId: string,
    from: Date,
    limit: number,
  ): Promise<Meeting[]> {
    const docs = await this.meetings
      .find({ tenantId, forumId, start: { $gte: from } })
      .sort({ start: 1 })
      .limit(limit)
      .toArray();
    return docs.map(fromStored);
  }

  async getMeeting(tenantId: string, meetingId: string): Promise<Meeting | null> {
    const doc = await this.meetings.findOne({ _id: key(tenantId, meetingId) });
    return doc ? fromStored(doc) : null;
  }

  /** Meetings whose reminder moment of the given kind lies in [from, to]. */
  async meetingsWithReminderBetween(
    kind: 'deadline' | 'meeting',
    from: Date,
    to: Date,
  ): Promise<Meeting[]> {
    const field = kind === 'deadline' ? 'deadlineReminderAt' : 'meetingReminderAt';
    const docs = await this.meetings.find({ [field]: { $gte: from, $lte: to } }).toArray();
    return docs.map(fromStored);
  }

  async meetingsWithDeadlineBetween(from: Date, to: Date): Promise<Meeting[]> {
    const docs = await this.meetings.find({ deadlineAt: { $gte: from, $lte: to } }).toArray();
    return docs.map(fromStored);
  }

  /** The cancellations and moves a user made (requests about a person). */
  async overridesBy(tenantId: string, userId: string): Promise<MeetingOverrideRecord[]> {
    return (await this.overrides.find({ tenantId, by: userId }).toArray()).map(fromStored);
  }

  async pseudonymizeOverrides(
    tenantId: string,
    userId: string,
    pseudonym: string,
  ): Promise<number> {
    return (await this.overrides.updateMany({ tenantId, by: userId }, { $set: { by: pseudonym } }))
      .modifiedCount;
  }

  async overridesFor(tenantId: string, forumId: string): Promise<MeetingOverrideRecord[]> {
    const docs = await this.overrides.find({ tenantId, forumId }).sort({ at: 1 }).toArray();
    return docs.map(fromStored);
  }
}
