/** The second round of the gate (issue #8): numbers however written, names without a list,
 * units from configuration, sentence positions, and combinations that identify a child. */
import { describe, expect, it } from 'vitest';
import { createGate } from '../../../src/capabilities/anonymity/anonymity.gate';
import { probe } from './probe';
import { lexiconOf } from '../../../src/capabilities/anonymity/lexicon';
import { sentenceAt, sentenceStarts } from '../../../src/capabilities/anonymity/sentences';
import { unitMatcher } from '../../../src/capabilities/anonymity/units';

const UNITS = ['Lindåsskolan', 'Förskolan Sländan', 'Familjestödsenheten', 'Fritidsgården Ankaret'];
const gate = createGate({ units: UNITS });
const { typesOf, spansOf } = probe(gate);

describe('numbers however they are written', () => {
  it.each([
    ['every digit spaced', 'Pnr 0 9 1 1 2 3 - 4 4 5 6 enligt BBIC.'],
    ['a dot between date and number', 'Barnet 091123.4456 har flyttat.'],
    ['a slash', 'Rätt pnr är 091123/4456.'],
    ['a double dash', 'Skriv 091123--4456 i journalen.'],
    ['an em dash', 'Pnr 20091123—4456 enligt mamman.'],
    ['the date in parts and a dash', 'Pnr: 09 11 23 - 44 56'],
    ['look-alike letters', 'Personnr O9ll23-4456 enligt lappen.'],
    ['Arabic-Indic digits', 'الرقم: ٠٩١١٢٣-٤٤٥٦'],
    ['Persian digits', 'شماره ۰۹۱۱۲۳-۴۴۵۶'],
    ['a right-to-left override', 'Pnr \u202e091123-4456\u202c i akten.'],
    ['tag characters', 'Pnr 0911\u{e0031}23-4456 i akten.'],
    ['a combining grapheme joiner', 'Pnr 0\u034f9\u034f1\u034f1\u034f23-4456 i akten.'],
    ['a Hangul filler', 'Pnr 091123\u31644456 i akten.'],
    ['read out in words', 'Hon läste: noll nio ett ett två tre, fyra fyra fem sex.'],
    ['read out with "streck"', 'pnr tjugo noll nio ett ett två tre streck fyra fyra fem sex'],
  ])('finds a personnummer written with %s', (_how, text) => {
    expect(typesOf(text)).toContain('personnummer');
  });

  it.each([
    ['a slash', 'Ring 070/123 45 67 efter lunch.'],
    ['every digit spaced', 'Numret är 0 7 3 1 2 3 4 5 6 7.'],
    ['Stockholm with a slash', 'Ring 08 / 555 123 45 på kvällen.'],
    ['look-alike letters', 'Tel: O7O-l23 45 67'],
    ['Arabic-Indic digits', 'هاتف ٠٧٣-١٢٣ ٤٥ ٦٧'],
    ['words with commas', 'Ring noll sju noll, ett två tre, fyra fem, sex sju.'],
  ])('finds a phone number written with %s', (_how, text) => {
    expect(typesOf(text)).toContain('phone');
  });

  it('leaves dates, times, amounts and case numbers alone', () => {
    for (const text of [
      'Mötet 2026-03-04 13.00 flyttas.',
      'Mötet är kl. 08.30–09.15 i aula 2.',
      'Skulden är 12 345 kr och 6 000 kr.',
      'Dnr SN 2024/1123 och ärende FOS-26-014.',
      'Vecka 12, 13 och 14 var det lov.',
      'Eleven har sex lektioner och fem raster på måndagar.',
    ])
      expect(typesOf(text), text).toEqual([]);
  });
});

describe('e-mail addresses', () => {
  it.each([
    'namn {at} example {dot} com',
    'namn (a) example.se',
    'namn [snabel-a] example [punkt] se',
  ])('finds %s', (email) => {
    expect(typesOf(`Mejla ${email} i dag.`)).toContain('email');
  });

  it('finds a name written into the address', () => {
    expect(typesOf('Mejla karin.lindqvist@example.se om protokollet.')).toEqual(['email', 'name']);
    expect(typesOf('Mejla kansliet@example.se om protokollet.')).toEqual(['email']);
  });
});

