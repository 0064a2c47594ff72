import type { Locale } from '../../i18n/i18n';

/** One deviation category with its Swedish and English label. */
export interface DeviationCategory {
  code: string;
  name: Readonly<Record<Locale, string>>;
}

/** The category the "organisation absent from a forum" offer from the minutes prefills. */
export const ABSENT_CATEGORY = 'organisationAbsent';

/** The defaults (issue 12; the regional routines' common categories); DEVIATION_CATEGORIES_FILE overrides. */
export const DEFAULT_DEVIATION_CATEGORIES: readonly DeviationCategory[] = [
  {
    code: 'informationNotPassedOn',
    name: { sv: 'Information har inte förts vidare', en: 'Information not passed on' },
  },
  { code: 'unclearResponsibility', name: { sv: 'Otydligt ansvar', en: 'Unclear responsibility' } },
  {
    code: 'availability',
    name: { sv: 'Tillgänglighet / väntetid', en: 'Availability / waiting time' },
  },
  {
    code: 'sipNotCalled',
    name: { sv: 'SIP inte kallad eller inte följd upp', en: 'SIP not called or not followed up' },
  },
  {
    code: 'handover',
    name: { sv: 'Överlämning eller remiss', en: 'Hand-over or referral' },
  },
  { code: 'consentSecrecy', name: { sv: 'Samtycke och sekretess', en: 'Consent and secrecy' } },
  {
    code: ABSENT_CATEGORY,
    name: { sv: 'Organisation frånvarande från forum', en: 'Organisation absent from a forum' },
  },
  {
    code: 'contactPersonChange',
    name: {
      sv: 'Byte av kontaktperson inte meddelat',
      en: 'Contact person change not communicated',
    },
  },
  {
    code: 'routineNotFollowed',
    name: { sv: 'Överenskommen rutin inte följd', en: 'Agreed routine not followed' },
  },
  { code: 'other', name: { sv: 'Annat', en: 'Other' } },
];

export interface DeviationsConfig {
  categories: readonly DeviationCategory[];
  replyDays: number;
  /** Reminder thresholds in days before the reply date, largest first. */
  reminderDaysBefore: readonly number[];
  /** The time zone of the dates users see and type. */
  timeZone: string;
  /** Forum kinds a deviation may be escalated to. */
  escalationForumKinds: readonly string[];
  /** A category reported this often in a term for the same pair of organisations is recurring. */
  recurringThreshold: number;
  /** How many deviations one list shows per section. */
  listLimit: number;
}

export const MAX_TEXT_LENGTH = 2000;

export const DEFAULT_DEVIATIONS_CONFIG: DeviationsConfig = {
  categories: DEFAULT_DEVIATION_CATEGORIES,
  replyDays: 60,
  reminderDaysBefore: [14, 3],
  timeZone: 'Europe/Stockholm',
  escalationForumKinds: ['steeringGroup'],
  recurringThreshold: 3,
  listLimit: 25,
};
