import type { Locale } from '../i18n/i18n';

/**
 * What the minutes may record for a case (utfall), and what that does to the case: it was
 * `discussed` (the forum answered; the case stays open for corrections), is `closed`, or `moved`
 * to the forum's next meeting, where it comes first on the agenda. The list is configuration
 * (OUTCOMES_FILE); these are the defaults from the forums' own documents.
 */
export const OUTCOME_EFFECTS = ['discussed', 'closed', 'moved'] as const;
export type OutcomeEffect = (typeof OUTCOME_EFFECTS)[number];

export interface OutcomeOption {
  code: string;
  label: Readonly<Record<Locale, string>>;
  effect: OutcomeEffect;
}

export const DEFAULT_OUTCOMES: readonly OutcomeOption[] = [
  { code: 'adviceGiven', label: { sv: 'Råd har getts', en: 'Advice given' }, effect: 'discussed' },
  {
    code: 'openIntervention',
    label: {
      sv: 'Öppen insats utan biståndsbeslut',
      en: 'Open intervention without a formal decision',
    },
    effect: 'discussed',
  },
  {
    code: 'sipRecommended',
    label: { sv: 'SIP rekommenderas', en: 'SIP recommended' },
    effect: 'discussed',
  },
  {
    code: 'reportOfConcern',
    label: { sv: 'Orosanmälan har gjorts', en: 'Report of concern made' },
    effect: 'discussed',
  },
  {
    code: 'followUp',
    label: { sv: 'Följs upp på ett senare möte', en: 'Follow up at a later meeting' },
    effect: 'moved',
  },
  { code: 'noAction', label: { sv: 'Ingen åtgärd', en: 'No action' }, effect: 'closed' },
  { code: 'notReached', label: { sv: 'Hanns inte med', en: 'Not reached' }, effect: 'moved' },
];
