/**
 * The anonymity gate: a pure check run on every free-text field before it is stored.
 * It reports WHAT kind of identifier was found and WHERE (offsets into the original text),
 * never the identifier itself, so results can be logged safely.
 */
import type { GateFinding, GateResult, Span } from './anonymity.types';
import { detectAddresses, detectPostcodes } from './detect.address';
import { detectBirthdates } from './detect.birthdate';
import { detectEmail } from './detect.email';
import { detectNames } from './detect.name';
import { detectPersonnummer } from './detect.personnummer';
import { detectPhone } from './detect.phone';
import { normalizeText, toOriginal } from './normalize';

export type { GateFinding, GateResult, IdentifierType } from './anonymity.types';

const overlaps = (a: Span, b: Span): boolean => a.start < b.end && b.start < a.end;

/** Sorts by start and merges overlapping spans of the same type. */
function mergeSpans(spans: Span[]): Span[] {
  const sorted = [...spans].sort((a, b) => a.start - b.start || a.end - b.end);
  const out: Span[] = [];
  for (const s of sorted) {
    const same = out.find((o) => o.type === s.type && overlaps(o, s));
    if (same) same.end = Math.max(same.end, s.end);
    else out.push({ ...s });
  }
  return out;
}

export function checkText(text: string): GateResult {
  const norm = normalizeText(text);
  const t = norm.text;

  const emails = detectEmail(t);
  const personnummer = detectPersonnummer(t);
  const phones = detectPhone(t).filter((p) => !emails.some((e) => overlaps(e, p)));
  const addresses = detectAddresses(t);
  const numbers = [...personnummer, ...phones, ...emails];
  const postcodes = detectPostcodes(t, addresses).filter(
    (p) => !numbers.some((n) => overlaps(n, p)),
  );
  const birthdates = detectBirthdates(t);
  const names = detectNames(t, [...emails, ...addresses]);

  const findings: GateFinding[] = mergeSpans([
    ...personnummer,
    ...phones,
    ...emails,
    ...addresses,
    ...postcodes,
    ...birthdates,
    ...names,
  ]).map((s) => {
    const [start, end] = toOriginal(norm, s.start, s.end);
    return { type: s.type, start, end };
  });

  return { ok: findings.length === 0, findings };
}
