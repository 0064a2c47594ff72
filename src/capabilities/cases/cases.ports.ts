import type { Actor } from '../../core/actor';
import type { Write } from '../../core/unit-of-work';
import type { Forum } from '../forums';
import type { Meeting } from '../meetings';
import type { CaseRecord } from './cases.types';

/** Storage port; cases.repository.ts implements it on MongoDB. */
export interface CasesRepository {
  /** The highest sequence used by a forum in a year (0 when none). */
  maxSequence(tenantId: string, forumId: string, year: number): Promise<number>;
  /** The claim write of a new case: unique on (tenant, code), so a taken code is a conflict. */
  insertWrite(record: CaseRecord): Write;
  get(tenantId: string, code: string): Promise<CaseRecord | null>;
  /** The submitter's cases, newest first. */
  listBySubmitter(tenantId: string, aadObjectId: string, limit: number): Promise<CaseRecord[]>;
  /** Every case raised for one meeting. */
  listByMeeting(tenantId: string, meetingId: string): Promise<CaseRecord[]>;
  /**
   * Compare-and-swap, as writes for a unit of work: a claim on `next.version` (the stored version
   * is `next.version - 1`; a conflict when someone else won), then the case replaced.
   */
  versionWrites(next: CaseRecord): Write[];
  /** Cases that are closed or withdrawn and still hold their free text (retention). */
  closedWithText(): Promise<CaseRecord[]>;
  /** Empties the free-text fields in every stored version of a case (retention). */
  scrubVersions(tenantId: string, code: string): Promise<void>;
  /** Every case a user raised, or changed (history), or confirmed (requests about a person). */
  listInvolving(tenantId: string, userId: string): Promise<CaseRecord[]>;
  /** Replaces the user's id with the pseudonym in every stored version of a case. */
  pseudonymizeVersions(
    tenantId: string,
    code: string,
    userId: string,
    pseudonym: string,
  ): Promise<void>;
  /** Counts in the database (`$match` on the stored period keys + `$group`/`$sum`). */
  countCases(tenantId: string, scope: CaseScope): Promise<CaseCountRow[]>;
  /** The coded fields of a period's cases (never free text), by code. */
  codedCases(tenantId: string, scope: CaseScope): Promise<CodedCase[]>;
}

/** Which cases: those counted under a period key, or those raised within dates (inclusive). */
export type CaseScope = { period: string; endBy: string } | { from: string; to: string };

/**
 * One group of a recount. `kind` says what `key` is: a status, an age band, a concern, days from
 * raised to discussed, an outcome, the day raised, or a status reached (closed/withdrawn) by `endBy`.
 */
export interface CaseCountRow {
  forumId: string;
  org: string;
  kind: 'status' | 'ageBand' | 'concern' | 'days' | 'outcome' | 'endedBy' | 'raisedOn';
  key: string;
  n: number;
}

/** A case as the forums' own analysis may see it: codes, organisation, age band, dates. */
export interface CodedCase {
  code: string;
  forumId: string;
  organisation: string;
  ageBand: string;
  concerns: string[];
  urgency: string;
  status: string;
  outcome: string;
  raisedOn: string;
  discussedDays: number | null;
  endedOn: string;
}

/** What the case flow needs from the forums capability (ForumsService fits it). */
export interface CaseForums {
  forumsForActor(actor: Actor): Promise<Forum[]>;
  getForum(tenantId: string, forumId: string): Promise<Forum | null>;
}

/** What the case flow needs from the meetings capability (MeetingsService fits it). */
export interface CaseMeetings {
  /** Upcoming meetings whose deadline has not passed, by start. */
  openMeetings(tenantId: string, forumId: string, limit?: number): Promise<Meeting[]>;
  /** Upcoming meetings (scheduled or moved), deadline or not, by start. */
  upcomingMeetings(tenantId: string, forumId: string, limit?: number): Promise<Meeting[]>;
  getMeeting(tenantId: string, meetingId: string): Promise<Meeting | null>;
}
