import type { Collection, Db } from 'mongodb';
import { ClaimsBacked, MongoClaimStore } from '../../infra/db/claims.repository';
import { isDuplicateKey } from '../../infra/db/mongo';
import type { Write } from '../../core/unit-of-work';

const GONE_COLLECTION = 'outboxGoneConversations';
import type {
  DeliveryRepository,
  OutboxChange,
  OutboxMessage,
  OutboxPayload,
  OutboxStatus,
} from './delivery.types';
import { OUTBOX_STATUSES } from './delivery.types';

/**
 * The outbox on MongoDB, written to the FerretDB v1 subset: every exclusive step (message
 * creation, claims, rate-limit slots, the "conversation gone" marker) is a unique `_id` insert;
 * counts are `$match` + `$group`/`$sum`; everything else is plain reads and updates.
 */
interface OutboxDoc extends Omit<OutboxMessage, 'id' | 'payload'> {
  _id: string;
  /** JSON text: cards carry keys such as `$schema` that the server would reject as field names. */
  payload: string;
}
interface SlotDoc {
  _id: string;
  window: string;
  expiresAt: Date;
}
interface GoneDoc {
  _id: string;
  tenantId: string;
  at: Date;
}

export class MongoDeliveryRepository extends ClaimsBacked implements DeliveryRepository {
  private readonly outbox: Collection<OutboxDoc>;
  private readonly slots: Collection<SlotDoc>;
  private readonly gone: Collection<GoneDoc>;

  constructor(db: Db) {
    super(new MongoClaimStore(db, 'outboxClaims'));
    this.outbox = db.collection<OutboxDoc>('outbox');
    this.slots = db.collection<SlotDoc>('outboxSlots');
    this.gone = db.collection<GoneDoc>(GONE_COLLECTION);
  }

  async init(): Promise<void> {
    await this.outbox.createIndex({ status: 1, nextAttemptAt: 1 });
    await this.outbox.createIndex({ conversationId: 1, status: 1 });
    await this.outbox.createIndex({ tenantId: 1, status: 1, updatedAt: -1 });
    await this.claims.init();
    await this.slots.createIndex({ window: 1 });
    await this.slots.createIndex({ expiresAt: 1 });
  }

  /**
   * Requests about a person: messages whose id names the user (notices to one admin end with
   * their Entra id) or that are addressed to them (`person:<tenant>:<aadObjectId>`, e.g. a
   * submitter told their case's outcome). A scan of the tenant's outbox: rare, and ids are not
   * prefixed by user.
   */
  async messagesNaming(
    tenantId: string,
    userId: string,
  ): Promise<{ id: string; kind: string; status: string; createdAt: Date }[]> {
    const docs = await this.outbox
      .find(
        { tenantId },
        { projection: { _id: 1, kind: 1, status: 1, createdAt: 1, conversationId: 1 } },
      )
      .toArray();
    return docs
      .filter((d) => d._id.includes(userId) || d.conversationId.includes(userId))
      .map((d) => ({
        id: d._id,
        kind: d.kind,
        status: d.status,
        createdAt: new Date(d.createdAt),
      }));
  }

  /** Deletes the messages (their reference holds the user's name) and their claims. */
  async forgetMessages(ids: readonly string[]): Promise<number> {
    if (ids.length === 0) return 0;
    for (const id of ids) await this.claims.deleteClaims(id);
    return (await this.outbox.deleteMany({ _id: { $in: [...ids] } })).deletedCount;
  }

  async insert(msg: OutboxMessage): Promise<boolean> {
    const { id, payload, ...rest } = msg;
    // Absent optional fields stay absent (the driver would store `undefined` as null).
    const defined = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
    return insertUnique(this.outbox, {
      ...(defined as Omit<OutboxDoc, '_id' | 'payload'>),
      _id: id,
      payload: JSON.stringify(payload),
    });
  }

  async get(id: string): Promise<OutboxMessage | null> {
    const doc = await this.outbox.findOne({ _id: id });
    return doc ? toMessage(doc) : null;
  }

  async findDue(now: Date, limit: number): Promise<OutboxMessage[]> {
    const docs = await this.outbox
      .find({ status: 'pending', nextAttemptAt: { $lte: now } })
      .sort({ nextAttemptAt: 1 })
      .limit(limit)
      .toArray();
    return docs.map(toMessage);
  }

