/**
 * The gate's dictionaries: the Hunspell Swedish dictionary (dictionary-sv, from the Swedish
 * LibreOffice/Den stora svenska ordlistan word list) and the Hunspell English dictionary
 * (dictionary-en), read through nspell. They answer "is this an ordinary word?", which tells a
 * capitalised name that no list holds from a word that is capitalised only because of where it
 * stands. This file is the only I/O in the anonymity capability: it reads the two dictionaries
 * once, on first use, and keeps them for the process's lifetime (they never change).
 *
 * The dictionary packages are ES modules that read their own files with top-level await, which a
 * CommonJS build cannot import; so the .aff/.dic files are read from the package folders here.
 * nspell builds a regular expression from each COMPOUNDRULE without escaping '.', so the Swedish
 * dictionary's rules for numerals ("åttiosjuåringen") would accept every string: those lines are
 * dropped (the gate never needs numerals as words). Swedish compounds are checked by the gate's
 * own compound split (see names.ts).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import nspell from 'nspell';

export interface Lexicon {
  /** An ordinary (lower-case) word of Swedish or English: "eleven", "rullstol", "friday" no. */
  isWord(lower: string): boolean;
  /** An ordinary Swedish word (for splitting compounds: "tjej" + "zonen"). */
  isSwedishWord(lower: string): boolean;
  /** The dictionaries hold the word as written, ordinary word or proper noun ("Gotland"). */
  holds(word: string): boolean;
}

/**
 * A spell-checker for a dictionary package. Besides nspell's answer, every lower-case stem of the
 * word list counts as a word: nspell cannot derive a few irregular forms (Swedish "fick" is
 * listed only as a compound part, and its verb form needs a rule that strips the whole stem,
 * which nspell does not apply).
 */
function load(pkg: string, dropCompoundRules: boolean): Speller {
  const dir = path.dirname(require.resolve(pkg));
  let aff = readFileSync(path.join(dir, 'index.aff'), 'utf8');
  if (dropCompoundRules)
    aff = aff
      .split('\n')
      .filter((line) => !line.startsWith('COMPOUNDRULE'))
      .join('\n');
  const dic = readFileSync(path.join(dir, 'index.dic'), 'utf8');
  const spell = nspell(aff, dic);
  const stems = new Set<string>();
  for (const line of dic.split('\n')) {
    const stem = line.split('/')[0]?.trim() ?? '';
    if (/^\p{Ll}[\p{Ll}-]*$/u.test(stem)) stems.add(stem);
  }
  return { correct: (word) => stems.has(word) || spell.correct(word) };
}

interface Speller {
  correct(word: string): boolean;
}

/** A memo of a speller's answers (the same words come back often), bounded in size. */
function memoised(speller: Speller): (word: string) => boolean {
  const memo = new Map<string, boolean>();
  return (word) => {
    let known = memo.get(word);
    if (known === undefined) {
      known = speller.correct(word);
      if (memo.size > 50_000) memo.clear();
      memo.set(word, known);
    }
    return known;
  };
}

/** Wraps a Swedish and an English spell-checker as a Lexicon. */
export function lexiconOf(swedish: Speller, english: Speller): Lexicon {
  const sv = memoised(swedish);
  const en = memoised(english);
  return {
    isWord: (lower) => sv(lower) || en(lower),
    isSwedishWord: (lower) => sv(lower),
    holds: (word) => sv(word) || en(word),
  };
}

let hunspell: Lexicon | undefined;

/** The Swedish and English Hunspell dictionaries, loaded on first use (about 1.5 s, once). */
export function hunspellLexicon(): Lexicon {
  hunspell ??= lexiconOf(load('dictionary-sv', true), load('dictionary-en', false));
  return hunspell;
}
