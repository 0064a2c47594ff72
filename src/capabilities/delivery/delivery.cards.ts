import type { AdaptiveCardJson } from '../../cards/render';
import { renderCard } from '../../cards/render';
import type { Translate } from '../../i18n/i18n';
import outboxTemplate from '../../../adaptive-cards/delivery/outbox.json';
import type { DeadLetterSummary, OutboxStatus } from './delivery.types';
import { OUTBOX_STATUSES } from './delivery.types';

export interface OutboxCardState {
  status?: { text: string; good: boolean };
}

/** Counts by status and the latest dead letters, each with a retry button. No payload text. */
export function outboxCard(
  t: Translate,
  counts: Readonly<Record<OutboxStatus, number>>,
  deadLetters: readonly DeadLetterSummary[],
  state: OutboxCardState = {},
): AdaptiveCardJson {
  return renderCard('delivery/outbox', outboxTemplate, {
    labels: {
      title: t('delivery.title'),
      intro: t('delivery.intro'),
      deadLetters: t('delivery.deadLetters'),
      noDeadLetters: t('delivery.noDeadLetters'),
      retry: t('delivery.retry'),
    },
    status: state.status?.text ?? '',
    statusColor: state.status?.good === false ? 'Attention' : 'Good',
    counts: OUTBOX_STATUSES.map((s) => ({
      title: t(`delivery.status.${s}`),
      value: String(counts[s]),
    })),
    deadLetters: deadLetters.map((d) => ({
      id: d.id,
      title: t('delivery.item', { kind: d.kind, conversation: d.conversationId }),
      detail: t('delivery.itemDetail', {
        attempts: d.attempts,
        status:
          d.lastStatus === undefined
            ? t('delivery.noStatus')
            : `${d.lastStatus}${d.lastCode ? ` ${d.lastCode}` : ''}`,
        reason: t(`delivery.reason.${d.reason ?? 'attempts'}`),
      }),
    })),
  });
}
