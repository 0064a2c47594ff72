import type { Collection, Db } from 'mongodb';
import type { Write } from '../../core/unit-of-work';
import { fromStored } from '../../infra/db/journal';
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
      .find(tenantId ? { tenantId } : {})
      .sort({ name: 1 })
      .toArray();
    return docs.map(fromStored);
  }

  async forumsBoundTo(conversationId: string): Promise<Forum[]> {
    const docs = await this.forums.find({ 'binding.conversationId': conversationId }).toArray();
    return docs.map(fromStored);
  }
}
