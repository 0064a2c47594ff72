import type { Span } from './anonymity.types';

/**
 * Dates of birth: a birth cue ("född", "f.", "föddes", "födelsedatum", "födelsedag",
 * "fyller år", "born", "DOB", "date of birth" …) followed closely by a date. Dates that are not
 * about birth ("mötet 2024-03-04", "sedan 12 mars") are left alone.
 */
const MONTHS_SV = [
  'januari',
  'februari',
  'mars',
  'april',
  'maj',
  'juni',
  'juli',
  'augusti',
  'september',
  'oktober',
  'november',
  'december',
];
const MONTHS_SV_SHORT = [
  'jan',
  'feb',
  'mar',
  'apr',
  'jun',
  'jul',
  'aug',
  'sep',
  'sept',
  'okt',
  'nov',
  'dec',
];
const MONTHS_EN = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];
const MONTH = `(?:${[...MONTHS_SV, ...MONTHS_EN, ...MONTHS_SV_SHORT].join('|')})\\.?`;

const DAY = String.raw`(?:0?[1-9]|[12]\d|3[01])(?::?e|:a|st|nd|rd|th)?`;
const YEAR = String.raw`(?:(?:19|20)\d{2}|'\d{2}|-\d{2})`;

/** Date expressions that may follow a birth cue. */
const DATE_FORMS = [
  String.raw`(?:19|20)\d{2}\s?[-./]\s?\d{1,2}\s?[-./]\s?\d{1,2}(?!\d)`, // 2012-03-04, 2012.03.04, 2012/03/04
  String.raw`(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])(?!\d)`, // 20120304
  String.raw`\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])(?!\d)`, // 120304
  String.raw`${DAY}\s?[/.]\s?\d{1,2}(?:(?:\s?[-/.]\s?|\s)(?:(?:19|20)?\d{2}))?(?!\d)`, // 4/3-12, 30.11.2011, 4/3 2012
  String.raw`${DAY}\s+${MONTH}(?:\s*,?\s*${YEAR})?`, // 4 mars 2012, 4:e mars, 12 april -11
  String.raw`${MONTH}\s+${DAY}(?:,?\s+(?:19|20)\d{2})?`, // March 4, 2012
  String.raw`(?:i\s+)?${MONTH}\s+(?:19|20)\d{2}`, // i mars 2012
];
const DATE = `(?:${DATE_FORMS.join('|')})`;

const CUES = [
  String.raw`född`,
  String.raw`födda`,
  String.raw`fött`,
  String.raw`föddes`,
  String.raw`f\.`,
  String.raw`föd\.`,
  String.raw`födelsedatum`,
  String.raw`födelsedatumet`,
  String.raw`födelsedag(?:en)?`,
  String.raw`födelsedagsdatum`,
  String.raw`fyller\s+(?:\d{1,2}(?:\s+år)?|år)`,
  String.raw`fyllde\s+(?:\d{1,2}(?:\s+år)?|år)`,
  String.raw`born`,
  String.raw`d\.?o\.?b\.?`,
  String.raw`date\s+of\s+birth`,
  String.raw`birth\s?date`,
  String.raw`birthday`,
  String.raw`f\s?-\s?dat(?:um)?\.?`,
];
/** Cues match without their diacritics too ("fodd", "fodelsedag"): typed on any keyboard. */
const CUE = `(?:${CUES.map((c) => c.replace(/ö/g, '[öo]')).join('|')})`;

/** Short filler allowed between cue and date: punctuation, "den", "är", "on", "was", "(". */
const FILLER = String.raw`(?:[\s:,(]|den\b|är\b|var\b|on\b|is\b|was\b|the\b|på\b|sin\b){0,6}`;

const BIRTHDATE = new RegExp(String.raw`(?<![\p{L}])${CUE}${FILLER}${DATE}(?![\p{L}\p{N}])`, 'giu');

/** A bare "f" (no full stop) only counts in front of a complete numeric date: "f 2012-03-04". */
const BARE_F = new RegExp(
  String.raw`(?<![\p{L}])f\s+(?:(?:19|20)\d{2}\s?[-./]\s?\d{1,2}\s?[-./]\s?\d{1,2}|(?:19|20)?\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]))(?![\p{L}\p{N}])`,
  'gu',
);

export function detectBirthdates(text: string): Span[] {
  const spans: Span[] = [];
  for (const m of [...text.matchAll(BIRTHDATE), ...text.matchAll(BARE_F)]) {
    spans.push({ type: 'birthdate', start: m.index, end: m.index + m[0].length });
  }
  return spans;
}
