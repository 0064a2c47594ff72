import type { AdaptiveCardJson } from '../../cards/render';
import { renderCard } from '../../cards/render';
import { ROLES, hasAnyRole } from '../../core/actor';
import type { Capability, HelpEntry, Reply, TurnCtx } from '../../core/capability';
import helpTemplate from '../../../adaptive-cards/core/help.json';

export const HELP_ENTRY: HelpEntry = {
  command: { sv: 'hjälp', en: 'help' },
  description: 'help.cmd.help',
  roles: 'everyone',
};

/** The help card lists exactly what this user's roles allow (authorization itself is in the services). */
export function helpCard(ctx: TurnCtx, entries: readonly HelpEntry[]): AdaptiveCardJson {
  const visible = entries.filter((e) => e.roles === 'everyone' || hasAnyRole(ctx.actor, e.roles));
  const roles = ROLES.filter((r) => ctx.actor.roles.has(r)).map((r) => ctx.t(`role.${r}`));
  return renderCard('core/help', helpTemplate, {
    title: ctx.t('help.title'),
    rolesLine:
      roles.length > 0
        ? ctx.t('help.rolesLine', { roles: roles.join(', ') })
        : ctx.t('help.noRoles'),
    entries: visible.map((e) => ({
      command: e.command[ctx.locale],
      description: ctx.t(e.description),
    })),
    footer: ctx.t('help.footer', { example: HELP_ENTRY.command[ctx.locale] }),
  });
}

const UNKNOWN_IN_A_ROW = 'help.unknownInARow';

/**
 * `hjälp` / `help`. Also owns the answer to unrecognised messages: a short pointer, and the help
 * card itself if the user is still stuck the second time in a row (kept in conversation scratch).
 */
export function helpCapability(entries: () => readonly HelpEntry[]): Capability & {
  unknownMessage(ctx: TurnCtx): Reply[];
  resetUnknown(ctx: TurnCtx): void;
} {
  return {
    name: 'help',
    help: [HELP_ENTRY],
    commands: [
      {
        id: 'help',
        patterns: [/^(hjälp|help|hjalp|\?|meny|menu)$/],
        handle: (ctx) => Promise.resolve([{ card: helpCard(ctx, entries()) }]),
      },
    ],
    unknownMessage(ctx) {
      const count = Number(ctx.scratch.get(UNKNOWN_IN_A_ROW) ?? 0) + 1;
      ctx.scratch.set(UNKNOWN_IN_A_ROW, count);
      return count >= 2
        ? [{ text: ctx.t('unknown.pointer') }, { card: helpCard(ctx, entries()) }]
        : [{ text: ctx.t('unknown.pointer') }];
    },
    resetUnknown(ctx) {
      if (ctx.scratch.get(UNKNOWN_IN_A_ROW) !== undefined)
        ctx.scratch.set(UNKNOWN_IN_A_ROW, undefined);
    },
  };
}
