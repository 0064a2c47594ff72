import type { Span } from './anonymity.types';
import { luhnValid, plausibleDatePart } from './detect.personnummer';
import { validNational } from './detect.phone';

/**
 * Identity and phone numbers however they are spaced or spelt: "2 0 1 1 0 9 2 3 5 5 2 1",
 * "140228.1123", "090611/4418", "120914--2270", "070/174 06 55", "0 7 3 9 8 7 6 5 4 3", and
 * numbers read out in words ("noll sju noll, ett två tre …", "tjugo ett noll … streck …").
 * Runs on normalised text (dashes unified, digits of every script and look-alike letters
 * already turned into ASCII digits). The compact forms are the other detectors' job.
 */

/** Digits joined by short separators (spaces, dots, dashes, slashes, a plus). */
const DIGIT_RUN = /(?<![\p{L}\p{N}])\+?\d(?:[ .\-/+]{1,3}\d|\d)*(?![\p{N}])/gu;

interface Group {
  digits: string;
  /** Offsets of the group in the text. */
  start: number;
  end: number;
  /** The separator before it ('' for the first group). */
  sep: string;
}

function groupsOf(run: string, offset: number): Group[] {
  const out: Group[] = [];
  for (const m of run.matchAll(/([^\d]*)(\d+)/g)) {
    const sep = m[1] ?? '';
    const digits = m[2] ?? '';
    const start = offset + m.index + sep.length;
    out.push({ digits, start, end: start + digits.length, sep: out.length === 0 ? '' : sep });
  }
  return out;
}

/** Date groups that follow the date's own parts: YYMMDD, YY|MM|DD or YYYY|MM|DD. */
function alignedDateGroups(groups: readonly Group[]): boolean {
  const lengths = groups.map((g) => g.digits.length).join(',');
  return ['6', '8', '2,2,2', '4,2,2'].includes(lengths);
}

/**
 * A window of groups forms a personnummer when its digits are a plausible YYMMDD(NNNN) and it is
 * written as one: every digit spaced; a date part and four digits with any short separator; or
 * the date in its parts and the four digits whole or in two pairs, with a dash between them or
 * a valid check digit.
 */
function personnummerWindow(groups: readonly Group[]): boolean {
  const digits = groups.map((g) => g.digits).join('');
  if (digits.length !== 10 && digits.length !== 12) return false;
  const datePart = digits.slice(0, -4);
  if (!plausibleDatePart(datePart)) return false;
  if (groups.every((g) => g.digits.length === 1)) return true;
  const lengths = groups.map((g) => g.digits.length);
  const serialGroups =
    lengths.at(-1) === 4 ? 1 : lengths.at(-1) === 2 && lengths.at(-2) === 2 ? 2 : 0;
  if (serialGroups === 0) return false;
  const dateGroups = groups.slice(0, -serialGroups);
  if (!alignedDateGroups(dateGroups)) return false;
  if (dateGroups.length === 1 && serialGroups === 1) return true;
  if (dateWithTime(groups)) return false;
  const dashBeforeSerial = (groups[groups.length - serialGroups]?.sep ?? '').includes('-');
  return dashBeforeSerial || luhnValid(digits.slice(-10));
}

/** A date followed by a time of day ("2026-03-04 14.30", "260304 9.05"): never a personnummer. */
function dateWithTime(groups: readonly Group[]): boolean {
  const [hours, minutes] = groups.slice(-2);
  if (!hours || !minutes || groups.length < 3) return false;
  if (minutes.digits.length !== 2 || !/^[.:]$/u.test(minutes.sep) || !/^\s+$/u.test(hours.sep))
    return false;
  return Number(hours.digits) < 24 && Number(minutes.digits) < 60;
}

