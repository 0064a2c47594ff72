import type { Span } from './anonymity.types';

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
