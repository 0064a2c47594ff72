import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cleanFreeText, freeText, isInvisible } from '../../src/core/free-text';

/** Characters nobody sees: what cleaning must remove, wherever they stand. */
const INVISIBLES = [
  '\u200b', // zero-width space
  '\u200c', // zero-width non-joiner
  '\u200d', // zero-width joiner
  '\u2060', // word joiner
  '\ufeff', // byte order mark
  '\u00ad', // soft hyphen
  '\u034f', // combining grapheme joiner
  '\u202a', // left-to-right embedding
  '\u202e', // right-to-left override
  '\u2066', // left-to-right isolate
  '\u2069', // pop directional isolate
  '\u200e', // left-to-right mark
  '\u061c', // Arabic letter mark
  '\u115f', // Hangul choseong filler
  '\u1160', // Hangul jungseong filler
  '\u3164', // Hangul filler
  '\uffa0', // half-width Hangul filler
  '\ufe0f', // variation selector 16
  '\u180e', // Mongolian vowel separator
  '\u{e0041}', // tag letter A
  '\u{e0020}', // tag space
  '\u{e007f}', // cancel tag
  '\u0000',
  '\u0007',
  '\u001b',
  '\u007f',
  '\u0085',
];

describe('cleanFreeText', () => {
  it.each(INVISIBLES.map((c) => [c.codePointAt(0)?.toString(16), c]))(
    'removes U+%s',
    (_hex, ch) => {
      expect(cleanFreeText(`Ele${ch}ven har${ch} hög frånvaro.`)).toBe(
        ch === '\u0085' ? 'Ele\nven har\n hög frånvaro.' : 'Eleven har hög frånvaro.',
      );
    },
  );

  it('keeps line breaks and turns every kind of line break into one', () => {
    expect(cleanFreeText('Rad ett\r\nrad två\rrad tre\u2028rad fyra\u2029slut')).toBe(
      'Rad ett\nrad två\nrad tre\nrad fyra\nslut',
    );
  });

  it('turns odd spaces into plain spaces and keeps Swedish letters (NFC)', () => {
    expect(cleanFreeText('Åk\u00a07,\u2009vecka\u202f12\u3000och\u2800 e\u0301lev')).toBe(
      'Åk 7, vecka 12 och  élev',
    );
    expect(cleanFreeText('A\u030angström')).toBe('Ångström');
  });

  it('leaves ordinary text alone (property)', () => {
    const ordinary = fc.string({
      unit: fc.constantFrom(...'abcåäöABCÅÄÖ 0123456789.,;:!?-()\n'.split('')),
      maxLength: 200,
    });
    fc.assert(
      fc.property(ordinary, (s) => cleanFreeText(s) === s),
      { seed: 20261129, numRuns: 300 },
    );
  });

  it('removes invisible characters wherever they stand (property)', () => {
    const text = fc.string({ unit: fc.constantFrom(...'Eleven har hög frånvaro'.split('')) });
    const invisible = fc.constantFrom(...INVISIBLES.filter((c) => c !== '\u0085'));
    fc.assert(
      fc.property(text, fc.array(fc.tuple(fc.nat(), invisible), { maxLength: 10 }), (s, ins) => {
        const chars = Array.from(s);
        for (const [at, ch] of ins) chars.splice(at % (chars.length + 1), 0, ch);
        const cleaned = cleanFreeText(chars.join(''));
        return cleaned === s && !Array.from(cleaned).some(isInvisible);
      }),
      { seed: 20261129, numRuns: 300 },
    );
  });
});

describe('freeText (the schema every free-text input uses)', () => {
  const schema = freeText({ min: 2, max: 10 });

  it('cleans, trims and limits what is stored', () => {
    expect(schema.parse('  ab\u202ecd\u200b  ')).toBe('abcd');
    expect(schema.safeParse('x'.repeat(11)).success).toBe(false);
    expect(schema.parse(`${'x'.repeat(10)}\u200b\u200b`)).toBe('x'.repeat(10));
  });

  it('counts the minimum after cleaning: invisible characters alone are empty', () => {
    expect(schema.safeParse('\u200b\u200b\u202e ').success).toBe(false);
  });
});
