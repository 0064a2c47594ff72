import { ZodError } from 'zod';
import type { MessageKey, Translate } from '../i18n/i18n';
import type { Action, ActionResult, Capability, Command, Reply, TurnCtx } from './capability';
import { AppError, isAppError } from './errors';
import { operationId, type OnceOnly } from './operations';

/** Lower-cases, trims, folds white space and drops trailing punctuation: "Hjälp!" → "hjälp". */
export function normalizeCommandText(text: string): string {
  return text
    .normalize('NFC')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[.!?]+$/, '')
    .trim()
    .toLowerCase();
}

export interface Router {
  /** Null when no command matched (the bot answers with a pointer to help). */
  handleMessage(ctx: TurnCtx, text: string): Promise<Reply[] | null>;
  handleAction(ctx: TurnCtx, verb: string, data: unknown): Promise<ActionResult>;
  verbs(): string[];
}

export interface RouterOptions {
  /** Runs once-only actions (see core/operations.ts); without it they run unguarded (unit tests). */
  once?: OnceOnly;
}

export function createRouter(
  capabilities: readonly Capability[],
  options: RouterOptions = {},
): Router {
  const commands: Command[] = capabilities.flatMap((c) => c.commands ?? []);
  const actions = new Map<string, Action<never>>();
  for (const capability of capabilities) {
    for (const action of capability.actions ?? []) {
      if (actions.has(action.verb)) throw new Error(`verb ${action.verb} registered twice`);
      actions.set(action.verb, action);
    }
  }
  for (const command of commands) {
    for (const p of command.patterns) {
      if (!p.source.startsWith('^') || !p.source.endsWith('$')) {
        throw new Error(`command ${command.id}: pattern ${p.source} must be anchored`);
      }
    }
  }

  return {
    async handleMessage(ctx, text) {
      const normalized = normalizeCommandText(text);
      for (const command of commands) {
        for (const pattern of command.patterns) {
          const match = normalized.match(pattern);
          if (match) {
            ctx.log.info({ command: command.id }, 'command');
            return command.handle(ctx, match);
          }
        }
      }
      return null;
    },

    async handleAction(ctx, verb, data) {
      const action = actions.get(verb);
      if (!action) throw new AppError('unknownAction');
      const parsed = (action as Action<unknown>).schema.safeParse(data);
      if (!parsed.success) throw invalidInput(parsed.error);
      ctx.log.info({ verb }, 'action');
      const run = (c: TurnCtx) => (action as Action<unknown>).handle(c, parsed.data);
      if (!action.once || !options.once) return run(ctx);
      const token = (parsed.data as { token?: unknown }).token;
      if (typeof token !== 'string') throw new AppError('invalidInput', { field: 'token' });
      // Without an Entra id the actor has no roles: a refusal, not a fault in the card.
      if (!ctx.actor.aadObjectId) throw new AppError('forbidden', { needs: 'aadObjectId' });
      const id = operationId(ctx.actor.tenantId, ctx.actor.aadObjectId, token);
      const outcome = await options.once.run(id, () => run({ ...ctx, operationId: id }));
      if (outcome.kind === 'ran') return outcome.value;
      if (outcome.kind === 'busy') throw new AppError('conflict', { reason: 'inProgress' });
      ctx.log.info({ verb }, 'action repeated: first result returned');
      return action.once.replay(ctx, outcome.result);
    },

    verbs: () => [...actions.keys()],
  };
}

/** Names the first bad field (our schema's own field names only; never user-supplied keys). */
export function invalidInput(error: ZodError): AppError {
  const issue = error.issues[0];
  const field =
    !issue || issue.code === 'unrecognized_keys' || issue.path.length === 0
      ? '-'
      : issue.path.map(String).join('.');
  return new AppError('invalidInput', { field });
}

/** The one place where errors become user-facing text. */
export function describeError(error: unknown, t: Translate, correlationId: string): string {
  if (error instanceof ZodError) return describeError(invalidInput(error), t, correlationId);
  if (!isAppError(error)) return t('error.unexpected', { correlationId });
  switch (error.code) {
    case 'forbidden':
      return t('error.forbidden');
    case 'invalidInput':
      return t('error.invalidInput', { field: error.params.field ?? '-' });
    case 'notFound':
      return t('error.notFound');
    case 'conflict':
      return t('error.conflict');
    case 'unknownAction':
      return t('error.unknownAction');
    case 'tooLarge':
      return t('error.tooLarge', { max: error.params.max ?? '' });
    case 'identifyingText':
      return t('error.identifyingText', {
        type: t(`identifier.${String(error.params.type ?? 'name')}` as MessageKey),
      });
    case 'identifyingCombination':
      return t('error.identifyingCombination');
  }
}
