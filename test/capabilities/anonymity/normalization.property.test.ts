/**
 * Property tests of the gate's normalisation: however a personnummer or a phone number is
 * written (separators, spacing, look-alike letters, invisible characters, other scripts' digits),
 * the gate still finds it; and ordinary sentences built from safe words are never flagged.
 * Fixed seed, bounded runs: the same cases every run.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { IdentifierType } from '../../../src/capabilities/anonymity/anonymity.gate';
import { checkText } from '../../../src/capabilities/anonymity/anonymity.gate';
import { luhnValid } from '../../../src/capabilities/anonymity/detect.personnummer';

const RUNS = { seed: 20261129, numRuns: 250 };

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** A valid personnummer (or samordningsnummer): digits of the date, serial and check digit. */
const personnummer = fc
  .record({
    year: fc.integer({ min: 1940, max: 2024 }),
    month: fc.integer({ min: 1, max: 12 }),
    day: fc.integer({ min: 1, max: 28 }),
    coordination: fc.boolean(),
    serial: fc.integer({ min: 0, max: 999 }),
    century: fc.boolean(),
  })
  .map(({ year, month, day, coordination, serial, century }) => {
    const nine = `${pad(year % 100)}${pad(month)}${pad(coordination ? day + 60 : day)}${pad(serial, 3)}`;
    const check = [...Array(10).keys()].find((c) => luhnValid(`${nine}${c}`)) ?? 0;
    const ten = `${nine}${check}`;
    return {
      date: (century ? String(Math.floor(year / 100)) : '') + ten.slice(0, 6),
      serial: ten.slice(6),
    };
  });

/** A Swedish mobile number: 07[02369] and seven digits, grouped as people write it. */
const mobile = fc
  .tuple(fc.constantFrom('070', '072', '073', '076', '079'), fc.integer({ min: 0, max: 9_999_999 }))
  .map(([prefix, rest]) => {
    const r = pad(rest, 7);
    return [prefix, r.slice(0, 3), r.slice(3, 5), r.slice(5)];
  });

const SEPARATORS = ['-', '–', '—', '‑', '−', '+', ' ', '', '.', '/', '--', ' - ', ' – ', ' / '];
const GROUP_SEPARATORS = [' ', '-', '.', '/', ' - ', '  ', '–'];
const INVISIBLES = [
  '\u200b',
  '\u200c',
  '\u200d',
  '\u2060',
  '\ufeff',
  '\u00ad',
  '\u034f',
  '\u202e',
  '\u202c',
  '\u200e',
  '\u2066',
  '\u2069',
  '\u3164',
  '\u115f',
  '\ufe0f',
  '\u{e0031}',
  '\u{e0020}',
];
const ARABIC_INDIC = '٠١٢٣٤٥٦٧٨٩';
const PERSIAN = '۰۱۲۳۴۵۶۷۸۹';
const FULL_WIDTH = '０１２３４５６７８９';

interface Rendering {
  spaceEveryDigit: boolean;
  spacer: string;
  script: 'ascii' | 'arabic' | 'persian' | 'fullwidth' | 'mixed';
  lookalikes: boolean[];
  invisibles: [number, string][];
}

const rendering: fc.Arbitrary<Rendering> = fc.record({
  spaceEveryDigit: fc.boolean(),
  spacer: fc.constantFrom(' ', '  ', '.', ' . '),
  script: fc.constantFrom('ascii', 'arabic', 'persian', 'fullwidth', 'mixed'),
  lookalikes: fc.array(fc.boolean(), { minLength: 14, maxLength: 14 }),
  invisibles: fc.array(fc.tuple(fc.nat(), fc.constantFrom(...INVISIBLES)), { maxLength: 6 }),
});

