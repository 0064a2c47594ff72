import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from 'mongodb';
import { ManualClock } from '../../../src/core/clock';
import { MongoJournal } from '../../../src/infra/db/journal';
import { MongoMeetingsRepository } from '../../../src/capabilities/meetings/meetings.repository';
import type {
  Meeting,
  MeetingOverrideRecord,
} from '../../../src/capabilities/meetings/meetings.types';
import { openTestDb } from '../../harness/test-db';

const T = 'tenant-1';
const HOUR = 60 * 60 * 1000;

/** A Thursday meeting of `forumId` on 2026-12-<day>, 13:00–15:00 Stockholm (12:00Z). */
const meeting = (forumId: string, day: number, over: Partial<Meeting> = {}): Meeting => {
  const date = `2026-12-${String(day).padStart(2, '0')}`;
  const start = new Date(`${date}T12:00:00Z`);
  return {
    id: `${forumId}:${date}`,
    forumId,
    originalDate: date,
    date,
    start,
    end: new Date(start.getTime() + 2 * HOUR),
    timeZone: 'Europe/Stockholm',
    status: 'scheduled',
    tenantId: T,
    deadlineAt: new Date(start.getTime() - 49 * HOUR),
    deadlineReminderAt: new Date(start.getTime() - 73 * HOUR),
    meetingReminderAt: new Date(start.getTime() - HOUR / 4),
    ...over,
  };
};

