import type { Db } from 'mongodb';
import type { Actor, Role } from '../../../src/core/actor';
import type { AuditEntry } from '../../../src/core/audit';
import { ManualClock } from '../../../src/core/clock';
import type { DomainEvent } from '../../../src/core/events';
import type { Unit, UnitOfWork } from '../../../src/core/unit-of-work';
import { AUDIT, EVENTS, MongoJournal } from '../../../src/infra/db/journal';
import { MongoForumsRepository } from '../../../src/capabilities/forums/forums.repository';
import type { ForumInput, ForumInputParsed } from '../../../src/capabilities/forums/forums.schemas';
import { ForumsService } from '../../../src/capabilities/forums/forums.service';
import { MongoMeetingsRepository } from '../../../src/capabilities/meetings/meetings.repository';
import { MeetingsService } from '../../../src/capabilities/meetings/meetings.service';
import { openTestDb } from '../../harness/test-db';
import { forumInput as caseForumInput } from '../cases/fakes';

export const T = 'tenant-1';
export const ADMIN = 'dddddddd-0000-4000-8000-00000000000d';
export const CHAIR = 'cccccccc-0000-4000-8000-00000000000c';
/** Chair of another forum (has the chair role, is not among Fossam's chairs). */
export const OTHER_CHAIR = 'eeeeeeee-0000-4000-8000-00000000000e';
export const ANNA = 'aaaaaaaa-0000-4000-8000-00000000000a';
export const ORGANISATIONS = ['school', 'socialServices', 'firstLine', 'police'];

export const actor = (
  aadObjectId: string | undefined,
  roles: Role[],
  organisations: string[] = [],
  tenantId = T,
): Actor => ({ tenantId, aadObjectId, displayName: 'X', roles: new Set(roles), organisations });

export const admin = actor(ADMIN, ['admin']);
export const chair = actor(CHAIR, ['chair', 'staff']);
export const otherChair = actor(OTHER_CHAIR, ['chair', 'staff']);
export const anna = actor(ANNA, ['staff'], ['school']);

/**
 * Fossam as an admin creates it: Thursdays 13:00–15:00 Stockholm (12:00Z in winter), cases due
 * two working days before at 12:00 (Tuesday 11:00Z), holidays skipped. Its meetings are
 * `fossam:<date>`.
 */
export const forumInput = (over: Partial<ForumInput> = {}): ForumInputParsed =>
  caseForumInput({ place: 'Stadshuset, sal 3', ...over });

/** The forums and meetings services on a fresh database, with the real repositories and journal. */
export interface ForumsWorld {
  db: Db;
  clock: ManualClock;
  journal: MongoJournal;
  /** Every unit the services committed, in order. */
  units: Unit[];
  forumsRepo: MongoForumsRepository;
  forums: ForumsService;
  meetingsRepo: MongoMeetingsRepository;
  meetings: MeetingsService;
  /** The audit trail as the journal stored it (with each entry's `_id`), by time, then `_id`. */
  audit(): Promise<(AuditEntry & { _id: string })[]>;
  /** The recorded events (with their `_id`), by time, then `_id`. */
  events(): Promise<(Omit<DomainEvent, 'id'> & { _id: string })[]>;
  count(collection: string): Promise<number>;
  close(): Promise<void>;
}

export async function openForumsWorld(now: string, horizonDays = 60): Promise<ForumsWorld> {
  const { db, close } = await openTestDb('forums');
  const clock = new ManualClock(now);
  const journal = new MongoJournal(db, clock, () => []);
  await journal.init();
  const units: Unit[] = [];
  const recording: UnitOfWork = {
    commit: (unit) => {
      units.push(unit);
      return journal.commit(unit);
    },
  };
  const forumsRepo = new MongoForumsRepository(db);
  await forumsRepo.init();
  const forums = new ForumsService({
    repo: forumsRepo,
    units: recording,
    clock,
    organisationCodes: ORGANISATIONS,
  });
  const meetingsRepo = new MongoMeetingsRepository(db);
  await meetingsRepo.init();
  const meetings = new MeetingsService({
    repo: meetingsRepo,
    forums,
    units: recording,
    clock,
    calendar: { terms: [], breaks: [], extraDaysOff: [] },
    horizonDays,
  });
  return {
    db,
    clock,
    journal,
    units,
    forumsRepo,
    forums,
    meetingsRepo,
    meetings,
    audit: () =>
      db.collection<AuditEntry & { _id: string }>(AUDIT).find().sort({ at: 1, _id: 1 }).toArray(),
    events: () =>
      db
        .collection<Omit<DomainEvent, 'id'> & { _id: string }>(EVENTS)
        .find()
        .sort({ at: 1, _id: 1 })
        .toArray(),
    count: (collection) => db.collection(collection).countDocuments(),
    close,
  };
}