/** One digit, in the chosen script or as a look-alike letter (O for 0, l or I for 1). */
function digit(d: string, i: number, r: Rendering): string {
  if (r.lookalikes[i] && d === '0') return i % 2 ? 'O' : 'o';
  if (r.lookalikes[i] && d === '1') return i % 2 ? 'l' : 'I';
  const n = Number(d);
  const script = r.script === 'mixed' ? (['ascii', 'arabic', 'persian'] as const)[i % 3] : r.script;
  if (script === 'arabic') return ARABIC_INDIC[n] ?? d;
  if (script === 'persian') return PERSIAN[n] ?? d;
  if (script === 'fullwidth') return FULL_WIDTH[n] ?? d;
  return d;
}

/** Writes digit groups with the separators, then scatters invisible characters inside. */
function render(groups: string[], separators: string[], r: Rendering): string {
  let i = 0;
  const written = groups.map((g) =>
    Array.from(g)
      .map((d) => digit(d, i++, r))
      .join(r.spaceEveryDigit ? r.spacer : ''),
  );
  let text = written
    .map((g, k) =>
      k === 0
        ? g
        : `${r.spaceEveryDigit && separators[k - 1] === '' ? r.spacer : separators[k - 1]}${g}`,
    )
    .join('');
  const chars = Array.from(text);
  for (const [at, ch] of r.invisibles)
    chars.splice(1 + (at % Math.max(1, chars.length - 1)), 0, ch);
  text = chars.join('');
  return text;
}

const typesIn = (text: string): Set<IdentifierType> =>
  new Set(checkText(text).findings.map((f) => f.type));

describe('normalisation (property-based)', () => {
  it('finds any valid personnummer however it is written', () => {
    fc.assert(
      fc.property(personnummer, fc.constantFrom(...SEPARATORS), rendering, (pnr, sep, r) => {
        const written = render([pnr.date, pnr.serial], [sep], r);
        const text = `Elevens personnummer är ${written} enligt anmälan.`;
        expect(typesIn(text), JSON.stringify(text)).toContain('personnummer');
      }),
      RUNS,
    );
  });

  it('finds any mobile number however it is written', () => {
    fc.assert(
      fc.property(mobile, fc.constantFrom(...GROUP_SEPARATORS), rendering, (groups, sep, r) => {
        const written = render(groups, [sep, sep, sep], r);
        const text = `Mamman nås på ${written} efter klockan fyra.`;
        expect(typesIn(text), JSON.stringify(text)).toContain('phone');
      }),
      RUNS,
    );
  });

  it('never flags clean Swedish sentences built from safe words', () => {
    const subjects = ['eleven', 'pojken', 'flickan', 'barnet', 'mentor', 'skolan', 'familjen'];
    const verbs = ['har', 'hade', 'vill', 'behöver', 'får', 'saknar', 'önskar'];
    const objects = [
      'hög frånvaro',
      'stöd',
      'en kontakt med kuratorn',
      'samtal med mentor',
      'hjälp med läxorna',
      'ett anpassat schema',
      'svårt med kamratrelationer',
      'kontakt med Första linjen',
    ];
    const tails = [
      'sedan vecka 12',
      'i höst',
      'på måndagar',
      'efter sportlovet',
      'enligt elevhälsan',
      'sedan i våras',
      'i åk 7',
      'kl. 13.00',
      '',
    ];
    const sentence = fc
      .tuple(
        fc.constantFrom(...subjects),
        fc.constantFrom(...verbs),
        fc.constantFrom(...objects),
        fc.constantFrom(...tails),
        fc.constantFrom('.', '!', '?'),
      )
      .map(
        ([s, v, o, t, end]) =>
          `${s[0]?.toUpperCase() ?? ''}${s.slice(1)} ${v} ${o}${t ? ` ${t}` : ''}${end}`,
      );
    fc.assert(
      fc.property(fc.array(sentence, { minLength: 1, maxLength: 4 }), (sentences) => {
        const text = sentences.join(' ');
        const result = checkText(text);
        expect(result.findings, text).toEqual([]);
        expect(result.warnings, text).toEqual([]);
      }),
      RUNS,
    );
  });
});
