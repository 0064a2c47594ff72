import type { Db } from 'mongodb';
import type { AuditEntry } from '../../../src/core/audit';
import { ManualClock } from '../../../src/core/clock';
import type { UnitOfWork } from '../../../src/core/unit-of-work';
import { AUDIT, MongoJournal } from '../../../src/infra/db/journal';
import { MongoCasesRepository } from '../../../src/capabilities/cases/cases.repository';
import { CasesService } from '../../../src/capabilities/cases/cases.service';
import { MongoForumsRepository } from '../../../src/capabilities/forums/forums.repository';
import { ForumsService } from '../../../src/capabilities/forums/forums.service';
import { MongoMeetingsRepository } from '../../../src/capabilities/meetings/meetings.repository';
import { MeetingsService } from '../../../src/capabilities/meetings/meetings.service';
import { openTestDb } from '../../harness/test-db';
import { ADMIN, actor, forumInput } from './fakes';

/**
 * How far ahead the forums materialize their meetings: from 24 November 2026 that is Fossam's
 * 26 November and 3, 10 and 17 December (later meetings appear as the clock moves on and the
 * forum is materialized again, as the reminders job does on every pass).
 */
export const HORIZON_DAYS = 28;

export const admin = actor(ADMIN, ['admin']);

/** The cases capability on a fresh database of the real server, with real forums and journal. */
export interface CasesWorld {
  db: Db;
  clock: ManualClock;
  journal: MongoJournal;
  repo: MongoCasesRepository;
  forums: ForumsService;
  meetings: MeetingsService;
  service: CasesService;
  /** A cases service on other units of work (to arrange a race), the same repository and forums. */
  serviceOn(units: UnitOfWork): CasesService;
  /** The cases' audit trail as the unit of work stored it, by time (then by case code). */
  caseAudit(): Promise<AuditEntry[]>;
  /** Every entry of the audit collection (forums' included). */
  allAudit(): Promise<AuditEntry[]>;
  close(): Promise<void>;
}

/** Opens the world at `now`, with Fossam created by an admin (its meetings materialized). */
export async function openCasesWorld(now: string): Promise<CasesWorld> {
  const { db, close } = await openTestDb('cases');
  const clock = new ManualClock(now);
  const journal = new MongoJournal(db, clock, () => []);
  await journal.init();
  const repo = new MongoCasesRepository(db);
  await repo.init();
  const forumsRepo = new MongoForumsRepository(db);
  await forumsRepo.init();
  const forums = new ForumsService({
    repo: forumsRepo,
    units: journal,
    clock,
    organisationCodes: ['school', 'socialServices', 'firstLine', 'police', 'leisure'],
  });
  const meetingsRepo = new MongoMeetingsRepository(db);
  await meetingsRepo.init();
  const meetings = new MeetingsService({
    repo: meetingsRepo,
    forums,
    units: journal,
    clock,
    calendar: { terms: [], breaks: [], extraDaysOff: [] },
    horizonDays: HORIZON_DAYS,
  });
  // What the meetings capability does on `forum.saved` (no subscribers on this journal).
  await meetings.materialize(await forums.createForum(admin, forumInput()));
  const serviceOn = (units: UnitOfWork) =>
    new CasesService({ repo, forums, meetings, units, clock });
  const allAudit = async () =>
    (await db.collection<AuditEntry & { _id: string }>(AUDIT).find().toArray()).map(
      ({ _id, ...entry }) => entry,
    );
  return {
    db,
    clock,
    journal,
    repo,
    forums,
    meetings,
    service: serviceOn(journal),
    serviceOn,
    allAudit,
    caseAudit: async () =>
      (await allAudit())
        .filter((e) => e.action.startsWith('case.'))
        .sort((a, b) => +a.at - +b.at || a.target.localeCompare(b.target)),
    close,
  };
}

/**
 * Units of work that hold each commit until `n` commits are waiting, then let them through
 * together: the `n` changes were all made from the same read, as in a real race (the commits
 * themselves are the real journal's). Later commits pass straight through.
 */
export function together(units: UnitOfWork, n: number): UnitOfWork {
  let arrived = 0;
  let release = () => {};
  const all = new Promise<void>((resolve) => (release = resolve));
  return {
    commit: async (unit) => {
      if (++arrived >= n) release();
      await all;
      return units.commit(unit);
    },
  };
}
