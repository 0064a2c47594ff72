import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluate, parseCorpus } from '../../../src/capabilities/anonymity/anonymity.eval';
import type { IdentifierType } from '../../../src/capabilities/anonymity/anonymity.gate';
import { checkText, createGate } from '../../../src/capabilities/anonymity/anonymity.gate';
import { unitNames, unitsFileSchema } from '../../../src/config/config';
import { luhnValid } from '../../../src/capabilities/anonymity/detect.personnummer';
import { normalizeText } from '../../../src/capabilities/anonymity/normalize';

const typesOf = (text: string): IdentifierType[] => [
  ...new Set(checkText(text).findings.map((f) => f.type)),
];

/** The original substrings the findings of one type point at. */
const spansOf = (text: string, type: IdentifierType): string[] =>
  checkText(text)
    .findings.filter((f) => f.type === type)
    .map((f) => text.slice(f.start, f.end));

describe('checkText: personnummer and samordningsnummer', () => {
  it.each([
    '19121212-1212',
    '121212-1212',
    '201212121212',
    '121212+1212',
    '121212 1212',
    '1212121212',
    '121212 - 1212',
    '20121212 1212',
    '19120372-1238', // samordningsnummer (day + 60)
    '120364-1234',
  ])('finds %s inside a sentence', (pnr) => {
    const text = `Eleven med personnummer ${pnr} har hög frånvaro.`;
    expect(spansOf(text, 'personnummer')).toEqual([pnr]);
    expect(checkText(text).ok).toBe(false);
  });

  it('finds shaped numbers that fail the Luhn check', () => {
    expect(luhnValid('1203041234')).toBe(false);
    expect(typesOf('Pnr 120304-1234, åk 6.')).toContain('personnummer');
  });

  it('ignores digit groups that are not a plausible date', () => {
    expect(typesOf('Dnr 2024/00123 och ärende FOS-26-014.')).toEqual([]);
    expect(typesOf('Siffran 991399-1234 är inget datum.')).not.toContain('personnummer');
  });
});

describe('checkText: phone numbers', () => {
  it.each([
    '070-123 45 67',
    '0701234567',
    '+46 70 123 45 67',
    '0046 70 123 45 67',
    '08-123 456 78',
    '031-12 34 56',
    '(08) 123 45 67',
    '0480-123 45',
    '+46 (0)70-123 45 67',
    '070.123.45.67',
  ])('finds %s', (phone) => {
    const text = `Mamma nås på ${phone} efter skolan.`;
    expect(spansOf(text, 'phone')).toEqual([phone]);
  });

  it('does not take times of day or short numbers for phone numbers', () => {
    expect(typesOf('Mötet är kl. 08.30–09.15 och sedan 13.00–15.30.')).toEqual([]);
    expect(typesOf('Skolan ringde 112 och mamma har fått numret till 1177.')).toEqual([]);
  });
});

describe('checkText: e-mail addresses', () => {
  it.each([
    'lena.andersson@example.se',
    'namn [at] domän.se',
    'namn(at)skola.se',
    'eleven2012 at example dot se',
    'ali [snabel-a] example [punkt] se',
  ])('finds %s', (email) => {
    expect(spansOf(`Skicka till ${email} i morgon.`, 'email')).toEqual([email]);
  });
});

describe('checkText: addresses and postcodes', () => {
  it.each([
    'Storgatan 12',
    'Vasavägen 3B',
    'Lilla Nygatan 5 lgh 1102',
    'Björkallén 6',
    'Gröna gatan 4',
  ])('finds the street address %s', (address) => {
    expect(spansOf(`Familjen bor på ${address} sedan i höstas.`, 'address')).toEqual([address]);
  });

  it('finds postcodes in postcode context', () => {
    expect(spansOf('Adress: Storgatan 1, 123 45 Tyresö.', 'postcode')).toEqual(['123 45']);
    expect(spansOf('Pappa bor på SE-123 45 Stockholm.', 'postcode')).toEqual(['SE-123 45']);
    expect(spansOf('Postnummer 12345.', 'postcode')).toEqual(['12345']);
    expect(spansOf('Brevet gick till 12345 Stockholm.', 'postcode')).toEqual(['12345']);
  });

  it('does not take amounts or plain numbers for postcodes', () => {
    expect(typesOf('Eleven har en skuld på 12 345 kr och 25 000 kr.')).toEqual([]);
    expect(typesOf('Handlingsplan 2 följs upp i maj, vecka 12.')).toEqual([]);
  });
});

describe('checkText: dates of birth', () => {
  it.each([
    'född 2012-03-04',
    'f. 4 mars 2012',
    'född den 4/3-12',
    'födelsedatum 2012-03-04',
    'födelsedag 4 mars',
    'born 4 March 2012',
    'DOB 2012-03-04',
  ])('finds %s', (phrase) => {
    expect(typesOf(`Eleven, ${phrase}, går i åk 6.`)).toEqual(['birthdate']);
  });

  it('leaves dates that are not about birth alone', () => {
    expect(typesOf('Mötet 2024-03-04 ställdes in.')).toEqual([]);
    expect(typesOf('Eleven har varit borta sedan vecka 12.')).toEqual([]);
    expect(typesOf('Eleven har inte varit i skolan sedan 12 mars.')).toEqual([]);
    expect(typesOf('Eleven är född i Sverige.')).toEqual([]);
  });
});