describe('names without a list', () => {
  it.each([
    ['an unknown spelling mid-sentence', 'Mentorn har pratat med Jonnah om rasterna.', 'Jonnah'],
    ['an unknown name opening the sentence', 'Vendelia har slutat äta i skolan.', 'Vendelia'],
    ['a spelling one letter from a listed name', 'Ebbba har ont i magen.', 'Ebbba'],
    ['a possessive', 'Vendelias mamma har ringt.', 'Vendelias'],
    ['an English possessive', "Vendelia's father called the school.", "Vendelia's"],
    ['a hyphenated name', 'Hon heter Ella-Vendela och går i förskoleklass.', 'Ella-Vendela'],
    ['a listed name in lower case', 'vilmer har varit borta hela veckan.', 'vilmer'],
    ['a lower-case name after a relation word', 'farmor gudrunne hämtar honom.', 'gudrunne'],
    ['a lower-case first name and surname', 'Vi oroar oss för oskar lindqvist.', 'oskar lindqvist'],
    ['initials', 'K.L. i åk 4 har svårt med rasterna.', 'K.L.'],
    ['a proper noun whose mother is spoken of', 'Ring Kristofers pappa i dag.', 'Kristofers'],
  ])('finds %s', (_what, text, name) => {
    expect(spansOf(text, 'name')).toEqual([name]);
  });

  it.each([
    ['organisations that are compounds of words', 'Familjen har fått stöd av Tjejzonen.'],
    [
      'ordinary words capitalised by a missing full stop',
      'Han pratade med kuratorn Eleven vill byta skola.',
    ],
    ['configured units', 'Eleven går på Lindåsskolan och Förskolan Sländan.'],
    ["a unit's short name", 'Hon är ofta på Ankaret på kvällarna.'],
    ['school-shaped names not in the configuration', 'Eleven kommer från Granbacksskolan.'],
    ['games after "spelar"', 'Eleven spelar Valheim och Terraria hela nätterna.'],
    ['a web address', 'Tipsa om Umo.se och Bris.se.'],
    ['holidays', 'Familjen firar Eid och Nowruz.'],
    ['abbreviations without vowels', 'Dnr och Tfn står i akten.'],
    ['English capitals', 'The meeting on Friday is cancelled for Christmas.'],
    ['places', 'Familjen har flyttat från Gotland till Stockholm.'],
    ['a hyphen with an ordinary word in front', 'Eleven har varit på Mini-Maria.'],
  ])('does not take %s for names', (_what, text) => {
    expect(typesOf(text)).toEqual([]);
  });

  it('asks the dictionaries it is given (no I/O with a fake lexicon)', () => {
    const words = new Set(['eleven', 'har', 'pratat', 'med', 'om', 'rasterna']);
    const fake = createGate({
      lexicon: lexiconOf({ correct: (w) => words.has(w.toLowerCase()) }, { correct: () => false }),
    });
    expect(fake.check('Eleven har pratat med Qwerty om rasterna.').findings).toMatchObject([
      { type: 'name' },
    ]);
    words.add('qwerty');
    const known = createGate({
      lexicon: lexiconOf({ correct: (w) => words.has(w.toLowerCase()) }, { correct: () => false }),
    });
    expect(known.check('Eleven har pratat med Qwerty om rasterna.').findings).toEqual([]);
  });
});

describe('where: sentence positions', () => {
  it('numbers the sentence of every finding', () => {
    const text = 'Eleven har hög frånvaro. Hon heter Vendelia. Ring mamma på 070-123 45 67.';
    expect(gate.check(text).findings.map((f) => [f.type, f.sentence])).toEqual([
      ['name', 2],
      ['phone', 3],
    ]);
  });

  it('does not end a sentence at an abbreviation, a time or an initial', () => {
    const text = 'Mötet kl. 13 gick bra, t.ex. med K. Svensson. Nästa möte är i maj.\nSlut.';
    expect(sentenceStarts(text).map((s) => text.slice(s, s + 5))).toEqual([
      'Mötet',
      'Nästa',
      'Slut.',
    ]);
    expect(sentenceAt(sentenceStarts(text), text.indexOf('maj'))).toBe(2);
  });
});

describe('units from configuration', () => {
  it('finds them in any case, in the genitive and by their short names', () => {
    const m = unitMatcher(UNITS);
    const text = 'lindåsskolan, Lindåsskolans elevhälsa, FÖRSKOLAN SLÄNDAN och Ankaret.';
    expect(m.find(text).map((x) => text.slice(x.start, x.end))).toEqual([
      'lindåsskolan',
      'Lindåsskolans',
      'FÖRSKOLAN SLÄNDAN',
      'Ankaret',
    ]);
  });
});

describe('combinations that identify a child (warnings)', () => {
  const warningOf = (text: string) => gate.check(text).warnings;

  it('warns on a unit, a class and a rare detail, as a warning and not a refusal', () => {
    const text = 'Eleven går på Lindåsskolan. Hon är den enda i 6B som har en hörapparat.';
    const result = gate.check(text);
    expect(result.ok).toBe(true);
    expect(result.findings).toEqual([]);
    expect(result.warnings).toEqual([
      { kind: 'quasi', signals: ['unit', 'group', 'detail'], sentences: [1, 2] },
    ]);
  });

  it.each([
    ['a unit and a rare detail', 'Pojken på Lindåsskolan som sitter i rullstol blir retad.'],
    ['a unit, a class and an exact date', 'Den 4 maj på Lindåsskolan, 8A, skadades en elev.'],
    [
      'a unit, a class and a description',
      'Flickan i 7C på Lindåsskolan som sjunger i kören har slutat.',
    ],
    ['a class and one of the strongest details', 'Tvillingarna i 2B har hög frånvaro.'],
    ['an English text', 'The only girl in 9A at Lindåsskolan who plays chess is bullied.'],
  ])('warns on %s', (_what, text) => {
    expect(warningOf(text)).toHaveLength(1);
  });

  it.each([
    ['a unit alone', 'En elev på Lindåsskolan har hög frånvaro.'],
    ['a class alone', 'En elev i 7B har svårt med kamratrelationer.'],
    ['a rare detail alone', 'En elev som använder rullstol behöver anpassad idrott.'],
    ['a unit and a class', 'Pojken i 5B på Lindåsskolan har slutat äta lunch.'],
    ['membership only', 'Flickan som går i 3A på Lindåsskolan har ont i magen.'],
    ['a meeting date', 'Mötet om eleven i 7C på Lindåsskolan flyttas till den 5 maj.'],
    ['no child', 'Lindåsskolan har många elever med diabetes och en rutin för det.'],
  ])('does not warn on %s', (_what, text) => {
    expect(warningOf(text)).toEqual([]);
  });
});
