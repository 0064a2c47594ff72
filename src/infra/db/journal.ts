import { BSON, type Collection, type Db, type Document } from 'mongodb';
import type { Clock } from '../../core/clock';
import type { DomainEvent, EventType } from '../../core/events';
import type { CommitOutcome, Unit, UnitOfWork, Write } from '../../core/unit-of-work';
import { crashPoint } from '../crash-points';
import { isDuplicateKey, upsertRacing } from './mongo';

interface JournalDoc {
  _id: string;
  createdAt: Date;
  /** The unit as Extended JSON text (dates kept): documents may hold keys the server rejects. */
  unit: string;
  /** Events with their ids and time, fixed when the unit is journaled. */
  events: string;
}

/** One delivery of an event to one subscriber; deleted when handled. */
export interface EventDeliveryDoc {
  _id: string;
  subscriber: string;
  eventId: string;
  type: EventType;
  tenantId: string;
  attempts: number;
  claimSeq: number;
  nextAttemptAt: Date;
  status: 'pending' | 'failed';
  lastError?: string;
}

/**
 * A document as a repository maps it back to its domain type: without `_id` and without the
 * markers the journal adds to the documents it writes (`journalId` on claims, `journalAt` on
 * replaces). The one place that knows those markers outside the journal.
 */
export function fromStored<T extends { _id: string }>(
  doc: T,
): Omit<T, '_id' | 'journalId' | 'journalAt'> {
  const {
    _id,
    journalId: _claimedBy,
    journalAt: _writtenAt,
    ...rest
  } = doc as T & {
    journalId?: unknown;
    journalAt?: unknown;
  };
  return rest;
}

export const EVENTS = 'events';
export const EVENT_DELIVERIES = 'eventDeliveries';
export const OPERATIONS = 'operations';
export const AUDIT = 'audit';

/**
 * The unit of work on a server without transactions (FerretDB v1; the same code runs on MongoDB
 * and Cosmos DB). `commit` journals the whole unit in one insert, applies its writes, its audit
 * entries, its events and their deliveries (each idempotent), then removes the journal entry.
 * `recover` applies what a crashed process left in the journal. The journal holds only units in
 * flight, so scanning it is cheap on every backend.
 */
