/**
 * Unicode normalisation for the anonymity gate, keeping a map back to the original offsets.
 *
 * Steps, per character (a base character and its combining marks):
 * - NFKC (full-width digits and '@', compatibility forms);
 * - invisible characters removed: every format, control and default-ignorable character that
 *   the free-text cleaner removes (zero-width, bidirectional controls, combining grapheme
 *   joiner, tag characters, Hangul fillers, variation selectors …);
 * - every dash/minus variant to '-', every space to ' ';
 * - decimal digits of any script (Arabic-Indic, Persian, Devanagari …) to ASCII digits;
 * - Cyrillic/Greek look-alikes of Latin letters to Latin.
 * Then, inside a "word" that holds digits, letters that look like digits become digits
 * ("O7O-l74" → "070-174", "II08I9" → "110819"). Every step maps one character to at most one,
 * so offsets map back exactly.
 */
import { isInvisible } from '../../core/free-text';

const DASHES = new Set([
  0x2010, 0x2011, 0x2012, 0x2013, 0x2014, 0x2015, 0x2212, 0xfe58, 0xfe63, 0xff0d, 0x2043, 0x2e3a,
  0x2e3b, 0x30fc, 0x2500, 0x2501, 0x23af,
]);

/** Cyrillic and Greek letters that are commonly used as look-alikes of Latin letters. */
const CONFUSABLES: Readonly<Record<string, string>> = {
  а: 'a',
  в: 'b',
  е: 'e',
  ё: 'e',
  к: 'k',
  м: 'm',
  н: 'h',
  о: 'o',
  р: 'p',
  с: 'c',
  т: 't',
  у: 'y',
  х: 'x',
  і: 'i',
  ї: 'i',
  ј: 'j',
  ѕ: 's',
  һ: 'h',
  ԁ: 'd',
  ԛ: 'q',
  ԝ: 'w',
  ɡ: 'g',
  ℓ: 'l',
  ı: 'i',
  А: 'A',
  В: 'B',
  Е: 'E',
  Ё: 'E',
  К: 'K',
  М: 'M',
  Н: 'H',
  О: 'O',
  Р: 'P',
  С: 'C',
  Т: 'T',
  У: 'Y',
  Х: 'X',
  І: 'I',
  Ї: 'I',
  Ј: 'J',
  Ѕ: 'S',
  Һ: 'H',
  Ԁ: 'D',
  Ԛ: 'Q',
  Ԝ: 'W',
  α: 'a',
  ο: 'o',
  ν: 'v',
  ι: 'i',
  κ: 'k',
  ρ: 'p',
  τ: 't',
  υ: 'u',
  χ: 'x',
  Α: 'A',
  Β: 'B',
  Ε: 'E',
  Ζ: 'Z',
  Η: 'H',
  Ι: 'I',
  Κ: 'K',
  Μ: 'M',
  Ν: 'N',
  Ο: 'O',
  Ρ: 'P',
  Τ: 'T',
  Υ: 'Y',
  Χ: 'X',
};

/** Letters (and the bar) that stand for a digit when written among digits. */
const DIGIT_LOOKALIKES: Readonly<Record<string, string>> = {
  O: '0',
  o: '0',
  I: '1',
  l: '1',
  '|': '1',
};

export interface Normalized {
  /** The normalised text the detectors run on. */
  text: string;
  /** For each UTF-16 index of `text`: start index of the original character(s) it came from. */
  startOf: number[];
  /** For each UTF-16 index of `text`: end index (exclusive) of the original character(s). */
  endOf: number[];
}

const COMBINING = /\p{M}/u;
const PLAIN = /^[\x20-\x7eåäöÅÄÖéÉ\n]$/u;
const DECIMAL_DIGIT = /\p{Nd}/u;
const SPACE = /[\p{Zs}\t\u2800]/u;

/**
 * The value of a decimal digit of any script. Unicode encodes every script's digits as runs of
 * ten (0–9) in order, so the value is the distance from the start of the run, modulo ten.
 */
