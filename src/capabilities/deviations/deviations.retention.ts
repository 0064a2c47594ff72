import type { RetentionTarget } from '../../core/retention';
import type { DeviationsService } from './deviations.service';

/**
 * What deviations keep only for a while (core/retention.ts):
 * - `deviations.freeText`: `textMonths` after closing, the free text (description, consequence,
 *   immediate action, the answer's cause, action and follow-up) is removed; every coded field
 *   and the history (who, when, which state) stay.
 * - `deviations.records`: `recordMonths` after closing, the deviation is removed with its history
 *   and versions; a tombstone in `deviationsRemoved` keeps code, year and sequence (so no code is
 *   given twice), category, organisations, forum, escalation forum, term, dates and the states it
 *   went through: no text and no person, and the counts by term, category, organisation and state
 *   stay what they were.
 */
export function deviationRetention(
  service: Pick<DeviationsService, 'purgeText' | 'removeClosed'>,
  months: { textMonths: number; recordMonths: number },
): RetentionTarget[] {
  return [
    {
      name: 'deviations.freeText',
      months: months.textMonths,
      purge: async (cutoff, now) => ({ purged: await service.purgeText(cutoff, now) }),
    },
    {
      name: 'deviations.records',
      months: months.recordMonths,
      purge: async (cutoff, now) => ({ purged: await service.removeClosed(cutoff, now) }),
    },
  ];
}
