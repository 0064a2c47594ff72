/**
 * Sentence positions, so that the gate can say WHERE it found something in words ("in the
 * second sentence") instead of character offsets. A sentence ends at a line break, or at '.',
 * '!', '?' or '…' followed by a space and a capital letter, except after a common abbreviation
 * ("t.ex.", "kl.", "bl.a.") or a single initial ("J. K.").
 */
const ABBREVIATIONS = new Set(
  `t.ex ex bl.a p.g.a pga d.v.s dvs kl ca resp nr tel s.k jfr ev inkl exkl st e.d o.d m.m mm osv
  f.d fr.o.m t.o.m o.s.v dr mr mrs ms e.g i.e etc vs mom ang ordf tf u.a obs`
    .split(/\s+/)
    .filter(Boolean),
);

const END = /[.!?…]+["»”')\]]*\s+(?=["«“(]?[\p{Lu}\p{N}])|\n+/gu;

/** Offsets where each sentence starts (the first is 0). */
export function sentenceStarts(text: string): number[] {
  const starts = [0];
  for (const m of text.matchAll(END)) {
    const before = text.slice(Math.max(0, m.index - 12), m.index);
    const lastWord = /([\p{L}.]+)$/u.exec(before)?.[1]?.toLowerCase() ?? '';
    if (m[0].startsWith('.') && (ABBREVIATIONS.has(lastWord) || /^\p{L}$/u.test(lastWord)))
      continue;
    const next = m.index + m[0].length;
    if (next < text.length && text.slice(starts[starts.length - 1], m.index).trim() !== '')
      starts.push(next);
  }
  return starts;
}

/** The 1-based number of the sentence that holds `offset`. */
export function sentenceAt(starts: readonly number[], offset: number): number {
  let n = 1;
  for (let i = 1; i < starts.length; i++) if ((starts[i] ?? Infinity) <= offset) n = i + 1;
  return n;
}
