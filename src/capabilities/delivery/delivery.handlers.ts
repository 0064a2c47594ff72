import type { ActionResult, Capability, TurnCtx } from '../../core/capability';
import { defineAction } from '../../core/capability';
import type { OutboxCardState } from './delivery.cards';
import { outboxCard } from './delivery.cards';
import type { RetryInput } from './delivery.schemas';
import { retrySchema } from './delivery.schemas';
import type { DeliveryService } from './delivery.service';

export const DELIVERY_VERBS = { retry: 'delivery.retry' } as const;

/** Admins: `utkorg` / `outbox` shows the outbox; "Försök igen" / "Retry" requeues a dead letter. */
export function deliveryCapability(delivery: DeliveryService): Capability {
  const show = async (ctx: TurnCtx, state: OutboxCardState = {}) => {
    const { counts, deadLetters } = await delivery.overview(ctx.actor);
    return outboxCard(ctx.t, counts, deadLetters, state);
  };

  const retry = async (ctx: TurnCtx, data: RetryInput): Promise<ActionResult> => {
    const { outcome, kind } = await delivery.retryDeadLetter(ctx.actor, data.id);
    const text =
      outcome === 'retried'
        ? ctx.t('delivery.retried', { kind })
        : ctx.t(outcome === 'tooLate' ? 'delivery.tooLate' : 'delivery.notDeadLettered');
    return { card: await show(ctx, { status: { text, good: outcome === 'retried' } }) };
  };

  return {
    name: 'delivery',
    help: [
      {
        command: { sv: 'utkorg', en: 'outbox' },
        description: 'delivery.help',
        permission: 'delivery.manage',
      },
    ],
    commands: [
      {
        id: 'delivery.outbox',
        patterns: [/^(utkorg|utkorgen|outbox)$/],
        handle: async (ctx) => [{ card: await show(ctx) }],
      },
    ],
    actions: [defineAction({ verb: DELIVERY_VERBS.retry, schema: retrySchema, handle: retry })],
  };
}
