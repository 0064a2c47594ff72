import { describe, expect, it } from 'vitest';
import type { OccurrenceOverride } from '../../../src/capabilities/calendar/calendar.types';
import { occurrenceOverridesSchema } from '../../../src/capabilities/calendar/calendar.schemas';
import {
  applyOverrides,
  materializeOccurrences,
} from '../../../src/capabilities/calendar/occurrences';
import { emptyCalendar, fossam, utc } from './fixtures';

// Thursdays 11, 18 and 25 March 2027 (the clocks change on Sunday 28 March).
const occurrences = materializeOccurrences(fossam(), emptyCalendar, utc('2027-03-08T00:00Z'), 21);

describe('applyOverrides', () => {
  it('cancelled by the chair → status cancelled with the reason, times and id unchanged', () => {
    const result = applyOverrides(occurrences, {
      'fossam:2027-03-18': { action: 'cancel', reason: 'Ordföranden är sjuk' },
    });
    const cancelled = result.find((o) => o.id === 'fossam:2027-03-18');
    expect(cancelled).toMatchObject({
      status: 'cancelled',
      reason: { kind: 'override', text: 'Ordföranden är sjuk' },
      date: '2027-03-18',
      originalDate: '2027-03-18',
    });
    expect(cancelled?.start.toISOString()).toBe('2027-03-18T12:00:00.000Z');
    expect(result.filter((o) => o.status === 'scheduled')).toHaveLength(2);
  });

  it('moved by the chair → new local date and time, duration kept, DST-correct, re-sorted', () => {
    const overrides = new Map<string, OccurrenceOverride>([
      [
        'fossam:2027-03-11',
        { action: 'move', reason: 'Krockar med stormöte', date: '2027-03-30', startTime: '09:00' },
      ],
    ]);
    const result = applyOverrides(occurrences, overrides);
    expect(result.map((o) => o.id)).toEqual([
      'fossam:2027-03-18',
      'fossam:2027-03-25',
      'fossam:2027-03-11',
    ]);
    const moved = result[2];
    expect(moved).toMatchObject({
      id: 'fossam:2027-03-11',
      originalDate: '2027-03-11',
      date: '2027-03-30',
      status: 'moved',
      reason: { kind: 'override', text: 'Krockar med stormöte' },
    });
    // 09:00 CEST = 07:00Z; the 120 minutes are kept.
    expect(moved?.start.toISOString()).toBe('2027-03-30T07:00:00.000Z');
    expect(moved?.end.toISOString()).toBe('2027-03-30T09:00:00.000Z');
  });

  it('a move without time keeps the local start time (13:00 CET → 13:00 CEST)', () => {
    const [moved] = applyOverrides(occurrences, {
      'fossam:2027-03-11': {
        action: 'move',
        reason: 'Flyttas en vecka',
        date: '2027-04-01',
        durationMinutes: 60,
      },
    }).filter((o) => o.status === 'moved');
    expect(moved?.start.toISOString()).toBe('2027-04-01T11:00:00.000Z');
    expect(moved?.end.toISOString()).toBe('2027-04-01T12:00:00.000Z');
  });

  it('ignores unknown ids and inherited keys, and does not mutate its input', () => {
    const before = structuredClone(occurrences);
    const result = applyOverrides(occurrences, {
      'fossam:2030-01-01': { action: 'cancel', reason: 'x' },
    });
    expect(result).toEqual(occurrences);
    expect(
      applyOverrides(
        occurrences,
        Object.create({ 'fossam:2027-03-11': { action: 'cancel', reason: 'x' } }) as Record<
          string,
          OccurrenceOverride
        >,
      ),
    ).toEqual(occurrences);
    expect(occurrences).toEqual(before);
  });

  it('overrides stored as JSON parse with the schema', () => {
    const parsed = occurrenceOverridesSchema.parse({
      'fossam:2027-03-25': { action: 'cancel', reason: 'Påskvecka' },
    });
    expect(applyOverrides(occurrences, parsed).at(-1)?.status).toBe('cancelled');
    expect(() =>
      occurrenceOverridesSchema.parse({ x: { action: 'move', reason: 'r', date: '2027-02-30' } }),
    ).toThrow();
    expect(() =>
      occurrenceOverridesSchema.parse({ x: { action: 'cancel', reason: '  ' } }),
    ).toThrow();
  });
});
