import type { Span } from './anonymity.types';

/**
 * Swedish phone numbers: mobile (07x), landlines (08-, 031-, 0xxx-), and +46 / 0046 forms,
 * written with spaces, dashes, dots or parentheses. Candidates are found loosely and then
 * validated on their digits, so that times (08.30-09.15), dates and case numbers are left alone.
 */
const INTL = /(?<![\w+])(?:\+|00) ?46[ -]*(?:\(0\)[ -]*)?[1-9](?:(?: ?- ?|[ .])?\d){6,9}(?!\d)/g;
const NATIONAL = /(?<![\w+.,/:-])(?:\(0\d{1,3}\)|0\d)(?:(?: ?- ?|[ .])?\d){5,12}(?![\d])/g;

/** Digit groups of a candidate, with the separator that preceded each group. */
function groups(candidate: string): { sep: string; digits: string; end: number }[] {
  const out: { sep: string; digits: string; end: number }[] = [];
  for (const g of candidate.matchAll(/([^\d]*)(\d+)/g)) {
    out.push({ sep: g[1] ?? '', digits: g[2] ?? '', end: g.index + g[0].length });
  }
  return out;
}

export function validNational(digits: string, first: string, hasDot: boolean): boolean {
  if (!/^0[1-9]/.test(digits)) return false;
  if (digits.length < 8 || digits.length > 10) return false;
  if (digits.startsWith('07') && digits.length !== 10) return false;
  // Dotted forms like 070.123.45.67 are fine; 08.30 is a time of day.
  if (hasDot && first.length < 3) return false;
  return true;
}

export function detectPhone(text: string): Span[] {
  const spans: Span[] = [];
  for (const m of text.matchAll(INTL)) {
    spans.push({ type: 'phone', start: m.index, end: m.index + m[0].length });
  }
  for (const m of text.matchAll(NATIONAL)) {
    const gs = groups(m[0]);
    const first = gs[0]?.digits ?? '';
    // Try the longest run of groups that forms a valid number (trailing numbers may follow).
    for (let n = gs.length; n >= 1; n--) {
      const head = gs.slice(0, n);
      const digits = head.map((g) => g.digits).join('');
      const hasDot = head.some((g) => g.sep.includes('.'));
      if (validNational(digits, first, hasDot)) {
        const last = head[head.length - 1];
        spans.push({ type: 'phone', start: m.index, end: m.index + (last?.end ?? m[0].length) });
        break;
      }
    }
  }
  return spans;
}
