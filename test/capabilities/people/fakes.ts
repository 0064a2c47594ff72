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
    purgeBefore: (cutoff) => {
      const kept = entries.filter((e) => e.at >= cutoff);
      const purged = entries.filter((e) => e.at < cutoff).map((e, i) => `${e.tenantId}:${i}`);
      entries.splice(0, entries.length, ...kept);
      return Promise.resolve(purged);
    },
    pseudonymize: (tenantId, userId, pseudonym) => {
      let n = 0;
      for (const e of entries)
        if (e.tenantId === tenantId && (e.actorId === userId || e.target === userId)) {
          Object.assign(e, {
            actorId: e.actorId === userId ? pseudonym : e.actorId,
            target: e.target === userId ? pseudonym : e.target,
          });
          n++;
        }
      return Promise.resolve(n);
    },
  };
};
