import type { Span } from './anonymity.types';
import { initials } from './detect.name-forms';
import type { Lexicon } from './lexicon';
import {
  DOMAIN_AFTER,
  FAMILY_AFTER,
  HAS_VOWEL,
  NAMED_THING_BEFORE,
  NAME_CUE_BEFORE,
  NAME_CUE_LAST,
  PERSON_BEFORE,
  PLACE_BEFORE,
  THING_BEFORE,
  hyphenatedWithListedName,
  isCompound,
  possessiveBases,
  spellingOfListedName,
  unknownWord,
} from './name.words';
import {
  AMBIGUOUS_FIRST,
  AMBIGUOUS_SURNAMES,
  FIRST_NAMES,
  INSTITUTIONS,
  NOT_NAME_AFTER_HETER,
  RELATION_WORDS,
  SURNAMES,
  SURNAME_SUFFIX,
  WEAK_FIRST,
} from './names.sv';

/**
 * Personal names. Rules, in short:
 * - a listed first name followed by a capitalised surname or an initial ("Kalle Andersson",
 *   "Sara S.") is a name, whatever the first name is;
 * - an unambiguous listed first name is a name when capitalised, also at sentence start;
 * - a listed name that is also an ordinary word ("Bo", "Sten", "Björn") counts when capitalised
 *   mid-sentence, after a relation word ("pappa Per") or next to another name;
 * - a listed name that is a very frequent word ("Hans", "Inga", "Maj") needs a relation word,
 *   a surname, or "heter"/"kallas" to count;
 * - a distinctive listed surname ("Lindberg", "Andersson") counts when capitalised;
 * - "heter X", "kallas X" and relation word + capitalised word ("mamma Leyla") count even when
 *   X is not listed;
 * - after an English cue ("her name is", "named", "called", "goes by", "known as") a listed name
 *   counts, and so does a capitalised word that is no ordinary word of either dictionary (even a
 *   proper noun the English dictionary holds: "Her name is Rhiannon") and is no compound of
 *   Swedish words; not when a thing is named ("an app called Yubo", "the area known as Tensta").
 * Names that no list holds (a rare spelling, a name from elsewhere), from the dictionary:
 * - a capitalised word that neither the Swedish nor the English dictionary holds, and that is not
 *   a compound of Swedish words ("Tjejzonen" = tjej + zonen: an organisation), is a name;
 *   possessives ("Nejlas mamma", "Aziza's"), hyphenated names ("Tindra-Li") included;
 * - a listed first name written in lower case is a name when it is not also an ordinary word
 *   ("vilgot bor med mamma"), and so is a lower-case first name + listed surname
 *   ("kalle andersson") and an unknown lower-case word after "heter" or a relation word;
 * - an unknown word one letter away from a listed first name is a spelling of it ("Kevyn");
 * - initials ("J.K.", "A.H.") stand for a person.
 */

/** What name detection needs besides the text: the dictionaries. */
export interface NameContext {
  lexicon: Lexicon;
}
interface Token {
  word: string;
  lower: string;
  start: number;
  end: number;
  cap: boolean;
  /** Written all in lower case ("kalle", "ebba-lou"). */
  low: boolean;
  sentenceStart: boolean;
}

