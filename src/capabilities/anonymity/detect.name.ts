import type { Span } from './anonymity.types';
import type { Lexicon } from './lexicon';
import {
  AMBIGUOUS_FIRST,
  AMBIGUOUS_SURNAMES,
  FIRST_NAMES,
  INSTITUTIONS,
  NOT_NAME_AFTER_HETER,
  RELATION_WORDS,
  SURNAMES,
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
 *   X is not listed.
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
const SURNAME_SUFFIX =
  /(?:sson|son|berg|ström|gren|lund|qvist|kvist|dahl|holm|stedt|blad|ius|ić|ović|ovic|zadeh|oğlu|poulos)$/u;
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
  vesak holi lucia advent påsk midsommar halloween`
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

/** "Aziza's" → "Aziza", "Nejlas" → "Nejla" (and the word itself): the forms to look up. */
function possessiveBases(word: string): string[] {
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
function unknownWord(word: string, lexicon: Lexicon): boolean {
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
function spellingOfListedName(lower: string): boolean {
  if (lower.length < 4) return false;
  for (const n of [lower.length - 1, lower.length, lower.length + 1])
    if ((NAMES_BY_LENGTH.get(n) ?? []).some((name) => oneEditApart(lower, name))) return true;
  return false;
}

/**
 * A hyphenated name with a listed first name in it: "Felicia-Rose", "ebba-lou", "Tindra-Li".
 * Written capitalised, even a name that is also a word counts ("Tindra-Li", "Saga-Lo").
 */
function hyphenatedWithListedName(lower: string, capitalised: boolean, lexicon: Lexicon): boolean {
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
const THING_BEFORE = new Set(
  `spelar spela spelade spelat spelet spelen appen appar via på i inom plays playing app game`
    .split(/\s+/)
    .filter(Boolean),
);
/** Family words after a possessive: "Kristofers pappa", "Aziza's stepfather". */
const FAMILY_AFTER = new Set(
  `mamma pappa mor far mamman pappan bror syster storebror lillebror storasyster lillasyster
  mormor morfar farmor farfar styvpappa styvmamma bonuspappa bonusmamma föräldrar vårdnadshavare
  mum mom mother dad father brother sister stepfather stepmother parents grandmother grandfather`
    .split(/\s+/)
    .filter(Boolean),
);
/** Words before someone one talks with or quotes ("pratat med X", "enligt X", "talked to X"). */
const PERSON_BEFORE =
  /(?:(?:pratat|pratade|pratar|talat|talade|talar|träffat|träffade|träffar|samtalat|samtalar|samtal|leker|lekte|lekt|bråkar|bråkade|umgås|umgicks|slogs|bråk) med|enligt|berättade för|sa till|(?:mamma|mamman|pappa|pappan|mor|modern|far|fadern|bror|brodern|syster|systern|förälder|föräldrar|vårdnadshavare|vårdnadshavaren|kusin|kusinen|kompis|kompisen|vän|vännen) till|according to|talked to|talked with|spoke to|spoke with|met with|(?:mother|father|mum|mom|dad|brother|sister|parents?|friend|cousin) of)\s+$/iu;

/** A word written as part of a web address ("Umo.se") names a site, not a person. */
const DOMAIN_AFTER = /^\.(?:se|nu|com|org|net|eu|info|io)(?![\p{L}])/u;

/** Prepositions before places, not people ("från Sri Lanka", "i Costa Rica"). */
const PLACE_BEFORE = /(?:^|[\s(])(?:från|i|till|på|via|mot|from|in|to|at)\s+$/iu;

/** A word without a vowel is an abbreviation, not a name ("Dnr", "Tfn", "Ssk"). */
const HAS_VOWEL = /[aeiouyåäöéèáàüæø]/iu;

/** Initials standing for a person: "J.K.", "A. H.", "J.K.L." (not "e.Kr."). */
const INITIALS = /(?<![\p{L}.])\p{Lu}\.\s?\p{Lu}\.(?:\s?\p{Lu}\.)?(?!\p{L})/gu;
const NOT_INITIALS = new Set(['E.U.', 'U.S.', 'U.K.', 'U.S.A.', 'S.T.']);

function initials(text: string, masked: Span[]): Span[] {
  const spans: Span[] = [];
  for (const m of text.matchAll(INITIALS)) {
    const start = m.index;
    const end = start + m[0].length;
    if (NOT_INITIALS.has(m[0].replace(/\s/g, ''))) continue;
    if (masked.some((s) => start < s.end && end > s.start)) continue;
    spans.push({ type: 'name', start, end });
  }
  return spans;
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

  tokens.forEach((t, i) => {
    const prev = tokens[i - 1];
    const next = tokens[i + 1];
    const first = isFirstName(t.lower);
    const afterRelation =
      prev !== undefined && RELATION_WORDS.has(prev.lower) && adjacent(prev, t, text);
    const afterHeter = prev !== undefined && HETER.has(prev.lower) && adjacent(prev, t, text);
    const surnameNext =
      next !== undefined &&
      /^\s+$/u.test(text.slice(t.end, next.start)) &&
      looksLikeSurname(next, text);

    if (afterHeter && !NOT_NAME_AFTER_HETER.has(t.lower) && !NEVER_NAMES.has(t.lower)) {
      if (t.cap || (first && !isAmbiguous(t.lower) && !isWeak(t.lower))) isName[i] = true;
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

/**
 * A name written into an e-mail address: "linnea.forsgren@…", "anna.svensson at …": a listed
 * first name and a surname-like part of the local part. The finding covers the address.
 */
export function namesInEmails(text: string, emails: readonly Span[]): Span[] {
  const spans: Span[] = [];
  for (const e of emails) {
    const local = /^[^@\s([{<]+/u.exec(text.slice(e.start, e.end))?.[0] ?? '';
    const parts = local
      .toLowerCase()
      .split(/[._-]+/u)
      .filter((p) => /^\p{L}{2,}$/u.test(p));
    const first = parts.findIndex(
      (p) => FIRST_NAMES.has(p) && !AMBIGUOUS_FIRST.has(p) && !WEAK_FIRST.has(p),
    );
    if (first < 0) continue;
    const surname = parts.some(
      (p, i) => i !== first && (SURNAMES.has(p) || SURNAME_SUFFIX.test(p) || FIRST_NAMES.has(p)),
    );
    if (surname) spans.push({ type: 'name', start: e.start, end: e.end });
  }
  return spans;
}
