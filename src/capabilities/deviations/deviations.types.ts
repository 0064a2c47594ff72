/** Deviations (avvikelser): times the agreed way of working together was not followed. */
import type { QuasiSignal } from '../anonymity';

/**
 * reported → handling (a manager took it on) → answered (cause, action, follow-up) → closed; or,
 * from any open state, escalated to a steering forum → followedUp (its minutes recorded it) →
 * closed.
 */
export const DEVIATION_STATES = [
  'reported',
  'handling',
  'answered',
  'escalated',
  'followedUp',
  'closed',
] as const;
export type DeviationState = (typeof DEVIATION_STATES)[number];

/** Not closed: what managers, chairs and reporters still follow. */
export const OPEN_STATES: readonly DeviationState[] = [
  'reported',
  'handling',
  'answered',
  'escalated',
  'followedUp',
];
/** Waiting for the written answer of the organisations concerned: these are chased. */
export const UNANSWERED_STATES: readonly DeviationState[] = ['reported', 'handling'];
/** From these a deviation may be escalated to a steering forum. */
export const ESCALATABLE_STATES: readonly DeviationState[] = ['reported', 'handling', 'answered'];
/** From these a deviation may be closed. */
export const CLOSABLE_STATES: readonly DeviationState[] = ['answered', 'followedUp'];

export type DeviationAction =
  'reported' | 'taken' | 'answered' | 'escalated' | 'followedUp' | 'closed';

/** One change of a deviation: who, when, which change. Ids and codes only, never text. */
export interface DeviationHistoryEntry {
  at: Date;
  by: string;
  action: DeviationAction;
  from?: DeviationState | undefined;
  to: DeviationState;
  forumId?: string | undefined;
  meetingId?: string | undefined;
}

/** The free-text fields of the report; each passes the anonymity gate. */
export const REPORT_TEXT_FIELDS = ['description', 'consequence', 'immediateAction'] as const;
/** The free-text fields of the answer; each passes the anonymity gate. */
export const ANSWER_TEXT_FIELDS = ['cause', 'action', 'followUp'] as const;
export type ReportTextField = (typeof REPORT_TEXT_FIELDS)[number];
export type AnswerTextField = (typeof ANSWER_TEXT_FIELDS)[number];
export type DeviationTextField = ReportTextField | AnswerTextField;

/** The written answer of the organisation concerned. */
export interface DeviationAnswer {
  cause: string;
  action: string;
  followUp: string;
  by: string;
  at: Date;
}

/** A combination warning the reporter confirmed (who, when, what about; never the text). */
export interface DeviationAnonymityConfirmation {
  by: string;
  at: Date;
  fields: ReportTextField[];
  signals: QuasiSignal[];
}

export interface DeviationRecord {
  /** `AVV-26-007`: two-digit year and a sequence per tenant and year. Unique per tenant. */
  code: string;
  tenantId: string;
  year: number;
  sequence: number;
  /** The local date (Europe/Stockholm) it happened. */
  occurredOn: string;
  /** Organisation codes it concerns. */
  concerned: string[];
  /** The reporter's own organisation. */
  reportingOrganisation: string;
  /** The forum it concerns, if any. */
  forumId?: string | undefined;
  category: string;
  description: string;
  consequence: string;
  immediateAction: string;
  solvedLocally: boolean;
  anonymityConfirmation?: DeviationAnonymityConfirmation | undefined;
  reportedBy: string;
  reportedAt: Date;
  /** The reporting term (`HT 2026`) of `reportedAt`, when the calendar has one. */
  term?: string | undefined;
  /** The written answer is due by then. */
  replyDueAt: Date;
  state: DeviationState;
  /** The manager who took it on. */
  handledBy?: string | undefined;
  answer?: DeviationAnswer | undefined;
  escalatedTo?: string | undefined;
  followedUp?: { meetingId: string; by: string; at: Date } | undefined;
  closedAt?: Date | undefined;
  /** Set when retention removed the free text (months after closing). */
  textPurgedAt?: Date | undefined;
  history: DeviationHistoryEntry[];
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

/** What a reporter submits (validated by the card schema). */
export interface DeviationInput {
  occurredOn: string;
  concerned: string[];
  reportingOrganisation: string;
  forumId?: string | undefined;
  category: string;
  description: string;
  consequence: string;
  immediateAction: string;
  solvedLocally: boolean;
  confirmAnonymous?: boolean | undefined;
}

export interface AnswerInput {
  cause: string;
  action: string;
  followUp: string;
}
