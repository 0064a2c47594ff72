import type { Span } from './anonymity.types';
import { sentenceStarts } from './sentences';

/**
 * Personnummer and samordningsnummer: YYMMDD or YYYYMMDD, then '-', '+', a space (optionally
 * around the sign) or nothing, then four digits. A number counts when the date part is a
 * plausible date (day + 60 for samordningsnummer) whether or not the Luhn check digit is right:
 * a mistyped personnummer still identifies a child.
 */
const PNR = /(?<![\d])((?:18|19|20)?\d{6})(?: ?[-+] ?| )?(\d{4})(?![\d])/g;

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** True when MMDD (with DD possibly +60) is a real calendar day (29 Feb always allowed). */
export function plausibleMonthDay(month: number, day: number): boolean {
  const max = DAYS_IN_MONTH[month - 1];
  if (max === undefined) return false;
  const d = day > 60 ? day - 60 : day;
  return d >= 1 && d <= max;
}

/** YYMMDD or (18|19|20)YYMMDD is a plausible date (day + 60 for samordningsnummer). */
export function plausibleDatePart(datePart: string): boolean {
  if (datePart.length === 8 && !/^(?:18|19|20)/.test(datePart)) return false;
  if (datePart.length !== 6 && datePart.length !== 8) return false;
  const six = datePart.slice(-6);
  return plausibleMonthDay(Number(six.slice(2, 4)), Number(six.slice(4, 6)));
}

/** Luhn check over the ten digits YYMMDDNNNC. */
export function luhnValid(tenDigits: string): boolean {
  let sum = 0;
  for (let i = 0; i < tenDigits.length; i++) {
    let n = Number(tenDigits[i]) * (i % 2 === 0 ? 2 : 1);
    if (n > 9) n -= 9;
    sum += n;
  }
  return sum % 10 === 0;
}

export function detectPersonnummer(text: string): Span[] {
  const spans: Span[] = [];
  for (const m of text.matchAll(PNR)) {
    const datePart = m[1] ?? '';
    const six = datePart.slice(-6);
    const month = Number(six.slice(2, 4));
    const day = Number(six.slice(4, 6));
    if (!plausibleMonthDay(month, day)) continue;
    spans.push({ type: 'personnummer', start: m.index, end: m.index + m[0].length });
  }
  return spans;
}

/*
 * A personnummer given in two parts, with words that say which part is which: "födelsedelen är
 * 150822 och de fyra sista är 4480", "the first six digits are 130514. The last four are 2265".
 * The four digits follow (or come just before) words for the last part; the date part (YYMMDD
 * or YYYYMMDD, compact or as a date in its parts) stands in the same sentence or the one next to
 * it, and the wording names a date part or a personnummer. Only a combination with a right check
 * digit counts: the words alone ("de fyra sista raderna", "the last four weeks") never do.
 */

/** Words for the last four digits: "de fyra sista (siffrorna)", "the last four (digits)". */
const LAST_PART =
  /(?<!\p{L})(?:(?:fyra|4)\s+sista|sista\s+(?:fyra|4|delen|siffr(?:orna|or))|(?:slut|kontroll)siffr(?:orna|or)|slutar\s+(?:på|med)|(?:last|final|remaining|trailing)\s+(?:four|4|part|digits)|(?:four|4)\s+last|end(?:s|ing)?\s+(?:in|with))(?!\p{L})/giu;
/** Words for the date part, or words that say the number is a personnummer. */
const DATE_PART =
  /(?<!\p{L})(?:födelse\p{L}*|datumdel\p{L}*|född|(?:sex|åtta|6|8)\s+första|första\s+(?:sex|åtta|6|8|delen)|börjar\s+(?:på|med)|personn(?:umm\p{L}*|r)|pnr|samordningsn(?:umm\p{L}*|r)|(?:first|initial|opening)\s+(?:six|eight|6|8|part)|birth\p{L}*|born|date\s+(?:part|of\s+birth)|identity\s+number|personal\s+number|id\s+number|(?:starts?|begins?)\s+with)(?!\p{L})/iu;
/** The four digits ("4480", "44 80", "44-80") a few words after the cue. */
const FOUR_AFTER = /^[^\d.!?\n]{0,40}?(?<!\d)(\d{2}[ -]?\d{2})(?!\d)/u;
/** The four digits just before the cue ("4480 är de fyra sista"). */
const FOUR_BEFORE = /(?<!\d)(\d{2}[ -]?\d{2})[^\d.!?\n]{0,20}$/u;
/** A date part: YYMMDD, YYYYMMDD, or a date in its parts ("11-03-27", "2011.03.27"). */
const DATE_DIGITS =
  /(?<!\d)(?:\d{8}|\d{6}|\d{4}([-./ ])\d{2}\1\d{2}|\d{2}([-./ ])\d{2}\2\d{2})(?![\d]|[-./ ]\d)/gu;

interface Part {
  digits: string;
  start: number;
  end: number;
}

/** The four digits a last-part cue points at, after it or just before it. */
function lastParts(text: string, cue: RegExpExecArray): Part[] {
  const parts: Part[] = [];
  const cueEnd = cue.index + cue[0].length;
  const after = FOUR_AFTER.exec(text.slice(cueEnd, cueEnd + 50));
  if (after?.[1]) {
    const start = cueEnd + after.index + after[0].length - after[1].length;
    parts.push({ digits: after[1].replace(/\D/gu, ''), start, end: start + after[1].length });
  }
  const from = Math.max(0, cue.index - 25);
  const before = FOUR_BEFORE.exec(text.slice(from, cue.index));
  if (before?.[1]) {
    const start = from + before.index;
    parts.push({ digits: before[1].replace(/\D/gu, ''), start, end: start + before[1].length });
  }
  return parts;
}

export function detectPersonnummerInParts(text: string): Span[] {
  if (text.search(LAST_PART) < 0) return [];
  const dates: Part[] = [...text.matchAll(DATE_DIGITS)]
    .map((m) => ({ digits: m[0].replace(/\D/gu, ''), start: m.index, end: m.index + m[0].length }))
    .filter((d) => plausibleDatePart(d.digits));
  if (dates.length === 0) return [];
  const starts = sentenceStarts(text);
  /** The 0-based sentence that holds an offset. */
  const sentenceOf = (offset: number): number => {
    let n = 0;
    while ((starts[n + 1] ?? Infinity) <= offset) n++;
    return n;
  };
  const sentences = (from: number, to: number): string =>
    text.slice(starts[from] ?? 0, starts[to + 1] ?? text.length);

  const spans: Span[] = [];
  for (const cue of text.matchAll(LAST_PART)) {
    for (const four of lastParts(text, cue)) {
      const n = sentenceOf(four.start);
      for (const date of dates) {
        if (date.start < four.end && four.start < date.end) continue;
        const m = sentenceOf(date.start);
        if (Math.abs(m - n) > 1) continue;
        if (!luhnValid(date.digits.slice(-6) + four.digits)) continue;
        if (!DATE_PART.test(sentences(Math.min(m, n), Math.max(m, n)))) continue;
        spans.push({ type: 'personnummer', start: date.start, end: date.end });
        spans.push({ type: 'personnummer', start: four.start, end: four.end });
      }
    }
  }
  return spans;
}
