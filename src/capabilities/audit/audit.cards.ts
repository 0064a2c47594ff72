import type { AdaptiveCardJson } from '../../cards/render';
import { renderCard } from '../../cards/render';
import type { AuditEntry } from '../../core/audit';
import type { Translate } from '../../i18n/i18n';
import logTemplate from '../../../adaptive-cards/audit/log.json';
import { detailText } from './audit.csv';
import { localTime, type AuditFilter, type KnownUser } from './audit.service';

export interface AuditCardState {
  status?: string;
  downloadUrl?: string;
}

/** The latest entries (ids, codes and key=values only) and the filter, its inputs kept. */
export function auditCard(
  t: Translate,
  entries: readonly AuditEntry[],
  users: readonly KnownUser[],
  filter: AuditFilter,
  state: AuditCardState = {},
): AdaptiveCardJson {
  const names = new Map(users.map((u) => [u.id, u.name]));
  return renderCard('audit/log', logTemplate, {
    labels: {
      title: t('audit.title'),
      intro: t('audit.intro'),
      user: t('audit.user'),
      target: t('audit.target'),
      targetHint: t('audit.targetHint'),
      from: t('audit.from'),
      to: t('audit.to'),
      filter: t('audit.filter'),
      export: t('audit.export'),
      download: t('audit.download'),
    },
    status: state.status ?? '',
    downloadUrl: state.downloadUrl ?? '',
    values: {
      user: filter.user ?? '',
      target: filter.target ?? '',
      from: filter.from ?? '',
      to: filter.to ?? '',
    },
    users: [{ id: '', name: t('audit.allUsers') }, ...users],
    summary: entries.length === 0 ? t('audit.none') : t('audit.latest', { count: entries.length }),
    entries: entries.map((e) => ({
      head: `${localTime(e.at)} · ${names.get(e.actorId) ?? (e.actorId || t('audit.system'))}${
        e.roles && e.roles.length > 0 ? ` (${e.roles.join(', ')})` : ''
      }`,
      line: `${e.action} · ${names.get(e.target) ?? e.target}`,
      detail: detailText(e.detail),
    })),
  });
}
