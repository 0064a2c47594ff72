import type { Collection, Db } from 'mongodb';
import { isDuplicateKey, upsertRacing } from '../../infra/db/mongo';
import { fromStored } from '../../infra/db/journal';
import type {
  KnownMember,
  PersonalChatRecord,
  RosterRepository,
  RosterSourceRecord,
} from './roster.service';

type MemberDoc = KnownMember & { _id: string };
type ChatDoc = PersonalChatRecord & { _id: string };
type SourceDoc = RosterSourceRecord & { _id: string };

const key = (tenantId: string, aadObjectId: string) => `${tenantId}:${aadObjectId}`;

/**
 * Roster members by `<tenant>:<aadObjectId>`, the 1:1 chats opened with them (one document each,
 * a unique insert), and the conversations whose rosters are read. Each document has one kind of
 * writer, so no two writers ever update the same document's fields.
 */
export class MongoRosterRepository implements RosterRepository {
  private readonly members: Collection<MemberDoc>;
  private readonly chats: Collection<ChatDoc>;
  private readonly sources: Collection<SourceDoc>;

  constructor(db: Db) {
    this.members = db.collection<MemberDoc>('rosterMembers');
    this.chats = db.collection<ChatDoc>('personalChats');
    this.sources = db.collection<SourceDoc>('rosterSources');
  }

  async init(): Promise<void> {
    await this.members.createIndex({ tenantId: 1, conversationIds: 1 });
    await this.sources.createIndex({ readAt: 1 });
  }

  async saveMember(member: KnownMember): Promise<void> {
    const _id = key(member.tenantId, member.aadObjectId);
    // Two readers of the same roster write the same content: a duplicate key is "someone else did".
    await upsertRacing(() => this.members.replaceOne({ _id }, member, { upsert: true }));
  }

  async getMember(tenantId: string, aadObjectId: string): Promise<KnownMember | null> {
    const doc = await this.members.findOne({ _id: key(tenantId, aadObjectId) });
    return doc ? { ...fromStored(doc), seenAt: new Date(doc.seenAt) } : null;
  }

  async membersOf(tenantId: string, conversationId: string): Promise<KnownMember[]> {
    const docs = await this.members.find({ tenantId, conversationIds: conversationId }).toArray();
    return docs.map((d) => ({ ...fromStored(d), seenAt: new Date(d.seenAt) }));
  }

  async getChat(tenantId: string, aadObjectId: string): Promise<PersonalChatRecord | null> {
    const doc = await this.chats.findOne({ _id: key(tenantId, aadObjectId) });
    return doc ? { ...fromStored(doc), openedAt: new Date(doc.openedAt) } : null;
  }

  async insertChat(chat: PersonalChatRecord): Promise<void> {
    try {
      await this.chats.insertOne({ _id: key(chat.tenantId, chat.aadObjectId), ...chat });
    } catch (e) {
      if (!isDuplicateKey(e)) throw e;
    }
  }

  async saveSource(source: RosterSourceRecord): Promise<void> {
    await upsertRacing(() =>
      this.sources.replaceOne({ _id: source.conversationId }, source, { upsert: true }),
    );
  }

  async getSource(conversationId: string): Promise<RosterSourceRecord | null> {
    const doc = await this.sources.findOne({ _id: conversationId });
    return doc ? { ...fromStored(doc), readAt: new Date(doc.readAt) } : null;
  }

  async staleSources(before: Date, limit: number): Promise<RosterSourceRecord[]> {
    const docs = await this.sources
      .find({ readAt: { $lt: before } })
      .sort({ readAt: 1 })
      .limit(limit)
      .toArray();
    return docs.map((d) => ({ ...fromStored(d), readAt: new Date(d.readAt) }));
  }

  async dropSource(conversationId: string): Promise<void> {
    await this.sources.deleteOne({ _id: conversationId });
  }
}
