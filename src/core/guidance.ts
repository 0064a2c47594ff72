import type { MessageKey } from '../i18n/i18n';
import type { Actor } from './actor';
import { hasRole } from './actor';

/** How far a tenant is set up: what the next step of a newcomer depends on. */
export interface SetupState {
  /** Forums in the tenant. */
  forums: number;
  /** Forums linked to a channel or group chat. */
  linkedForums: number;
  /** Forums that one of the actor's organisations takes part in. */
  forumsOfMyOrganisations: number;
}

export type SetupStep = 'organisation' | 'forum' | 'link';

/** An administrator's first run, in order: own organisation → a forum → link it in its channel. */
export const ADMIN_SETUP_STEPS: readonly SetupStep[] = ['organisation', 'forum', 'link'];

export function setupStepDone(step: SetupStep, actor: Actor, setup: SetupState): boolean {
  switch (step) {
    case 'organisation':
      return actor.organisations.length > 0;
    case 'forum':
      return setup.forums > 0;
    case 'link':
      return setup.linkedForums > 0;
  }
}

const ADMIN_STEP_TEXT: Readonly<Record<SetupStep, MessageKey>> = {
  organisation: 'guide.admin.organisation',
  forum: 'guide.admin.forum',
  link: 'guide.admin.link',
};
export const setupStepText = (step: SetupStep): MessageKey => ADMIN_STEP_TEXT[step];

/**
 * What this user can do next when there is nothing to show, by role: an administrator is told the
 * first setup step still open; anyone else what is missing and who can fix it. Undefined when
 * nothing is missing.
 */
export function nextStep(actor: Actor, setup: SetupState): MessageKey | undefined {
  if (hasRole(actor, 'admin')) {
    const open = ADMIN_SETUP_STEPS.find((s) => !setupStepDone(s, actor, setup));
    if (open) return setupStepText(open);
    return setup.forumsOfMyOrganisations === 0 ? 'guide.admin.joinForum' : undefined;
  }
  if (actor.roles.size === 0) return 'guide.noRole';
  if (actor.organisations.length === 0) return 'guide.noOrganisation';
  if (setup.forums === 0) return 'guide.noForums';
  if (setup.forumsOfMyOrganisations === 0) return 'guide.noForumOfMine';
  return undefined;
}
