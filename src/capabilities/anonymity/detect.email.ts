import type { Span } from './anonymity.types';

/**
 * E-mail addresses, plain and obfuscated: `namn@domän.se`, `namn [at] domän.se`,
 * `namn(at)skola.se`, `namn snabel-a domän punkt se`, `namn at domän dot se`.
 */
const LOCAL = String.raw`[\p{L}\p{N}_%+-]+(?:\.[\p{L}\p{N}_%+-]+)*`;
const LABEL = String.raw`[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?`;
const TLD = String.raw`(?:se|nu|com|org|net|eu|info|io|fi|no|dk|de|uk|edu|gov|biz|me|co|app)`;

const PLAIN = new RegExp(String.raw`(?<![\p{L}\p{N}_%+.-])${LOCAL}@${LABEL}(?:\.${LABEL})+`, 'gu');

/** "[at]", "(at)", "{at}", "<at>", "(snabel-a)", "(a)" and the same for "dot"/"punkt". */
const bracketed = (word: string): string =>
  String.raw`\s*(?:\[\s*${word}\s*\]|\(\s*${word}\s*\)|\{\s*${word}\s*\}|<\s*${word}\s*>)\s*`;
const BRACKETED_AT = bracketed(String.raw`(?:at|snabel-?a|@|a)`);
const BARE_AT = String.raw`(?:\s+(?:snabel-?a|at)\s+|\s+@\s*|\s*@\s+)`;
const DOT_WORD = String.raw`(?:dot|punkt)`;
const DOT = String.raw`(?:\s*\.\s*|${bracketed(DOT_WORD)}|\s+${DOT_WORD}\s+)`;
const DOMAIN = String.raw`${LABEL}(?:${DOT}${LABEL})*${DOT}${TLD}(?![\p{L}\p{N}])`;

const OBFUSCATED = new RegExp(
  String.raw`(?<![\p{L}\p{N}_.%+-])${LOCAL}(?:${BRACKETED_AT}|${BARE_AT})${DOMAIN}`,
  'giu',
);

export function detectEmail(text: string): Span[] {
  const spans: Span[] = [];
  for (const re of [PLAIN, OBFUSCATED]) {
    for (const m of text.matchAll(re)) {
      spans.push({ type: 'email', start: m.index, end: m.index + m[0].length });
    }
  }
  return spans;
}
