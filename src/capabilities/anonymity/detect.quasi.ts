/**
 * Combinations that identify a child (quasi-identifiers). Signals found in one field:
 * - unit: a named school or unit (configuration, or a school-shaped name);
 * - group: a class or preschool group ("7B", "avdelning Humlan");
 * - date: an exact date ("den 3 februari");
 * - detail: a rare circumstance (a visible disability, twins, "den enda", a parent's job, an
 *   event everyone remembers …; the strongest ones single a child out even within a class).
 * A field about a particular child warns when it names a unit together with a rare detail; a
 * unit and a group together with a date, or with a description that picks the child out of the
 * group ("Eleven i 7B på X som …": a restrictive relative clause); or a group together with one
 * of the strongest details.
 * The warning is not a refusal: the user may check and confirm (see anonymity.fields).
 */
import type { QuasiSignal } from './anonymity.types';
import type { Mark } from './units';
import {
  ADMINISTRATIVE_BEFORE_DATE,
  BEFORE_MARK,
  CHILD_REFERENCE,
  EXACT_DATE,
  GROUP,
  MEETING_WORDS,
  MEMBERSHIP_PREPOSITIONS,
  MEMBERSHIP_VERBS,
  RARE_DETAILS,
  RELATIVE_CLAUSE,
  STRONG_DETAILS,
} from './quasi.sv';

export const QUASI_SIGNALS: readonly QuasiSignal[] = ['unit', 'group', 'date', 'detail'];

export interface QuasiHit extends Mark {
  signal: QuasiSignal;
}

/** A combination found in one text: which signals, and where (normalised-text offsets). */
export interface QuasiCombination {
  signals: QuasiSignal[];
  hits: QuasiHit[];
}

function all(re: RegExp, text: string, signal: QuasiSignal): QuasiHit[] {
  const global = re.flags.includes('g') ? re : new RegExp(re.source, `${re.flags}g`);
  return [...text.matchAll(global)].map((m) => ({
    signal,
    start: m.index,
    end: m.index + m[0].length,
  }));
}

/** The sentence (between . ! ? or line breaks) around an offset. */
function sentenceAround(text: string, offset: number): string {
  const start = Math.max(
    text.lastIndexOf('.', offset - 1),
    text.lastIndexOf('!', offset - 1),
    text.lastIndexOf('?', offset - 1),
    text.lastIndexOf('\n', offset - 1),
  );
  const rest = text.slice(offset).search(/[.!?\n]/u);
  return text.slice(start + 1, rest < 0 ? text.length : offset + rest);
}

/**
 * Relative clauses that describe a child right after its class or unit ("Eleven i 7B på X som
 * har …"), or that hold them ("Flickan som började i 2A på X …").
 */
function describedChildren(text: string, marks: readonly QuasiHit[]): QuasiHit[] {
  const out: QuasiHit[] = [];
  const children = new RegExp(CHILD_REFERENCE.source, 'giu');
  for (const child of text.matchAll(children)) {
    let end = child.index + child[0].length;
    let sawMark = false;
    for (;;) {
      const mark = marks.find((m) => m.start >= end && BEFORE_MARK.test(text.slice(end, m.start)));
      if (!mark) break;
      end = mark.end;
      sawMark = true;
    }
    const clause = RELATIVE_CLAUSE.exec(text.slice(end));
    if (!clause) continue;
    const verb = (clause[1] ?? '').toLowerCase();
    const next = (clause[2] ?? '').toLowerCase();
    if (MEMBERSHIP_VERBS.has(verb) && MEMBERSHIP_PREPOSITIONS.has(next)) continue;
    const start = end + clause.index;
    const stop = text.slice(start).search(/[.!?;\n]/u);
    const clauseEnd = stop < 0 ? text.length : start + stop;
    const holdsMark = marks.some((m) => m.start >= start && m.end <= clauseEnd);
    if (sawMark || holdsMark) out.push({ signal: 'detail', start, end: clauseEnd });
  }
  return out;
}

export function detectQuasi(text: string, units: readonly Mark[]): QuasiCombination | undefined {
  if (!CHILD_REFERENCE.test(text)) return undefined;
  const unit: QuasiHit[] = units.map((u) => ({ signal: 'unit', ...u }));
  const group = all(GROUP, text, 'group');
  // Dates of meetings, deadlines and plans are not events in a child's life.
  const date = all(EXACT_DATE, text, 'date').filter(
    (d) =>
      !ADMINISTRATIVE_BEFORE_DATE.test(text.slice(Math.max(0, d.start - 40), d.start)) &&
      !MEETING_WORDS.test(sentenceAround(text, d.start)),
  );
  const strong = STRONG_DETAILS.flatMap((re) => all(re, text, 'detail'));
  const rare = [...strong, ...RARE_DETAILS.flatMap((re) => all(re, text, 'detail'))];

  const described =
    unit.length > 0 && group.length > 0 ? describedChildren(text, [...unit, ...group]) : [];

  let hits: QuasiHit[] = [];
  if (unit.length > 0 && rare.length > 0) hits = [...unit, ...group, ...date, ...rare];
  else if (described.length > 0) hits = [...unit, ...group, ...date, ...described];
  else if (unit.length > 0 && group.length > 0 && date.length > 0)
    hits = [...unit, ...group, ...date];
  else if (group.length > 0 && strong.length > 0) hits = [...group, ...date, ...strong];
  if (hits.length === 0) return undefined;
  hits.sort((a, b) => a.start - b.start);
  const signals = QUASI_SIGNALS.filter((s) => hits.some((h) => h.signal === s));
  return { signals, hits };
}
