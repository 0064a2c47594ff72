import { createHash } from 'node:crypto';
import type { AnyBulkWriteOperation, Collection, Db } from 'mongodb';
import type { Write } from '../../core/unit-of-work';
import { fromStored } from '../../infra/db/journal';
import { insertManyUnique, insertUnique, SCAN_BATCH, upsertRacing } from '../../infra/db/mongo';
import type { MeetingsRepository, RemindersDue, SaveOutcome } from './meetings.ports';
import type { Meeting, MeetingOverrideRecord } from './meetings.types';

type MeetingDoc = Meeting & { _id: string };
type OverrideDoc = MeetingOverrideRecord & { _id: string };

/** One meeting in its forum's index: its id, start and the fingerprint of what was saved. */
interface IndexEntry {
  id: string;
  start: Date;
  hash: string;
}
/** Per forum (`<tenant>:<forum>`): every meeting ever saved for it. */
interface IndexDoc {
  _id: string;
  tenantId: string;
  forumId: string;
  entries: IndexEntry[];
}

const OVERRIDES = 'meetingOverrides';
const INDEX = 'meetingIndex';
/** In `meetingIndex`: the meetings stored before the index existed are indexed. */
const INDEXED_MARKER = '~indexed';
const key = (tenantId: string, id: string) => `${tenantId}:${id}`;
/** A moved meeting's start in the index may lag its document by a crash; looked at this far back. */
const MOVE_MARGIN_MS = 62 * 24 * 60 * 60 * 1000;

/** What a meeting's stored content is (dates as ISO strings, in the order it was built). */
function fingerprint(m: Meeting): string {
  return createHash('sha256').update(JSON.stringify(m)).digest('base64url').slice(0, 22);
}

/** Materialized meetings and the chairs' overrides. */
export class MongoMeetingsRepository implements MeetingsRepository {
  private readonly meetings: Collection<MeetingDoc>;
  private readonly overrides: Collection<OverrideDoc>;
  private readonly index: Collection<IndexDoc>;

  constructor(db: Db) {
    this.meetings = db.collection<MeetingDoc>('meetings');
    this.overrides = db.collection<OverrideDoc>(OVERRIDES);
    this.index = db.collection<IndexDoc>(INDEX);
  }

  async init(): Promise<void> {
    await this.meetings.createIndex({ tenantId: 1, forumId: 1, start: 1 });
    await this.meetings.createIndex({ deadlineReminderAt: 1 });
    await this.meetings.createIndex({ meetingReminderAt: 1 });
    await this.meetings.createIndex({ deadlineAt: 1 });
    await this.overrides.createIndex({ tenantId: 1, forumId: 1 });
    await this.indexStoredMeetings();
  }

  meetingWrite(meeting: Meeting): Write {
    return {
      mode: 'replace',
      collection: 'meetings',
      id: key(meeting.tenantId, meeting.id),
      doc: { ...meeting },
    };
  }

  overrideWrite(record: MeetingOverrideRecord): Write {
    return {
      mode: 'replace',
      collection: OVERRIDES,
      id: key(record.tenantId, record.meetingId),
      doc: { ...record },
    };
  }

  /**
   * Writes the meetings that differ from what was saved before, per forum, and then the forum's
   * index (the meetings by id, start and fingerprint). The index is read by `_id`, so a
   * scheduler pass that re-materializes an unchanged forum costs one read and no write, and a
   * forum's meetings are found without a filter on the whole collection (on FerretDB v1 every
   * filter other than `_id`, and every update, costs time in proportion to the collection).
   * Meetings written in a unit of work (a chair's change, a retired meeting) are saved here
   * again by their callers, or are already in the index.
   */
  async saveMeetings(meetings: readonly Meeting[]): Promise<SaveOutcome> {
    const outcome: SaveOutcome = { written: 0, others: [] };
    const byForum = new Map<string, Meeting[]>();
    for (const m of meetings) {
      const k = key(m.tenantId, m.forumId);
      byForum.set(k, [...(byForum.get(k) ?? []), m]);
    }
    for (const list of byForum.values()) {
      const { tenantId, forumId } = list[0]!;
      const { entries: known, exists } = await this.forumIndex(tenantId, forumId);
      const changed = list.filter((m) => known.get(m.id)?.hash !== fingerprint(m));
      if (changed.length > 0) {
        const doc = (m: Meeting): MeetingDoc => ({ ...m, _id: key(m.tenantId, m.id) });
        // Meetings new to the index are inserted (on FerretDB v1 an insert costs the same
        // whatever the collection's size, an update does not); one found there already (a
        // pass or instance materializing the same forum at once) is replaced like the rest.
        const fresh = changed.filter((m) => !known.has(m.id));
        const inserted = await insertManyUnique(this.meetings, fresh.map(doc));
        const replace = changed.filter((m) => !inserted.has(key(m.tenantId, m.id)));
        if (replace.length > 0) {
          const ops: AnyBulkWriteOperation<MeetingDoc>[] = replace.map((m) => ({
            replaceOne: {
              filter: { _id: key(m.tenantId, m.id) },
              replacement: doc(m),
              upsert: true,
            },
          }));
          await upsertRacing(() => this.meetings.bulkWrite(ops, { ordered: false }));
        }
        const entries = new Map(known);
        for (const m of changed)
          entries.set(m.id, { id: m.id, start: m.start, hash: fingerprint(m) });
        await this.writeIndex(tenantId, forumId, [...entries.values()], exists);
      }
      const saved = new Set(list.map((m) => m.id));
      for (const e of known.values())
        if (!saved.has(e.id)) outcome.others.push({ tenantId, id: e.id, start: e.start });
      outcome.written += changed.length;
    }
    return outcome;
  }