/** Capitalised like a name: "Kalle", "Anna-Karin", "O'Brien"; not "SoL", "BUP" or "TikTok". */
const CAPITALISED = /^\p{Lu}\p{Ll}+(?:['’-]\p{Lu}?\p{Ll}+)*$/u;
const LOWER = /^\p{Ll}+(?:['’-]\p{Ll}+)*$/u;
/** Class or age right after a word: "Noa i 3B", "Sixten, 9 år", "Leo (5 år)". */
const PUPIL_CONTEXT =
  /^(?:\s+i\s+(?:åk\s*|klass\s*)?\d{1,2}\s?[A-Za-zÅÄÖåäö]?\b|\s*,\s*\d{1,2}\s*år\b|\s*\(\s*\d{1,2}\s*år\s*\))/u;
/** Endings of definite/plural Swedish nouns ("Barnen", "Klassen", "Gruppen", "Mentorn"). */
const NOUN_ENDING = /(?:en|et|na|rn|ar|or|er)$/u;
/** Adjective/participle endings ("Sverigefödd", "Arabisktalande") that are never first names. */
const NOT_NAME_ENDING = /(?:född|födda|fött|ig|iga|isk|iska|lig|liga|ande|ende|ad|ade)$/u;
const TOKEN = /\p{L}+(?:['’-]\p{L}+)*\.?/gu;
const SENTENCE_END = /(?:^|[.!?:;•*"«»([\n]|\s-)\s*$/u;
const HETER = new Set(['heter', 'hette', 'kallas', 'kallad', 'kallades', 'namnet', 'kallar']);

/** Capitalised words that are never names even after a relation word or "heter". */
const NEVER_NAMES = new Set(
  `eleven elever mamma pappa rektor första socialtjänsten elevhälsan bup fossam sip ifo polisen
  skolan förskolan kuratorn mentor måndag tisdag onsdag torsdag fredag lördag söndag januari
  februari mars april maj juni juli augusti september oktober november december svenska
  engelska matematik idrott biologi historia teams schoolsoft snapchat instagram tiktok
  sverige familjestödsenheten fältgruppen ungdomsmottagningen bvc vårdcentralen migrationsverket
  sig själv själva
  eid ramadan ramadhan nowruz newroz diwali hanukka hanukkah chanukka pesach purim jom kippur
  vesak holi lucia advent påsk midsommar halloween
  monday tuesday wednesday thursday friday saturday sunday january february july september
  october november december christmas easter`
    .split(/\s+/)
    .filter(Boolean),
);

function tokenize(text: string, masked: Span[]): Token[] {
  const tokens: Token[] = [];
  for (const m of text.matchAll(TOKEN)) {
    const raw = m[0];
    const word = raw.endsWith('.') ? raw.slice(0, -1) : raw;
    const start = m.index;
    const end = start + word.length;
    if (masked.some((s) => start < s.end && end > s.start)) continue;
    tokens.push({
      word,
      lower: word.toLowerCase(),
      start,
      end,
      cap: CAPITALISED.test(word),
      low: LOWER.test(word),
      sentenceStart: SENTENCE_END.test(text.slice(Math.max(0, start - 60), start)),
    });
  }
  return tokens;
}

function baseForms(lower: string): string[] {
  const forms = [lower];
  if (lower.endsWith('s') && lower.length > 3) forms.push(lower.slice(0, -1)); // genitive
  return forms;
}

function isFirstName(lower: string): boolean {
  if (FIRST_NAMES.has(lower)) return true;
  if (lower.includes('-')) return lower.split('-').every((p) => FIRST_NAMES.has(p));
  // Genitive ("Kalles") only for names that are not ordinary words.
  const base = lower.endsWith('s') ? lower.slice(0, -1) : '';
  return (
    base.length > 1 && FIRST_NAMES.has(base) && !AMBIGUOUS_FIRST.has(base) && !WEAK_FIRST.has(base)
  );
}

const isAmbiguous = (lower: string): boolean => AMBIGUOUS_FIRST.has(lower);
const isWeak = (lower: string): boolean => WEAK_FIRST.has(lower);
const isSurname = (lower: string): boolean => baseForms(lower).some((f) => SURNAMES.has(f));
const isDistinctiveSurname = (lower: string): boolean =>
  baseForms(lower).some((f) => SURNAMES.has(f) && !AMBIGUOUS_SURNAMES.has(f));

function looksLikeSurname(t: Token | undefined, text: string): boolean {
  if (!t || !t.cap || NEVER_NAMES.has(t.lower)) return false;
  return isSurname(t.lower) || SURNAME_SUFFIX.test(t.lower) || isInitial(t, text);
}

/** A single capital letter followed by a full stop ("Sara S."). */
function isInitial(t: Token, text: string): boolean {
  return /^\p{Lu}$/u.test(t.word) && text[t.end] === '.';
}

/** True when only spaces (and at most one comma) separate two tokens. */
function adjacent(a: Token, b: Token, text: string): boolean {
  return /^\s*,?\s*$/u.test(text.slice(a.end, b.start)) && b.start - a.end <= 3;
}

export function institutionSpans(text: string): Span[] {
  const spans: Span[] = [];
  for (const re of INSTITUTIONS) {
    for (const m of text.matchAll(re)) {
      spans.push({ type: 'name', start: m.index, end: m.index + m[0].length });
    }
  }
  return spans;
}

export function detectNames(text: string, masked: Span[], { lexicon }: NameContext): Span[] {
  const tokens = tokenize(text, [...masked, ...institutionSpans(text)]);
  const isName = new Array<boolean>(tokens.length).fill(false);
  const ordinary = (t: Token) => NEVER_NAMES.has(t.lower) || RELATION_WORDS.has(t.lower);
  /** After "spelar", "via", "på" … (or "X och" where X stands there): a thing, not a person. */
  const thingSlot = (i: number): boolean => {
    const prev = tokens[i - 1];
    if (!prev || !/^\s+$/u.test(text.slice(prev.end, tokens[i]?.start ?? prev.end))) return false;
    if (THING_BEFORE.has(prev.lower)) return true;
    return (prev.lower === 'och' || prev.lower === 'and') && i >= 2 && thingSlot(i - 2);
  };
  /** A thing named ("an app called Yubo", "the area known as Tensta"), not a person. */
  const namedThing = (t: Token): boolean =>
    NAMED_THING_BEFORE.test(text.slice(Math.max(0, t.start - 60), t.start));
  /** After an English name cue ("her name is", "called", "known as"), not naming a thing. */
  const nameCue = (t: Token): boolean =>
    NAME_CUE_BEFORE.test(text.slice(Math.max(0, t.start - 60), t.start)) && !namedThing(t);

  tokens.forEach((t, i) => {
    const prev = tokens[i - 1];
    const next = tokens[i + 1];
    const first = isFirstName(t.lower);
    const afterRelation =
      prev !== undefined && RELATION_WORDS.has(prev.lower) && adjacent(prev, t, text);
    const afterHeter = prev !== undefined && HETER.has(prev.lower) && adjacent(prev, t, text);
    const afterNameCue = prev !== undefined && NAME_CUE_LAST.has(prev.lower) && nameCue(t);
    const surnameNext =
      next !== undefined &&
      /^\s+$/u.test(text.slice(t.end, next.start)) &&
      looksLikeSurname(next, text);

    if (afterHeter && !NOT_NAME_AFTER_HETER.has(t.lower) && !NEVER_NAMES.has(t.lower)) {
      if (t.cap || (first && !isAmbiguous(t.lower) && !isWeak(t.lower))) isName[i] = true;
    }
    if (afterNameCue && !NOT_NAME_AFTER_HETER.has(t.lower) && !ordinary(t)) {
      if (first || isSurname(t.lower)) {
        if (t.cap || (!isAmbiguous(t.lower) && !isWeak(t.lower))) isName[i] = true;
      } else if (
        t.cap &&
        HAS_VOWEL.test(t.word) &&
        !possessiveBases(t.word).some((w) => lexicon.isWord(w.toLowerCase())) &&
        !isCompound(t.lower, lexicon)
      ) {
        isName[i] = true;
      } else if (t.low && unknownWord(t.word, lexicon)) isName[i] = true;
    }
    if (first && t.cap && surnameNext && next) {
      isName[i] = true;
      isName[i + 1] = true;
    }
    if (first && t.cap && !isAmbiguous(t.lower) && !isWeak(t.lower)) isName[i] = true;
    if (first && t.cap && isAmbiguous(t.lower) && !t.sentenceStart) isName[i] = true;
    if (afterRelation) {
      if (first && (t.cap || (!isAmbiguous(t.lower) && !isWeak(t.lower)))) isName[i] = true;
      // Relation word + capitalised word mid-sentence ("mamma Leyla"), unless the word is an
      // ordinary word that a missing full stop left capitalised ("kuratorn Pojken har …").
      if (
        t.cap &&
        !t.sentenceStart &&
        !NEVER_NAMES.has(t.lower) &&
        !NOT_NAME_ENDING.test(t.lower) &&
        (first || !lexicon.isWord(t.lower))
      ) {
        isName[i] = true;
      }
    }
    if (t.cap && isDistinctiveSurname(t.lower) && !NEVER_NAMES.has(t.lower)) isName[i] = true;
    // An unlisted capitalised word followed by a class or an age ("Noa i 3B", "Sixten, 9 år").
    if (
      t.cap &&
      PUPIL_CONTEXT.test(text.slice(t.end, t.end + 20)) &&
      !NEVER_NAMES.has(t.lower) &&
      !RELATION_WORDS.has(t.lower) &&
      !NOUN_ENDING.test(t.lower)
    ) {
      isName[i] = true;
    }
    if (t.cap && afterRelation && isSurname(t.lower)) isName[i] = true;

    // Names that no list holds, told from ordinary words by the dictionaries.
    if (ordinary(t) || isName[i]) return;
    if (t.cap) {
      if (hyphenatedWithListedName(t.lower, true, lexicon)) isName[i] = true;
      else if (
        !NOT_NAME_ENDING.test(t.lower) &&
        HAS_VOWEL.test(t.word) &&
        !thingSlot(i) &&
        !(prev && NAME_CUE_LAST.has(prev.lower) && namedThing(t)) &&
        !DOMAIN_AFTER.test(text.slice(t.end, t.end + 6))
      ) {
        const proper = !possessiveBases(t.word).some((w) => lexicon.isWord(w.toLowerCase()));
        const known = possessiveBases(t.word).some((w) => lexicon.holds(w));
        if (!proper) return;
        // A spelling of a listed name ("Jamilla"), even when it splits like a compound.
        if (!known && possessiveBases(t.lower).some(spellingOfListedName)) isName[i] = true;
        else if (unknownWord(t.word, lexicon)) isName[i] = true;
        // A proper noun (not an ordinary word) whose mother or father is spoken of
        // ("Kristofers pappa"), or someone talked with ("pratat med Ayla", "enligt Sanja").
        else if (next && FAMILY_AFTER.has(next.lower) && /s$|['’]s$/u.test(t.word))
          isName[i] = true;
        else if (
          !t.sentenceStart &&
          PERSON_BEFORE.test(text.slice(Math.max(0, t.start - 30), t.start))
        )
          isName[i] = true;
      }
    } else if (t.low) {
      const listed = isFirstName(t.lower) && !isAmbiguous(t.lower) && !isWeak(t.lower);
      const word = () =>
        lexicon.isWord(t.lower) || (t.lower.includes('-') && lexicon.holds(t.word));
      if (
        next?.low &&
        isFirstName(t.lower) &&
        isDistinctiveSurname(next.lower) &&
        /^\s+$/u.test(text.slice(t.end, next.start))
      ) {
        isName[i] = true;
        isName[i + 1] = true;
      } else if (listed && !word()) isName[i] = true;
      else if (hyphenatedWithListedName(t.lower, false, lexicon) && !word()) isName[i] = true;
      else if (
        (afterRelation || afterHeter) &&
        !NOT_NAME_AFTER_HETER.has(t.lower) &&
        unknownWord(t.word, lexicon)
      )
        isName[i] = true;
      else if (t.lower.length >= 5 && spellingOfListedName(t.lower) && unknownWord(t.word, lexicon))
        isName[i] = true;
    }
  });

  // Ambiguous or weak names next to a detected name ("Bo och Lisa", "Lisa, Bo").
  tokens.forEach((t, i) => {
    if (isName[i] || !t.cap || !isFirstName(t.lower)) return;
    for (const j of [i - 2, i - 1, i + 1, i + 2]) {
      const o = tokens[j];
      if (!o || !isName[j]) continue;
      const [a, b] = j < i ? [o, t] : [t, o];
      const between = text.slice(a.end, b.start);
      if (/^\s*(?:,|och|&)?\s*$/u.test(between) || /^\s+och\s+$/u.test(between)) {
        isName[i] = true;
      }
    }
  });

  // Full names: two capitalised words in a row that are not ordinary words ("Carina Lindby"),
  // and a capitalised non-word next to a name ("Oscar Lindster", "Jennie Jarve"). Not after a
  // place preposition ("från Sri Lanka").
  const properWord = (t: Token | undefined): t is Token =>
    !!t &&
    t.cap &&
    !ordinary(t) &&
    HAS_VOWEL.test(t.word) &&
    !possessiveBases(t.word).some((w) => lexicon.isWord(w.toLowerCase()));
  const placeBefore = (t: Token): boolean =>
    PLACE_BEFORE.test(text.slice(Math.max(0, t.start - 8), t.start));
  for (let pass = 0; pass < 2; pass++) {
    tokens.forEach((t, i) => {
      const next = tokens[i + 1];
      if (!properWord(t) || !properWord(next) || !/^ $/u.test(text.slice(t.end, next.start)))
        return;
      if (isName[i] || isName[i + 1] || !placeBefore(t)) {
        isName[i] = true;
        isName[i + 1] = true;
      }
    });
  }

  // One span per run of name tokens separated only by spaces ("Kalle Andersson").
  const spans: Span[] = [];
  tokens.forEach((t, i) => {
    if (!isName[i]) return;
    const last = spans[spans.length - 1];
    if (last && isName[i - 1] && /^[ ]+$/u.test(text.slice(last.end, t.start))) last.end = t.end;
    else spans.push({ type: 'name', start: t.start, end: t.end });
  });
  return [...spans, ...initials(text, masked)].sort((a, b) => a.start - b.start);
}
