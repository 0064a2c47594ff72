import type { AdaptiveCardJson } from '../../cards/render';
import { renderCard } from '../../cards/render';
import type { Actor } from '../../core/actor';
import { ROLES, hasRole } from '../../core/actor';
import { isAllowed } from '../../core/permissions';
import type { Capability, HelpEntry, Reply, TurnCtx } from '../../core/capability';
import type { SetupState } from '../../core/guidance';
import { ADMIN_SETUP_STEPS, nextStep, setupStepDone, setupStepText } from '../../core/guidance';
import helpTemplate from '../../../adaptive-cards/core/help.json';
import welcomeTemplate from '../../../adaptive-cards/core/welcome.json';

export const HELP_ENTRY: HelpEntry = {
  command: { sv: 'hjälp', en: 'help' },
  description: 'help.cmd.help',
  permission: 'everyone',
};

/** In channels and group chats the bot hears only messages that @mention it: say so there. */
const mentionHint = (ctx: TurnCtx): string =>
  ctx.conversation.type === 'personal' ? '' : ctx.t('help.mentionHint');

/** The help card lists exactly what this user's roles allow (authorization itself is in the services). */
export function helpCard(ctx: TurnCtx, entries: readonly HelpEntry[]): AdaptiveCardJson {
  const visible = entries.filter(
    (e) => e.permission === 'everyone' || isAllowed(ctx.actor, e.permission),
  );
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
    footer: [ctx.t('help.footer', { example: HELP_ENTRY.command[ctx.locale] }), mentionHint(ctx)]
      .filter(Boolean)
      .join(' '),
  });
}

/** Commands a button in the welcome card sends for the user, as if typed (Action.Submit `{ command }`). */
const STEP_COMMAND = {
  organisation: { sv: 'roller', en: 'roles' },
  forum: { sv: 'nytt forum', en: 'new forum' },
} as const;

/**
 * The welcome: what the bot is, the anonymity promise, and what this user does next. An
 * administrator of a tenant that is not set up gets the setup steps in order, each marked done or
 * not, with buttons where a button can do the step.
 */
export function welcomeCard(ctx: TurnCtx, setup: SetupState): AdaptiveCardJson {
  const admin = hasRole(ctx.actor, 'admin');
  const open = ADMIN_SETUP_STEPS.filter((s) => !setupStepDone(s, ctx.actor, setup));
  const showSteps = admin && open.length > 0;
  const personal = ctx.conversation.type === 'personal';
  const buttons = showSteps && personal ? open.filter((s) => s !== 'link').slice(0, 1) : [];
  const step = nextStep(ctx.actor, setup);
  return renderCard('core/welcome', welcomeTemplate, {
    title: ctx.t('welcome.title'),
    body: ctx.t('welcome.body'),
    anonymity: ctx.t('welcome.anonymity'),
    stepsTitle: ctx.t('welcome.stepsTitle'),
    steps: showSteps
      ? ADMIN_SETUP_STEPS.map((s, i) => ({
          mark: setupStepDone(s, ctx.actor, setup) ? '✅' : `${i + 1}.`,
          text: ctx.t(setupStepText(s)),
        }))
      : [],
    next: [
      !showSteps && step ? ctx.t(step) : '',
      ctx.t(personal ? 'welcome.next' : 'welcome.nextMention'),
    ]
      .filter(Boolean)
      .join(' '),
    buttons: buttons.map((s) => ({
      title: ctx.t(s === 'organisation' ? 'welcome.button.organisation' : 'welcome.button.forum'),
      command:
        s === 'organisation'
          ? STEP_COMMAND.organisation[ctx.locale]
          : STEP_COMMAND.forum[ctx.locale],
    })),
  });
}

export interface HelpCapability extends Capability {
  /** The once-per-conversation introduction. */
  welcome(ctx: TurnCtx): Promise<Reply[]>;
  /** The answer to a message no command matched: one line pointing at help, never the whole card. */
  unknownMessage(ctx: TurnCtx): Reply[];
}

/**
 * `hjälp` / `help`, greetings and "what can you do" in both languages, the welcome, and the
 * pointer for unrecognised messages.
 */
export function helpCapability(
  entries: () => readonly HelpEntry[],
  setupState: (actor: Actor) => Promise<SetupState>,
): HelpCapability {
  const help = (ctx: TurnCtx): Promise<Reply[]> =>
    Promise.resolve([{ card: helpCard(ctx, entries()) }]);
  return {
    name: 'help',
    help: [HELP_ENTRY],
    commands: [
      {
        id: 'help',
        patterns: [/^(hjälp|help|hjalp|\?|meny|menu|kommandon|commands)$/],
        handle: help,
      },
      {
        id: 'help.greeting',
        patterns: [
          /^(hej|hejsan|hallå|hallå där|tja|tjena|tjenare|god morgon|god dag|god eftermiddag|hi|hello|hey|hi there|good morning|good afternoon)( samverkan)?[,!]?$/,
        ],
        handle: async (ctx) => [{ text: ctx.t('help.greeting') }, ...(await help(ctx))],
      },
      {
        id: 'help.whatCanYouDo',
        patterns: [
          /^(vad kan du( göra| hjälpa (mig )?med)?|vad kan jag göra( här)?|vad gör du|hur funkar (det|du)|hur fungerar (det|du)|what can you do|what can i do( here)?|what do you do|how does (this|it) work)$/,
        ],
        handle: help,
      },
    ],
    async welcome(ctx) {
      return [{ card: welcomeCard(ctx, await setupState(ctx.actor)) }];
    },
    unknownMessage(ctx) {
      return [
        {
          text: ctx.t(
            ctx.conversation.type === 'personal' ? 'unknown.pointer' : 'unknown.pointerMention',
          ),
        },
      ];
    },
  };
}
