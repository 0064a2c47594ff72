import type { Kernel, Module } from '../../kernel/kernel';
import type { PeopleService } from '../people';
import { auditCapability } from './audit.handlers';
import { MongoAuditExports } from './audit.repository';
import { AuditService } from './audit.service';

export { AuditService } from './audit.service';
export { auditCsv, csvField } from './audit.csv';

export interface AuditModuleDeps {
  people: Pick<PeopleService, 'listUsers'>;
}

/** The audit trail for admins: `granskningslogg`, filters, and CSV exports over HTTP. */
export function registerAudit(kernel: Kernel, deps: AuditModuleDeps): Module<AuditService> {
  const exports = new MongoAuditExports(kernel.db);
  const audit = new AuditService({
    audit: kernel.audit,
    exports,
    clock: kernel.clock,
    links: kernel.downloads,
    users: async (actor) =>
      (await deps.people.listUsers(actor)).map((u) => ({ id: u.aadObjectId, name: u.displayName })),
  });
  return {
    name: 'audit',
    services: audit,
    init: () => exports.init(),
    capability: auditCapability(audit),
    jobs: [{ name: 'auditExports', run: (now) => audit.sweep(now) }],
    downloads: [
      {
        kind: 'audit',
        permission: 'audit.view',
        fetch: (id, now, owner) => audit.download(id, now, owner),
      },
    ],
    retention: [
      {
        name: 'audit.entries',
        months: kernel.config.retention.auditMonths,
        purge: async (cutoff) => ({ purged: await kernel.audit.purgeBefore(cutoff) }),
      },
    ],
    personalData: [
      {
        name: 'audit',
        label: { sv: 'Granskningslogg', en: 'Audit log' },
        collect: (tenantId, userId) => audit.entriesAbout(tenantId, userId),
        // Prepared CSV exports are snapshots with names and ids: the tenant's are dropped.
        pseudonymize: async (tenantId, userId, pseudonym) =>
          (await exports.deleteTenant(tenantId)) +
          (await kernel.audit.pseudonymize(tenantId, userId, pseudonym)),
      },
    ],
  };
}
