/**
 * The municipality's named schools and units (configuration): "Björkhagaskolan",
 * "Förskolan Myran", "Familjestödsenheten", "Fritidsgården Kupolen" … They are not names of
 * children, and naming one is a signal for the quasi-identifier check. Schools that are not in
 * the configuration are recognised by their shape too ("Xskolan", "X skola", "Förskolan X").
 */

/** A stretch of text (normalised-text offsets) where a unit is named. */
export interface Mark {
  start: number;
  end: number;
}

/** Place-type words: a unit named "<place word> X" or "X <place word>" is also called "X". */
const PLACE_WORDS = new Set([
  'skola',
  'skolan',
  'förskola',
  'förskolan',
  'fritidsgård',
  'fritidsgården',
  'gymnasium',
  'gymnasiet',
  'fritidshem',
  'fritidshemmet',
]);

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const WORD_EDGE_BEFORE = '(?<![\\p{L}\\p{N}])';
const WORD_EDGE_AFTER = '(?![\\p{L}\\p{N}])';

/** "Fritidsgården Kupolen" → "Kupolen"; "Solrosens förskola" → "Solrosen(s)"; else none. */
function shortForm(name: string): string | undefined {
  const words = name.trim().split(/\s+/);
  if (words.length !== 2) return undefined;
  const [a = '', b = ''] = words;
  const proper = PLACE_WORDS.has(a.toLowerCase()) ? b : PLACE_WORDS.has(b.toLowerCase()) ? a : '';
  if (!/^\p{Lu}\p{Ll}{3,}$/u.test(proper)) return undefined;
  return proper.endsWith('s') ? proper.slice(0, -1) : proper;
}

/** Unnamed-in-configuration schools by their shape. */
const SCHOOL_SHAPES = [
  // Vallaskolan, Björkhaga-skolan, Kvarnbyskolans, Ekgymnasiet
  String.raw`\p{Lu}\p{Ll}+-?(?:skolan|skola|gymnasiet|förskolan)s?`,
  // Ekbackens skola, Tallbacka skola, Solrosens förskola
  String.raw`\p{Lu}\p{Ll}+s?\s+(?:skola|skolan|förskola|förskolan|fritidsgård|fritidshem)s?`,
  // Förskolan Myran, Fritidsgården Kupolen
  String.raw`(?:Förskolan|Skolan|Fritidsgården|Fritidshemmet)\s+\p{Lu}\p{Ll}+s?`,
];

export interface UnitMatcher {
  /** Where units are named in the (normalised) text, in order. */
  find(text: string): Mark[];
}

/**
 * Matches the configured unit names case-insensitively (with a genitive -s and any spacing),
 * their short forms when capitalised, and school-shaped names.
 */
export function unitMatcher(names: readonly string[]): UnitMatcher {
  const full = names
    .map((n) => n.trim())
    .filter((n) => n.length > 0)
    .sort((a, b) => b.length - a.length)
    .map((n) => n.split(/\s+/).map(escape).join('[\\s-]+') + 's?');
  const short = names
    .map(shortForm)
    .filter((s): s is string => s !== undefined)
    .map((s) => `${escape(s)}s?`);
  const patterns: RegExp[] = [];
  if (full.length > 0)
    patterns.push(new RegExp(`${WORD_EDGE_BEFORE}(?:${full.join('|')})${WORD_EDGE_AFTER}`, 'giu'));
  if (short.length > 0)
    patterns.push(new RegExp(`${WORD_EDGE_BEFORE}(?:${short.join('|')})${WORD_EDGE_AFTER}`, 'gu'));
  patterns.push(
    new RegExp(`${WORD_EDGE_BEFORE}(?:${SCHOOL_SHAPES.join('|')})${WORD_EDGE_AFTER}`, 'gu'),
  );
  return {
    find(text) {
      const marks: Mark[] = [];
      for (const re of patterns)
        for (const m of text.matchAll(re))
          marks.push({ start: m.index, end: m.index + m[0].length });
      marks.sort((a, b) => a.start - b.start || b.end - a.end);
      return marks.filter(
        (m, i) => !marks.slice(0, i).some((o) => o.start <= m.start && o.end >= m.end),
      );
    },
  };
}
