import type { AuditEntry } from './audit';
import type { DomainEvent, NewEvent } from './events';

/**
 * One document write of a change. Repositories make them (they know the documents' shape);
 * services put them in a unit with the change's audit entries and events.
 * - `claim`: an insert that decides the change (a case code, a version). A duplicate written by
 *   another unit means someone else won: the whole unit is abandoned, nothing else is written.
 * - `insert`: a document with a deterministic `_id`; a duplicate means it is already there.
 * - `replace`: the whole document by `_id` (an upsert; writing it again changes nothing).
 */
export interface Write {
  mode: 'claim' | 'insert' | 'replace';
  collection: string;
  id: string;
  doc: Readonly<Record<string, unknown>>;
}

/** The result a once-only card action recorded (ids and codes; the card is re-rendered from them). */
export type OperationResult = Readonly<Record<string, string>>;

/**
 * A change, its audit entries and its events, written so that a crash at any point leaves either
 * nothing or, after recovery, all of them: the unit is first written whole to a journal, then
 * applied write by write (every write idempotent), then removed from the journal. Recovery
 * applies what the journal still holds.
 */
export interface Unit {
  /** Deterministic where the change must happen once (e.g. the card action's one-time token). */
  id: string;
  writes: readonly Write[];
  audit?: readonly Omit<AuditEntry, 'id'>[];
  events?: readonly NewEvent[];
  /** The outcome of a once-only card action (see core/operations.ts). */
  operation?: { id: string; verb: string; result: OperationResult };
}

export type CommitOutcome =
  { committed: true; events: DomainEvent[] } | { committed: false; reason: 'conflict' };

export interface UnitOfWork {
  commit(unit: Unit): Promise<CommitOutcome>;
}

/** A fresh unit id for a change that is not idempotent by itself (each attempt its own unit). */
export const newUnitId = (kind: string): string =>
  `${kind}:${Date.now().toString(36)}${Math.random().toString(36).slice(2, 12)}`;
