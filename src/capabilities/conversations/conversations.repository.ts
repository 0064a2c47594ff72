import type { Collection, Db } from 'mongodb';
import {
  findByIds,
  insertUnique,
  isDuplicateKey,
  scansOnly,
  upsertRacing,
} from '../../infra/db/mongo';
import type { ConversationRecord, ConversationsRepository } from './conversations.service';

interface ConversationDoc extends Omit<ConversationRecord, 'id'> {
  _id: string;
}

export class MongoConversationsRepository implements ConversationsRepository {
  private readonly col: Collection<ConversationDoc>;
  private readonly intros: Collection<{ _id: string; at: Date }>;
  /** FerretDB v1: `$in` scans (see findByIds). */
  private scans = false;

  constructor(private readonly db: Db) {
    this.col = db.collection<ConversationDoc>('conversations');
    this.intros = db.collection<{ _id: string; at: Date }>('conversationIntros');
  }

  async init(): Promise<void> {
    this.scans = await scansOnly(this.db);
    await this.col.createIndex({ tenantId: 1, type: 1 });
  }

  async find(id: string): Promise<ConversationRecord | null> {
    const doc = await this.col.findOne({ _id: id });
    return doc ? toRecord(doc) : null;
  }

  async findMany(ids: readonly string[]): Promise<ConversationRecord[]> {
    const docs = await findByIds(this.col, ids, { scans: this.scans });
    return docs.map(toRecord);
  }

  async personalConversationOf(
    tenantId: string,
    aadObjectId: string,
  ): Promise<ConversationRecord | null> {
    const doc = await this.col.findOne(
      {
        tenantId,
        type: 'personal',
        'reference.user.aadObjectId': { $in: [aadObjectId, aadObjectId.toUpperCase()] },
      },
      { sort: { lastSeenAt: -1 } },
    );
    return doc ? this.find(doc._id) : null;
  }

  /** Every personal chat of the user with the bot (requests about a person). */
  async personalConversationsOf(
    tenantId: string,
    aadObjectId: string,
  ): Promise<ConversationRecord[]> {
    const docs = await this.col
      .find({
        tenantId,
        type: 'personal',
        'reference.user.aadObjectId': { $in: [aadObjectId, aadObjectId.toUpperCase()] },
      })
      .toArray();
    return (await Promise.all(docs.map((d) => this.find(d._id)))).filter(
      (r): r is ConversationRecord => r !== null,
    );
  }

  /** The conversation's reference (its reply address, the user's name in it) and markers. */
  async forget(conversationId: string): Promise<void> {
    await this.col.deleteOne({ _id: conversationId });
    await this.intros.deleteMany({ _id: { $in: [conversationId, `deferred:${conversationId}`] } });
  }

  async save(record: ConversationRecord, isNew = false): Promise<void> {
    const { id, ...rest } = record;
    // A new conversation is inserted: on FerretDB v1 an insert costs the same whatever the
    // collection's size, an update does not.
    if (isNew && (await insertUnique(this.col, { _id: id, ...rest }))) return;
    await upsertRacing(() => this.col.replaceOne({ _id: id }, rest, { upsert: true }));
  }

  /** Both markers live in one collection, looked up by `_id` only. */
  async markIntroductionDeferred(conversationId: string, at: Date): Promise<void> {
    try {
      await this.intros.insertOne({ _id: `deferred:${conversationId}`, at });
    } catch (e) {
      if (!isDuplicateKey(e)) throw e;
    }
  }

  async isIntroductionPending(conversationId: string): Promise<boolean> {
    const [deferred, done] = await Promise.all([
      this.intros.findOne({ _id: `deferred:${conversationId}` }),
      this.intros.findOne({ _id: conversationId }),
    ]);
    return deferred !== null && done === null;
  }

  async markIntroduced(conversationId: string, at: Date): Promise<boolean> {
    try {
      await this.intros.insertOne({ _id: conversationId, at });
      return true;
    } catch (e) {
      if (isDuplicateKey(e)) return false;
      throw e;
    }
  }
}

function toRecord(doc: ConversationDoc): ConversationRecord {
  const { _id, ...rest } = doc;
  return {
    id: _id,
    ...rest,
    firstSeenAt: new Date(rest.firstSeenAt),
    lastSeenAt: new Date(rest.lastSeenAt),
  };
}