/** One separator between two groups: a space, '-', '+', '.', '/', or a dash with spaces. */
const SINGLE_SEPARATOR = /^(?:[ .\-/+]| [-+] )$/u;
/** An amount of money next to the number ("1 203 048 804 kr", "SEK 2015 0822 4480"). */
const MONEY_AFTER = /^\s?(?:kr\b|kronor|sek\b|:-|€|euro|eur\b|usd\b|dollar)/iu;
const MONEY_BEFORE = /(?:\bkr\.?|\bsek|€|\$)\s?$/iu;
/** A case, invoice or account number ("Dnr 2024-0312-1234", "ärendenummer", "faktura nr"). */
const REFERENCE_BEFORE =
  /(?<!\p{L})(?:dnr|diarie\p{L}*|ärende\p{L}*|case|ref\p{L}*|faktura\p{L}*|order\p{L}*|ocr|bankgiro|plusgiro|konto\p{L}*|clearing\p{L}*|invoice|account|ticket)[\s.:#-]*(?:nr|nummer|no|number)?[\s.:#]*$/iu;

/**
 * Any other layout of short groups ("201009 17 3343", "2015 0822 4480", "20 0911 05 3379") is a
 * personnummer when the groups make a whole number of their own (joined by single separators)
 * whose digits are a plausible date part and four digits with the right check digit, and the
 * number is not written as a phone number (a 07x/0xx prefix), a date with a time, an amount or
 * a case number.
 */
function checkedPersonnummerChain(chain: readonly Group[], plus: boolean, text: string): boolean {
  const digits = chain.map((g) => g.digits).join('');
  if (digits.length !== 10 && digits.length !== 12) return false;
  if (!plausibleDatePart(digits.slice(0, -4)) || !luhnValid(digits.slice(-10))) return false;
  if (plus || dateWithTime(chain)) return false;
  const first = chain[0]?.digits ?? '';
  if (first.startsWith('0') && first.length <= 4 && validNational(digits, first, false))
    return false;
  const start = chain[0]?.start ?? 0;
  const end = chain[chain.length - 1]?.end ?? start;
  return (
    !MONEY_AFTER.test(text.slice(end, end + 8)) &&
    !MONEY_BEFORE.test(text.slice(Math.max(0, start - 5), start)) &&
    !REFERENCE_BEFORE.test(text.slice(Math.max(0, start - 30), start))
  );
}

/** The run's groups in chains joined by single separators (a wider gap starts a new chain). */
function chainsOf(groups: readonly Group[]): Group[][] {
  const chains: Group[][] = [];
  for (const g of groups) {
    const last = chains[chains.length - 1];
    if (last && SINGLE_SEPARATOR.test(g.sep)) last.push(g);
    else chains.push([g]);
  }
  return chains;
}

/**
 * A window of groups forms a Swedish phone number when its digits are a valid national number
 * and it starts like one: every digit spaced, or an area or mobile prefix of three or more
 * digits ("070/174 06 55"). International forms start with +46 or 0046.
 */
function phoneWindow(groups: readonly Group[], plus: boolean): boolean {
  const digits = groups.map((g) => g.digits).join('');
  const first = groups[0]?.digits ?? '';
  if (plus || digits.startsWith('0046')) {
    const rest = plus ? digits : digits.slice(2);
    return /^46[1-9]\d{6,8}$/.test(rest) && groups.length > 1;
  }
  if (!validNational(digits, first, false)) return false;
  if (groups.every((g) => g.digits.length === 1) || first.length >= 3) return true;
  // Stockholm's two-digit area code ("08 / 555 123 45"); dotted "08.30" stays a time of day.
  return first === '08' && digits.length >= 9 && !(groups[1]?.sep ?? '').includes('.');
}

const MAX_GROUPS = 14;

export function detectSpacedNumbers(text: string): Span[] {
  const spans: Span[] = [];
  for (const m of text.matchAll(DIGIT_RUN)) {
    const plus = m[0].startsWith('+');
    const groups = groupsOf(m[0], m.index);
    if (groups.length < 2) continue;
    for (let i = 0; i < groups.length; i++) {
      let length = 0;
      for (let j = i; j < groups.length && j - i < MAX_GROUPS; j++) {
        length += groups[j]?.digits.length ?? 0;
        if (length > 13) break;
        const window = groups.slice(i, j + 1);
        if (window.length < 2) continue;
        const start = window[0]?.start ?? 0;
        const end = window[window.length - 1]?.end ?? start;
        // A number may read as both ("0 7 0 1 2 3 4 5 6 7"): then it is reported as both.
        if (personnummerWindow(window)) spans.push({ type: 'personnummer', start, end });
        if (phoneWindow(window, plus && i === 0))
          spans.push({ type: 'phone', start: plus && i === 0 ? m.index : start, end });
      }
    }
    for (const chain of chainsOf(groups)) {
      if (chain.length < 2) continue;
      const start = chain[0]?.start ?? 0;
      if (checkedPersonnummerChain(chain, plus && chain[0] === groups[0], text))
        spans.push({ type: 'personnummer', start, end: chain[chain.length - 1]?.end ?? start });
    }
  }
  return spans;
}

/** Number words, Swedish and English, to the digits they stand for. */
const NUMBER_WORDS: Readonly<Record<string, string>> = {
  noll: '0',
  nolla: '0',
  ett: '1',
  en: '1',
  etta: '1',
  två: '2',
  tvåa: '2',
  tre: '3',
  trea: '3',
  fyra: '4',
  fem: '5',
  femma: '5',
  sex: '6',
  sexa: '6',
  sju: '7',
  sjua: '7',
  åtta: '8',
  nio: '9',
  nia: '9',
  tio: '10',
  elva: '11',
  tolv: '12',
  tretton: '13',
  fjorton: '14',
  femton: '15',
  sexton: '16',
  sjutton: '17',
  arton: '18',
  nitton: '19',
  zero: '0',
  oh: '0',
  one: '1',
  two: '2',
  three: '3',
  four: '4',
  five: '5',
  six: '6',
  seven: '7',
  eight: '8',
  nine: '9',
};
const TENS: Readonly<Record<string, string>> = {
  tjugo: '2',
  trettio: '3',
  fyrtio: '4',
  femtio: '5',
  sextio: '6',
  sjuttio: '7',
  åttio: '8',
  nittio: '9',
};
const UNITS: Readonly<Record<string, string>> = {
  ett: '1',
  en: '1',
  två: '2',
  tre: '3',
  fyra: '4',
  fem: '5',
  sex: '6',
  sju: '7',
  åtta: '8',
  nio: '9',
};

/** The digits a number word stands for ("sju" → "7", "tjugo" → "20", "tjugoett" → "21"). */
export function numberWordDigits(word: string): string | undefined {
  const w = word.toLowerCase();
  const direct = NUMBER_WORDS[w];
  if (direct !== undefined) return direct;
  for (const [tens, digit] of Object.entries(TENS)) {
    if (w === tens) return `${digit}0`;
    if (w.startsWith(tens)) {
      const unit = UNITS[w.slice(tens.length)];
      if (unit !== undefined) return `${digit}${unit}`;
    }
  }
  return undefined;
}

const WORD = /\p{L}+|\d+/gu;
/** Words that stand between the parts of a number read out: "streck", "bindestreck". */
const SEPARATOR_WORDS = new Set(['streck', 'bindestreck', 'dash', 'minus']);
/** What may stand between two words of a number: spaces, commas, dashes, slashes, dots. */
const BETWEEN = /^[\s,.\-/]*$/u;

/**
 * Numbers read out in words: "noll sju noll, ett två tre, fyra fem, sex sju" (a phone number),
 * "noll nio noll sex ett ett, fyra fyra ett åtta" (a personnummer). Commas and "streck" split
 * the number into parts, as it was read; six (or eight) digits and four is a personnummer.
 */
export function detectSpokenNumbers(text: string): Span[] {
  const spans: Span[] = [];
  const words = [...text.matchAll(WORD)];
  let i = 0;
  while (i < words.length) {
    const first = words[i];
    if (!first || numberWordDigits(first[0]) === undefined) {
      i++;
      continue;
    }
    const parts: string[] = [''];
    let j = i;
    let end = first.index;
    let last = first.index;
    let count = 0;
    while (j < words.length) {
      const w = words[j];
      if (!w) break;
      const between = text.slice(end, w.index);
      const separator = SEPARATOR_WORDS.has(w[0].toLowerCase());
      const d = separator ? '' : /^\d+$/.test(w[0]) ? w[0] : numberWordDigits(w[0]);
      if (d === undefined || (j > i && !BETWEEN.test(between))) break;
      if (separator || /[,\-/]/.test(between)) parts.push('');
      parts[parts.length - 1] += d;
      end = w.index + w[0].length;
      if (!separator) {
        last = end;
        count++;
      }
      j++;
    }
    const digits = parts.join('');
    const lengths = parts.filter((p) => p !== '').map((p) => p.length);
    if (count >= 5 && digits.length >= 8) {
      const span = { start: first.index, end: last };
      const asPersonnummer =
        (digits.length === 10 || digits.length === 12) && plausibleDatePart(digits.slice(0, -4));
      const asPhone =
        validNational(digits, digits.slice(0, 3), false) ||
        /^(?:46|0046)[1-9]\d{6,8}$/.test(digits);
      const readAsPersonnummer = lengths.length === 2 && lengths[1] === 4;
      if (asPersonnummer && (readAsPersonnummer || !asPhone))
        spans.push({ type: 'personnummer', ...span });
      else if (asPhone) spans.push({ type: 'phone', ...span });
    }
    i = Math.max(j, i + 1);
  }
  return spans;
}
