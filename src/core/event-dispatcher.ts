import type { ClaimStore } from './claims';
import { claimId, takeClaim } from './claims';
import type { Clock } from './clock';
import type { DomainEvent, EventType, Subscription } from './events';
import type { Logger } from './logger';

/** One pending delivery of an event to one subscriber. */
export interface EventDelivery {
  id: string;
  subscriber: string;
  eventId: string;
  type: EventType;
  attempts: number;
  claimSeq: number;
  nextAttemptAt: Date;
}

/** Storage of events and their deliveries (infra/db/events.repository.ts). */
export interface EventStore extends ClaimStore {
  /** Pending deliveries due at `now`, earliest first. */
  due(now: Date, limit: number): Promise<EventDelivery[]>;
  /** Pending deliveries of the given events (right after they were recorded). */
  deliveriesOf(eventIds: readonly string[]): Promise<EventDelivery[]>;
  getDelivery(id: string): Promise<EventDelivery | null>;
  getEvent(id: string): Promise<DomainEvent | null>;
  /** Handled: the delivery and its claims go. */
  done(deliveryId: string): Promise<void>;
  /** Failed: try again at `nextAttemptAt`, or give up (`failed`, kept for admins). */
  failed(
    deliveryId: string,
    change: { attempts: number; claimSeq: number; nextAttemptAt: Date; failed: boolean },
  ): Promise<void>;
}

export interface DispatcherOptions {
  leaseMs: number;
  maxAttempts: number;
  /** Delay before attempt n+1 after n failures. */
  backoffMs(failures: number): number;
  owner: string;
}

export interface DispatchStats {
  handled: number;
  failed: number;
  skipped: number;
}

/**
 * Hands each recorded event to its subscribers, at least once: every attempt is made by the
 * holder of a claim (the outbox's claims with leases), a failure is retried with backoff, and a
 * delivery that keeps failing is kept as failed and logged. Right after a change, its own events
 * are dispatched at once; the scheduler's pass picks up whatever a crash or a failure left.
 */
export class EventDispatcher {
  private readonly handlers = new Map<string, Subscription>();

  constructor(
    private readonly store: EventStore,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly options: DispatcherOptions,
    subscriptions: readonly Subscription[],
  ) {
    for (const s of subscriptions) {
      if (this.handlers.has(s.name)) throw new Error(`subscription ${s.name} registered twice`);
      this.handlers.set(s.name, s);
    }
  }

  /** The subscribers of an event type (the unit of work creates a delivery for each). */
  subscribersOf(type: EventType): string[] {
    return [...this.handlers.values()].filter((s) => s.type === type).map((s) => s.name);
  }

  /** Dispatches the events a change just recorded (errors are left to the scheduler's pass). */
  async dispatchNow(events: readonly DomainEvent[]): Promise<void> {
    if (events.length === 0) return;
    try {
      await this.run(await this.store.deliveriesOf(events.map((e) => e.id)));
    } catch (error) {
      this.log.warn({ error: (error as Error).name }, 'event dispatch deferred to the scheduler');
    }
  }

  /** The scheduler's pass: every delivery that is due. */
  async dispatchDue(limit = 200): Promise<DispatchStats> {
    return this.run(await this.store.due(this.clock.now(), limit));
  }

  private async run(deliveries: readonly EventDelivery[]): Promise<DispatchStats> {
    const stats: DispatchStats = { handled: 0, failed: 0, skipped: 0 };
    for (const delivery of deliveries) {
      const outcome = await this.deliver(delivery);
      stats[outcome]++;
    }
    if (stats.handled || stats.failed) this.log.info({ ...stats }, 'events dispatched');
    return stats;
  }

  private async deliver(candidate: EventDelivery): Promise<keyof DispatchStats> {
    const now = this.clock.now();
    const seq = await takeClaim(
      this.store,
      candidate.id,
      candidate.claimSeq,
      this.options.owner,
      now,
      this.options.leaseMs,
    );
    if (seq === null) return 'skipped';
    const delivery = await this.store.getDelivery(candidate.id);
    if (!delivery || delivery.claimSeq > seq) {
      await this.store.deleteClaim(claimId(candidate.id, seq));
      return 'skipped';
    }
    const handler = this.handlers.get(delivery.subscriber);
    const event = await this.store.getEvent(delivery.eventId);
    if (!handler || !event) {
      this.log.error({ delivery: delivery.id }, 'event delivery without a handler or an event');
      await this.store.done(delivery.id);
      return 'failed';
    }
    try {
      await handler.handle(event);
      await this.store.done(delivery.id);
      return 'handled';
    } catch (error) {
      const attempts = delivery.attempts + 1;
      const failed = attempts >= this.options.maxAttempts;
      await this.store.failed(delivery.id, {
        attempts,
        claimSeq: seq + 1,
        failed,
        nextAttemptAt: new Date(this.clock.now().getTime() + this.options.backoffMs(attempts)),
      });
      await this.store.deleteClaim(claimId(delivery.id, seq));
      const log = failed ? this.log.error.bind(this.log) : this.log.warn.bind(this.log);
      log(
        {
          subscriber: delivery.subscriber,
          eventId: event.id,
          attempts,
          error: (error as Error).name,
        },
        failed ? 'event handler gave up' : 'event handler failed; will retry',
      );
      return 'failed';
    }
  }
}
