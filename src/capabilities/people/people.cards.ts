import type { AdaptiveCardJson } from '../../cards/render';
import { renderCard } from '../../cards/render';
import type { Actor, Role } from '../../core/actor';
import { ROLES } from '../../core/actor';
import type { Locale, Translate } from '../../i18n/i18n';
import type { OrganisationDirectory } from '../../core/organisations';
import rolesTemplate from '../../../adaptive-cards/people/roles.json';
import whoamiTemplate from '../../../adaptive-cards/people/whoami.json';
import type { UserSummary } from './people.service';

export const roleName = (t: Translate, role: Role): string => t(`role.${role}`);

export function whoamiCard(
  t: Translate,
  locale: Locale,
  actor: Actor,
  orgs: OrganisationDirectory,
): AdaptiveCardJson {
  const roles = ROLES.filter((r) => actor.roles.has(r)).map((r) => roleName(t, r));
  const organisations = actor.organisations.map((o) => orgs.name(o, locale));
  return renderCard('people/whoami', whoamiTemplate, {
    title: t('whoami.title'),
    labels: {
      name: t('whoami.name'),
      roles: t('whoami.roles'),
      organisations: t('whoami.organisations'),
    },
    name: actor.displayName || '-',
    roles: roles.join(', ') || t('whoami.none'),
    organisations: organisations.join(', ') || t('whoami.none'),
  });
}

export interface RolesCardState {
  status?: { text: string; good: boolean };
  selectedUser?: string;
  selectedRole?: string;
  selectedOrganisation?: string;
}

export function rolesCard(
  t: Translate,
  locale: Locale,
  users: readonly UserSummary[],
  orgs: OrganisationDirectory,
  state: RolesCardState = {},
): AdaptiveCardJson {
  return renderCard('people/roles', rolesTemplate, {
    labels: {
      title: t('roles.title'),
      intro: t('roles.intro'),
      noUsers: t('roles.noUsers'),
      user: t('roles.user'),
      role: t('roles.role'),
      organisation: t('roles.organisation'),
      grant: t('roles.grant'),
      revoke: t('roles.revoke'),
      addOrg: t('roles.addOrg'),
      removeOrg: t('roles.removeOrg'),
    },
    status: state.status?.text ?? '',
    statusColor: state.status?.good === false ? 'Attention' : 'Good',
    users: users.map((u) => ({
      id: u.aadObjectId,
      name: u.displayName || u.aadObjectId,
      summary:
        [
          u.roles.map((r) => roleName(t, r)).join(', '),
          u.organisations.map((o) => orgs.name(o, locale)).join(', '),
        ]
          .filter(Boolean)
          .join(' · ') || t('whoami.none'),
    })),
    selectedUser: state.selectedUser ?? '',
    selectedRole: state.selectedRole ?? '',
    selectedOrganisation: state.selectedOrganisation ?? '',
    roleChoices: ROLES.map((r) => ({ title: roleName(t, r), value: r })),
    organisationChoices: orgs.all().map((o) => ({ title: o.name[locale], value: o.code })),
  });
}
