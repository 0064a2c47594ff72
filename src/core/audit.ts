import type { Actor } from './actor';

/**
 * The audit trail: who did what to what, and when. Never free text: ids, codes and values
 * chosen from fixed lists only.
 */
export interface AuditEntry {
  at: Date;
  tenantId: string;
  actorId: string;
  action: string;
  target: string;
  detail?: Readonly<Record<string, string | number | boolean>>;
}

export interface AuditLog {
  record(entry: AuditEntry): Promise<void>;
}

/** The one place an audit entry is built (the actor is the user, or the system with an id). */
export function auditEntry(
  actor: Pick<Actor, 'tenantId' | 'aadObjectId'>,
  at: Date,
  action: string,
  target: string,
  detail?: AuditEntry['detail'],
): AuditEntry {
  return {
    at,
    tenantId: actor.tenantId,
    actorId: actor.aadObjectId ?? '',
    action,
    target,
    ...(detail ? { detail } : {}),
  };
}
