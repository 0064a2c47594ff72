import type { Locale } from '../../i18n/i18n';
import type { CaseRecord } from '../cases';
import type { Forum } from '../forums';
import type { Meeting } from '../meetings';
import type { KnownMember, Reach } from '../roster';

/** What the chairs' capability needs of the forums (ForumsService fits it). */
export interface ChairForums {
  getForum(tenantId: string, forumId: string): Promise<Forum | null>;
  allForums(): Promise<Forum[]>;
  findForumByName(tenantId: string, name: string): Promise<Forum | null>;
  forumsInConversation(conversationId: string): Promise<Forum[]>;
  forumNames(tenantId: string): Promise<string[]>;
}

/** …of the meetings (MeetingsService fits it). */
export interface ChairMeetings {
  getMeeting(tenantId: string, meetingId: string): Promise<Meeting | null>;
  upcomingMeetings(tenantId: string, forumId: string, limit?: number): Promise<Meeting[]>;
  startedMeetings(tenantId: string, forumId: string, days?: number): Promise<Meeting[]>;
  meetingsWithDeadlineBetween(from: Date, to: Date): Promise<Meeting[]>;
}

/** …of the cases (CasesService fits it). */
export interface ChairCases {
  casesOfMeeting(tenantId: string, meetingId: string): Promise<CaseRecord[]>;
  getCase(tenantId: string, code: string): Promise<CaseRecord | null>;
  config: { concerns: readonly { code: string; label: Readonly<Record<Locale, string>> }[] };
}

/** …of reaching people (RosterService and PeopleService fit it). */
export interface ChairReach {
  reach(tenantId: string, aadObjectId: string): Promise<Reach>;
  member(tenantId: string, aadObjectId: string): Promise<KnownMember | null>;
}
export interface ChairPeople {
  profile(
    tenantId: string,
    aadObjectId: string,
  ): Promise<{ displayName: string; locale: Locale } | null>;
}