function digitValue(cp: number): string {
  let start = cp;
  while (start > 0 && cp - start < 100 && DECIMAL_DIGIT.test(String.fromCodePoint(start - 1)))
    start--;
  return String((cp - start) % 10);
}

function mapCodePoint(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0;
  if (ch === '\n') return '\n';
  if (isInvisible(ch)) return '';
  if (DASHES.has(cp)) return '-';
  if (SPACE.test(ch)) return ' ';
  if (cp > 0x7f && DECIMAL_DIGIT.test(ch)) return digitValue(cp);
  return CONFUSABLES[ch] ?? ch;
}

/** A run of letters, digits and bars: where look-alike letters may stand for digits. */
const DIGIT_WORD = /[\p{L}\p{N}|]+/gu;
const LOOKALIKES_AND_DIGITS = /^[0-9OoIl|]+$/u;
const HAS_LOOKALIKE = /[OoIl|]/u;
/** What may separate the digits of one number: a few spaces, dots, dashes or slashes. */
const NUMBER_GAP = /^[ .\-/+]{1,3}$/u;

/**
 * "O7O" → "070", "l3llO5" → "131105": a word that holds digits and otherwise only look-alike
 * letters is a number. A short run of look-alikes next to such a word ("1 2 O 3", "070 OoO 00") is digits too.
 */
function digitsForLookalikes(text: string): string {
  const words = [...text.matchAll(DIGIT_WORD)].map((m) => ({
    start: m.index,
    word: m[0],
    numeric: /\d/.test(m[0]) && LOOKALIKES_AND_DIGITS.test(m[0]),
    lone: m[0].length <= 4 && LOOKALIKES_AND_DIGITS.test(m[0]) && !/\d/.test(m[0]),
  }));
  const near = (a: (typeof words)[number] | undefined, b: (typeof words)[number] | undefined) =>
    !!a && !!b && NUMBER_GAP.test(text.slice(a.start + a.word.length, b.start));
  // Lone look-alikes next to numbers become numbers, left to right and back again.
  for (const order of [words.keys(), [...words.keys()].reverse()]) {
    for (const i of order) {
      const w = words[i];
      if (!w?.lone || w.numeric) continue;
      const prev = words[i - 1];
      const next = words[i + 1];
      if ((near(prev, w) && prev?.numeric) || (near(w, next) && next?.numeric)) w.numeric = true;
    }
  }
  let out = '';
  let at = 0;
  for (const w of words) {
    if (!w.numeric || !HAS_LOOKALIKE.test(w.word)) continue;
    out += text.slice(at, w.start) + w.word.replace(/[OoIl|]/gu, (c) => DIGIT_LOOKALIKES[c] ?? c);
    at = w.start + w.word.length;
  }
  return out + text.slice(at);
}

export function normalizeText(original: string): Normalized {
  let text = '';
  const startOf: number[] = [];
  const endOf: number[] = [];
  const chars = Array.from(original);
  let offset = 0;
  let i = 0;
  while (i < chars.length) {
    // A cluster is one base character and the combining marks that follow it.
    let cluster = chars[i] ?? '';
    let j = i + 1;
    while (j < chars.length && COMBINING.test(chars[j] ?? '')) {
      cluster += chars[j] ?? '';
      j++;
    }
    const clusterStart = offset;
    const clusterEnd = offset + cluster.length;
    // Printable ASCII and Swedish letters stay as they are (the common case, kept fast).
    const mapped = PLAIN.test(cluster)
      ? cluster
      : Array.from(cluster.normalize('NFKC')).map(mapCodePoint).join('');
    for (let k = 0; k < mapped.length; k++) {
      startOf.push(clusterStart);
      endOf.push(clusterEnd);
    }
    text += mapped;
    offset = clusterEnd;
    i = j;
  }
  return { text: digitsForLookalikes(text), startOf, endOf };
}

/** Maps a span [start, end) of the normalised text back to the original text. */
export function toOriginal(norm: Normalized, start: number, end: number): [number, number] {
  const s = norm.startOf[start] ?? norm.startOf[norm.startOf.length - 1] ?? 0;
  const e = norm.endOf[Math.max(start, end - 1)] ?? s;
  return [s, e];
}
