/**
 * Word-level signals for names that no list holds: what the dictionaries say about a word
 * (ordinary word, proper noun, unknown, compound), spellings of listed names, and the words
 * around a name that tell a person from a place or a thing.
 */
import type { Lexicon } from './lexicon';
import { AMBIGUOUS_FIRST, FIRST_NAMES, WEAK_FIRST } from './names.sv';

/** "Aziza's" → "Aziza", "Nejlas" → "Nejla" (and the word itself): the forms to look up. */
export function possessiveBases(word: string): string[] {
  const forms = [word];
  const apostrophe = /^(.+)['’]s?$/u.exec(word);
  if (apostrophe?.[1]) forms.push(apostrophe[1]);
  else if (word.length > 3 && /s$/u.test(word)) forms.push(word.slice(0, -1));
  return forms;
}

/**
 * A Swedish compound of dictionary words: "tjejzonen" = tjej + zonen, "skolplattformen" =
 * skol(a) + plattformen, "stadsmissionen" = stad + s + missionen. Names of organisations,
 * programmes and places are often such compounds; names of people rarely are.
 */
export function isCompound(lower: string, lexicon: Lexicon, depth = 0): boolean {
  if (lower.length < 7 || depth > 1) return false;
  for (let i = 3; i <= lower.length - 3; i++) {
    const head = lower.slice(0, i);
    const tail = lower.slice(i);
    // A place or organisation the dictionary knows, in front of a word ("Tyresömodell").
    const properHead = depth === 0 && tail.length >= 4 && lexicon.holds(capitalise(head));
    const headOk =
      properHead ||
      lexicon.isSwedishWord(head) ||
      (head.endsWith('s') && head.length > 3 && lexicon.isSwedishWord(head.slice(0, -1))) ||
      lexicon.isSwedishWord(`${head}a`) ||
      lexicon.isSwedishWord(`${head}e`);
    if (!headOk) continue;
    if (lexicon.isSwedishWord(tail) || isCompound(tail, lexicon, depth + 1)) return true;
  }
  return false;
}

const capitalise = (w: string): string => (w[0]?.toUpperCase() ?? '') + w.slice(1);

/** Neither dictionary holds the word (in any of its possessive forms), and it is no compound. */
export function unknownWord(word: string, lexicon: Lexicon): boolean {
  return possessiveBases(word).every((w) => {
    const lower = w.toLowerCase();
    if (lexicon.holds(w) || lexicon.isWord(lower)) return false;
    if (w.includes('-'))
      return w.split('-').every((part) => part.length > 0 && unknownWord(part, lexicon));
    return !isCompound(lower, lexicon);
  });
}

/** One edit (substitution, insertion, deletion or swap of neighbours) turns a into b. */
function oneEditApart(a: string, b: string): boolean {
  if (a === b || Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  if (a.length === b.length) {
    if (a.slice(i + 1) === b.slice(i + 1)) return true;
    return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
  }
  return a.length > b.length ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}

const NAMES_BY_LENGTH = new Map<number, string[]>();
for (const name of FIRST_NAMES) {
  if (name.length < 4 || AMBIGUOUS_FIRST.has(name) || WEAK_FIRST.has(name)) continue;
  const list = NAMES_BY_LENGTH.get(name.length) ?? [];
  list.push(name);
  NAMES_BY_LENGTH.set(name.length, list);
}

/** "kevyn" ≈ "kevin", "liiam" ≈ "liam", "wiktorja" ≈ "wiktoria": a spelling of a listed name. */
export function spellingOfListedName(lower: string): boolean {
  if (lower.length < 4) return false;
  for (const n of [lower.length - 1, lower.length, lower.length + 1])
    if ((NAMES_BY_LENGTH.get(n) ?? []).some((name) => oneEditApart(lower, name))) return true;
  return false;
}

/**
 * A hyphenated name with a listed first name in it: "Felicia-Rose", "ebba-lou", "Tindra-Li".
 * Written capitalised, even a name that is also a word counts ("Tindra-Li", "Saga-Lo").
 */
export function hyphenatedWithListedName(
  lower: string,
  capitalised: boolean,
  lexicon: Lexicon,
): boolean {
  if (!lower.includes('-')) return false;
  const listed = (p: string) =>
    FIRST_NAMES.has(p) && !WEAK_FIRST.has(p) && (capitalised || !AMBIGUOUS_FIRST.has(p));
  return possessiveBases(lower).some((w) => {
    const parts = w.split('-');
    // "Mini-Maria", "Café-Anna": an ordinary word in front makes it a place or a product.
    const head = parts[0] ?? '';
    if (!listed(head) && lexicon.isSwedishWord(head)) return false;
    return parts.some(listed);
  });
}

/** Words that name things, not people, come after these ("spelar Fortnite", "via Magelungen"). */
export const THING_BEFORE = new Set(
  `spelar spela spelade spelat spelet spelen appen appar via på i inom plays playing app game`
    .split(/\s+/)
    .filter(Boolean),
);
/** Family words after a possessive: "Kristofers pappa", "Aziza's stepfather". */
export const FAMILY_AFTER = new Set(
  `mamma pappa mor far mamman pappan bror syster storebror lillebror storasyster lillasyster
  mormor morfar farmor farfar styvpappa styvmamma bonuspappa bonusmamma föräldrar vårdnadshavare
  mum mom mother dad father brother sister stepfather stepmother parents grandmother grandfather`
    .split(/\s+/)
    .filter(Boolean),
);
/** Words before someone one talks with or quotes ("pratat med X", "enligt X", "talked to X"). */
export const PERSON_BEFORE =
  /(?:(?:pratat|pratade|pratar|talat|talade|talar|träffat|träffade|träffar|samtalat|samtalar|samtal|leker|lekte|lekt|bråkar|bråkade|umgås|umgicks|slogs|bråk) med|enligt|berättade för|sa till|(?:mamma|mamman|pappa|pappan|mor|modern|far|fadern|bror|brodern|syster|systern|förälder|föräldrar|vårdnadshavare|vårdnadshavaren|kusin|kusinen|kompis|kompisen|vän|vännen) till|according to|talked to|talked with|spoke to|spoke with|met with|(?:mother|father|mum|mom|dad|brother|sister|parents?|friend|cousin) of)\s+$/iu;

/** A word written as part of a web address ("Umo.se") names a site, not a person. */
export const DOMAIN_AFTER = /^\.(?:se|nu|com|org|net|eu|info|io)(?![\p{L}])/u;

/** Prepositions before places, not people ("från Sri Lanka", "i Costa Rica"). */
export const PLACE_BEFORE = /(?:^|[\s(])(?:från|i|till|på|via|mot|from|in|to|at)\s+$/iu;

/** A word without a vowel is an abbreviation, not a name ("Dnr", "Tfn", "Ssk"). */
export const HAS_VOWEL = /[aeiouyåäöéèáàüæø]/iu;

/**
 * English words that introduce a person's name, as "heter" and "kallas" do in Swedish: "her name
 * is", "his surname's", "named", "called", "goes by", "known as", "calls herself" (an opening
 * quote or a colon may follow).
 */
export const NAME_CUE_BEFORE =
  /(?<![\p{L}'’-])(?:(?:(?:sur|nick)?name\s+(?:is|was)|(?:sur|nick)?name['’]s|named|called|known\s+as|go(?:es|ing)?\s+by|went\s+by|calls?\s+(?:her|him|them)sel(?:f|ves)))\s*[:"“”'‘«]?\s*$/iu;
/** The last word of such a cue: "is", "named", "called", "as", "by", "herself" … */
export const NAME_CUE_LAST = new Set(
  `is was name's name’s surname's surname’s nickname's nickname’s named called as by herself
  himself themselves themself`
    .split(/\s+/)
    .filter(Boolean),
);
/** A thing, not a person, is what is named so ("an app called Yubo", "the area known as X"). */
export const NAMED_THING_BEFORE =
  /(?<!\p{L})(?:app|game|group|programme|program|project|method|model|school|unit|team|club|organi[sz]ation|company|service|platform|site|website|page|channel|server|chat|account|book|film|movie|series|show|song|band|course|initiative|centre|center|clinic|place|town|village|city|street|road|area|district|neighbou?rhood|suburb|estate|shop|store|product|tool|test|form|system|plan|network|association|foundation|charity|campaign|drug|medicine|medication|diagnosis|syndrome|disorder|condition|dog|cat|pet|horse|rabbit|bird|hamster|puppy|kitten)s?\s+(?:(?:is|was|are|were)\s+)?(?:also\s+)?(?:called|named|known\s+as|go(?:es)?\s+by)\s*[:"“”'‘«]?\s*$/iu;
