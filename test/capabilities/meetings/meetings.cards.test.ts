import { describe, expect, it } from 'vitest';
import {
  applyOverrides,
  computeReminderMoments,
  materializeOccurrences,
} from '../../../src/capabilities/calendar';
import {
  meetingEntry,
  meetingsCard,
  reasonText,
} from '../../../src/capabilities/meetings/meetings.cards';
import { throughHeld } from '../../../src/capabilities/meetings/meetings.service';
import type { Forum } from '../../../src/capabilities/forums/forums.types';
import type { Meeting } from '../../../src/capabilities/meetings/meetings.types';
import { translator } from '../../../src/i18n/i18n';
import { cardText } from '../../harness/test-bot';
import { calendar2026, fossam } from '../calendar/fixtures';

const sv = translator('sv');
const en = translator('en');

/** Fossam's meetings from 1 March 2027, materialized by the calendar as the service does. */
function meetings(
  scheduleOverrides: Record<string, unknown> = {},
  overrides: Parameters<typeof applyOverrides>[1] = {},
): Meeting[] {
  const schedule = fossam({ firstDate: '2027-01-14', ...scheduleOverrides });
  const occurrences = applyOverrides(
    materializeOccurrences(schedule, calendar2026, new Date('2027-03-01T08:00:00Z'), 100),
    overrides,
  );
  return occurrences.map((o) => ({
    ...o,
    tenantId: 't',
    ...computeReminderMoments(o, schedule, calendar2026),
  }));
}
const byOriginal = (all: Meeting[], date: string): Meeting => {
  const m = all.find((x) => x.originalDate === date);
  if (!m) throw new Error(`no meeting on ${date}`);
  return m;
};

const FORUM = {
  id: 'fossam',
  name: 'Fossam',
  place: 'Stadshuset, sal 3',
  meetingLink: 'https://teams.microsoft.com/l/meetup-join/fossam',
} as Forum;

describe('reasonText', () => {
  it('names the holiday, the school break, the term and the chair’s reason', () => {
    const holiday = {
      kind: 'holiday' as const,
      name: 'Kristi himmelsfärdsdag',
      nameEn: 'Ascension Day',
      date: '2027-05-06',
    };
    expect(reasonText(sv, 'sv', holiday)).toBe('Kristi himmelsfärdsdag');
    expect(reasonText(en, 'en', holiday)).toBe('Ascension Day');
    expect(reasonText(sv, 'sv', { kind: 'break', name: 'påsklov' })).toBe('påsklov');
    expect(reasonText(en, 'en', { kind: 'break', name: 'Påsklov' })).toBe('Easter break');
    expect(reasonText(en, 'en', { kind: 'break', name: 'höstlov' })).toBe('autumn break');
    // A break the bot has no English name for is shown as the municipality wrote it.
    expect(reasonText(en, 'en', { kind: 'break', name: 'studielov' })).toBe('studielov');
    expect(reasonText(sv, 'sv', { kind: 'outsideTerm' })).toBe('utanför terminstid');
    expect(reasonText(en, 'en', { kind: 'override', text: 'Studiedag' })).toBe('Studiedag');
  });
});

