/**
 * The anonymity gate: a pure check run on every free-text field before it is stored.
 * It reports WHAT kind of identifier was found and WHERE (offsets into the original text and
 * the sentence), never the identifier itself, so results can be logged safely. Direct
 * identifiers are findings (the text is refused); combinations that may identify a child are
 * warnings (the user may check and confirm).
 */
import type { GateFinding, GateResult, GateWarning, Span } from './anonymity.types';
import { detectAddresses, detectPostcodes } from './detect.address';
import { detectBirthdates } from './detect.birthdate';
import { detectEmail } from './detect.email';
import { detectNames } from './detect.name';
import { namesInEmails } from './detect.name-forms';
import { detectSpacedNumbers, detectSpokenNumbers } from './detect.numbers';
import { detectPersonnummer, detectPersonnummerInParts } from './detect.personnummer';
import { detectPhone } from './detect.phone';
import { detectQuasi } from './detect.quasi';
import type { Lexicon } from './lexicon';
import { hunspellLexicon } from './lexicon';
import { normalizeText, toOriginal } from './normalize';
import { sentenceAt, sentenceStarts } from './sentences';
import { unitMatcher } from './units';

export type {
  GateFinding,
  GateResult,
  GateWarning,
  IdentifierType,
  QuasiSignal,
} from './anonymity.types';

export interface GateOptions {
  /** The municipality's schools and units (names and aliases): never names of children. */
  units?: readonly string[];
  /** The dictionaries (default: Hunspell Swedish and English, loaded on first use). */
  lexicon?: Lexicon;
}

export interface AnonymityGate {
  check(text: string): GateResult;
}

const overlaps = (a: { start: number; end: number }, b: { start: number; end: number }) =>
  a.start < b.end && b.start < a.end;

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

/** The spans that overlap none of `over`. */
function withoutOverlapping(spans: Span[], over: Span[]): Span[] {
  return spans.filter((s) => !over.some((o) => overlaps(o, s)));
}

export function createGate(options: GateOptions = {}): AnonymityGate {
  const units = unitMatcher(options.units ?? []);
  const lexicon = (): Lexicon => options.lexicon ?? hunspellLexicon();

  return {
    check(text: string): GateResult {
      const norm = normalizeText(text);
      const t = norm.text;

      const emails = detectEmail(t);
      const spaced = detectSpacedNumbers(t);
      const spoken = detectSpokenNumbers(t);
      const personnummer = [
        ...detectPersonnummer(t),
        ...detectPersonnummerInParts(t),
        ...[...spaced, ...spoken].filter((s) => s.type === 'personnummer'),
      ];
      const phones = withoutOverlapping(
        [...detectPhone(t), ...[...spaced, ...spoken].filter((s) => s.type === 'phone')],
        emails,
      );
      const addresses = detectAddresses(t);
      const numbers = [...personnummer, ...phones, ...emails];
      const postcodes = withoutOverlapping(detectPostcodes(t, addresses), numbers);
      const birthdates = detectBirthdates(t);
      const unitMarks = units.find(t);
      const masked = [...emails, ...addresses, ...numbers, ...unitMarks].map((m) => ({
        type: 'name' as const,
        start: m.start,
        end: m.end,
      }));
      const names = [
        ...detectNames(t, masked, { lexicon: lexicon() }),
        ...namesInEmails(t, emails),
      ];

      const starts = sentenceStarts(text);
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
        return { type: s.type, start, end, sentence: sentenceAt(starts, start) };
      });

      const warnings: GateWarning[] = [];
      const quasi = detectQuasi(t, unitMarks);
      if (quasi) {
        const sentences = quasi.hits.map((h) =>
          sentenceAt(starts, toOriginal(norm, h.start, h.end)[0]),
        );
        warnings.push({
          kind: 'quasi',
          signals: quasi.signals,
          sentences: [...new Set(sentences)].sort((a, b) => a - b),
        });
      }
      return { ok: findings.length === 0, findings, warnings };
    },
  };
}

let defaultGate: AnonymityGate | undefined;

/** The gate without configured units (tests, tools): schools are still recognised by shape. */
export function checkText(text: string): GateResult {
  defaultGate ??= createGate();
  return defaultGate.check(text);
}
