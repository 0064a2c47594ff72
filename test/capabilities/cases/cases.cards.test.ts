import { describe, expect, it } from 'vitest';
import { excerpt, myCasesCard } from '../../../src/capabilities/cases/cases.cards';
import { DEFAULT_CASES_CONFIG } from '../../../src/capabilities/cases/cases.config';
import type { MyCase } from '../../../src/capabilities/cases/cases.service';
import type { CaseRecord } from '../../../src/capabilities/cases/cases.types';
import type { Meeting } from '../../../src/capabilities/meetings/meetings.types';
import { translator } from '../../../src/i18n/i18n';
import { cardText } from '../../harness/test-bot';

const QUESTION =
  'Vad kan socialtjänsten och Första linjen erbjuda familjen när skolan inte räcker till?';

describe('excerpt', () => {
  it('keeps a short text whole, with its whitespace collapsed', () => {
    expect(excerpt('Hur går vi vidare?')).toBe('Hur går vi vidare?');
    expect(excerpt('  Hur går vi\n\nvidare?  ')).toBe('Hur går vi vidare?');
    expect(excerpt('x'.repeat(60))).toBe('x'.repeat(60));
  });

  it('cuts a long text at a word boundary within 60 characters and adds "…"', () => {
    expect(excerpt(QUESTION)).toBe('Vad kan socialtjänsten och Första linjen erbjuda familjen…');
    // A whole word that ends exactly at the limit is kept.
    expect(excerpt(`${'a'.repeat(30)} ${'b'.repeat(29)} c`)).toBe(
      `${'a'.repeat(30)} ${'b'.repeat(29)}…`,
    );
    // No dangling punctuation before the ellipsis.
    expect(excerpt(`${'a'.repeat(50)}, bbbbbbbbbbbb`)).toBe(`${'a'.repeat(50)}…`);
    expect(excerpt('Kort, text här', 6)).toBe('Kort…');
  });

  it('cuts one very long word at the limit', () => {
    expect(excerpt('y'.repeat(100))).toBe(`${'y'.repeat(60)}…`);
  });
});

const meeting = {
  id: 'fossam:2026-12-03',
  start: new Date('2026-12-03T12:00:00Z'),
  timeZone: 'Europe/Stockholm',
} as Meeting;

function myCase(n: number, canWithdraw: boolean): MyCase {
  const record = {
    code: `FOS-26-${String(n).padStart(3, '0')}`,
    status: canWithdraw ? 'submitted' : 'withdrawn',
    ageBand: 'grades7to9',
    concerns: ['schoolAbsence', 'mentalHealth', 'peerRelations'],
    question: QUESTION.repeat(20),
  } as CaseRecord;
  return { record, forumName: 'Fossam', meeting, canWithdraw };
}

describe('myCasesCard', () => {
  it('tells cases apart by age band, concerns and the start of the question', () => {
    const text = cardText(
      myCasesCard({ t: translator('sv'), locale: 'sv' }, [myCase(14, true)], DEFAULT_CASES_CONFIG),
    );
    expect(text).toContain('FOS-26-014 · Fossam');
    expect(text).toContain('torsdag 3 december kl. 13.00 · inskickat');
    expect(text).toContain(
      'Högstadiet (7–9) · Skolfrånvaro, Psykisk ohälsa, Kamratrelationer/mobbning',
    );
    expect(text).toContain('Fråga: Vad kan socialtjänsten och Första linjen erbjuda familjen…');
    expect(text).not.toContain('när skolan');

    const en = cardText(
      myCasesCard({ t: translator('en'), locale: 'en' }, [myCase(14, true)], DEFAULT_CASES_CONFIG),
    );
    expect(en).toContain('Lower secondary (7–9) · School absence, Mental ill-health');
    expect(en).toContain('Question: Vad kan socialtjänsten');
  });

  it('asks to confirm a withdrawal under the case whose button was pressed', () => {
    const cases = [myCase(14, true), myCase(15, true), myCase(13, false)];
    const t = translator('sv');
    const plain = JSON.stringify(myCasesCard({ t, locale: 'sv' }, cases, DEFAULT_CASES_CONFIG));
    expect(plain).toContain('"verb":"cases.mine","data":{"confirm":"FOS-26-014"}');
    expect(plain).toContain('"data":{"confirm":"FOS-26-015"}');
    expect(plain).not.toContain('"data":{"confirm":"FOS-26-013"}'); // withdrawn already
    expect(plain).not.toContain('cases.withdraw');

    const card = myCasesCard({ t, locale: 'sv' }, cases, DEFAULT_CASES_CONFIG, {
      confirm: 'FOS-26-015',
    });
    const json = JSON.stringify(card);
    expect(cardText(card)).toContain(
      'Vill du återkalla ärendet FOS-26-015? Det går inte att ångra.',
    );
    expect(json).toContain(
      '"verb":"cases.withdraw","style":"destructive","data":{"code":"FOS-26-015"}',
    );
    expect(json).not.toContain('"data":{"code":"FOS-26-014"}');
    expect(json).toContain('"data":{"confirm":"FOS-26-014"}');
    // A code that cannot be withdrawn is never offered.
    const other = myCasesCard({ t, locale: 'sv' }, cases, DEFAULT_CASES_CONFIG, {
      confirm: 'FOS-26-013',
    });
    expect(JSON.stringify(other)).not.toContain('cases.withdraw');
  });

  it('stays well under the 28 KB card limit with 30 cases that may all be withdrawn', () => {
    const t = translator('sv');
    const size = (cases: MyCase[]) =>
      Buffer.byteLength(
        JSON.stringify(
          myCasesCard({ t, locale: 'sv' }, cases, DEFAULT_CASES_CONFIG, {
            status: { text: 'Ärendet FOS-26-002 är återkallat.', good: true },
            confirm: 'FOS-26-001',
          }),
        ),
      );
    const typical = Array.from({ length: 30 }, (_, i) => myCase(i + 1, true));
    expect(size(typical)).toBeLessThan(21_000);
    // Every concern ticked and a long forum name on every case.
    const heavy = typical.map((c) => ({
      ...c,
      forumName: 'Samverkansforum för barn och unga i norra kommundelen',
      record: { ...c.record, concerns: DEFAULT_CASES_CONFIG.concerns.map((x) => x.code) },
    }));
    expect(size(heavy)).toBeLessThan(25_000);
  });
});
