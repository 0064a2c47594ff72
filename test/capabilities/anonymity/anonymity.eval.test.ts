import { describe, expect, it } from 'vitest';
import type { CorpusEntry } from '../../../src/capabilities/anonymity/anonymity.eval';
import {
  CorpusFormatError,
  evaluate,
  median,
  parseCorpus,
  summaryLine,
} from '../../../src/capabilities/anonymity/anonymity.eval';
import type {
  GateResult,
  IdentifierType,
} from '../../../src/capabilities/anonymity/anonymity.gate';

/** A fake gate that reports the types written as [type] markers in the text. */
function fakeCheck(text: string): GateResult {
  const findings = [...text.matchAll(/\[(\w+)\]/g)].map((m) => ({
    type: m[1] as IdentifierType,
    start: m.index,
    end: m.index + m[0].length,
    sentence: 1,
  }));
  return { ok: findings.length === 0, findings, warnings: [] };
}

describe('parseCorpus', () => {
  it('parses JSON Lines, skips blank lines and keeps line numbers', () => {
    const content = [
      '{"text": "Ren mening.", "types": []}',
      '',
      '{"text": "Med pnr.", "types": ["personnummer"]}',
    ].join('\n');
    expect(parseCorpus(content)).toEqual([
      { text: 'Ren mening.', types: [], line: 1 },
      { text: 'Med pnr.', types: ['personnummer'], line: 3 },
    ]);
  });

  it('names the line of invalid JSON', () => {
    expect(() => parseCorpus('{"text": "ok", "types": []}\n{not json')).toThrow(/line 2/);
  });

  it('names the line of an unknown type or a missing field', () => {
    expect(() => parseCorpus('{"text": "x", "types": ["ssn"]}')).toThrow(CorpusFormatError);
    expect(() => parseCorpus('{"text": "x", "types": ["ssn"]}')).toThrow(/line 1: types\.0/);
    expect(() => parseCorpus('\n{"types": []}')).toThrow(/line 2: text/);
  });
});

describe('evaluate', () => {
  const entries: CorpusEntry[] = [
    { text: 'clean', types: [] },
    { text: 'clean but flagged [name]', types: [] },
    { text: '[personnummer] [phone]', types: ['personnummer', 'phone'] },
    { text: 'missed email', types: ['email'] },
    { text: '[name] only', types: ['name', 'address'] },
    { text: '[postcode]', types: ['postcode'] },
    { text: 'birth missed', types: ['birthdate'] },
    { text: '[birthdate] wrong type [phone]', types: ['birthdate'] },
  ];

  it('computes recall per group and the false-alarm rate', () => {
    const r = evaluate(entries, fakeCheck);
    expect(r.sentences).toBe(8);
    expect(r.recallIds).toBeCloseTo(2 / 3); // personnummer, phone found; email missed
    expect(r.recallNames).toBe(1);
    expect(r.recallAddresses).toBe(0.5); // postcode found, address missed
    expect(r.recallDates).toBe(0.5);
    expect(r.cleanSentences).toBe(2);
    expect(r.falseAlarmRate).toBe(0.5);
    expect(r.falseAlarmLines).toEqual([2]);
  });

  it('reports per-type counts and the lines of misses', () => {
    const r = evaluate(entries, fakeCheck);
    expect(r.perType.email).toEqual({ labelled: 1, detected: 0, recall: 0, missed: [4] });
    expect(r.perType.address.missed).toEqual([5]);
    expect(r.perType.birthdate).toMatchObject({ labelled: 2, detected: 1, missed: [7] });
    expect(r.perType.phone).toMatchObject({ labelled: 1, detected: 1, recall: 1 });
  });

  it('prefers the corpus line numbers when present', () => {
    const r = evaluate([{ text: 'x', types: ['email'], line: 42 }], fakeCheck);
    expect(r.perType.email.missed).toEqual([42]);
  });

  it('treats empty groups as full recall and no clean sentences as no false alarms', () => {
    const r = evaluate([], fakeCheck);
    expect(r).toMatchObject({ sentences: 0, recallIds: 1, recallNames: 1, falseAlarmRate: 0 });
  });

  it('formats the summary line with three decimals', () => {
    expect(summaryLine(evaluate(entries, fakeCheck))).toBe(
      'sentences=8 recall_ids=0.667 recall_names=1.000 recall_addresses=0.500 ' +
        'recall_dates=0.500 false_alarm_rate=0.500 warn_recall=1.000 warn_false_alarm_rate=0.000',
    );
  });
});

describe('evaluate: quasi-identifier warnings', () => {
  /** A fake gate that warns when the text holds "[warn]" and finds [type] markers. */
  const warnCheck = (text: string): GateResult => ({
    ...fakeCheck(text.replace('[warn]', '')),
    warnings: text.includes('[warn]')
      ? [{ kind: 'quasi', signals: ['unit', 'detail'], sentences: [1] }]
      : [],
  });
  const entries: CorpusEntry[] = [
    { text: 'quasi warned [warn]', types: ['quasi'], line: 1 },
    { text: 'quasi missed', types: ['quasi'], line: 2 },
    { text: 'quasi refused as a name [name]', types: ['quasi'], line: 3 },
    { text: 'clean', types: [], line: 4 },
    { text: 'clean but warned [warn]', types: [], line: 5 },
    { text: 'name and quasi [name] [warn]', types: ['name', 'quasi'], line: 6 },
  ];

  it('accepts the quasi label', () => {
    expect(parseCorpus('{"text": "x", "types": ["quasi"]}')).toEqual([
      { text: 'x', types: ['quasi'], line: 1 },
    ]);
  });

  it('scores warnings on quasi sentences and false warnings on the rest', () => {
    const r = evaluate(entries, warnCheck);
    expect(r.quasiSentences).toBe(4);
    expect(r.warnRecall).toBe(0.5);
    expect(r.warnMissedLines).toEqual([2, 3]);
    expect(r.notQuasiSentences).toBe(2);
    expect(r.warnFalseAlarmRate).toBe(0.5);
    expect(r.warnFalseAlarmLines).toEqual([5]);
  });

  it('counts a quasi-only sentence as clean of direct identifiers', () => {
    const r = evaluate(entries, warnCheck);
    expect(r.cleanSentences).toBe(5);
    expect(r.falseAlarmLines).toEqual([3]);
    expect(r.recallNames).toBe(1);
  });

  it('treats a gate without warnings as warning on nothing', () => {
    const r = evaluate(entries, fakeCheck);
    expect(r.warnRecall).toBe(0);
    expect(r.warnFalseAlarmRate).toBe(0);
  });
});

describe('median', () => {
  it('takes the middle value, or the mean of the two middle values', () => {
    expect(median([])).toBe(0);
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});
