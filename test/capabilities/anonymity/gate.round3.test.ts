/**
 * The third round of the gate (blind batch 2026-11b): a personnummer in digit groups of any
 * lengths (checked by its date and check digit), a personnummer given in two parts with words
 * that say so, and English words that introduce a name. Examples of our own, with near misses.
 */
import { describe, expect, it } from 'vitest';
import { createGate } from '../../../src/capabilities/anonymity/anonymity.gate';
import { probe } from './probe';
import {
  detectPersonnummerInParts,
  luhnValid,
} from '../../../src/capabilities/anonymity/detect.personnummer';
import { lexiconOf } from '../../../src/capabilities/anonymity/lexicon';

const gate = createGate();
const { typesOf, spansOf } = probe(gate);

describe('a personnummer in digit groups of any lengths', () => {
  it('uses valid numbers in its examples and wrong check digits in its near misses', () => {
    for (const ok of ['1009173343', '1508224480', '0911053379', '1305142265', '1009771237'])
      expect(luhnValid(ok), ok).toBe(true);
    for (const wrong of ['1508224481', '1009173344', '0911053370', '1305142266'])
      expect(luhnValid(wrong), wrong).toBe(false);
  });

  it.each([
    ['6 + 2 + 4', 'Flickan har personnummer 201009 17 3343 enligt skolan.', '201009 17 3343'],
    ['4 + 4 + 4', 'Skriv 2015 0822 4480 på blanketten.', '2015 0822 4480'],
    ['2 + 4 + 2 + 4', 'Numret 20 0911 05 3379 stod på lappen.', '20 0911 05 3379'],
    ['3 + 3 + 4', 'Han uppgav 130 514 2265 i receptionen.', '130 514 2265'],
    ['4 + 6', 'I akten: 1305 142265 och inget mer.', '1305 142265'],
    ['dots and a slash', 'Det stod 2015.0822/4480 i mejlet.', '2015.0822/4480'],
    ['a samordningsnummer (day + 60)', 'Samordningsnumret är 1009 7712 37.', '1009 7712 37'],
  ])('finds one written %s', (_layout, text, span) => {
    expect(spansOf(text, 'personnummer')).toEqual([span]);
  });

  it.each([
    ['a wrong check digit (4 + 4 + 4)', 'Skriv 2015 0822 4481 på blanketten.'],
    ['a wrong check digit (6 + 2 + 4)', 'Koden 201009 17 3344 gäller skåpet.'],
    ['a wrong check digit (2 + 4 + 2 + 4)', 'Serien 20 0911 05 3370 är slut.'],
    ['no such date (30 February), check digit right', 'Koden 2006 0230 8819 gäller skåpet.'],
    ['no such month, check digit right', 'Koden 2013 1304 1236 gäller skåpet.'],
    ['vecka and numbers', 'Vi har möten vecka 12 och 13, sedan vecka 12 13 14 15 16.'],
    ['a date with a time, check digit right', 'Mötet 2012-03-04 09.00 flyttas till aulan.'],
    ['a compact date with a time, check digit right', 'Samtal 120304 11.30 med kuratorn.'],
    ['a long date with a time, check digit right', 'Bokat 20120304 10.15 i rum 4.'],
    ['an amount, check digit right', 'Budgeten är 1 203 048 804 kr för hela kommunen.'],
    ['an amount in SEK, check digit right', 'Totalt SEK 1203 0488 04 för projektet.'],
    ['a case number, check digit right', 'Dnr 2012-0304-1205 gäller ansökan.'],
    ['an ärende number, check digit right', 'Ärendenummer 2012 0304 1213 är avslutat.'],
  ])('leaves alone %s', (_what, text) => {
    expect(typesOf(text), text).not.toContain('personnummer');
  });

  it('keeps those apart by their context: the same digits alone are a personnummer', () => {
    expect(typesOf('Skriv 2012-0304-1205 på blanketten.')).toContain('personnummer');
    expect(typesOf('Han skrev 1 203 048 804 på lappen.')).toContain('personnummer');
  });

  it('reads a mobile number whose digits pass the checks as a phone number only', () => {
    expect(luhnValid('0703154823')).toBe(true);
    expect(typesOf('Ring 0703 15 48 23 efter tre.')).toEqual(['phone']);
  });
});

