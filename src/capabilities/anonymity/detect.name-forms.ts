/**
 * Names in other forms than words: initials standing for a person ("J.K.") and names written
 * into e-mail addresses ("linnea.forsgren@…").
 */
import type { Span } from './anonymity.types';
import { AMBIGUOUS_FIRST, FIRST_NAMES, SURNAMES, SURNAME_SUFFIX, WEAK_FIRST } from './names.sv';

/** Initials standing for a person: "J.K.", "A. H.", "J.K.L." (not "e.Kr."). */
const INITIALS = /(?<![\p{L}.])\p{Lu}\.\s?\p{Lu}\.(?:\s?\p{Lu}\.)?(?!\p{L})/gu;
const NOT_INITIALS = new Set(['E.U.', 'U.S.', 'U.K.', 'U.S.A.', 'S.T.']);

export function initials(text: string, masked: Span[]): Span[] {
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
