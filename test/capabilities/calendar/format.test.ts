import { describe, expect, it } from 'vitest';
import {
  describeOccurrenceReason,
  formatLocalDate,
  formatMeetingDate,
  formatMeetingDateTime,
  formatShortLocalDate,
  formatTime,
  formatTimeRange,
} from '../../../src/capabilities/calendar/format';

const zone = 'Europe/Stockholm';
const start = new Date('2026-03-12T11:00:00Z'); // Thursday 12 March 2026, 12:00 CET
const end = new Date('2026-03-12T13:00:00Z');

describe('formatting', () => {
  it('meeting dates in Swedish and English', () => {
    expect(formatMeetingDate(start, zone, 'sv')).toBe('torsdag 12 mars');
    expect(formatMeetingDate(start, zone, 'en')).toBe('Thursday 12 March');
    expect(formatMeetingDate(start, zone, 'sv', { withYear: true })).toBe('torsdag 12 mars 2026');
  });

  it('times: "kl. 12.00" in Swedish, "12:00" in English', () => {
    expect(formatTime(start, zone, 'sv')).toBe('kl. 12.00');
    expect(formatTime(start, zone, 'en')).toBe('12:00');
    // summer time: 11:00Z is 13:00 CEST
    expect(formatTime(new Date('2026-06-11T11:00:00Z'), zone, 'sv')).toBe('kl. 13.00');
  });

  it('uses the zone for the day as well (late UTC evening is the next day in Stockholm)', () => {
    const late = new Date('2026-03-12T23:30:00Z');
    expect(formatMeetingDate(late, zone, 'sv')).toBe('fredag 13 mars');
    expect(formatTime(late, zone, 'sv')).toBe('kl. 00.30');
  });

  it('ranges and full meeting lines', () => {
    expect(formatTimeRange(start, end, zone, 'sv')).toBe('kl. 12.00–14.00');
    expect(formatMeetingDateTime(start, end, zone, 'sv')).toBe('torsdag 12 mars kl. 12.00–14.00');
    expect(formatMeetingDateTime(start, end, zone, 'en')).toBe('Thursday 12 March, 12:00–14:00');
  });

  it('local dates without a zone', () => {
    expect(formatLocalDate('2027-05-06', 'sv')).toBe('torsdag 6 maj');
    expect(formatLocalDate('2027-05-06', 'en', { withYear: true })).toBe('Thursday 6 May 2027');
    expect(() => formatLocalDate('2027-02-30', 'sv')).toThrow(RangeError);
  });

  it('short local dates, without the abbreviation period', () => {
    expect(formatShortLocalDate('2027-04-01', 'sv')).toBe('1 apr');
    expect(formatShortLocalDate('2027-04-01', 'en')).toBe('1 Apr');
    expect(formatShortLocalDate('2027-05-14', 'sv')).toBe('14 maj');
    expect(formatShortLocalDate('2027-03-11', 'sv')).toBe('11 mars');
    expect(formatShortLocalDate('2027-12-09', 'sv')).toBe('9 dec');
    expect(() => formatShortLocalDate('2027-02-30', 'sv')).toThrow(RangeError);
  });

  it('reasons', () => {
    const holiday = {
      kind: 'holiday' as const,
      name: 'Kristi himmelsfärdsdag',
      nameEn: 'Ascension Day',
      date: '2027-05-06',
    };
    expect(describeOccurrenceReason(holiday, 'sv')).toBe('helgdag (Kristi himmelsfärdsdag)');
    expect(describeOccurrenceReason(holiday, 'en')).toBe('holiday (Ascension Day)');
    expect(describeOccurrenceReason({ kind: 'break', name: 'höstlov' }, 'sv')).toBe('höstlov');
    expect(describeOccurrenceReason({ kind: 'outsideTerm' }, 'en')).toBe('outside school term');
    expect(describeOccurrenceReason({ kind: 'override', text: 'Sjukdom' }, 'en')).toBe('Sjukdom');
  });
});