  async update(
    id: string,
    seq: number,
    set: OutboxChange,
    unset: readonly ('reason' | 'lastError')[] = [],
  ): Promise<boolean> {
    const res = await this.outbox.updateOne(
      { _id: id, claimSeq: { $lte: seq } },
      {
        $set: set,
        ...(unset.length > 0 && { $unset: Object.fromEntries(unset.map((f) => [f, ''])) }),
      },
    );
    return res.matchedCount === 1;
  }

  deleteClaims(messageId: string): Promise<void> {
    return this.claims.deleteClaims(messageId);
  }

  takeSlot(id: string, window: string, expiresAt: Date): Promise<boolean> {
    return insertUnique(this.slots, { _id: id, window, expiresAt });
  }

  /**
   * Requests about a person: the rate-limit slots taken for messages to their `person:` address
   * (the window names the address, so the Entra id): deleted. Returns how many.
   */
  async forgetSlotsOf(address: string): Promise<number> {
    const prefix = `c:${address}:`;
    return (await this.slots.deleteMany({ _id: { $gte: prefix, $lt: `${prefix}\uffff` } }))
      .deletedCount;
  }

  async sweepSlots(now: Date): Promise<void> {
    await this.slots.deleteMany({ expiresAt: { $lt: now } });
  }

  goneWrite(conversationId: string, tenantId: string, at: Date): Write {
    return {
      mode: 'claim',
      collection: GONE_COLLECTION,
      id: conversationId,
      doc: { tenantId, at },
    };
  }

  async goneAmong(conversationIds: readonly string[]): Promise<Set<string>> {
    if (conversationIds.length === 0) return new Set();
    const docs = await this.gone
      .find({ _id: { $in: [...conversationIds] } }, { projection: { _id: 1 } })
      .toArray();
    return new Set(docs.map((d) => d._id));
  }

  async clearGone(conversationId: string): Promise<void> {
    await this.gone.deleteOne({ _id: conversationId });
  }

  async countByStatus(tenantId: string): Promise<Record<OutboxStatus, number>> {
    const rows = await this.outbox
      .aggregate<{ _id: string; n: number }>([
        { $match: { tenantId } },
        { $group: { _id: '$status', n: { $sum: 1 } } },
      ])
      .toArray();
    const counts = Object.fromEntries(OUTBOX_STATUSES.map((s) => [s, 0])) as Record<
      OutboxStatus,
      number
    >;
    for (const row of rows) {
      if ((OUTBOX_STATUSES as readonly string[]).includes(row._id))
        counts[row._id as OutboxStatus] = row.n;
    }
    return counts;
  }

  async listDeadLetters(tenantId: string, limit: number): Promise<OutboxMessage[]> {
    const docs = await this.outbox
      .find({ tenantId, status: 'deadLettered' })
      .sort({ updatedAt: -1 })
      .limit(limit)
      .toArray();
    return docs.map(toMessage);
  }
}

async function insertUnique<T extends { _id: string }>(
  col: Collection<T>,
  doc: T,
): Promise<boolean> {
  try {
    await col.insertOne(doc as Parameters<Collection<T>['insertOne']>[0]);
    return true;
  } catch (e) {
    if (isDuplicateKey(e)) return false;
    throw e;
  }
}

const date = (d: Date | null | undefined) => (d == null ? undefined : new Date(d));

function toMessage(doc: OutboxDoc): OutboxMessage {
  const { _id, payload, ...rest } = doc;
  const msg: OutboxMessage = {
    ...rest,
    id: _id,
    payload: JSON.parse(payload) as OutboxPayload,
    notBefore: new Date(rest.notBefore),
    nextAttemptAt: new Date(rest.nextAttemptAt),
    createdAt: new Date(rest.createdAt),
    updatedAt: new Date(rest.updatedAt),
  };
  const expiresAt = date(rest.expiresAt);
  const sentAt = date(rest.sentAt);
  if (expiresAt) msg.expiresAt = expiresAt;
  if (sentAt) msg.sentAt = sentAt;
  return msg;
}
