import type { AuditEntry, AuditLog } from '../../../src/core/audit';

/** An audit log that keeps its entries in memory (for unit tests that do not use a database). */
export const fakeAudit = (): AuditLog & { entries: AuditEntry[] } => {
  const entries: AuditEntry[] = [];
  return {
    entries,
    record: (e) => {
      entries.push(e);
      return Promise.resolve();
    },
    query: (q) =>
      Promise.resolve(
        entries
          .filter((e) => e.tenantId === q.tenantId)
          .sort((a, b) => b.at.getTime() - a.at.getTime())
          .slice(0, q.limit),
      ),
  };
};
