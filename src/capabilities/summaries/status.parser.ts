// Status questions in plain Swedish or English → a structured query. Rules only, offline:
// a Swedish stemmer (snowball) for word forms and Levenshtein distance for typos. Pure.
import { distance } from 'fastest-levenshtein';
import { addDays, periodOf, previousPeriod, termOf, type LocalDate, type Terms } from '../calendar';
import { foldText, ORG_ALIASES, stemWord, TOPIC_WORDS, type Topic } from './status.lexicon';

export type StatusIntent = 'status' | 'cases' | 'deviations' | 'meetings' | 'unknown';
export type StatusFilter = 'open' | 'overdue';

export interface StatusQuery {
  intent: StatusIntent;
  /** Forum id, or null for every forum the asker may see. */
  forum: string | null;
  /** Organisation code, or null. */
  org: string | null;
  /** Period key (see summaries.periods.ts), or null for the current term so far. */
  period: string | null;
  /** Compare with the previous period of the same kind. */
  compare: boolean;
  filter: StatusFilter | null;
  /** The question names something (after "status", "hur går det för" …) that is no known forum, organisation or period. */
  unknownName?: boolean;
  /** The question names a period that does not exist (`HT1990`, `2026-02-30..2026-03-01`). */
  badPeriod?: boolean;
}

export interface ParseContext {
  /** Today, in the municipality's time zone. */
  today: LocalDate;
  calendar: Terms;
  forums: readonly { id: string; name: string }[];
  organisations: readonly { code: string; name: Readonly<Record<string, string>> }[];
}

interface Token {
  raw: string;
  folded: string;
  stem: string;
}

