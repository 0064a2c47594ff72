import type { Write } from '../../core/unit-of-work';
import type { Forum } from '../forums';
import type { Meeting, MeetingOverrideRecord } from './meetings.types';

/** What `saveMeetings` did: meetings written, and the forums' other meetings (not in the call). */
export interface SaveOutcome {
  written: number;
  others: { tenantId: string; id: string; start: Date }[];
}

/** Meetings whose reminder of each kind falls due in a window. */
export interface RemindersDue {
  deadline: Meeting[];
  meeting: Meeting[];
}

/** Storage port; meetings.repository.ts implements it on MongoDB. */
export interface MeetingsRepository {
  /**
   * Writes the meetings that changed (deterministic content: concurrent writers agree); says
   * how many, and which other meetings their forums have (with their starts).
   */
  saveMeetings(meetings: readonly Meeting[]): Promise<SaveOutcome>;
  /** Meetings of a forum starting at or after `from`, by start. */
  meetingsFrom(tenantId: string, forumId: string, from: Date, limit: number): Promise<Meeting[]>;
  getMeeting(tenantId: string, meetingId: string): Promise<Meeting | null>;
  /** Meetings whose reminder moment of each kind lies in [from, to] (one read for both). */
  meetingsWithRemindersBetween(from: Date, to: Date): Promise<RemindersDue>;
  /** Meetings of every forum whose case deadline lies in [from, to] (the agenda digests). */
  meetingsWithDeadlineBetween(from: Date, to: Date): Promise<Meeting[]>;
  overridesFor(tenantId: string, forumId: string): Promise<MeetingOverrideRecord[]>;
  /** One meeting replaced, for a unit of work (a chair's change). */
  meetingWrite(meeting: Meeting): Write;
  /** A chair's override of one meeting (the latest wins; the audit trail keeps the history). */
  overrideWrite(record: MeetingOverrideRecord): Write;
}

/** What meetings need of the forums capability (its face, ForumsService, fits it). */
export interface MeetingForums {
  getForum(tenantId: string, forumId: string): Promise<Forum | null>;
  /** Every forum of every tenant (the scheduler's view). */
  allForums(): Promise<Forum[]>;
}
