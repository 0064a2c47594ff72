/**
 * Durable domain events: what one capability records when something happened that others react
 * to. An event is written in the same unit of work as the change it reports (see
 * unit-of-work.ts), and each subscriber handles it at least once, through claims with leases, so
 * a process that dies between the change and the reaction loses nothing. Handlers must be
 * idempotent: an event may be handled twice.
 *
 * Payloads hold ids, codes and fixed values only, never text users typed.
 */
export interface DomainEvents {
  /** A chair (or admin) cancelled a meeting; `by` is their Entra object id. */
  'meeting.cancelled': { forumId: string; meetingId: string; by: string };
  'meeting.moved': { forumId: string; meetingId: string; by: string; date: string };
  /**
   * A forum was created, edited or imported: its meetings are (re)materialized. `by` is the
   * admin's Entra object id (absent in events recorded before it was added).
   */
  'forum.saved': { forumId: string; by?: string };
  'forum.bound': { forumId: string; conversationId: string; by: string };
  /** Teams answered 403/404 for a conversation: the bot was removed from it. */
  'conversation.gone': { conversationId: string };
  /** A forum's binding was marked broken (its conversation is gone). */
  'forum.bindingBroken': { forumId: string; conversationId: string; brokenAt: string };
  'case.submitted': { code: string; forumId: string; meetingId: string; by: string };
  'case.statusChanged': {
    code: string;
    forumId: string;
    meetingId: string;
    from: string;
    to: string;
    by: string;
  };
  /**
   * A chair saved (or corrected) a meeting's minutes. `attendance` maps organisation code to
   * present / absent / excused; `followedUp` lists the agenda follow-up refs (see core/agenda.ts)
   * the minutes marked as followed up; `revision` counts saves of these minutes from 1.
   */
  'minutes.saved': {
    forumId: string;
    meetingId: string;
    by: string;
    revision: number;
    attendance: Record<string, 'present' | 'absent' | 'excused'>;
    followedUp: string[];
  };
  /** The minutes gave a case an outcome (a code from the configured outcome list). */
  'case.outcome': {
    code: string;
    forumId: string;
    meetingId: string;
    outcome: string;
    by: string;
  };
  /**
   * A deviation (avvikelse) was reported. What a counter needs (term summaries): its code and
   * category, the organisations it concerns, the reporting organisation, the forum it concerns
   * (if any), when it was reported and the term that falls in (if the calendar has one).
   */
  'deviation.reported': DeviationFacts & { state: 'reported'; by: string };
  /** A deviation moved from one state to another (taken, answered, escalated, followed up, closed). */
  'deviation.stateChanged': DeviationFacts & {
    from: string;
    to: string;
    by: string;
    /** The steering forum it was escalated to (set from `escalated` on). */
    escalatedTo?: string;
    /** The meeting whose minutes followed it up (`to: 'followedUp'`). */
    meetingId?: string;
  };
}

/** The coded facts of a deviation that every deviation event carries (no text, no names). */
export interface DeviationFacts {
  /** `AVV-26-007`. */
  code: string;
  category: string;
  /** Organisation codes the deviation concerns. */
  concerned: string[];
  reportingOrganisation: string;
  /** The forum it concerns, if the reporter named one. */
  forumId?: string;
  /** ISO instant of the report. */
  reportedAt: string;
  /** The reporting term of `reportedAt` (`HT 2026`), when the calendar has one. */
  term?: string;
}

export type EventType = keyof DomainEvents;
export const EVENT_TYPES: readonly EventType[] = [
  'meeting.cancelled',
  'meeting.moved',
  'forum.saved',
  'forum.bound',
  'conversation.gone',
  'forum.bindingBroken',
  'case.submitted',
  'case.statusChanged',
  'minutes.saved',
  'case.outcome',
  'deviation.reported',
  'deviation.stateChanged',
];

/** An event as recorded: `id` is `<unit id>:e<n>`, so recording it twice makes one event. */
export interface DomainEvent<T extends EventType = EventType> {
  id: string;
  type: T;
  tenantId: string;
  at: Date;
  data: DomainEvents[T];
}

/** An event to record with a change (the unit of work gives it its id and time). */
export type NewEvent = {
  [T in EventType]: { type: T; tenantId: string; data: DomainEvents[T] };
}[EventType];

/** A reaction of one capability to one type of event. `name` is stable: it keys the deliveries. */
export interface Subscription<T extends EventType = EventType> {
  name: string;
  type: T;
  handle(event: DomainEvent<T>): Promise<void>;
}

/** Helper so each subscription keeps its own event type while living in one list. */
export const subscribe = <T extends EventType>(s: Subscription<T>): Subscription => s;