function tokenize(text: string): Token[] {
  return (
    text
      .toLowerCase()
      .normalize('NFC')
      .replace(/[’']/g, "'")
      // "how's", "what's", "that's": the 's is "is".
      .replace(/\b(how|what|that|it|who|where)'s\b/g, '$1 is')
      .split(/[^\p{L}\p{N}'+-]+/u)
      .map((w) => w.replace(/^[-']+|[-']+$/g, '').replace(/'s$/, ''))
      .filter(Boolean)
      .map((raw) => ({ raw, folded: foldText(raw), stem: foldText(stemWord(raw)) }))
  );
}

/** Typos allowed for a word of this length. */
const tolerance = (len: number): number => (len >= 8 ? 2 : len >= 4 ? 1 : 0);

/** Whether a typed word is (a form of, or a typo of) a known word. */
function wordMatches(token: Token, word: string): boolean {
  const w = foldText(word);
  if (token.folded === w) return true;
  const stem = foldText(stemWord(word));
  if (stem.length >= 4 && token.stem === stem) return true;
  if (token.folded.length < 4) return false;
  return typoDistance(token.folded, w) <= tolerance(w.length);
}

/** Levenshtein distance, with one swap of neighbouring letters counted as one typo ("stauts"). */
export function typoDistance(a: string, b: string): number {
  const d = distance(a, b);
  if (d !== 2 || a.length !== b.length) return d;
  const diff = [...a].flatMap((ch, i) => (ch === b[i] ? [] : [i]));
  const [i, j] = diff;
  return diff.length === 2 && j === i! + 1 && a[i!] === b[j] && a[j] === b[i!] ? 1 : d;
}

/** Words that never name a forum or an organisation on their own. */
const COMMON = new Set(
  [
    'och',
    'med',
    'for',
    'the',
    'and',
    'status',
    'forum',
    'gruppen',
    'group',
    'centrum',
    'möte',
    'mote',
  ].map(foldText),
);

function matchForum(
  tokens: Token[],
  forums: ParseContext['forums'],
): { id: string; used: Set<number> } | null {
  let best: { id: string; score: number; used: Set<number> } | null = null;
  for (const forum of forums) {
    const words = tokenize(forum.name)
      .map((t) => t.raw)
      .concat(forum.id)
      .filter((w) => w.length >= 3 && !COMMON.has(foldText(w)));
    tokens.forEach((token, i) => {
      if (token.folded.length < 3 || COMMON.has(token.folded)) return;
      for (const word of words) {
        const exact = token.folded === foldText(word);
        if (!exact && (word.length < 4 || !wordMatches(token, word))) continue;
        const score = exact ? 2 : 1;
        if (!best || score > best.score) best = { id: forum.id, score, used: new Set([i]) };
      }
    });
  }
  return best
    ? { id: (best as { id: string }).id, used: (best as { used: Set<number> }).used }
    : null;
}

function matchOrg(
  tokens: Token[],
  organisations: ParseContext['organisations'],
  skip: Set<number>,
): { code: string; used: Set<number> } | null {
  // Longer aliases first ("fristående skolor" before "skolor").
  const aliases = [
    ...ORG_ALIASES,
    ...organisations.flatMap((o) =>
      Object.values(o.name).map((n) => ({ code: o.code, words: tokenize(n).map((t) => t.raw) })),
    ),
  ]
    .filter((a) => organisations.some((o) => o.code === a.code) && a.words.length > 0)
    .sort((a, b) => b.words.length - a.words.length);
  for (const alias of aliases) {
    for (let i = 0; i + alias.words.length <= tokens.length; i++) {
      if (alias.words.every((w, j) => !skip.has(i + j) && orgWordMatches(tokens[i + j]!, w)))
        return { code: alias.code, used: new Set(alias.words.map((_, j) => i + j)) };
    }
  }
  return null;
}

/** Organisation words are short and close to each other: typos only on long ones. */
const orgWordMatches = (token: Token, word: string): boolean => {
  const w = foldText(word);
  if (token.folded === w) return true;
  const stem = foldText(stemWord(word));
  if (stem.length >= 3 && token.stem === stem) return true;
  return w.length >= 7 && distance(token.folded, w) <= 1;
};

function hasTopic(tokens: Token[], topic: Topic): boolean {
  return tokens.some((t) => TOPIC_WORDS[topic].some((w) => wordMatches(t, w)));
}

const has = (folded: string, re: RegExp): boolean => re.test(folded);

/** Which period the text names, and whether it names a comparison. */
function matchPeriod(
  folded: string,
  ctx: ParseContext,
): { period: string | null; compare: boolean; bad: boolean } {
  const { calendar: cal, today } = ctx;
  const current = termOf(cal, today);
  const thisYear = today.slice(0, 4);
  const compare = has(folded, /\b(jamfor\w*|compare\w*|jamfort|hur star sig|versus|vs)\b/);
  const found: string[] = [];
  let bad = false;
  const add = (key: string | null) => {
    if (key && periodOf(cal, key)) found.push(key);
    else bad = true;
  };
  const year4 = (y: string) => (y.length === 2 ? `20${y}` : y);

  for (const m of folded.matchAll(
    /(\d{4}-\d{2}-\d{2})\s*(?:till|to|until|tom|t\.o\.m\.?|--|-|–|—)\s*(\d{4}-\d{2}-\d{2})/g,
  ))
    add(`${m[1]}..${m[2]}`);
  const rest = folded.replace(/\d{4}-\d{2}-\d{2}/g, ' ');
  for (const m of rest.matchAll(/\b(ht|vt)\s*-?\s*(\d{4}|\d{2})\b/g))
    add(`${m[1]!.toUpperCase()}${year4(m[2]!)}`);
  for (const m of rest.matchAll(
    /\b(hosten|hostterminen|host|autumn|autumn term|fall|fall term)\s+(\d{4})\b/g,
  ))
    add(`HT${m[2]}`);
  for (const m of rest.matchAll(/\b(varen|varterminen|var|spring|spring term)\s+(\d{4})\b/g))
    add(`VT${m[2]}`);
  if (found.length === 0) {
    for (const m of rest.matchAll(/(?<![-\d])\b(20\d{2})\b(?![-\d])/g)) add(m[1]!);
  }
  // Relative periods.
  const previousTermKey = previousPeriod(cal, current).key;
  const latestStarted = (kind: 'HT' | 'VT') => {
    let t = current;
    while (!t.key.startsWith(kind)) t = previousPeriod(cal, t);
    return t.key;
  };
  const relative: [RegExp, () => string][] = [
    [/\b(i hostas|hostas|last autumn|last fall)\b/, () => latestStarted('HT')],
    [/\b(i varas|varas|last spring)\b/, () => latestStarted('VT')],
    [
      /\b(denna|den har|nuvarande|innevarande|this|current|the current) (termin|terminen|term)\b|\b(terminen hittills|hittills i terminen)\b/,
      () => current.key,
    ],
    [
      /\b(forra|foregaende|senaste|last|previous|the last|the previous) (termin|terminen|term)\b/,
      () => previousTermKey,
    ],
    [/\b(i ar|this year|hittills i ar|innevarande ar|so far this year)\b/, () => thisYear],
    [/\b(forra aret|i fjol|ifjol|last year|previous year)\b/, () => String(Number(thisYear) - 1)],
  ];
  for (const [re, key] of relative) {
    const m = re.exec(folded);
    if (!m) continue;
    // "jämför med förra terminen": the previous term is what to compare with, not the period.
    const before = folded.slice(0, m.index);
    if (compare && /\b(med|mot|with|to|against)\s*$/.test(before)) continue;
    add(key());
  }
  return { period: found[0] ?? null, compare, bad: bad && found.length === 0 };
}

/** Parses a status question. What it cannot place is `intent: 'unknown'`. */
export function parseStatusQuestion(text: string, ctx: ParseContext): StatusQuery {
  const tokens = tokenize(text);
  const folded = tokens.map((t) => t.folded).join(' ');
  const { period, compare, bad } = matchPeriod(folded, ctx);
  const forum = matchForum(tokens, ctx.forums);
  const org = matchOrg(tokens, ctx.organisations, forum?.used ?? new Set());

  let filter: StatusFilter | null = null;
  if (has(folded, /\b(forsenad\w*|overdue|late|sena|for sent|too late|past due)\b/))
    filter = 'overdue';
  else if (has(folded, /\b(oppna|oppen|oppet|open|pagaende|ongoing)\b/)) filter = 'open';

  let intent: StatusIntent = 'unknown';
  if (hasTopic(tokens, 'deviations')) intent = 'deviations';
  else if (hasTopic(tokens, 'meetings')) intent = 'meetings';
  else if (hasTopic(tokens, 'cases') || (filter === 'open' && has(folded, /\b(vad|what|whats)\b/)))
    intent = 'cases';
  else if (
    hasTopic(tokens, 'status') ||
    compare ||
    has(
      folded,
      /\b(hur (gar|gick|ligger|ser) (det|vi|till)|how (is|are|was|were|s)\b.*\b(doing|going|things)|how are things|how are we|hur star det till)\b/,
    )
  )
    intent = 'status';
  if (intent === 'unknown')
    return { intent, forum: null, org: null, period: null, compare: false, filter: null };
  if (intent === 'status' && filter === 'open') filter = null;
  const explained = new Set([...(forum?.used ?? []), ...(org?.used ?? [])]);
  return {
    intent,
    forum: forum?.id ?? null,
    org: org?.code ?? null,
    ...(namesSomethingUnknown(tokens, explained) ? { unknownName: true } : {}),
    ...(bad ? { badPeriod: true } : {}),
    period,
    compare,
    filter: intent === 'meetings' ? null : filter,
  };
}

/** Words a question is made of besides names (Swedish and English, folded). */
const FILLER = new Set(
  (
    'status oversikt overview lage laget lagesbild hur gar gick det for med i pa till ligger vi ser star sig ' +
    'how is are was were doing going things in at for of the what whats open oppet oppna vad ar om ' +
    'arenden arende cases case avvikelser deviations moten mote meetings meeting nasta next upcoming ' +
    'denna den har nuvarande this current forra foregaende last previous termin terminen term ' +
    'ht vt hosten varen autumn spring fall hostas varas ar year aret helaret fjol ifjol delar from to ' +
    'jamfor compare med mot with against sa far hittills kom in fick har lyft lyfte fran many manga antal ' +
    'please tack snalla summary sammanfattning summering centrum'
  ).split(' '),
);

/** "status Foobar": a word in the name slot that nothing explains. */
function namesSomethingUnknown(tokens: Token[], explained: Set<number>): boolean {
  const cue = tokens.findIndex(
    (t, i) =>
      ['status', 'oversikt', 'overview'].includes(t.folded) ||
      (['for', 'med'].includes(t.folded) && tokens[i - 1]?.folded === 'det') ||
      (['is', 'are'].includes(t.folded) && tokens[i - 1]?.folded === 'how') ||
      (t.folded === 'for' && ['open', 'oppet'].includes(tokens[i - 1]?.folded ?? '')),
  );
  if (cue < 0) return false;
  return tokens.some(
    (t, i) =>
      i > cue &&
      !explained.has(i) &&
      t.folded.length >= 3 &&
      !/\d/.test(t.folded) &&
      !FILLER.has(t.folded),
  );
}

/** Today's date in a zone, for the parse context (kept here so callers need not import calendar). */
export const dayBefore = (date: LocalDate): LocalDate => addDays(date, -1);