describe('a personnummer given in two parts', () => {
  it.each([
    [
      'datumdelen … de fyra sista siffrorna',
      'Datumdelen är 150822 och de fyra sista siffrorna är 4480.',
    ],
    [
      'född …, in the next sentence de fyra sista',
      'Hon är född 2009-11-05. De fyra sista är 3379.',
    ],
    [
      'the first six … the last four',
      'The first six digits are 130514, and the last four digits are 2265.',
    ],
    [
      'date of birth …, next sentence ends in',
      'His date of birth is 100917. His number ends in 3343.',
    ],
    ['the four digits before their cue', '4480 är de fyra sista, födelsedelen är 150822.'],
    ['a samordningsnummer', 'Samordningsnumret börjar på 100977 och slutar på 1237.'],
  ])('finds %s', (_how, text) => {
    expect(typesOf(text)).toContain('personnummer');
    expect(detectPersonnummerInParts(text)).toHaveLength(2);
  });

  it.each([
    ['a wrong check digit', 'Datumdelen är 150822 och de fyra sista siffrorna är 4481.'],
    [
      'a wrong check digit, in English',
      'The first six digits are 130514 and the last four are 2266.',
    ],
    [
      'no words for a date part or a personnummer (check digit right)',
      'Protokollet 150822 tar upp de fyra sista punkterna, bilaga 4480.',
    ],
    [
      'the parts two sentences apart',
      'Födelsedelen är 150822. Mötet gick bra. De fyra sista är 4480.',
    ],
    ['no such date, check digit right', 'Födelsedelen är 151322 och de fyra sista är 4483.'],
    ['words without numbers', 'Hon föddes 2015 och har missat de fyra sista veckorna.'],
  ])('does not flag %s', (_what, text) => {
    expect(detectPersonnummerInParts(text)).toEqual([]);
    expect(typesOf(text)).not.toContain('personnummer');
  });
});

describe('English words that introduce a name', () => {
  it.each([
    [
      '"her name is" + a proper noun of the dictionary',
      'She is new. Her name is Rhiannon and she is shy.',
      'Rhiannon',
    ],
    ['"named"', 'He has a cousin named Dakota in Uppsala.', 'Dakota'],
    ['"is called"', 'The girl is called Jolene by her friends.', 'Jolene'],
    ['"goes by"', 'The boy goes by Tatum at the youth centre.', 'Tatum'],
    ['"known as"', 'Her sister, known as Kendra, picks her up.', 'Kendra'],
    ['"surname is"', 'Her surname is Okafor.', 'Okafor'],
    ['a name in lower case', 'her name is ngozi and she is nine.', 'ngozi'],
    ['a listed name', 'His name is Jonathan and he is in year five.', 'Jonathan'],
  ])('finds a name after %s', (_cue, text, name) => {
    expect(spansOf(text, 'name')).toEqual([name]);
  });

  it.each([
    ['an ordinary word after the cue', 'Her name is on the waiting list.'],
    ['an ordinary capitalised word', 'She calls herself Storm online.'],
    ['"called off"', 'The meeting was called off because of snow.'],
    ['a game that is called something', 'She plays a game called Roblox every night.'],
    ['an app that is called something', 'The app is called Yubo and the pupils use it.'],
    ['a club known as a place', 'They meet at a youth club known as Tornet.'],
    ['a method called something', 'A method called Signs of Safety is used.'],
    ['"called" as phoning an authority', 'We called Social Services on Monday.'],
    ['an English weekday', 'The meeting was called Monday.'],
  ])('does not flag %s', (_what, text) => {
    expect(typesOf(text), text).toEqual([]);
  });

  it('counts a proper noun the English dictionary holds only after a cue', () => {
    const words = new Set(['her', 'name', 'is', 'sings', 'a', 'game', 'called']);
    const lexicon = lexiconOf(
      { correct: (w) => words.has(w) },
      { correct: (w) => w === 'Zendaya' },
    );
    const fake = createGate({ lexicon });
    expect(fake.check('Zendaya sings.').findings).toEqual([]);
    expect(fake.check('Her name is Zendaya.').findings).toMatchObject([{ type: 'name' }]);
    expect(fake.check('A game called Zendaya.').findings).toEqual([]);
  });
});
