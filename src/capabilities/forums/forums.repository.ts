import type { AnyBulkWriteOperation, Collection, Db } from 'mongodb';
import { isDuplicateKey, upsertRacing } from '../../infra/db/mongo';
import type { ForumsRepository } from './forums.service';
import type { Forum, Meeting, MeetingOverrideRecord } from './forums.types';

type ForumDoc = Forum & { _id: string };
type MeetingDoc = Meeting & { _id: string };
type OverrideDoc = MeetingOverrideRecord & { _id: string };

const key = (tenantId: string, id: string) => `${tenantId}:${id}`;
const strip = <T extends { _id: string }>({ _id, ...rest }: T): Omit<T, '_id'> => rest;

/** Forums, their materialized meetings and the chairs' overrides. */
export class MongoForumsRepository implements ForumsRepository {
  private readonly forums: Collection<ForumDoc>;
  private readonly meetings: Collection<MeetingDoc>;
  private readonly overrides: Collection<OverrideDoc>;

  constructor(db: Db) {
    this.forums = db.collection<ForumDoc>('forums');
    this.meetings = db.collection<MeetingDoc>('meetings');
    this.overrides = db.collection<OverrideDoc>('meetingOverrides');
  }

  async init(): Promise<void> {
    await this.forums.createIndex({ tenantId: 1, name: 1 });
    await this.forums.createIndex({ 'binding.conversationId': 1 });
    await this.meetings.createIndex({ tenantId: 1, forumId: 1, start: 1 });
    await this.meetings.createIndex({ deadlineReminderAt: 1 });
    await this.meetings.createIndex({ meetingReminderAt: 1 });
    await this.overrides.createIndex({ tenantId: 1, forumId: 1 });
  }

  async insertForum(forum: Forum): Promise<boolean> {
    try {
      await this.forums.insertOne({ _id: key(forum.tenantId, forum.id), ...forum });
      return true;
    } catch (e) {
      if (isDuplicateKey(e)) return false;
      throw e;
    }
  }

  async replaceForum(forum: Forum): Promise<void> {
    await this.forums.replaceOne({ _id: key(forum.tenantId, forum.id) }, forum);
  }

  async getForum(tenantId: string, forumId: string): Promise<Forum | null> {
    const doc = await this.forums.findOne({ _id: key(tenantId, forumId) });
    return doc ? strip(doc) : null;
  }

  async listForums(tenantId?: string): Promise<Forum[]> {
    const docs = await this.forums
      .find(tenantId ? { tenantId } : {})
      .sort({ name: 1 })
      .toArray();
    return docs.map(strip);
  }

  async forumsBoundTo(conversationId: string): Promise<Forum[]> {
    const docs = await this.forums.find({ 'binding.conversationId': conversationId }).toArray();
    return docs.map(strip);
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
    return docs.map(strip);
  }

  async getMeeting(tenantId: string, meetingId: string): Promise<Meeting | null> {
    const doc = await this.meetings.findOne({ _id: key(tenantId, meetingId) });
    return doc ? strip(doc) : null;
  }

  /** Meetings whose reminder moment of the given kind lies in [from, to]. */
  async meetingsWithReminderBetween(
    kind: 'deadline' | 'meeting',
    from: Date,
    to: Date,
  ): Promise<Meeting[]> {
    const field = kind === 'deadline' ? 'deadlineReminderAt' : 'meetingReminderAt';
    const docs = await this.meetings.find({ [field]: { $gte: from, $lte: to } }).toArray();
    return docs.map(strip);
  }

  async overridesFor(tenantId: string, forumId: string): Promise<MeetingOverrideRecord[]> {
    const docs = await this.overrides.find({ tenantId, forumId }).sort({ at: 1 }).toArray();
    return docs.map(strip);
  }

  async saveOverride(record: MeetingOverrideRecord): Promise<void> {
    // One current override per meeting (the latest wins); the audit trail keeps the history.
    await upsertRacing(() =>
      this.overrides.replaceOne({ _id: key(record.tenantId, record.meetingId) }, record, {
        upsert: true,
      }),
    );
  }
}
