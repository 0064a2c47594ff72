import type { ActionResult, Capability, Reply, TurnCtx } from '../../core/capability';
import { defineAction } from '../../core/capability';
import { isAppError } from '../../core/errors';
import { describeError } from '../../core/router';
import { confirmCard, personCard } from './privacy.cards';
import { exportSchema, personSchema, pseudonymizeSchema } from './privacy.schemas';
import type { PrivacyService } from './privacy.service';

export const PRIVACY_VERBS = {
  show: 'privacy.show',
  export: 'privacy.export',
  confirm: 'privacy.confirm',
  pseudonymize: 'privacy.pseudonymize',
} as const;

/**
 * Admins: `registerutdrag <namn eller Entra-id>` / `data about <…>` shows everything stored about
 * a staff member (exports as JSON or CSV); `pseudonymisera <…>` / `pseudonymize <…>` asks to
 * confirm, then replaces their identity with a pseudonym, once.
 */
export function privacyCapability(privacy: PrivacyService): Capability {
  /** The one user a query names, or a message saying there is none or several. */
  const one = async (ctx: TurnCtx, query: string): Promise<string | Reply> => {
    const found = await privacy.find(ctx.actor, query);
    if (found.length === 1) return found[0]!.aadObjectId;
    if (found.length === 0) return { text: ctx.t('privacy.noMatch', { query: query.trim() }) };
    return {
      text: ctx.t('privacy.manyMatches', {
        people: found
          .slice(0, 10)
          .map((p) => `${p.displayName} (${p.aadObjectId})`)
          .join(', '),
      }),
    };
  };

  const conflictText = (ctx: TurnCtx, e: unknown): string | null => {
    if (!isAppError(e) || e.code !== 'conflict') return null;
    if (e.params.reason === 'selfPseudonymize') return ctx.t('privacy.conflict.self');
    if (e.params.reason === 'configAdmin') return ctx.t('privacy.conflict.configAdmin');
    return describeError(e, ctx.t, ctx.correlationId);
  };

  return {
    name: 'privacy',
    help: [
      {
        command: {
          sv: 'registerutdrag <namn eller Entra-id>',
          en: 'data about <name or Entra id>',
        },
        description: 'privacy.help.report',
        permission: 'people.privacy',
      },
      {
        command: {
          sv: 'pseudonymisera <namn eller Entra-id>',
          en: 'pseudonymize <name or Entra id>',
        },
        description: 'privacy.help.pseudonymize',
        permission: 'people.privacy',
      },
    ],
    commands: [
      {
        id: 'privacy.report',
        patterns: [/^(?:registerutdrag|data about|personal data|personuppgifter om) (.+)$/],
        handle: async (ctx, match) => {
          const who = await one(ctx, match[1] ?? '');
          if (typeof who !== 'string') return [who];
          return [{ card: personCard(ctx, await privacy.report(ctx.actor, who)) }];
        },
      },
      {
        id: 'privacy.pseudonymize',
        patterns: [/^(?:pseudonymisera|pseudonymize|pseudonymise) (.+)$/],
        handle: async (ctx, match) => {
          const who = await one(ctx, match[1] ?? '');
          if (typeof who !== 'string') return [who];
          return [{ card: confirmCard(ctx, await privacy.report(ctx.actor, who)) }];
        },
      },
    ],
    actions: [
      defineAction({
        verb: PRIVACY_VERBS.show,
        schema: personSchema,
        handle: async (ctx, data) => ({
          card: personCard(ctx, await privacy.report(ctx.actor, data.userId)),
        }),
      }),
      defineAction({
        verb: PRIVACY_VERBS.export,
        schema: exportSchema,
        handle: async (ctx, data) => {
          const { url, count } = await privacy.createExport(
            ctx.actor,
            data.userId,
            data.format,
            ctx.locale,
          );
          return {
            card: personCard(ctx, await privacy.report(ctx.actor, data.userId), {
              status: ctx.t('privacy.exported', { count }),
              downloadUrl: url,
            }),
          };
        },
      }),
      defineAction({
        verb: PRIVACY_VERBS.confirm,
        schema: personSchema,
        handle: async (ctx, data) => ({
          card: confirmCard(ctx, await privacy.report(ctx.actor, data.userId)),
        }),
      }),
      defineAction({
        verb: PRIVACY_VERBS.pseudonymize,
        schema: pseudonymizeSchema,
        handle: async (ctx, data): Promise<ActionResult> => {
          try {
            const { pseudonym, count } = await privacy.pseudonymize(
              ctx.actor,
              data.userId,
              ctx.operationId,
            );
            ctx.log.info({ records: count }, 'person pseudonymized');
            return { text: ctx.t('privacy.pseudonymized', { pseudonym, count }) };
          } catch (e) {
            const text = conflictText(ctx, e);
            if (text) return { text };
            throw e;
          }
        },
        // The same confirmation sent again gets the first answer: nothing is done twice.
        once: {
          replay: (ctx, result) =>
            Promise.resolve({
              text: ctx.t('privacy.pseudonymized', {
                pseudonym: result.pseudonym ?? '',
                count: result.count ?? '0',
              }),
            }),
        },
      }),
    ],
  };
}
