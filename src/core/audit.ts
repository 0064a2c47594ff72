import type { Actor } from './actor';

/**
 * The audit trail: who did what to what, and when. Never free text: ids, codes and values
 * chosen from fixed lists only.
 */
export interface AuditEntry {
  at: Date;
  tenantId: string;
  actorId: string;
  /** The actor's roles when the change was made (sorted; absent for system changes). */
  roles?: readonly string[];
  action: string;
  target: string;
  detail?: Readonly<Record<string, string | number | boolean>>;
  /** The turn that made the change (absent for scheduler and import changes). */
  correlationId?: string;
}

/** A filter over one tenant's entries: exact actor and target, `at` in [from, to). */
export interface AuditQuery {
  tenantId: string;
  actorId?: string;
  target?: string;
  from?: Date;
  to?: Date;
  limit: number;
}

export interface AuditLog {
  record(entry: AuditEntry): Promise<void>;
  /** Newest first, filtered and limited in the database. */
  query(q: AuditQuery): Promise<AuditEntry[]>;
  /**
   * Retention, the one deletion: removes every entry older than `cutoff`; returns their ids as
   * `<tenantId>:<id>`.
   */
  purgeBefore(cutoff: Date): Promise<string[]>;
  /**
   * A request about a person: their Entra id as actor or target replaced by a pseudonym.
   * Returns how many entries changed.
   */
  pseudonymize(tenantId: string, userId: string, pseudonym: string): Promise<number>;
}

/** The one place an audit entry is built (the actor is the user, or the system with an id). */
export function auditEntry(
  actor: Pick<Actor, 'tenantId' | 'aadObjectId'> & Partial<Pick<Actor, 'roles' | 'correlationId'>>,
  at: Date,
  action: string,
  target: string,
  detail?: AuditEntry['detail'],
): AuditEntry {
  return {
    at,
    tenantId: actor.tenantId,
    actorId: actor.aadObjectId ?? '',
    ...(actor.roles && actor.roles.size > 0 ? { roles: [...actor.roles].sort() } : {}),
    action,
    target,
    ...(detail ? { detail } : {}),
    ...(actor.correlationId ? { correlationId: actor.correlationId } : {}),
  };
}
