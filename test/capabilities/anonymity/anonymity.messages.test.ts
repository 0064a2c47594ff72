import { describe, expect, it } from 'vitest';
import type { FieldReview } from '../../../src/capabilities/anonymity/anonymity.fields';
import {
  fieldNotes,
  reviewLines,
  where,
} from '../../../src/capabilities/anonymity/anonymity.messages';
import { translator } from '../../../src/i18n/i18n';

const sv = translator('sv');
const en = translator('en');

const review: FieldReview = {
  findings: [
    { field: 'description', type: 'name', start: 30, end: 35, sentence: 2 },
    { field: 'description', type: 'phone', start: 50, end: 63, sentence: 3 },
    { field: 'question', type: 'email', start: 0, end: 10, sentence: 1 },
  ],
  warnings: [
    { field: 'tried', kind: 'quasi', signals: ['unit', 'group', 'detail'], sentences: [1, 3] },
  ],
};
const label = (f: string) =>
  ({ description: 'Beskrivning', tried: 'Provat', question: 'Fråga' })[f] ?? f;

describe('gate messages in plain words', () => {
  it('says where as a sentence position, in Swedish and English', () => {
    expect(where(sv, [2])).toBe('i andra meningen');
    expect(where(sv, [3, 1])).toBe('i första och tredje meningen');
    expect(where(sv, [1, 2, 4])).toBe('i första, andra och fjärde meningen');
    expect(where(sv, [12])).toBe('i mening 12');
    expect(where(en, [2])).toBe('in the second sentence');
    expect(where(en, [1, 3])).toBe('in the first and third sentences');
  });

  it('lists every finding and warning with its field, kind and sentence, and no offsets', () => {
    expect(reviewLines(sv, review, label)).toEqual([
      "Fältet 'Beskrivning' innehåller ett namn i andra meningen.",
      "Fältet 'Beskrivning' innehåller ett telefonnummer i tredje meningen.",
      "Fältet 'Fråga' innehåller en e-postadress i första meningen.",
      "Fältet 'Provat' nämner en namngiven skola eller enhet, en klass eller avdelning och en ovanlig omständighet eller en beskrivning som pekar ut barnet i första och tredje meningen.",
    ]);
    expect(reviewLines(en, review, label)[0]).toBe(
      "The field 'Beskrivning' contains a name in the second sentence.",
    );
  });

  it('gives each field the notes for its own findings', () => {
    expect(fieldNotes(sv, review, 'description')).toEqual([
      'Det här fältet innehåller ett namn i andra meningen. Skriv om det.',
      'Det här fältet innehåller ett telefonnummer i tredje meningen. Skriv om det.',
    ]);
    expect(fieldNotes(en, review, 'tried')).toEqual([
      'This field mentions a named school or unit, a class or preschool group and a rare circumstance or a description that singles the child out in the first and third sentences. Together this could point out the child.',
    ]);
    expect(fieldNotes(sv, review, 'other')).toEqual([]);
  });
});
