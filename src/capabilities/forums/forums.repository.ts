import type { Collection, Db } from 'mongodb';
import type { Write } from '../../core/unit-of-work';
import { fromStored } from '../../infra/db/journal';
import { SCAN_BATCH } from '../../infra/db/mongo';
import type { ForumsRepository } from './forums.service';
import type { Forum } from './forums.types';

type ForumDoc = Forum & { _id: string };

const FORUMS = 'forums';

const key = (tenantId: string, id: string) => `${tenantId}:${id}`;

/** Forums: their definitions and where they are bound. */
export class MongoForumsRepository implements ForumsRepository {
  private readonly forums: Collection<ForumDoc>;

  constructor(db: Db) {
    this.forums = db.collection<ForumDoc>(FORUMS);
  }

  async init(): Promise<void> {
    await this.forums.createIndex({ tenantId: 1, name: 1 });
    await this.forums.createIndex({ 'binding.conversationId': 1 });
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

  async getForum(tenantId: string, forumId: string): Promise<Forum | null> {
    const doc = await this.forums.findOne({ _id: key(tenantId, forumId) });
    return doc ? fromStored(doc) : null;
  }

  async listForums(tenantId?: string): Promise<Forum[]> {
    const docs = await this.forums
      .find(tenantId ? { tenantId } : {}, SCAN_BATCH)
      .sort({ name: 1 })
      .toArray();
    return docs.map(fromStored);
  }

  /** Forums that name the user as chair, creator or who bound them (requests about a person). */
  async forumsNaming(tenantId: string, userId: string): Promise<Forum[]> {
    return (await this.listForums(tenantId)).filter(
      (f) => f.chairs.includes(userId) || f.createdBy === userId || f.binding?.boundBy === userId,
    );
  }

  /** The user's Entra id replaced by the pseudonym in every forum that names them. */
  async pseudonymize(tenantId: string, userId: string, pseudonym: string): Promise<number> {
    const swap = (id: string) => (id === userId ? pseudonym : id);
    const forums = await this.forumsNaming(tenantId, userId);
    for (const f of forums)
      await this.forums.updateOne(
        { _id: key(tenantId, f.id) },
        {
          $set: {
            chairs: f.chairs.map(swap),
            createdBy: swap(f.createdBy),
            ...(f.binding ? { 'binding.boundBy': swap(f.binding.boundBy) } : {}),
          },
        },
      );
    return forums.length;
  }

  async forumsBoundTo(conversationId: string): Promise<Forum[]> {
    const docs = await this.forums.find({ 'binding.conversationId': conversationId }).toArray();
    return docs.map(fromStored);
  }
}
