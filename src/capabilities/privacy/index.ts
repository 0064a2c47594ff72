import type { PersonalDataSource } from '../../core/personal-data';
import type { Kernel, Module } from '../../kernel/kernel';
import { privacyCapability } from './privacy.handlers';
import { MongoPrivacyRepository } from './privacy.repository';
import type { PeopleService } from '../people';
import { PrivacyService } from './privacy.service';

export { PrivacyService } from './privacy.service';

export interface PrivacyModuleDeps {
  people: Pick<PeopleService, 'findPeople' | 'actorFor' | 'isConfigAdmin'>;
  /** Every module's personal-data sources and the kernel's (read when asked). */
  sources: () => readonly PersonalDataSource[];
}

/** Requests about a person: registerutdrag (list, export) and pseudonymisering. */
export function registerPrivacy(kernel: Kernel, deps: PrivacyModuleDeps): Module<PrivacyService> {
  const repo = new MongoPrivacyRepository(kernel.db);
  const privacy = new PrivacyService({
    repo,
    people: {
      findPeople: async (actor, query) =>
        (await deps.people.findPeople(actor, query)).map((u) => ({
          aadObjectId: u.aadObjectId,
          displayName: u.displayName,
        })),
      actorFor: async (tenantId, id) => {
        const a = await deps.people.actorFor(tenantId, id);
        return a?.aadObjectId ? { aadObjectId: a.aadObjectId, displayName: a.displayName } : null;
      },
      isConfigAdmin: (id) => deps.people.isConfigAdmin(id),
    },
    sources: deps.sources,
    units: kernel.units,
    audit: kernel.audit,
    clock: kernel.clock,
    links: kernel.downloads,
  });
  return {
    name: 'privacy',
    services: privacy,
    init: () => repo.init(),
    capability: privacyCapability(privacy),
    jobs: [{ name: 'personExports', run: (now) => privacy.sweep(now) }],
    downloads: [
      {
        kind: 'person',
        permission: 'people.privacy',
        fetch: (id, now, owner) => privacy.download(id, now, owner),
      },
    ],
  };
}