describe('MongoMeetingsRepository on the database', () => {
  let db: Db;
  let close: () => Promise<void>;
  let clock: ManualClock;
  let journal: MongoJournal;
  let repo: MongoMeetingsRepository;

  beforeAll(async () => {
    ({ db, close } = await openTestDb('meetingsrepo'));
    clock = new ManualClock('2026-11-24T08:00:00Z');
    journal = new MongoJournal(db, clock, () => []);
    await journal.init();
    repo = new MongoMeetingsRepository(db);
    await repo.init();
  });
  afterAll(async () => {
    await close();
  });

  const fossam = [3, 10, 17, 24, 31].map((d) => meeting('fossam', d));

  it('saves meetings idempotently, also when several passes save them at once', async () => {
    await repo.saveMeetings([]);
    await Promise.all([
      repo.saveMeetings(fossam),
      repo.saveMeetings(fossam),
      repo.saveMeetings(fossam),
    ]);
    await repo.saveMeetings(fossam);
    expect(await db.collection('meetings').countDocuments()).toBe(5);
    expect(await repo.getMeeting(T, 'fossam:2026-12-10')).toEqual(fossam[1]);
    expect(await repo.getMeeting(T, 'fossam:2026-12-11')).toBeNull();
    expect(await repo.getMeeting('tenant-2', 'fossam:2026-12-10')).toBeNull();
  });

  it('replaces a saved meeting with its new version', async () => {
    const skipped = meeting('fossam', 24, {
      status: 'skipped',
      reason: { kind: 'holiday', name: 'julafton', nameEn: 'Christmas Eve', date: '2026-12-24' },
    });
    await repo.saveMeetings([skipped]);
    expect(await repo.getMeeting(T, skipped.id)).toEqual(skipped);
    expect(await db.collection('meetings').countDocuments()).toBe(5);
  });

  it('writes only the meetings that changed, and names the forum’s others', async () => {
    const again = await repo.saveMeetings(fossam.slice(0, 4));
    expect(again.written).toBe(1); // the 24th: saved as skipped since
    const same = await repo.saveMeetings(fossam.slice(0, 3));
    expect(same).toEqual({
      written: 0,
      others: [fossam[3], fossam[4]].map((m) => ({ tenantId: T, id: m!.id, start: m!.start })),
    });
    const skipped = meeting('fossam', 24, {
      status: 'skipped',
      reason: { kind: 'holiday', name: 'julafton', nameEn: 'Christmas Eve', date: '2026-12-24' },
    });
    expect((await repo.saveMeetings([skipped])).written).toBe(1);
    expect(await repo.getMeeting(T, skipped.id)).toEqual(skipped);
  });

  it('indexes the meetings stored before the index, once, when it starts', async () => {
    const old = [5, 12, 19].map((d) => meeting('gammal', d));
    await db
      .collection('meetings')
      .insertMany(old.map((m) => ({ ...m, _id: `${T}:${m.id}` })) as never[]);
    // Written behind the index's back: not seen until a start (an upgrade) indexes them.
    expect(await repo.meetingsFrom(T, 'gammal', new Date(0), 10)).toEqual([]);
    await db.collection('meetingIndex').deleteOne({ _id: '~indexed' } as never);
    await new MongoMeetingsRepository(db).init();
    expect(
      (await repo.meetingsFrom(T, 'gammal', new Date('2026-12-06T00:00:00Z'), 10)).map(
        (m) => m.date,
      ),
    ).toEqual(['2026-12-12', '2026-12-19']);
    // Their first save writes them once (nothing recorded what was stored), then never again.
    expect((await repo.saveMeetings(old)).written).toBe(3);
    expect((await repo.saveMeetings(old)).written).toBe(0);
  });

  it('lists one forum’s meetings from a moment on, by start, up to a limit', async () => {
    await repo.saveMeetings([
      meeting('bosam', 4),
      meeting('bosam', 11),
      meeting('fossam', 10, { tenantId: 'tenant-2' }),
    ]);
    const from = new Date('2026-12-10T12:00:00Z'); // the start of one: included
    expect((await repo.meetingsFrom(T, 'fossam', from, 10)).map((m) => m.date)).toEqual([
      '2026-12-10',
      '2026-12-17',
      '2026-12-24',
      '2026-12-31',
    ]);
    expect((await repo.meetingsFrom(T, 'fossam', from, 2)).map((m) => m.date)).toEqual([
      '2026-12-10',
      '2026-12-17',
    ]);
    expect(
      (await repo.meetingsFrom(T, 'bosam', new Date('2026-12-01T00:00:00Z'), 10)).map((m) => m.id),
    ).toEqual(['bosam:2026-12-04', 'bosam:2026-12-11']);
    const other = await repo.meetingsFrom('tenant-2', 'fossam', new Date(0), 10);
    expect(other.map((m) => m.tenantId)).toEqual(['tenant-2']);
    expect(other[0]).not.toHaveProperty('_id');
    expect(other[0]?.start).toBeInstanceOf(Date);
  });

  it('finds the meetings whose reminder of either kind falls in a window, bounds included', async () => {
    const m = fossam[1]!; // 10 December
    const deadlineWindow = await repo.meetingsWithRemindersBetween(
      m.deadlineReminderAt,
      new Date(m.deadlineReminderAt.getTime() + HOUR),
    );
    // Every tenant's (the scheduler's view): tenant-2's Fossam meets then too.
    const both = ['tenant-1/fossam:2026-12-10', 'tenant-2/fossam:2026-12-10'];
    const keys = (ms: Meeting[]) => ms.map((x) => `${x.tenantId}/${x.id}`).sort();
    expect(keys(deadlineWindow.deadline)).toEqual(both);
    // The same meetings' meeting reminders are days later: not in this window.
    expect(deadlineWindow.meeting).toEqual([]);
    const meetingWindow = await repo.meetingsWithRemindersBetween(
      new Date(m.meetingReminderAt.getTime() - HOUR),
      m.meetingReminderAt,
    );
    expect(keys(meetingWindow.meeting)).toEqual(both);
    expect(meetingWindow.deadline).toEqual([]);
    // A window holding both moments gives each meeting under both kinds.
    const wide = await repo.meetingsWithRemindersBetween(m.deadlineReminderAt, m.meetingReminderAt);
    expect(keys(wide.deadline)).toContain('tenant-1/fossam:2026-12-10');
    expect(keys(wide.meeting)).toContain('tenant-1/fossam:2026-12-10');
    expect(
      await repo.meetingsWithRemindersBetween(
        new Date(m.deadlineReminderAt.getTime() + 1),
        new Date(m.deadlineReminderAt.getTime() + HOUR),
      ),
    ).toEqual({ deadline: [], meeting: [] });
  });

  it('writes an override and a meeting in a unit of work, and lists a forum’s overrides by time', async () => {
    const override = (day: number, minute: number, forumId = 'fossam'): MeetingOverrideRecord => ({
      meetingId: `${forumId}:2026-12-${day}`,
      tenantId: T,
      forumId,
      override: { action: 'cancel', reason: 'Krockar med julavslutningen' },
      by: 'chair-1',
      at: new Date(Date.UTC(2026, 10, 24, 9, minute)),
    });
    const cancelled = meeting('fossam', 17, {
      status: 'cancelled',
      reason: { kind: 'override', text: 'Krockar med julavslutningen' },
    });
    const outcome = await journal.commit({
      id: 'test.cancel:1',
      writes: [repo.overrideWrite(override(17, 30)), repo.meetingWrite(cancelled)],
    });
    expect(outcome.committed).toBe(true);
    await journal.commit({ id: 'test.cancel:2', writes: [repo.overrideWrite(override(10, 10))] });
    await journal.commit({
      id: 'test.cancel:3',
      writes: [repo.overrideWrite(override(11, 0, 'bosam'))],
    });
    // The latest override of a meeting replaces the earlier one.
    const moved: MeetingOverrideRecord = {
      ...override(10, 50),
      override: { action: 'move', reason: 'Lokalen är upptagen', date: '2026-12-11' },
    };
    await journal.commit({ id: 'test.move:1', writes: [repo.overrideWrite(moved)] });

    expect(await repo.getMeeting(T, cancelled.id)).toEqual(cancelled);
    expect(await repo.overridesFor(T, 'fossam')).toEqual([override(17, 30), moved]);
    expect((await repo.overridesFor(T, 'bosam')).map((o) => o.meetingId)).toEqual([
      'bosam:2026-12-11',
    ]);
    expect(await repo.overridesFor('tenant-2', 'fossam')).toEqual([]);
  });
});