describe('checkText: names', () => {
  it.each([
    ['Eleven Kalle har varit borta.', 'Kalle'],
    ['Kalle har varit borta sedan sportlovet.', 'Kalle'],
    ['Pojken heter Zorro och går i 7B.', 'Zorro'],
    ['Hennes bror Ahmed är också aktuell.', 'Ahmed'],
    ['Mamma Lena har sökt stöd.', 'Lena'],
    ['Kalle Andersson i 9A har hittats med snus.', 'Kalle Andersson'],
    ['Eleven Bo Nilsson har hög frånvaro.', 'Bo Nilsson'],
    ['Pappa Per har suttit i fängelse.', 'Per'],
    ['Eleven vill inte att Björn ska vara med.', 'Björn'],
  ])('finds the name in %j', (text, name) => {
    expect(spansOf(text, 'name')).toEqual([name]);
  });

  it.each([
    'Bo kvar i hemmet är inte aktuellt.',
    'Eleven kastade sten mot en bil.',
    'Per vecka missar eleven sex lektioner.',
    'Dag för dag blir det svårare.',
    'Hans mamma har ringt skolan.',
    'Inga åtgärder har vidtagits.',
    'Maj och juni har varit bättre.',
    'Eleven, Mamma, Pappa och Rektor träffade Socialtjänsten, Elevhälsan, BUP och IFO på Fossam.',
    'Första linjen rekommenderar en SIP på tisdag i mars.',
    'Eleven har kontakt med Maria Ungdom.',
  ])('does not flag %j', (text) => {
    expect(typesOf(text)).toEqual([]);
  });
});

describe('checkText: normalisation', () => {
  it('finds a personnummer written with full-width digits', () => {
    const text = 'Personnummer １９１２１２１２-１２１２.';
    expect(spansOf(text, 'personnummer')).toEqual(['１９１２１２１２-１２１２']);
  });

  it('finds a personnummer with zero-width characters and soft hyphens inside', () => {
    const text = 'Eleven 1212\u200b12-12\u00ad12 har slutat.';
    expect(spansOf(text, 'personnummer')).toEqual(['1212\u200b12-12\u00ad12']);
  });

  it('finds an e-mail address written with Cyrillic look-alike letters', () => {
    const text = 'Mejla nin\u0430.l\u0430rsson@ex\u0430mple.se i dag.';
    expect(spansOf(text, 'email')).toEqual(['nin\u0430.l\u0430rsson@ex\u0430mple.se']);
  });

  it('treats dash and space variants as ordinary ones', () => {
    expect(typesOf('Eleven 121212\u20131212 och 070\u2011123\u00a045\u202f67.')).toEqual([
      'personnummer',
      'phone',
    ]);
  });

  it('maps normalised offsets back to the original text', () => {
    const norm = normalizeText('a\u200bb１c');
    expect(norm.text).toBe('ab1c');
    expect(norm.startOf).toEqual([0, 2, 3, 4]);
  });
});

describe('checkText: result shape', () => {
  it('passes the clean tricky sentence from the brief', () => {
    const result = checkText(
      'Eleven har haft 40 % frånvaro sedan vecka 12 och mamma har sökt stöd hos Första linjen.',
    );
    expect(result).toEqual({ ok: true, findings: [], warnings: [] });
  });

  it('returns findings sorted by start with offsets pointing at each identifier', () => {
    const text =
      'Kalle Andersson, 19121212-1212, Storgatan 12, 123 45 Tyresö, tel 070-123 45 67, kalle@example.se.';
    const { ok, findings } = checkText(text);
    expect(ok).toBe(false);
    expect(findings.map((f) => [f.type, text.slice(f.start, f.end)])).toEqual([
      ['name', 'Kalle Andersson'],
      ['personnummer', '19121212-1212'],
      ['address', 'Storgatan 12'],
      ['postcode', '123 45'],
      ['phone', '070-123 45 67'],
      ['email', 'kalle@example.se'],
    ]);
  });

  it('never includes the identifying text in the result', () => {
    const text = 'Lisa Nilsson 121212-1212 lisa@example.se 070-123 45 67';
    const result = checkText(text);
    const serialised = JSON.stringify(result);
    for (const secret of ['Lisa', 'Nilsson', '121212', 'example', '070']) {
      expect(serialised).not.toContain(secret);
    }
    for (const f of result.findings)
      expect(Object.keys(f).sort()).toEqual(['end', 'sentence', 'start', 'type']);
  });

  it('handles empty text', () => {
    expect(checkText('')).toEqual({ ok: true, findings: [], warnings: [] });
  });
});

describe('the gate on the labelled corpus, with the configured units', () => {
  it('meets the issue #8 targets', () => {
    const root = path.join(__dirname, '..', '..', '..');
    const entries = parseCorpus(readFileSync(path.join(root, 'test/pii/corpus.jsonl'), 'utf8'));
    expect(entries.length).toBeGreaterThanOrEqual(700);
    expect(entries.filter((e) => e.types.includes('quasi')).length).toBeGreaterThanOrEqual(40);
    const units = unitNames(
      unitsFileSchema.parse(JSON.parse(readFileSync(path.join(root, 'env/units.json'), 'utf8'))),
    );
    const gate = createGate({ units });
    const report = evaluate(entries, (t) => gate.check(t));
    expect(report.recallIds).toBe(1);
    expect(report.recallNames).toBeGreaterThanOrEqual(0.97);
    expect(report.recallAddresses).toBeGreaterThanOrEqual(0.97);
    expect(report.recallDates).toBeGreaterThanOrEqual(0.97);
    expect(report.falseAlarmRate).toBeLessThanOrEqual(0.02);
    expect(report.warnRecall).toBeGreaterThanOrEqual(0.9);
    expect(report.warnFalseAlarmRate).toBeLessThanOrEqual(0.05);
  });
});
