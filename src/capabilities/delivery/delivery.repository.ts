import type { Collection, Db } from 'mongodb';
import { ClaimsBacked, MongoClaimStore } from '../../infra/db/claims.repository';
import {
  findByIds,
  insertManyUnique,
  insertUnique,
  SCAN_BATCH,
  scansOnly,
} from '../../infra/db/mongo';
import type { Write } from '../../core/unit-of-work';
import type { Claim } from '../../core/claims';
import type { SlotMarker } from './delivery.rate-limit';

const GONE_COLLECTION = 'outboxGoneConversations';
import type {
  DeliveryBulkOps,
  DeliveryRepository,
  OutboxChange,
  OutboxState,
  OutboxMessage,
  OutboxPayload,
  OutboxStatus,
  SentRecord,
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

/**
 * A send, recorded beside its message (`outboxSent`, by the message's id): one bulk insert per
 * wave, where writing each message costs FerretDB v1 a statement of its own (and more the larger
 * the outbox). Every read of a message's state counts it; foldSent writes it into the message
 * when the outbox is idle, then deletes it.
 */
interface SentDoc {
  _id: string;
  tenantId: string;
  seq: number;
  attempts: number;
  at: Date;
  activityId: string;
}
const SENT_COLLECTION = 'outboxSent';

interface ClaimDoc {
  _id: string;
  itemId: string;
  owner: string;
  at: Date;
  leaseUntil: Date;
}

/**
 * Statements per bulk update: FerretDB v1 rewrites each document in a statement of its own,
 * holding its one writer meanwhile, and a bulkWrite of 100 updates did not finish there.
 */
const MARK_CHUNK = 8;

export class MongoDeliveryRepository
  extends ClaimsBacked
  implements DeliveryRepository, DeliveryBulkOps
{
  private readonly outbox: Collection<OutboxDoc>;
  private readonly slots: Collection<SlotDoc>;
  private readonly gone: Collection<GoneDoc>;
  private readonly claimDocs: Collection<ClaimDoc>;
  private readonly sentDocs: Collection<SentDoc>;

  /** FerretDB v1: any filter but `{ _id: <value> }` reads the whole collection (findByIds). */
  private scansOnly = false;

  constructor(private readonly db: Db) {
    super(new MongoClaimStore(db, 'outboxClaims'));
    this.claimDocs = db.collection<ClaimDoc>('outboxClaims');
    this.outbox = db.collection<OutboxDoc>('outbox');
    this.slots = db.collection<SlotDoc>('outboxSlots');
    this.gone = db.collection<GoneDoc>(GONE_COLLECTION);
    this.sentDocs = db.collection<SentDoc>(SENT_COLLECTION);
  }

  /** The sends recorded beside these messages (findByIds: by `_id`, or one scan for many). */
  private async sentAmong(ids: readonly string[]): Promise<Map<string, SentDoc>> {
    const docs = await findByIds(this.sentDocs, ids, { scans: this.scansOnly });
    return new Map(docs.map((d) => [d._id, d]));
  }

  async init(): Promise<void> {
    this.scansOnly = await scansOnly(this.db);
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
    const naming = docs.filter((d) => d._id.includes(userId) || d.conversationId.includes(userId));
    const sent = await this.sentAmong(naming.map((d) => d._id));
    return naming.map((d) => ({
      id: d._id,
      kind: d.kind,
      status: sent.has(d._id) ? 'sent' : d.status,
      createdAt: new Date(d.createdAt),
    }));
  }

  /** Deletes the messages (their reference holds the user's name) and their claims. */
  async forgetMessages(ids: readonly string[]): Promise<number> {
    if (ids.length === 0) return 0;
    for (const id of ids) await this.claims.deleteClaims(id);
    await this.sentDocs.deleteMany({ _id: { $in: [...ids] } });
    return (await this.outbox.deleteMany({ _id: { $in: [...ids] } })).deletedCount;
  }

  async insert(msg: OutboxMessage): Promise<boolean> {
    return insertUnique(this.outbox, toDoc(msg));
  }

  insertMany(msgs: readonly OutboxMessage[]): Promise<Set<string>> {
    return insertManyUnique(this.outbox, msgs.map(toDoc));
  }

  async get(id: string): Promise<OutboxMessage | null> {
    const [doc, sent] = await Promise.all([
      this.outbox.findOne({ _id: id }),
      this.sentDocs.findOne({ _id: id }),
    ]);
    if (!doc) return null;
    const msg = toMessage(doc);
    return sent && msg.status === 'pending' ? withSent(msg, sent) : msg;
  }

  /**
   * Up to `limit` due pending messages; those already sent (recorded beside them, not yet
   * folded) are not. They still say pending and come first (they were due first), so as many
   * more are read as there are sends recorded beside messages: a pass after a full batch finds
   * the next batch, not the last one's sends.
   */
  async findDue(
    now: Date,
    limit: number,
    exclude: ReadonlySet<string> = new Set(),
  ): Promise<OutboxMessage[]> {
    // Pending messages whose sends are recorded beside them, and those left out, sort among
    // the rest: read enough that `limit` others remain.
    const beside = await this.sentDocs.estimatedDocumentCount();
    const docs = await this.outbox
      .find({ status: 'pending', nextAttemptAt: { $lte: now } }, SCAN_BATCH)
      .sort({ nextAttemptAt: 1 })
      .limit(limit + beside + exclude.size)
      .toArray();
    const left = docs.filter((d) => !exclude.has(d._id));
    const sent = await this.sentAmong(left.map((d) => d._id));
    return left
      .filter((d) => !sent.has(d._id))
      .slice(0, limit)
      .map(toMessage);
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

  takeSlots(slots: readonly SlotMarker[]): Promise<Set<string>> {
    return insertManyUnique(
      this.slots,
      slots.map((s) => ({ _id: s.id, window: s.window, expiresAt: s.expiresAt })),
    );
  }

  insertClaims(claims: readonly Claim[]): Promise<Set<string>> {
    return insertManyUnique(
      this.claimDocs,
      claims.map(({ id, ...rest }) => ({ _id: id, ...rest })),
    );
  }

  async getClaims(ids: readonly string[]): Promise<Claim[]> {
    if (ids.length === 0) return [];
    const docs = await this.claimDocs.find({ _id: { $in: [...ids] } }).toArray();
    return docs.map((d) => ({
      id: d._id,
      itemId: d.itemId,
      owner: d.owner,
      at: new Date(d.at),
      leaseUntil: new Date(d.leaseUntil),
    }));
  }

  async deleteClaimIds(ids: readonly string[]): Promise<void> {
    if (ids.length > 0) await this.claimDocs.deleteMany({ _id: { $in: [...ids] } });
  }

  async deleteClaimsOf(messageIds: readonly string[]): Promise<void> {
    if (messageIds.length > 0)
      await this.claimDocs.deleteMany({ itemId: { $in: [...messageIds] } });
  }

  /** The states of these messages; those that are not pending may be left out. */
  async states(ids: readonly string[]): Promise<OutboxState[]> {
    if (ids.length === 0) return [];
    const projection = { _id: 1, status: 1, claimSeq: 1, nextAttemptAt: 1 } as const;
    const [docs, sent] = await Promise.all([
      findByIds(this.outbox, ids, {
        scans: this.scansOnly,
        projection,
        scanFilter: { status: 'pending' },
      }),
      // A send recorded beside a message counts: it is sent, whatever the message says yet.
      this.sentAmong(ids),
    ]);
    return docs.map((d) => ({
      id: d._id,
      status: sent.has(d._id) ? 'sent' : d.status,
      claimSeq: d.claimSeq,
      nextAttemptAt: new Date(d.nextAttemptAt),
    }));
  }

  /**
   * One insertMany beside the messages (see SentDoc); a send recorded twice (a retried write)
   * is one. Before the sender deletes its claims, so whoever claims the message next sees it.
   */
  async markSent(sent: readonly SentRecord[], at: Date): Promise<void> {
    await insertManyUnique(
      this.sentDocs,
      sent.map((r) => ({
        _id: r.id,
        tenantId: r.tenantId,
        seq: r.seq,
        attempts: r.attempts,
        at,
        activityId: r.activityId ?? '',
      })),
    );
  }

  /**
   * Writes up to `max` recorded sends into their messages, in updates of a few statements each,
   * each filtered by `_id` alone (FerretDB v1 finds a document by `_id` only when the filter has
   * no other field; MongoDB uses the `_id` index), then deletes those records. Idempotent: a
   * crash between the two writes folds the same values again. The holder of a message's claim
   * was its only writer, and a sent message is never claimed again.
   */
  async foldSent(max: number): Promise<number> {
    const marks = await this.sentDocs.find({}).limit(max).toArray();
    for (let i = 0; i < marks.length; i += MARK_CHUNK) {
      await this.outbox.bulkWrite(
        marks.slice(i, i + MARK_CHUNK).map((m) => ({
          updateOne: {
            filter: { _id: m._id },
            update: {
              $set: {
                status: 'sent' as const,
                attempts: m.attempts,
                claimSeq: m.seq + 1,
                sentAt: new Date(m.at),
                updatedAt: new Date(m.at),
                activityId: m.activityId,
              },
            },
          },
        })),
        { ordered: false },
      );
    }
    if (marks.length > 0) await this.sentDocs.deleteMany({ _id: { $in: marks.map((m) => m._id) } });
    return marks.length;
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

  /**
   * Retention: messages that are done with (sent, expired, undeliverable) and were queued before
   * `cutoff` are deleted; a digest's card holds the cases' text. Returns their ids.
   */
  async purgeFinishedBefore(cutoff: Date): Promise<string[]> {
    const docs = await this.outbox
      .find(
        { status: { $in: ['sent', 'expired', 'deadLettered'] }, createdAt: { $lt: cutoff } },
        { projection: { _id: 1 } },
      )
      .toArray();
    const ids = docs.map((d) => d._id);
    for (let i = 0; i < ids.length; i += 500)
      await this.outbox.deleteMany({ _id: { $in: ids.slice(i, i + 500) } });
    return ids;
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
    // Sends recorded beside messages not yet folded: sent, not pending.
    const marks = await this.sentDocs.find({ tenantId }, { projection: { _id: 1 } }).toArray();
    if (marks.length > 0) {
      const stillPending = await this.outbox.countDocuments({
        _id: { $in: marks.map((m) => m._id) },
        status: 'pending',
      });
      counts.pending -= stillPending;
      counts.sent += stillPending;
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

function toDoc(msg: OutboxMessage): OutboxDoc {
  const { id, payload, ...rest } = msg;
  // Absent optional fields stay absent (the driver would store `undefined` as null).
  const defined = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
  return {
    ...(defined as Omit<OutboxDoc, '_id' | 'payload'>),
    _id: id,
    payload: JSON.stringify(payload),
  };
}

/** A pending message whose send was recorded beside it: as foldSent will write it. */
function withSent(msg: OutboxMessage, sent: SentDoc): OutboxMessage {
  return {
    ...msg,
    status: 'sent',
    attempts: sent.attempts,
    claimSeq: sent.seq + 1,
    sentAt: new Date(sent.at),
    updatedAt: new Date(sent.at),
    activityId: sent.activityId,
  };
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
