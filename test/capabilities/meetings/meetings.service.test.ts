import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../src/core/errors';
import { IdentifyingTextError } from '../../../src/capabilities/anonymity/anonymity.fields';
import type { Forum } from '../../../src/capabilities/forums/forums.types';
import type { Meeting } from '../../../src/capabilities/meetings/meetings.types';
import {
  ADMIN,
  CHAIR,
  T,
  admin,
  anna,
  chair,
  forumInput,
  openForumsWorld,
  otherChair,
  type ForumsWorld,
} from '../forums/world';

const NOW = '2026-11-24T08:00:00Z';
/**
 * Fossam's meetings from 24 November 2026, 60 days ahead: Thursdays at 12:00Z, julafton and
 * nyårsafton skipped.
 */
const DATES = [
  '2026-11-26',
  '2026-12-03',
  '2026-12-10',
  '2026-12-17',
  '2026-12-24',
  '2026-12-31',
  '2027-01-07',
  '2027-01-14',
  '2027-01-21',
];
const REASON = 'Krockar med julavslutningen';

/** The meetings service on the real repositories and journal of a fresh test database. */
describe('MeetingsService', () => {
  let w: ForumsWorld;
  let fossam: Forum;

  beforeEach(async () => {
    w = await openForumsWorld(NOW, 60);
    fossam = await w.forums.createForum(admin, forumInput());
    await w.meetings.materialize(fossam);
    w.units.length = 0;
  });
  afterEach(async () => {
    await w.close();
  });

  const dates = (ms: readonly Meeting[]) => ms.map((m) => m.date);
  const statusOf = (ms: readonly Meeting[]) => ms.map((m) => `${m.date} ${m.status}`);

  describe('materializing', () => {
    it('stores the forum’s meetings ahead, with their deadlines and reminder moments', async () => {
      const stored = await w.meetingsRepo.meetingsFrom(T, 'fossam', new Date(0), 100);
      expect(dates(stored)).toEqual(DATES);
      expect(stored.filter((m) => m.status === 'skipped').map((m) => m.reason)).toEqual([
        { kind: 'holiday', name: 'julafton', nameEn: 'Christmas Eve', date: '2026-12-24' },
        { kind: 'holiday', name: 'nyårsafton', nameEn: "New Year's Eve", date: '2026-12-31' },
      ]);
      expect(stored[0]).toEqual({
        id: 'fossam:2026-11-26',
        forumId: 'fossam',
        tenantId: T,
        originalDate: '2026-11-26',
        date: '2026-11-26',
        start: new Date('2026-11-26T12:00:00Z'),
        end: new Date('2026-11-26T14:00:00Z'),
        timeZone: 'Europe/Stockholm',
        status: 'scheduled',
        deadlineAt: new Date('2026-11-24T11:00:00Z'),
        deadlineReminderAt: new Date('2026-11-23T11:00:00Z'),
        meetingReminderAt: new Date('2026-11-26T11:45:00Z'),
      });
    });

    it('is idempotent: again, later, or several at once, each meeting is stored once', async () => {
      const first = await w.meetings.materialize(fossam);
      expect(await w.meetings.materialize(fossam)).toEqual(first);
      await Promise.all([
        w.meetings.materialize(fossam),
        w.meetings.materialize(fossam),
        w.meetings.materialize(fossam),
      ]);
      expect(await w.count('meetings')).toBe(DATES.length);
      // A week later the window has moved on by one meeting; the past ones stay as they were.
      w.clock.advance(7 * 24 * 60 * 60 * 1000);
      const later = await w.meetings.materialize(fossam);
      expect(dates(later)).toEqual([...DATES.slice(1), '2027-01-28']);
      expect(await w.count('meetings')).toBe(DATES.length + 1);
      expect(await w.meetings.getMeeting(T, 'fossam:2026-11-26')).toEqual(first[0]);
      expect(w.units).toEqual([]); // materializing is no change of anyone's: no unit, no audit
    });
  });

  describe('reading', () => {
    it('lists the meetings ahead through the 4th that takes place, skipped ones included', async () => {
      expect(dates(await w.meetings.meetingsAhead(T, 'fossam'))).toEqual(DATES.slice(0, 4));
      expect(dates(await w.meetings.upcomingMeetings(T, 'fossam'))).toEqual(DATES.slice(0, 3));
      w.clock.set('2026-12-18T08:00:00Z');
      expect(statusOf(await w.meetings.meetingsAhead(T, 'fossam', 2))).toEqual([
        '2026-12-24 skipped',
        '2026-12-31 skipped',
        '2027-01-07 scheduled',
        '2027-01-14 scheduled',
      ]);
      expect(dates(await w.meetings.upcomingMeetings(T, 'fossam'))).toEqual(DATES.slice(6));
      expect(await w.meetings.meetingsAhead(T, 'nosuch')).toEqual([]);
    });

    it('opens a meeting for cases until its deadline, and never a skipped one', async () => {
      expect(dates(await w.meetings.openMeetings(T, 'fossam'))).toEqual([
        '2026-11-26',
        '2026-12-03',
        '2026-12-10',
        '2026-12-17',
        '2027-01-07',
        '2027-01-14',
      ]);
      w.clock.set('2026-11-24T10:59:59Z');
      expect(dates(await w.meetings.openMeetings(T, 'fossam', 1))).toEqual(['2026-11-26']);
      w.clock.set('2026-11-24T11:00:00Z'); // Fossam 26 November: the deadline
      expect(dates(await w.meetings.openMeetings(T, 'fossam', 1))).toEqual(['2026-12-03']);
      // Still upcoming, though: it takes place.
      expect(dates(await w.meetings.upcomingMeetings(T, 'fossam', 1))).toEqual(['2026-11-26']);
    });
  });

  describe('cancelling and moving', () => {
    it('lets only a chair of that forum, or an admin, change its meetings', async () => {
      for (const who of [otherChair, anna, { ...chair, roles: new Set<never>() }]) {
        await expect(w.meetings.cancelMeeting(who, 'fossam:2026-12-03', REASON)).rejects.toEqual(
          new AppError('forbidden', { needs: 'chair' }),
        );
      }
      await expect(
        w.meetings.moveMeeting(otherChair, 'fossam:2026-12-03', '2026-12-04', REASON),
      ).rejects.toMatchObject({ code: 'forbidden' });
      await expect(w.meetings.cancelMeeting(chair, 'fossam:2026-12-02', REASON)).rejects.toEqual(
        new AppError('notFound'),
      );
      expect(w.units).toEqual([]);
      expect(await w.count('meetingOverrides')).toBe(0);

      expect((await w.meetings.cancelMeeting(chair, 'fossam:2026-12-03', REASON)).status).toBe(
        'cancelled',
      );
      expect((await w.meetings.cancelMeeting(admin, 'fossam:2026-12-10', REASON)).status).toBe(
        'cancelled',
      );
    });

    it('writes the override, the meeting, the audit entry and the event in one unit', async () => {
      const cancelled = await w.meetings.cancelMeeting(chair, 'fossam:2026-12-03', REASON);
      const now = w.clock.now();
      expect(cancelled).toMatchObject({
        id: 'fossam:2026-12-03',
        status: 'cancelled',
        reason: { kind: 'override', text: REASON },
      });

      expect(w.units).toHaveLength(1);
      const unit = w.units[0]!;
      expect(unit.id).toMatch(/^meeting\.cancel:/);
      expect(unit.writes.map((x) => [x.mode, x.collection, x.id])).toEqual([
        ['replace', 'meetingOverrides', `${T}:fossam:2026-12-03`],
        ['replace', 'meetings', `${T}:fossam:2026-12-03`],
      ]);
      // What the unit wrote, as stored.
      expect(await w.meetingsRepo.overridesFor(T, 'fossam')).toEqual([
        {
          meetingId: 'fossam:2026-12-03',
          tenantId: T,
          forumId: 'fossam',
          override: { action: 'cancel', reason: REASON },
          by: CHAIR,
          at: now,
        },
      ]);
      expect(await w.meetings.getMeeting(T, 'fossam:2026-12-03')).toEqual(cancelled);
      expect(
        (await w.audit()).filter((e) => e.action.startsWith('meeting.')).map((e) => ({ ...e })),
      ).toEqual([
        {
          _id: `${unit.id}:a0`,
          at: now,
          tenantId: T,
          actorId: CHAIR,
          roles: ['chair', 'staff'],
          action: 'meeting.cancel',
          target: 'fossam:2026-12-03',
        },
      ]);
      expect((await w.events()).filter((e) => e.type.startsWith('meeting.'))).toEqual([
        {
          _id: `${unit.id}:e0`,
          type: 'meeting.cancelled',
          tenantId: T,
          at: now,
          data: { forumId: 'fossam', meetingId: 'fossam:2026-12-03', by: CHAIR },
        },
      ]);
      expect(await w.count('journal')).toBe(0);
      // The reason is the chair's own text: it stays with the meeting, not in the audit trail.
      expect(JSON.stringify(await w.audit())).not.toContain('julavslutningen');
    });

    it('keeps a cancelled meeting cancelled, and counts on through it', async () => {
      await w.meetings.cancelMeeting(chair, 'fossam:2026-12-03', REASON);
      await w.meetings.materialize(fossam);
      expect((await w.meetings.getMeeting(T, 'fossam:2026-12-03'))?.status).toBe('cancelled');
      expect(statusOf(await w.meetings.meetingsAhead(T, 'fossam'))).toEqual([
        '2026-11-26 scheduled',
        '2026-12-03 cancelled',
        '2026-12-10 scheduled',
        '2026-12-17 scheduled',
        '2026-12-24 skipped',
        '2026-12-31 skipped',
        '2027-01-07 scheduled',
      ]);
      expect(dates(await w.meetings.openMeetings(T, 'fossam', 3))).toEqual([
        '2026-11-26',
        '2026-12-10',
        '2026-12-17',
      ]);
    });

    it('moves a meeting to another day and time, with new deadlines, and announces it', async () => {
      const moved = await w.meetings.moveMeeting(
        chair,
        'fossam:2026-12-10',
        '2026-12-11',
        'Lokalen är upptagen',
        '09:00',
      );
      expect(moved).toMatchObject({
        id: 'fossam:2026-12-10',
        originalDate: '2026-12-10',
        date: '2026-12-11',
        status: 'moved',
        start: new Date('2026-12-11T08:00:00Z'),
        end: new Date('2026-12-11T10:00:00Z'),
        deadlineAt: new Date('2026-12-09T11:00:00Z'),
      });
      expect(await w.meetings.getMeeting(T, 'fossam:2026-12-10')).toEqual(moved);
      expect((await w.events()).filter((e) => e.type === 'meeting.moved')).toEqual([
        expect.objectContaining({
          data: {
            forumId: 'fossam',
            meetingId: 'fossam:2026-12-10',
            by: CHAIR,
            date: '2026-12-11',
          },
        }),
      ]);
      expect(dates(await w.meetings.upcomingMeetings(T, 'fossam'))).toEqual([
        '2026-11-26',
        '2026-12-03',
        '2026-12-11',
      ]);
      // Moved again (the latest change wins), by an admin this time.
      w.clock.advance(60_000);
      await w.meetings.moveMeeting(admin, 'fossam:2026-12-10', '2026-12-09', 'Ny lokal');
      const overrides = await w.meetingsRepo.overridesFor(T, 'fossam');
      expect(overrides).toHaveLength(1);
      expect(overrides[0]).toMatchObject({
        by: ADMIN,
        override: { action: 'move', reason: 'Ny lokal', date: '2026-12-09' },
      });
      expect(await w.meetings.getMeeting(T, 'fossam:2026-12-10')).toMatchObject({
        date: '2026-12-09',
        start: new Date('2026-12-09T12:00:00Z'),
      });
    });

    it('refuses a meeting that has begun or passed, and an identifying reason, writing nothing', async () => {
      w.clock.set('2026-11-26T12:00:00Z'); // Fossam 26 November begins
      await expect(w.meetings.cancelMeeting(chair, 'fossam:2026-11-26', REASON)).rejects.toEqual(
        new AppError('conflict', { reason: 'meetingPassed' }),
      );
      w.clock.set('2026-12-01T08:00:00Z');
      await expect(
        w.meetings.moveMeeting(admin, 'fossam:2026-11-26', '2026-12-02', REASON),
      ).rejects.toEqual(new AppError('conflict', { reason: 'meetingPassed' }));
      await expect(
        w.meetings.cancelMeeting(chair, 'fossam:2026-12-03', 'Eleven 121212-1212 är sjuk'),
      ).rejects.toBeInstanceOf(IdentifyingTextError);
      expect(w.units).toEqual([]);
      expect(await w.count('meetingOverrides')).toBe(0);
      expect((await w.meetings.getMeeting(T, 'fossam:2026-11-26'))?.status).toBe('scheduled');
      expect((await w.meetings.getMeeting(T, 'fossam:2026-12-03'))?.status).toBe('scheduled');
    });
  });
});
