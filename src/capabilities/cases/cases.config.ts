import type { Locale } from '../../i18n/i18n';
import type { ForumKind } from '../forums';

/** One configurable choice with its Swedish and English label. */
export interface CaseOption {
  code: string;
  label: Readonly<Record<Locale, string>>;
}

/**
 * The case flow's configuration. The areas of concern are the municipality's own list; these
 * defaults come from the forums' own documents (domain brief).
 */
export interface CasesConfig {
  concerns: readonly CaseOption[];
  /** Forum kinds that take anonymized cases. */
  caseForumKinds: readonly ForumKind[];
  /** Open meetings offered per forum in the form. */
  meetingsPerForum: number;
  /** Cases listed by `mina ärenden`. */
  myCasesLimit: number;
}

export const MAX_TEXT_LENGTH = 2000;

export const DEFAULT_CONCERNS: readonly CaseOption[] = [
  { code: 'schoolAbsence', label: { sv: 'Skolfrånvaro', en: 'School absence' } },
  { code: 'normBreaking', label: { sv: 'Normbrytande beteende', en: 'Norm-breaking behaviour' } },
  { code: 'mentalHealth', label: { sv: 'Psykisk ohälsa', en: 'Mental ill-health' } },
  { code: 'familySituation', label: { sv: 'Familjesituation', en: 'Family situation' } },
  {
    code: 'domesticViolence',
    label: { sv: 'Våld i nära relationer', en: 'Domestic violence' },
  },
  { code: 'substanceAbuse', label: { sv: 'Missbruk', en: 'Substance abuse' } },
  { code: 'crime', label: { sv: 'Kriminalitet', en: 'Crime' } },
  {
    code: 'peerRelations',
    label: { sv: 'Kamratrelationer/mobbning', en: 'Peer relations/bullying' },
  },
  { code: 'other', label: { sv: 'Annat', en: 'Other' } },
];

export const DEFAULT_CASES_CONFIG: CasesConfig = {
  concerns: DEFAULT_CONCERNS,
  caseForumKinds: ['caseForum'],
  meetingsPerForum: 4,
  myCasesLimit: 30,
};
