import type { Actor } from '../../core/actor';
import type { CaseCountRow, CaseRecord, CaseScope, CodedCase } from '../cases';
import type { DeviationRecord } from '../deviations';
import type { Forum } from '../forums';
import type { Meeting } from '../meetings';

/** What summaries need of the cases capability (CasesService fits it). */
export interface SummaryCases {
  record(tenantId: string, code: string): Promise<CaseRecord | null>;
  countCases(tenantId: string, scope: CaseScope): Promise<CaseCountRow[]>;
  codedCases(tenantId: string, scope: CaseScope): Promise<CodedCase[]>;
  myCases(actor: Actor): Promise<{ record: CaseRecord }[]>;
}

/** What summaries need of the meetings capability (MeetingsService fits it). */
export interface SummaryMeetings {
  materialize(forum: Forum): Promise<Meeting[]>;
  meetingsBetween(tenantId: string, forumId: string, from: Date, to: Date): Promise<Meeting[]>;
  getMeeting(tenantId: string, meetingId: string): Promise<Meeting | null>;
  upcomingMeetings(tenantId: string, forumId: string, limit?: number): Promise<Meeting[]>;
}

/** What summaries need of the forums capability (ForumsService fits it). */
export interface SummaryForums {
  getForum(tenantId: string, forumId: string): Promise<Forum | null>;
  allForums(): Promise<Forum[]>;
}

/** Who gets the term summary (PeopleService fits it). */
export interface SummaryPeople {
  roleHolders(
    tenantId: string,
    role: 'manager',
  ): Promise<{ aadObjectId: string; locale: 'sv' | 'en'; organisations: string[] }[]>;
}

/**
 * A person's 1:1 chat with the bot: the one they opened by writing, or one opened through the
 * connector for a member of a team or group chat whose roster the bot read (wired in app.ts to
 * the roster capability's reach); null when they cannot be reached.
 */
export type SummaryPersonalChat = (tenantId: string, aadObjectId: string) => Promise<string | null>;

/**
 * What summaries read of the deviations capability (DeviationsService fits it): a deviation as it
 * now is (its events carry codes; the dates answered and closed are on the record), and the
 * deviations reported in a period, for the recount.
 */
export interface DeviationSource {
  record(tenantId: string, code: string): Promise<DeviationRecord | null>;
  reportedBetween(tenantId: string, from: Date, to: Date): Promise<DeviationRecord[]>;
}