export class MongoJournal implements UnitOfWork {
  private readonly journal: Collection<JournalDoc>;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    /** The subscribers of each event type: each gets a delivery of its own. */
    private readonly subscribersOf: (type: EventType) => readonly string[],
  ) {
    this.journal = db.collection<JournalDoc>('journal');
  }

  async init(): Promise<void> {
    await this.db.collection(EVENT_DELIVERIES).createIndex({ nextAttemptAt: 1 });
  }

  async commit(unit: Unit): Promise<CommitOutcome> {
    const at = this.clock.now();
    const events: DomainEvent[] = (unit.events ?? []).map((e, i) => ({
      ...e,
      id: `${unit.id}:e${i}`,
      at,
    }));
    const doc: JournalDoc = {
      _id: unit.id,
      createdAt: at,
      unit: BSON.EJSON.stringify(unit, { relaxed: false }),
      events: BSON.EJSON.stringify(events, { relaxed: false }),
    };
    try {
      await this.journal.insertOne(doc);
    } catch (e) {
      // The same unit is in flight (a retry racing its first attempt, or one left by a crash):
      // finish that one; the outcome is the same.
      if (!isDuplicateKey(e)) throw e;
      const existing = await this.journal.findOne({ _id: unit.id });
      if (existing) return this.apply(existing);
    }
    crashPoint(`journal:${unit.id.split(':')[0] ?? ''}`);
    return this.apply(doc);
  }

  /**
   * Applies every unit a crashed process left in the journal for longer than `olderThanMs`
   * (0 at start-up: applying a unit another instance is still applying is safe, every write is
   * idempotent). A recovered `replace` never overwrites a document a later unit wrote.
   */
  async recover(olderThanMs: number): Promise<{ units: number; events: DomainEvent[] }> {
    const before = new Date(this.clock.now().getTime() - olderThanMs);
    const stuck = await this.journal
      .find({ createdAt: { $lte: before } })
      .limit(200)
      .toArray();
    const events: DomainEvent[] = [];
    for (const doc of stuck) {
      const outcome = await this.apply(doc, true);
      if (outcome.committed) events.push(...outcome.events);
    }
    return { units: stuck.length, events };
  }

  private async apply(doc: JournalDoc, recovering = false): Promise<CommitOutcome> {
    const unit = BSON.EJSON.parse(doc.unit, { relaxed: false }) as Unit;
    const events = BSON.EJSON.parse(doc.events, { relaxed: false }) as DomainEvent[];
    // The claims decide the unit, so they go first: a conflict must leave nothing else written.
    const writes = [
      ...unit.writes.filter((w) => w.mode === 'claim'),
      ...unit.writes.filter((w) => w.mode !== 'claim'),
    ];
    for (const [i, write] of writes.entries()) {
      if (!(await this.write(unit.id, doc.createdAt, write, recovering))) {
        // Someone else won: give back the claims this unit took before that one.
        for (const taken of writes.slice(0, i))
          await this.db
            .collection<Document & { _id: string }>(taken.collection)
            .deleteOne({ _id: taken.id, journalId: unit.id });
        await this.journal.deleteOne({ _id: doc._id });
        return { committed: false, reason: 'conflict' };
      }
    }
    const audit = this.db.collection<Document & { _id: string }>(AUDIT);
    for (const [i, entry] of (unit.audit ?? []).entries())
      await insertIgnoringDuplicate(audit, { ...entry, _id: `${unit.id}:a${i}` });
    for (const event of events) {
      const { id, ...rest } = event;
      await insertIgnoringDuplicate(this.db.collection<Document & { _id: string }>(EVENTS), {
        _id: id,
        ...rest,
      });
      for (const subscriber of this.subscribersOf(event.type)) {
        const delivery: EventDeliveryDoc = {
          _id: `${subscriber}|${id}`,
          subscriber,
          eventId: id,
          type: event.type,
          tenantId: event.tenantId,
          attempts: 0,
          claimSeq: 0,
          nextAttemptAt: event.at,
          status: 'pending',
        };
        await insertIgnoringDuplicate(
          this.db.collection<Document & { _id: string }>(EVENT_DELIVERIES),
          {
            ...delivery,
          },
        );
      }
    }
    if (unit.operation) {
      await insertIgnoringDuplicate(this.db.collection<Document & { _id: string }>(OPERATIONS), {
        _id: unit.operation.id,
        verb: unit.operation.verb,
        result: unit.operation.result,
        at: doc.createdAt,
      });
    }
    crashPoint(`applied:${unit.id.split(':')[0] ?? ''}`);
    await this.journal.deleteOne({ _id: doc._id });
    return { committed: true, events };
  }

  /** False when a claim write belongs to another unit (someone else won). */
  private async write(unitId: string, at: Date, w: Write, recovering: boolean): Promise<boolean> {
    const col = this.db.collection<Document & { _id: string }>(w.collection);
    const doc: Document & { _id: string } = { ...w.doc, _id: w.id };
    if (w.mode === 'replace') {
      doc.journalAt = at;
      if (!recovering) {
        await upsertRacing(() => col.replaceOne({ _id: w.id }, doc, { upsert: true }));
        return true;
      }
      // Late (after a crash): only where no later unit has written the document since.
      try {
        await col.replaceOne(
          { _id: w.id, $or: [{ journalAt: { $lte: at } }, { journalAt: { $exists: false } }] },
          doc,
          { upsert: true },
        );
      } catch (e) {
        if (!isDuplicateKey(e)) throw e; // a newer version is there: leave it
      }
      return true;
    }
    if (w.mode === 'claim') doc.journalId = unitId;
    try {
      await col.insertOne(doc);
      return true;
    } catch (e) {
      if (!isDuplicateKey(e)) throw e;
      if (w.mode === 'insert') return true;
      const existing = await col.findOne({ _id: w.id }, { projection: { journalId: 1 } });
      return existing?.journalId === unitId;
    }
  }
}

async function insertIgnoringDuplicate(
  col: Collection<Document & { _id: string }>,
  doc: Document & { _id: string },
): Promise<void> {
  try {
    await col.insertOne(doc);
  } catch (e) {
    if (!isDuplicateKey(e)) throw e;
  }
}
