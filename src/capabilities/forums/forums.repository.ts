import type { AnyBulkWriteOperation, Collection, Db } from 'mongodb';
import { upsertRacing } from '../../infra/db/mongo';
import type { Write } from '../../core/unit-of-work';
import type { ForumsRepository } from './forums.service';
import type { Forum, Meeting, MeetingOverrideRecord } from './forums.types';

type ForumDoc = Forum & { _id: string };
type MeetingDoc = Meeting & { _id: string };
type OverrideDoc = MeetingOverrideRecord & { _id: string };

const FORUMS = 'forums';
const OVERRIDES = 'meetingOverrides';

const key = (tenantId: string, id: string) => `${tenantId}:${id}`;
/** Drops `_id` and the journal's `journalId` (see infra/db/journal.ts). */
const strip = <T extends { _id: string }>({ _id, ...rest }: T): Omit<T, '_id'> => {
  delete (rest as { journalId?: unknown }).journalId;
  delete (rest as { journalAt?: unknown }).journalAt;
  return rest;
};

/** Forums, their materialized meetings and the chairs' overrides. */
export class MongoForumsRepository implements ForumsRepository {
  private readonly forums: Collection<ForumDoc>;
  private readonly meetings: Collection<MeetingDoc>;
  private readonly overrides: Collection<OverrideDoc>;

  constructor(db: Db) {
    this.forums = db.collection<ForumDoc>(FORUMS);
    this.meetings = db.collection<MeetingDoc>('meetings');
    this.overrides = db.collection<OverrideDoc>(OVERRIDES);
  }

  async init(): Promise<void> {
    await this.forums.createIndex({ tenantId: 1, name: 1 });
    await this.forums.createIndex({ 'binding.conversationId': 1 });
    await this.meetings.createIndex({ tenantId: 1, forumId: 1, start: 1 });
    await this.meetings.createIndex({ deadlineReminderAt: 1 });
    await this.meetings.createIndex({ meetingReminderAt: 1 });
    await this.overrides.createIndex({ tenantId: 1, forumId: 1 });
  }

  insertForumWrite(forum: Forum): Write {
    return {
      mode: 'claim',
      collection: FORUMS,
      id: key(forum.tenantId, forum.id),
      doc: { ...forum },
    };
  }

  forumWrite(forum: Forum): Write {
    return {
      mode: 'replace',
      collection: FORUMS,
      id: key(forum.tenantId, forum.id),
      doc: { ...forum },
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
}
