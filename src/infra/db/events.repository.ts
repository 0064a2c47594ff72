import type { Collection, Db } from 'mongodb';
import type { EventDelivery, EventStore } from '../../core/event-dispatcher';
import type { DomainEvent } from '../../core/events';
import { ClaimsBacked, MongoClaimStore } from './claims.repository';
import { EVENTS, EVENT_DELIVERIES, type EventDeliveryDoc } from './journal';

interface EventDoc extends Omit<DomainEvent, 'id'> {
  _id: string;
}

/**
 * Events (kept: the history of what happened) and their deliveries (deleted once handled, so the
 * collection the scheduler scans holds only what is still to do). Written by the journal.
 */
export class MongoEventStore extends ClaimsBacked implements EventStore {
  private readonly events: Collection<EventDoc>;
  private readonly deliveries: Collection<EventDeliveryDoc>;

  constructor(db: Db) {
    super(new MongoClaimStore(db, 'eventClaims'));
    this.events = db.collection<EventDoc>(EVENTS);
    this.deliveries = db.collection<EventDeliveryDoc>(EVENT_DELIVERIES);
  }

  async init(): Promise<void> {
    await this.claims.init();
    await this.events.createIndex({ tenantId: 1, type: 1, at: -1 });
  }

  async due(now: Date, limit: number): Promise<EventDelivery[]> {
    const docs = await this.deliveries
      .find({ status: 'pending', nextAttemptAt: { $lte: now } })
      .sort({ nextAttemptAt: 1 })
      .limit(limit)
      .toArray();
    return docs.map(toDelivery);
  }

  async deliveriesOf(eventIds: readonly string[]): Promise<EventDelivery[]> {
    if (eventIds.length === 0) return [];
    const docs = await this.deliveries
      .find({ eventId: { $in: [...eventIds] }, status: 'pending' })
      .toArray();
    return docs.map(toDelivery);
  }

  async getDelivery(id: string): Promise<EventDelivery | null> {
    const doc = await this.deliveries.findOne({ _id: id });
    return doc && doc.status === 'pending' ? toDelivery(doc) : null;
  }

  async getEvent(id: string): Promise<DomainEvent | null> {
    const doc = await this.events.findOne({ _id: id });
    if (!doc) return null;
    const { _id, ...rest } = doc;
    return { ...rest, id: _id, at: new Date(rest.at) };
  }

  async done(deliveryId: string): Promise<void> {
    await this.deliveries.deleteOne({ _id: deliveryId });
    await this.claims.deleteClaims(deliveryId);
  }

  async failed(
    deliveryId: string,
    change: { attempts: number; claimSeq: number; nextAttemptAt: Date; failed: boolean },
  ): Promise<void> {
    await this.deliveries.updateOne(
      { _id: deliveryId },
      {
        $set: {
          attempts: change.attempts,
          claimSeq: change.claimSeq,
          nextAttemptAt: change.nextAttemptAt,
          status: change.failed ? 'failed' : 'pending',
        },
      },
    );
  }
}

const toDelivery = (d: EventDeliveryDoc): EventDelivery => ({
  id: d._id,
  subscriber: d.subscriber,
  eventId: d.eventId,
  type: d.type,
  attempts: d.attempts,
  claimSeq: d.claimSeq,
  nextAttemptAt: new Date(d.nextAttemptAt),
});
