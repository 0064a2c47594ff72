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
