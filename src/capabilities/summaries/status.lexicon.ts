// The words status questions are made of: topics and the usual names of organisations.
import { newStemmer } from 'snowball-stemmers';

const swedish = newStemmer('swedish');
const stems = new Map<string, string>();

/** The Swedish snowball stem of a lower-case word (memoized: pure function of the word). */
export function stemWord(word: string): string {
  let stem = stems.get(word);
  if (stem === undefined) {
    stem = swedish.stem(word);
    if (stems.size > 5000) stems.clear();
    stems.set(word, stem);
  }
  return stem;
}

/** Lower case without diacritics: users often type "a" for "å"/"ä" and "o" for "ö". */
export const foldText = (text: string): string =>
  text.toLowerCase().normalize('NFD').replace(/\p{M}/gu, '').normalize('NFC');

export type Topic = 'status' | 'cases' | 'deviations' | 'meetings';

/** Words that say what the question is about (typos tolerated, word forms by stem). */
export const TOPIC_WORDS: Readonly<Record<Topic, readonly string[]>> = {
  status: [
    'status',
    'läge',
    'läget',
    'lägesbild',
    'översikt',
    'overview',
    'summary',
    'sammanfattning',
    'summering',
  ],
  cases: ['ärende', 'ärenden', 'case', 'cases', 'antal'],
  deviations: ['avvikelse', 'avvikelser', 'deviation', 'deviations'],
  meetings: [
    'möte',
    'möten',
    'mötet',
    'meeting',
    'meetings',
    'inställda',
    'cancelled',
    'canceled',
    'upcoming',
  ],
};

/** Everyday names of the organisations (the configured names are matched as well). */
export const ORG_ALIASES: readonly { code: string; words: readonly string[] }[] = [
  ...[
    ['independentSchool', 'fristående skola'],
    ['independentSchool', 'fristående skolor'],
    ['independentSchool', 'fristående skolorna'],
    ['independentSchool', 'friskola'],
    ['independentSchool', 'friskolor'],
    ['independentSchool', 'independent school'],
    ['independentSchool', 'independent schools'],
    ['firstLine', 'första linjen'],
    ['firstLine', 'first line'],
    ['firstLine', 'firstline'],
    ['studentHealth', 'elevhälsa'],
    ['studentHealth', 'elevhälsan'],
    ['studentHealth', 'student health'],
    ['studentHealth', 'skolsköterska'],
    ['socialServices', 'socialtjänst'],
    ['socialServices', 'socialtjänsten'],
    ['socialServices', 'soc'],
    ['socialServices', 'socialen'],
    ['socialServices', 'ifo'],
    ['socialServices', 'individ- och familjeomsorgen'],
    ['socialServices', 'social services'],
    ['socialServices', 'social service'],
    ['healthcare', 'hälso- och sjukvård'],
    ['healthcare', 'hälso- och sjukvården'],
    ['healthcare', 'sjukvård'],
    ['healthcare', 'sjukvården'],
    ['healthcare', 'bup'],
    ['healthcare', 'vården'],
    ['healthcare', 'health care'],
    ['healthcare', 'healthcare'],
    ['healthcare', 'camhs'],
    ['preschool', 'förskola'],
    ['preschool', 'förskolan'],
    ['preschool', 'förskolor'],
    ['preschool', 'preschool'],
    ['preschool', 'preschools'],
    ['leisure', 'fritid'],
    ['leisure', 'fritids'],
    ['leisure', 'fritidsförvaltningen'],
    ['leisure', 'fritidsgården'],
    ['leisure', 'fältassistenter'],
    ['leisure', 'leisure'],
    ['leisure', 'youth centre'],
    ['police', 'polis'],
    ['police', 'polisen'],
    ['police', 'kommunpolis'],
    ['police', 'kommunpolisen'],
    ['police', 'police'],
    ['school', 'skola'],
    ['school', 'skolan'],
    ['school', 'skolor'],
    ['school', 'skolorna'],
    ['school', 'grundskola'],
    ['school', 'grundskolan'],
    ['school', 'school'],
    ['school', 'schools'],
  ].map(([code, phrase]) => ({ code: code!, words: phrase!.split(' ') })),
];
