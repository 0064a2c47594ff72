import type { Kernel, Module } from '../../kernel/kernel';
import { peopleCapability } from './people.handlers';
import { MongoPeoplePrivacy, MongoPeopleRepository } from './people.repository';
import { PeopleService } from './people.service';

export type { Identity, UserRecord, UserSummary } from './people.service';
export { PeopleService } from './people.service';

/** Users, roles and organisation membership. */
export function registerPeople(kernel: Omit<Kernel, 'outbox'>): Module<PeopleService> {
  const repo = new MongoPeopleRepository(kernel.db);
  const privacy = new MongoPeoplePrivacy(kernel.db);
  const people = new PeopleService({
    repo,
    audit: kernel.audit,
    clock: kernel.clock,
    configAdmins: kernel.config.adminAadObjectIds,
    organisationCodes: kernel.orgs.codes(),
  });
  return {
    name: 'people',
    services: people,
    init: () => repo.init(),
    capability: peopleCapability(people, kernel.orgs),
    personalData: [
      {
        name: 'people',
        label: { sv: 'Användare och roller', en: 'User and roles' },
        collect: (tenantId, userId) => privacy.collect(tenantId, userId),
        pseudonymize: (tenantId, userId, pseudonym) =>
          privacy.pseudonymize(tenantId, userId, pseudonym),
      },
    ],
  };
}
