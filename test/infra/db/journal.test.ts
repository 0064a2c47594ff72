import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BSON, type Db, type Document } from 'mongodb';
import { ManualClock } from '../../../src/core/clock';
import type { EventType, NewEvent } from '../../../src/core/events';
import type { Unit, Write } from '../../../src/core/unit-of-work';
import {
  AUDIT,
  EVENTS,
  EVENT_DELIVERIES,
  MongoJournal,
  OPERATIONS,
} from '../../../src/infra/db/journal';
import { openTestDb } from '../../harness/test-db';

const T = 'tenant-1';
const SUBSCRIBERS: Partial<Record<EventType, string[]>> = {
  'forum.saved': ['meetings.materialize', 'cases.watch'],
  'forum.bound': ['delivery.reachable'],
};

type Doc = Document & { _id: string };

/**
 * The unit of work on the real server: what a committed unit leaves behind, conflicts, a unit
 * committed twice, and recovery of units a crash (or a failed write) left in the journal.
 */
describe('MongoJournal on the database', () => {
  let db: Db;
  let close: () => Promise<void>;
  let clock: ManualClock;
  let journal: MongoJournal;
  let n = 0;

  beforeAll(async () => {
    ({ db, close } = await openTestDb('journal'));
    clock = new ManualClock('2026-11-24T08:00:00Z');
    journal = new MongoJournal(db, clock, (type) => SUBSCRIBERS[type] ?? []);
    await journal.init();
  });
  afterAll(async () => {
    await close();
  });

  /** Each test writes to a collection of its own. */
  const collection = () => `widgets${++n}`;
  const col = (name: string) => db.collection<Doc>(name);
  const byPrefix = (name: string, unitId: string) =>
    col(name)
      .find({ _id: { $regex: `^${unitId.replace(/[.]/g, '\\.')}:` } })
      .sort({ _id: 1 })
      .toArray();
  const deliveriesOf = (unitId: string) =>
    col(EVENT_DELIVERIES)
      .find({ eventId: { $regex: `^${unitId.replace(/[.]/g, '\\.')}:` } })
      .sort({ _id: 1 })
      .toArray();
  const inJournal = (unitId: string) => col('journal').countDocuments({ _id: unitId });

  const write = (mode: Write['mode'], collectionName: string, id: string, doc = {}): Write => ({
    mode,
    collection: collectionName,
    id,
    doc: { tenantId: T, ...doc },
  });
  const events = (forumId: string): NewEvent[] => [
    { type: 'forum.saved', tenantId: T, data: { forumId } },
    { type: 'forum.bound', tenantId: T, data: { forumId, conversationId: '19:c', by: 'u1' } },
  ];
  const audit = (target: string) => [
    { at: clock.now(), tenantId: T, actorId: 'u1', action: 'test.first', target },
    { at: clock.now(), tenantId: T, actorId: 'u1', action: 'test.second', target },
  ];

  it('writes a committed unit whole: writes, audit, events, deliveries, operation; journal emptied', async () => {
    const c = collection();
    const at = clock.now();
    const unit: Unit = {
      id: 'test.commit:1',
      writes: [
        write('claim', c, 'claimed', { n: 1 }),
        write('insert', c, 'inserted', { n: 2, when: new Date('2027-01-01T00:00:00Z') }),
        write('replace', c, 'replaced', { n: 3 }),
      ],
      audit: audit('w1'),
      events: events('fossam'),
      operation: { id: 'op:t:u:token1', verb: 'test.do', result: { code: 'X-1' } },
    };

    const outcome = await journal.commit(unit);

    expect(outcome).toEqual({
      committed: true,
      events: [
        { id: 'test.commit:1:e0', at, ...events('fossam')[0] },
        { id: 'test.commit:1:e1', at, ...events('fossam')[1] },
      ],
    });
    const docs = await col(c).find().sort({ _id: 1 }).toArray();
    expect(docs).toEqual([
      { _id: 'claimed', tenantId: T, n: 1, journalId: 'test.commit:1' },
      { _id: 'inserted', tenantId: T, n: 2, when: new Date('2027-01-01T00:00:00Z') },
      { _id: 'replaced', tenantId: T, n: 3, journalAt: at },
    ]);
    expect(await byPrefix(AUDIT, unit.id)).toEqual([
      { _id: 'test.commit:1:a0', ...audit('w1')[0] },
      { _id: 'test.commit:1:a1', ...audit('w1')[1] },
    ]);
    expect(await byPrefix(EVENTS, unit.id)).toEqual([
      { _id: 'test.commit:1:e0', at, ...events('fossam')[0] },
      { _id: 'test.commit:1:e1', at, ...events('fossam')[1] },
    ]);
    // One delivery per subscriber of each event, due at once.
    expect(await deliveriesOf(unit.id)).toEqual(
      [
        ['cases.watch', 'test.commit:1:e0', 'forum.saved'],
        ['delivery.reachable', 'test.commit:1:e1', 'forum.bound'],
        ['meetings.materialize', 'test.commit:1:e0', 'forum.saved'],
      ].map(([subscriber, eventId, type]) => ({
        _id: `${subscriber}|${eventId}`,
        subscriber,
        eventId,
        type,
        tenantId: T,
        attempts: 0,
        claimSeq: 0,
        nextAttemptAt: at,
        status: 'pending',
      })),
    );
    expect(await col(OPERATIONS).findOne({ _id: 'op:t:u:token1' })).toEqual({
      _id: 'op:t:u:token1',
      verb: 'test.do',
      result: { code: 'X-1' },
      at,
    });
    expect(await inJournal(unit.id)).toBe(0);
  });

  it('treats an insert that is already there as done, and a replace as an upsert', async () => {
    const c = collection();
    await col(c).insertOne({ _id: 'present', tenantId: T, n: 0 });
    await col(c).insertOne({ _id: 'old', tenantId: T, n: 0, extra: true });
    const outcome = await journal.commit({
      id: 'test.upsert:1',
      writes: [write('insert', c, 'present', { n: 1 }), write('replace', c, 'old', { n: 1 })],
    });
    expect(outcome.committed).toBe(true);
    expect(await col(c).find().sort({ _id: 1 }).toArray()).toEqual([
      { _id: 'old', tenantId: T, n: 1, journalAt: clock.now() },
      { _id: 'present', tenantId: T, n: 0 },
    ]);
  });

  for (const position of ['first', 'between other writes', 'after a claim of its own'] as const) {
    it(`abandons the whole unit when a claim (${position}) belongs to another unit`, async () => {
      const c = collection();
      const winner = await journal.commit({
        id: `test.winner:${c}`,
        writes: [write('claim', c, 'code-1', { by: 'winner' })],
      });
      expect(winner.committed).toBe(true);

      const claim = write('claim', c, 'code-1', { by: 'loser' });
      const others = [write('insert', c, 'loser-insert'), write('replace', c, 'loser-replace')];
      const loser: Unit = {
        id: `test.loser:${c}`,
        writes:
          position === 'first'
            ? [claim, ...others]
            : position === 'between other writes'
              ? [others[0]!, claim, others[1]!]
              : [write('claim', c, 'code-2', { by: 'loser' }), claim, ...others],
        audit: audit('code-1'),
        events: events('loser'),
        operation: { id: `op:t:u:${c}`, verb: 'test.do', result: { code: 'code-1' } },
      };
      expect(await journal.commit(loser)).toEqual({ committed: false, reason: 'conflict' });

      // Nothing of the loser: the winner's claim stands, no other write (not even a claim it took
      // before), audit, event, delivery, operation result; no journal entry left to recover.
      expect(await col(c).find().toArray()).toEqual([
        { _id: 'code-1', tenantId: T, by: 'winner', journalId: `test.winner:${c}` },
      ]);
      expect(await byPrefix(AUDIT, loser.id)).toEqual([]);
      expect(await byPrefix(EVENTS, loser.id)).toEqual([]);
      expect(await deliveriesOf(loser.id)).toEqual([]);
      expect(await col(OPERATIONS).countDocuments({ _id: `op:t:u:${c}` })).toBe(0);
      expect(await inJournal(loser.id)).toBe(0);
      expect((await journal.recover(0)).units).toBe(0);
      expect(await col(c).countDocuments()).toBe(1);
    });
  }

  it('applies a unit committed twice (one after the other, or at once) only once', async () => {
    const c = collection();
    const unit = (id: string): Unit => ({
      id,
      writes: [write('claim', c, `claim-${id}`), write('replace', c, `doc-${id}`, { n: 1 })],
      audit: audit(id),
      events: events(id),
    });

    const first = await journal.commit(unit('test.twice:a'));
    clock.advance(1000);
    const again = await journal.commit(unit('test.twice:a'));
    const together = await Promise.all([
      journal.commit(unit('test.twice:b')),
      journal.commit(unit('test.twice:b')),
    ]);

    expect(first.committed).toBe(true);
    // Its own claim is no conflict: the retry is told it committed, with the same events.
    expect(again.committed && again.events.map((e) => e.id)).toEqual([
      'test.twice:a:e0',
      'test.twice:a:e1',
    ]);
    expect(together.map((o) => o.committed)).toEqual([true, true]);
    for (const id of ['test.twice:a', 'test.twice:b']) {
      expect(await col(c).countDocuments({ _id: { $in: [`claim-${id}`, `doc-${id}`] } })).toBe(2);
      expect((await byPrefix(AUDIT, id)).map((d) => d._id)).toEqual([`${id}:a0`, `${id}:a1`]);
      expect((await byPrefix(EVENTS, id)).map((d) => d._id)).toEqual([`${id}:e0`, `${id}:e1`]);
      expect(await deliveriesOf(id)).toHaveLength(3);
      expect(await inJournal(id)).toBe(0);
    }
    // The events keep the time of the first commit.
    expect((await byPrefix(EVENTS, 'test.twice:a'))[0]?.at).toEqual(
      first.committed ? first.events[0]?.at : undefined,
    );
  });

  /** A journal entry exactly as `commit` writes it before applying the unit (a crash right after). */
  const journalEntry = async (unit: Unit, createdAt: Date) => {
    const evs = (unit.events ?? []).map((e, i) => ({
      ...e,
      id: `${unit.id}:e${i}`,
      at: createdAt,
    }));
    await col('journal').insertOne({
      _id: unit.id,
      createdAt,
      unit: BSON.EJSON.stringify(unit, { relaxed: false }),
      events: BSON.EJSON.stringify(evs, { relaxed: false }),
    });
  };

  it('recovers a unit left in the journal once it is old enough, and only once', async () => {
    const c = collection();
    const createdAt = clock.now();
    const unit: Unit = {
      id: 'test.crashed:1',
      writes: [
        write('claim', c, 'c', { when: new Date('2027-02-01T10:00:00Z') }),
        write('replace', c, 'r', { n: 1 }),
      ],
      audit: audit('crashed'),
      events: events('crashed'),
      operation: { id: 'op:t:u:crashed', verb: 'test.do', result: { code: 'C-1' } },
    };
    await journalEntry(unit, createdAt);

    clock.advance(10_000);
    expect(await journal.recover(60_000)).toEqual({ units: 0, events: [] });
    expect(await col(c).countDocuments()).toBe(0);

    clock.advance(60_000);
    const recovered = await journal.recover(60_000);
    expect(recovered.units).toBe(1);
    expect(recovered.events.map((e) => [e.id, e.type, e.at])).toEqual([
      ['test.crashed:1:e0', 'forum.saved', createdAt],
      ['test.crashed:1:e1', 'forum.bound', createdAt],
    ]);
    expect(await col(c).find().sort({ _id: 1 }).toArray()).toEqual([
      {
        _id: 'c',
        tenantId: T,
        when: new Date('2027-02-01T10:00:00Z'),
        journalId: 'test.crashed:1',
      },
      { _id: 'r', tenantId: T, n: 1, journalAt: createdAt },
    ]);
    expect(await byPrefix(AUDIT, unit.id)).toHaveLength(2);
    expect(await byPrefix(EVENTS, unit.id)).toHaveLength(2);
    expect(await deliveriesOf(unit.id)).toHaveLength(3);
    expect(await col(OPERATIONS).countDocuments({ _id: 'op:t:u:crashed' })).toBe(1);
    expect(await inJournal(unit.id)).toBe(0);
    expect(await journal.recover(0)).toEqual({ units: 0, events: [] });
  });

  it('leaves a unit whose apply failed in the journal, and recovery finishes it', async () => {
    const c = collection();
    // A unique index the second write breaks (a write failing half-way through the apply).
    await col(c).createIndex({ slot: 1 }, { unique: true });
    await col(c).insertOne({ _id: 'blocker', slot: 7 });
    const unit: Unit = {
      id: 'test.interrupted:1',
      writes: [write('replace', c, 'a', { slot: 1 }), write('replace', c, 'b', { slot: 7 })],
      audit: audit('interrupted'),
      events: events('interrupted'),
    };

    await expect(journal.commit(unit)).rejects.toThrow();
    // Applied up to the failing write; nothing after it; the unit waits in the journal.
    expect((await col(c).find().sort({ _id: 1 }).toArray()).map((d) => d._id)).toEqual([
      'a',
      'blocker',
    ]);
    expect(await byPrefix(AUDIT, unit.id)).toEqual([]);
    expect(await byPrefix(EVENTS, unit.id)).toEqual([]);
    expect(await inJournal(unit.id)).toBe(1);

    await col(c).deleteOne({ _id: 'blocker' });
    clock.advance(1000);
    const recovered = await journal.recover(0);
    expect(recovered.units).toBe(1);
    expect(recovered.events.map((e) => e.id)).toEqual([`${unit.id}:e0`, `${unit.id}:e1`]);
    expect(await col(c).findOne({ _id: 'b' })).toMatchObject({ slot: 7 });
    expect(await byPrefix(AUDIT, unit.id)).toHaveLength(2);
    expect(await deliveriesOf(unit.id)).toHaveLength(3);
    expect(await inJournal(unit.id)).toBe(0);
  });

  it('does not let a recovered replace overwrite a document a later unit replaced', async () => {
    const c = collection();
    const stale: Unit = {
      id: 'test.stale:1',
      writes: [write('replace', c, 'x', { v: 1 }), write('replace', c, 'y', { v: 1 })],
      audit: audit('stale'),
    };
    await journalEntry(stale, clock.now());
    clock.advance(5000);
    const later = await journal.commit({
      id: 'test.later:1',
      writes: [write('replace', c, 'x', { v: 2 })],
    });
    expect(later.committed).toBe(true);
    const laterAt = clock.now();

    clock.advance(5000);
    expect((await journal.recover(0)).units).toBe(1);

    // x keeps the later unit's version; y, which nobody wrote since, gets the recovered one.
    expect(await col(c).find().sort({ _id: 1 }).toArray()).toEqual([
      { _id: 'x', tenantId: T, v: 2, journalAt: laterAt },
      { _id: 'y', tenantId: T, v: 1, journalAt: new Date(laterAt.getTime() - 5000) },
    ]);
    expect(await byPrefix(AUDIT, stale.id)).toHaveLength(2);
    expect(await inJournal(stale.id)).toBe(0);
  });
});
