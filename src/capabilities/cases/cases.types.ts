/** Anonymized cases (ärenden) raised by staff for a forum's meeting. */
import type { QuasiSignal } from '../anonymity';

/** submitted → onAgenda → discussed → closed; withdrawn by the submitter before the meeting. */
export const CASE_STATUSES = ['submitted', 'onAgenda', 'discussed', 'closed', 'withdrawn'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

/** Statuses in which a case still waits for its meeting (it may be withdrawn or moved). */
export const WAITING_STATUSES: readonly CaseStatus[] = ['submitted', 'onAgenda'];

/** The Swedish school stages (fixed by the school system, not configuration). */
export const AGE_BANDS = [
  'preschool',
  'grades0to3',
  'grades4to6',
  'grades7to9',
  'upperSecondary',
] as const;
export type AgeBand = (typeof AGE_BANDS)[number];

export const URGENCIES = ['normal', 'urgent'] as const;
export type Urgency = (typeof URGENCIES)[number];

/**
 * What the chair records after the meeting (utfall): a code from the configured outcome list
 * (src/core/outcomes.ts, OUTCOMES_FILE).
 */
export type Outcome = string;

export type CaseAction =
  | 'submitted'
  | 'onAgenda'
  | 'discussed'
  | 'closed'
  | 'withdrawn'
  | 'moved'
  /** Retention removed the free text (the status stays). */
  | 'textPurged'
  /** A request about a person replaced the submitter's or a chair's identity with a pseudonym. */
  | 'pseudonymized';

/** Statuses that end a case: its retention counts from the change that reached one. */
export const CLOSED_STATUSES: readonly CaseStatus[] = ['closed', 'withdrawn'];

/** One change of a case. Holds ids and codes only, never text. */
export interface CaseHistoryEntry {
  at: Date;
  /** Entra object id of whoever made the change. */
  by: string;
  action: CaseAction;
  from?: CaseStatus | undefined;
  to: CaseStatus;
  meetingId?: string | undefined;
  outcome?: Outcome | undefined;
}

/** The free-text fields; every one passes the anonymity gate before it is stored. */
export const FREE_TEXT_FIELDS = ['description', 'tried', 'question'] as const;
export type FreeTextField = (typeof FREE_TEXT_FIELDS)[number];

/** What a case says about the child's situation (the same in the form and in the record). */
export interface CaseContent {
  ageBand: AgeBand;
  concerns: string[];
  description: string;
  tried: string;
  question: string;
  urgency: Urgency;
}

/**
 * The gate warned that the text may identify the child (a combination, no direct identifier) and
 * the submitter confirmed that it cannot: who, when, and what the warning was about (no text).
 */
export interface AnonymityConfirmation {
  /** Entra object id of the submitter who confirmed. */
  by: string;
  at: Date;
  fields: FreeTextField[];
  signals: QuasiSignal[];
}

export interface CaseRecord extends CaseContent {
  /** `FOS-26-014`: forum code, two-digit year, sequence per forum and year. Unique per tenant. */
  code: string;
  tenantId: string;
  forumId: string;
  meetingId: string;
  year: number;
  sequence: number;
  raisingOrganisation: string;
  /** Entra object id of the staff member who raised it (known, so the chair can reach them). */
  submittedBy: string;
  status: CaseStatus;
  outcome?: Outcome | undefined;
  /** Set when a warning about an identifying combination was confirmed by the submitter. */
  anonymityConfirmation?: AnonymityConfirmation | undefined;
  history: CaseHistoryEntry[];
  /**
   * Set when retention removed the free text (`description`, `tried`, `question` are then
   * empty); the coded fields stay, so statistics stay right.
   */
  textPurgedAt?: Date | undefined;
  /**
   * Coded dates for follow-up (summaries count in the database on these): the local day it was
   * raised, the periods it counts under (term, year, month: `HT2026`, `2026`, `2026-09`), days
   * from raised to discussed, and the local day it was closed or withdrawn. Absent on cases
   * stored before summaries existed.
   */
  raisedOn?: string | undefined;
  periods?: string[] | undefined;
  discussedDays?: number | undefined;
  endedOn?: string | undefined;
  /** Incremented by every change; a change is a compare-and-swap on it. */
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

/** What a staff member submits (already validated by the card schema). */
export interface CaseInput extends CaseContent {
  meetingId: string;
  organisation: string;
  /** "I have checked: this cannot identify the child" (ticked after a warning). */
  confirmAnonymous?: boolean | undefined;
}
