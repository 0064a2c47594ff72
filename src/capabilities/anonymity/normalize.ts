/**
 * Unicode normalisation for the anonymity gate, keeping a map back to the original offsets.
 *
 * Steps: NFKC (full-width digits and '@', compatibility forms), removal of invisible characters
 * (zero-width space/joiners, word joiner, BOM, soft hyphen), look-alike letters (Cyrillic/Greek
 * that look Latin) to Latin, every dash/minus variant to '-', and exotic spaces to ' '.
 */

const INVISIBLE = new Set([
  0x00ad, 0x180e, 0x200b, 0x200c, 0x200d, 0x200e, 0x200f, 0x2060, 0x2061, 0x2062, 0x2063, 0x2064,
  0xfeff,
]);

const DASHES = new Set([
  0x2010, 0x2011, 0x2012, 0x2013, 0x2014, 0x2015, 0x2212, 0xfe58, 0xfe63, 0xff0d, 0x2043,
]);

const SPACES = new Set([
  0x00a0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009,
  0x200a, 0x202f, 0x205f, 0x3000, 0x0009,
]);

/** Cyrillic and Greek letters that are commonly used as look-alikes of Latin letters. */
const CONFUSABLES: Record<string, string> = {
  // Cyrillic lower case
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
  // Cyrillic upper case
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
  // Greek
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

export interface Normalized {
  /** The normalised text the detectors run on. */
  text: string;
  /** For each UTF-16 index of `text`: start index of the original character(s) it came from. */
  startOf: number[];
  /** For each UTF-16 index of `text`: end index (exclusive) of the original character(s). */
  endOf: number[];
}

const COMBINING = /\p{M}/u;

function mapCodePoint(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0;
  if (INVISIBLE.has(cp)) return '';
  if (DASHES.has(cp)) return '-';
  if (SPACES.has(cp)) return ' ';
  return CONFUSABLES[ch] ?? ch;
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
    const mapped = Array.from(cluster.normalize('NFKC')).map(mapCodePoint).join('');
    for (let k = 0; k < mapped.length; k++) {
      startOf.push(clusterStart);
      endOf.push(clusterEnd);
    }
    text += mapped;
    offset = clusterEnd;
    i = j;
  }
  return { text, startOf, endOf };
}

/** Maps a span [start, end) of the normalised text back to the original text. */
export function toOriginal(norm: Normalized, start: number, end: number): [number, number] {
  const s = norm.startOf[start] ?? norm.startOf[norm.startOf.length - 1] ?? 0;
  const e = norm.endOf[Math.max(start, end - 1)] ?? s;
  return [s, e];
}
