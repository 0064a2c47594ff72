import type { Forum } from '../forums';
import type { Meeting } from '../meetings';
import type { CaseRecord } from '../cases';
import type { AgendaFollowUpItem } from '../../core/agenda';

export const ATTENDANCE = ['present', 'absent', 'excused'] as const;
export type Attendance = (typeof ATTENDANCE)[number];

/** What the minutes of one meeting say: every field a chair can set (notes are free text). */
export interface MinutesContent {
  /** Organisation code → present / absent / excused (organisations not set are absent here). */
  attendance: Record<string, Attendance>;
  /** Case code → outcome code (from the configured list). */
  outcomes: Record<string, string>;
  /** Case code → a note on the case (through the anonymity gate). */
  notes: Record<string, string>;
  /** General notes (through the anonymity gate). */
  general: string;
  /** Agenda follow-up refs marked followed up (core/agenda.ts). */
  followedUp: string[];
}

/** The minutes as stored: the content, its revision (1 = first save) and who saved it when. */
export interface MinutesRecord extends MinutesContent {
  tenantId: string;
  forumId: string;
  meetingId: string;
  /** The meeting's start: retention counts from it. */
  meetingStart: Date;
  revision: number;
  savedBy: string;
  savedAt: Date;
  /** Set when retention removed the notes (outcomes and attendance are kept). */
  textPurgedAt?: Date | undefined;
}

export const emptyMinutes = (): MinutesContent => ({
  attendance: {},
  outcomes: {},
  notes: {},
  general: '',
  followedUp: [],
});

/** A meeting's agenda: its cases in order, counts per organisation, and follow-up items. */
export interface Agenda {
  forum: Forum;
  meeting: Meeting;
  cases: AgendaCase[];
  counts: { organisation: string; cases: number }[];
  followUps: AgendaFollowUpItem[];
}

export interface AgendaCase {
  record: CaseRecord;
  carriedOver: boolean;
}

/** The agenda digest went out for a meeting: when, and which cases it held. */
export interface DigestRecord {
  tenantId: string;
  forumId: string;
  meetingId: string;
  sentAt: Date;
  codes: string[];
}
