/**
 * Free text that users type (case fields, a chair's reasons, forum names and places) is cleaned
 * before it is checked and stored: one helper, used by every free-text schema.
 *
 * Removed: control characters (except line feed and tab), format characters (bidirectional
 * controls and overrides, zero-width spaces and joiners, word joiner, soft hyphen, tag
 * characters, BOM …) and every other default-ignorable code point (combining grapheme joiner,
 * Hangul fillers, variation selectors, Mongolian and Khmer fillers …), and lone surrogates.
 * Line and paragraph separators become line feeds, other spaces (no-break, thin, ideographic,
 * Braille blank) a plain space. The result is in Unicode NFC.
 */
import { z } from 'zod';

/** Characters nobody sees: default-ignorable code points, format and control characters. */
const INVISIBLE_CLASS = String.raw`[\p{Default_Ignorable_Code_Point}\p{Cf}\p{Cs}]|[^\P{Cc}\n\t]`;
const INVISIBLE = new RegExp(INVISIBLE_CLASS, 'gu');
const ONE_INVISIBLE = new RegExp(`^(?:${INVISIBLE_CLASS})$`, 'u');
const LINE_BREAKS = /\r\n?|[\u2028\u2029\u0085]/g;
/** Spaces other than U+0020 (and the Braille blank, used as an invisible filler). */
const ODD_SPACES = /[^\P{Zs} ]|\u2800/gu;

/** True for a character that `cleanFreeText` removes. */
export function isInvisible(ch: string): boolean {
  return ONE_INVISIBLE.test(ch);
}

export function cleanFreeText(text: string): string {
  return text
    .replace(LINE_BREAKS, '\n')
    .replace(INVISIBLE, '')
    .replace(ODD_SPACES, ' ')
    .normalize('NFC');
}

/**
 * A free-text input: cleaned, then trimmed, then limited in length (the limit applies to what is
 * stored). `min` is checked after cleaning, so a text of invisible characters is empty.
 */
export function freeText(limits: {
  max: number;
  min?: number;
}): z.ZodType<string, z.ZodTypeDef, string> {
  // Raw input may be longer than the limit only by what cleaning removes; cap it generously.
  const raw = z.string().max(limits.max * 4 + 100);
  const cleaned = raw.transform((s) => cleanFreeText(s).trim());
  return cleaned.pipe(
    limits.min === undefined
      ? z.string().max(limits.max)
      : z.string().min(limits.min).max(limits.max),
  );
}