  /** A forum's index by meeting id, and whether it is stored (a forum without meetings has none). */
  private async forumIndex(
    tenantId: string,
    forumId: string,
  ): Promise<{ entries: Map<string, IndexEntry>; exists: boolean }> {
    const doc = await this.index.findOne({ _id: key(tenantId, forumId) });
    const entries = new Map(
      (doc?.entries ?? []).map((e) => [e.id, { ...e, start: new Date(e.start) }] as const),
    );
    return { entries, exists: doc !== null };
  }

  private async writeIndex(
    tenantId: string,
    forumId: string,
    entries: readonly IndexEntry[],
    exists: boolean,
  ): Promise<void> {
    const _id = key(tenantId, forumId);
    const sorted = [...entries].sort((a, b) => a.start.getTime() - b.start.getTime());
    const doc = { tenantId, forumId, entries: sorted };
    // A forum's first index is inserted; one someone wrote meanwhile is replaced.
    if (!exists && (await insertUnique(this.index, { _id, ...doc }))) return;
    await upsertRacing(() => this.index.replaceOne({ _id }, doc, { upsert: true }));
  }

  /**
   * Meetings stored before the index existed are indexed once, from one scan, before anything
   * reads the index; a marker says it is done (an instance starting meanwhile does it too, to
   * the same result). After that a forum without an index has no meetings.
   */
  private async indexStoredMeetings(): Promise<void> {
    if (await this.index.findOne({ _id: INDEXED_MARKER })) return;
    const byForum = new Map<string, { tenantId: string; forumId: string; entries: IndexEntry[] }>();
    const stored = this.meetings.find(
      {},
      { projection: { tenantId: 1, forumId: 1, id: 1, start: 1 }, ...SCAN_BATCH },
    );
    for await (const m of stored) {
      const k = key(m.tenantId, m.forumId);
      const forum = byForum.get(k) ?? { tenantId: m.tenantId, forumId: m.forumId, entries: [] };
      // No fingerprint: the next save of each writes it once.
      forum.entries.push({ id: m.id, start: new Date(m.start), hash: '' });
      byForum.set(k, forum);
    }
    for (const f of byForum.values()) {
      const { entries } = await this.forumIndex(f.tenantId, f.forumId);
      for (const e of f.entries) if (!entries.has(e.id)) entries.set(e.id, e);
      await this.writeIndex(f.tenantId, f.forumId, [...entries.values()], true);
    }
    await insertUnique(this.index, { _id: INDEXED_MARKER, tenantId: '', forumId: '', entries: [] });
  }

  /** Meetings of a forum starting at or after `from`, by start: its index, then each by `_id`. */
  async meetingsFrom(
    tenantId: string,
    forumId: string,
    from: Date,
    limit: number,
  ): Promise<Meeting[]> {
    const entries = [...(await this.forumIndex(tenantId, forumId)).entries.values()]
      .filter((e) => e.start.getTime() >= from.getTime() - MOVE_MARGIN_MS)
      .sort((a, b) => a.start.getTime() - b.start.getTime());
    const found: Meeting[] = [];
    // A few at a time; the ones inside the margin before `from` are read to see whether a
    // chair moved them past it.
    for (let i = 0; i < entries.length; i += 8) {
      const docs = await Promise.all(
        entries.slice(i, i + 8).map((e) => this.getMeeting(tenantId, e.id)),
      );
      for (const m of docs) if (m && m.start.getTime() >= from.getTime()) found.push(m);
    }
    return found.sort((a, b) => a.start.getTime() - b.start.getTime()).slice(0, limit);
  }

  async getMeeting(tenantId: string, meetingId: string): Promise<Meeting | null> {
    const doc = await this.meetings.findOne({ _id: key(tenantId, meetingId) });
    return doc ? fromStored(doc) : null;
  }

  /**
   * Meetings whose deadline reminder, and those whose meeting reminder, lies in [from, to]: one
   * query for both kinds (on FerretDB a filter other than `_id` reads the whole collection, so
   * one read instead of two halves what the scheduler's reminders job costs).
   */
  async meetingsWithRemindersBetween(from: Date, to: Date): Promise<RemindersDue> {
    const range = { $gte: from, $lte: to };
    const docs = await this.meetings
      .find({ $or: [{ deadlineReminderAt: range }, { meetingReminderAt: range }] }, SCAN_BATCH)
      .toArray();
    const within = (d: Date) => d.getTime() >= from.getTime() && d.getTime() <= to.getTime();
    const due: RemindersDue = { deadline: [], meeting: [] };
    for (const meeting of docs.map(fromStored)) {
      if (within(meeting.deadlineReminderAt)) due.deadline.push(meeting);
      if (within(meeting.meetingReminderAt)) due.meeting.push(meeting);
    }
    return due;
  }

  async meetingsWithDeadlineBetween(from: Date, to: Date): Promise<Meeting[]> {
    const docs = await this.meetings
      .find({ deadlineAt: { $gte: from, $lte: to } }, SCAN_BATCH)
      .toArray();
    return docs.map(fromStored);
  }

  /** The cancellations and moves a user made (requests about a person). */
  async overridesBy(tenantId: string, userId: string): Promise<MeetingOverrideRecord[]> {
    return (await this.overrides.find({ tenantId, by: userId }).toArray()).map(fromStored);
  }

  async pseudonymizeOverrides(
    tenantId: string,
    userId: string,
    pseudonym: string,
  ): Promise<number> {
    return (await this.overrides.updateMany({ tenantId, by: userId }, { $set: { by: pseudonym } }))
      .modifiedCount;
  }

  async overridesFor(tenantId: string, forumId: string): Promise<MeetingOverrideRecord[]> {
    const docs = await this.overrides.find({ tenantId, forumId }).sort({ at: 1 }).toArray();
    return docs.map(fromStored);
  }
}