describe('meetingEntry', () => {
  it('says a date in a school break and a public holiday is skipped, and why', () => {
    const all = meetings();
    expect(meetingEntry(sv, 'sv', byOriginal(all, '2027-04-01'))).toEqual({
      held: false,
      line: '1 apr — ställs in: påsklov',
    });
    expect(meetingEntry(en, 'en', byOriginal(all, '2027-04-01'))).toEqual({
      held: false,
      line: '1 Apr — skipped: Easter break',
    });
    expect(meetingEntry(sv, 'sv', byOriginal(all, '2027-05-06'))).toEqual({
      held: false,
      line: '6 maj — ställs in: Kristi himmelsfärdsdag',
    });
  });

  it('shows a meeting moved off a holiday as "6 maj → 7 maj (Kristi himmelsfärdsdag)"', () => {
    const moved = byOriginal(meetings({ holidayPolicy: 'moveToNextWorkingDay' }), '2027-05-06');
    expect(moved.status).toBe('moved');
    expect(meetingEntry(sv, 'sv', moved)).toEqual({
      held: true,
      when: 'fredag 7 maj kl. 13.00–15.00',
      // Two working days before Friday 7 May, across Kristi himmelsfärdsdag.
      deadline: 'Lyft ärenden senast tisdag 4 maj kl. 12.00',
      note: '6 maj → 7 maj (Kristi himmelsfärdsdag)',
    });
    expect(meetingEntry(en, 'en', moved)).toMatchObject({
      note: '6 May → 7 May (Ascension Day)',
    });
  });

  it('gives a chair’s cancellation and move with the chair’s reason', () => {
    const all = meetings(
      {},
      {
        'fossam:2027-03-11': { action: 'cancel', reason: 'Studiedag för skolan' },
        'fossam:2027-03-18': { action: 'move', reason: 'Lokalen är upptagen', date: '2027-03-19' },
        'fossam:2027-03-25': {
          action: 'move',
          reason: 'Krock',
          date: '2027-03-25',
          startTime: '09:00',
        },
      },
    );
    expect(meetingEntry(sv, 'sv', byOriginal(all, '2027-03-11'))).toEqual({
      held: false,
      line: '11 mars — inställt: Studiedag för skolan',
    });
    expect(meetingEntry(en, 'en', byOriginal(all, '2027-03-11'))).toEqual({
      held: false,
      line: '11 Mar — cancelled: Studiedag för skolan',
    });
    expect(meetingEntry(sv, 'sv', byOriginal(all, '2027-03-18'))).toMatchObject({
      held: true,
      note: '18 mars → 19 mars (Lokalen är upptagen)',
    });
    // Moved to another time on the same day: the reason alone.
    expect(meetingEntry(sv, 'sv', byOriginal(all, '2027-03-25'))).toMatchObject({
      held: true,
      when: 'torsdag 25 mars kl. 09.00–11.00',
      note: 'Flyttat: Krock',
    });
  });

  it('has no note for a meeting as planned', () => {
    expect(meetingEntry(sv, 'sv', byOriginal(meetings(), '2027-03-04'))).toMatchObject({
      held: true,
      note: '',
    });
  });
});

describe('throughHeld', () => {
  const all = meetings();
  it('keeps the skipped dates up to the n-th meeting that takes place', () => {
    const from = all.filter((m) => m.originalDate >= '2027-03-25');
    expect(throughHeld(from, 2).map((m) => [m.originalDate, m.status])).toEqual([
      ['2027-03-25', 'scheduled'],
      ['2027-04-01', 'skipped'],
      ['2027-04-08', 'scheduled'],
    ]);
    expect(throughHeld(from, 1).map((m) => m.originalDate)).toEqual(['2027-03-25']);
    expect(throughHeld(from, 0)).toEqual([]);
  });

  it('returns everything when fewer meetings take place', () => {
    const skippedOnly = all.filter((m) => m.status === 'skipped');
    expect(throughHeld(skippedOnly, 4)).toEqual(skippedOnly);
  });
});

describe('meetingsCard', () => {
  it('shows the place, the link as a button, the meetings and the skipped dates between them', () => {
    const list = throughHeld(
      meetings().filter((m) => m.originalDate >= '2027-03-25'),
      3,
    );
    const card = meetingsCard(sv, 'sv', FORUM, list, true);
    const text = cardText(card);
    expect(text).toContain('Plats: Stadshuset, sal 3');
    expect(text).toContain('torsdag 25 mars kl. 13.00–15.00');
    expect(text).toContain('1 apr — ställs in: påsklov');
    expect(text).toContain('torsdag 15 april kl. 13.00–15.00');
    expect(text).not.toContain('Inga kommande möten');
    const json = JSON.stringify(card);
    expect(json).toContain(
      '{"type":"Action.OpenUrl","title":"Anslut till mötet","url":"https://teams.microsoft.com/l/meetup-join/fossam"}',
    );
    // Cancel/move buttons only for the meetings that take place (25 mars, 8 and 15 april).
    expect(json.match(/"change":"cancel"/g)).toHaveLength(3);
    expect(json).not.toContain('fossam:2027-04-01');
  });

  it('leaves out the place and the link when the forum has none, and says when nothing is held', () => {
    const skipped = meetings()
      .filter((m) => m.status === 'skipped')
      .slice(0, 1);
    const card = meetingsCard(
      en,
      'en',
      { ...FORUM, place: undefined, meetingLink: undefined },
      skipped,
      false,
    );
    const text = cardText(card);
    expect(text).toContain('No upcoming meetings.');
    expect(text).toContain('1 Apr — skipped: Easter break');
    expect(text).not.toContain('Place:');
    expect(JSON.stringify(card)).not.toContain('Action.OpenUrl');
  });
});
