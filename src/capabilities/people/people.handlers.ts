import type { ActionResult, Capability, TurnCtx } from '../../core/capability';
import { defineAction } from '../../core/capability';
import type { AppError } from '../../core/errors';
import { isAppError } from '../../core/errors';
import type { MessageKey } from '../../i18n/i18n';
import type { OrganisationDirectory } from '../../core/organisations';
import { describeError } from '../../core/router';
import type { RolesCardState } from './people.cards';
import { roleName, rolesCard, whoamiCard } from './people.cards';
import type { OrganisationChange, RoleChange, RolesCardInput } from './people.schemas';
import { rolesCardSchema } from './people.schemas';
import type { ChangeOutcome, PeopleService, UserSummary } from './people.service';

export const PEOPLE_VERBS = {
  grantRole: 'people.grantRole',
  revokeRole: 'people.revokeRole',
  addOrganisation: 'people.addOrganisation',
  removeOrganisation: 'people.removeOrganisation',
} as const;

type Change = { outcome: ChangeOutcome; user: UserSummary };

export function peopleCapability(people: PeopleService, orgs: OrganisationDirectory): Capability {
  const showRoles = async (ctx: TurnCtx, state: RolesCardState = {}) =>
    rolesCard(ctx.t, ctx.locale, await people.listUsers(ctx.actor), orgs, state);

  const explain = (e: AppError, ctx: TurnCtx): string => {
    if (e.code === 'conflict' && e.params.reason === 'configAdmin')
      return ctx.t('roles.configAdmin');
    if (e.code === 'conflict' && e.params.reason === 'selfRevokeAdmin')
      return ctx.t('roles.selfRevokeAdmin');
    return describeError(e, ctx.t, ctx.correlationId);
  };

  /**
   * Runs a change and answers with the roles card again: a status line on top, the inputs kept.
   * A refusal for lack of rights is not answered with the admin card (it propagates).
   */
  const change =
    <T extends RoleChange | OrganisationChange>(
      needs: 'role' | 'organisation',
      run: (ctx: TurnCtx, data: T) => Promise<Change>,
      message: (ctx: TurnCtx, data: T, c: Change) => string,
    ) =>
    async (ctx: TurnCtx, data: RolesCardInput): Promise<ActionResult> => {
      const keep: RolesCardState = {
        selectedUser: data.userId,
        selectedRole: data.role,
        selectedOrganisation: data.organisation,
      };
      const missing: MessageKey | undefined = !data.userId
        ? 'roles.pickUser'
        : !data[needs]
          ? needs === 'role'
            ? 'roles.pickRole'
            : 'roles.pickOrganisation'
          : undefined;
      try {
        if (missing)
          return {
            card: await showRoles(ctx, { ...keep, status: { text: ctx.t(missing), good: false } }),
          };
        const c = await run(ctx, data as T);
        return {
          card: await showRoles(ctx, {
            ...keep,
            status: { text: message(ctx, data as T, c), good: c.outcome === 'changed' },
          }),
        };
      } catch (e) {
        if (!isAppError(e) || e.code === 'forbidden') throw e;
        return {
          card: await showRoles(ctx, { ...keep, status: { text: explain(e, ctx), good: false } }),
        };
      }
    };

  const roleMessage =
    (changed: MessageKey, unchanged: MessageKey) =>
    (ctx: TurnCtx, d: RoleChange, c: Change): string =>
      ctx.t(c.outcome === 'changed' ? changed : unchanged, {
        user: c.user.displayName,
        role: roleName(ctx.t, d.role),
      });
  const orgMessage =
    (changed: MessageKey, unchanged: MessageKey) =>
    (ctx: TurnCtx, d: OrganisationChange, c: Change): string =>
      ctx.t(c.outcome === 'changed' ? changed : unchanged, {
        user: c.user.displayName,
        organisation: orgs.name(d.organisation, ctx.locale),
      });

  return {
    name: 'people',
    help: [
      {
        command: { sv: 'vem är jag', en: 'whoami' },
        description: 'help.cmd.whoami',
        permission: 'everyone',
      },
      {
        command: { sv: 'roller', en: 'roles' },
        description: 'help.cmd.roles',
        permission: 'people.manage',
      },
    ],
    commands: [
      {
        id: 'people.whoami',
        patterns: [/^(vem är jag|whoami|who am i|mina roller|my roles)$/],
        handle: (ctx) =>
          Promise.resolve([{ card: whoamiCard(ctx.t, ctx.locale, ctx.actor, orgs) }]),
      },
      {
        id: 'people.roles',
        patterns: [/^(roller|roles|hantera roller|manage roles)$/],
        handle: async (ctx) => [{ card: await showRoles(ctx) }],
      },
    ],
    actions: [
      defineAction({
        verb: PEOPLE_VERBS.grantRole,
        schema: rolesCardSchema,
        handle: change<RoleChange>(
          'role',
          (ctx, d) => people.grantRole(ctx.actor, d.userId, d.role),
          roleMessage('roles.granted', 'roles.alreadyHad'),
        ),
      }),
      defineAction({
        verb: PEOPLE_VERBS.revokeRole,
        schema: rolesCardSchema,
        handle: change<RoleChange>(
          'role',
          (ctx, d) => people.revokeRole(ctx.actor, d.userId, d.role),
          roleMessage('roles.revoked', 'roles.didNotHave'),
        ),
      }),
      defineAction({
        verb: PEOPLE_VERBS.addOrganisation,
        schema: rolesCardSchema,
        handle: change<OrganisationChange>(
          'organisation',
          (ctx, d) => people.addOrganisation(ctx.actor, d.userId, d.organisation),
          orgMessage('roles.orgAdded', 'roles.orgAlready'),
        ),
      }),
      defineAction({
        verb: PEOPLE_VERBS.removeOrganisation,
        schema: rolesCardSchema,
        handle: change<OrganisationChange>(
          'organisation',
          (ctx, d) => people.removeOrganisation(ctx.actor, d.userId, d.organisation),
          orgMessage('roles.orgRemoved', 'roles.orgNotMember'),
        ),
      }),
    ],
  };
}
