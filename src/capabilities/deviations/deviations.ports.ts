import type { Locale } from '../../i18n/i18n';
import type { Write } from '../../core/unit-of-work';
import type { Forum } from '../forums';
import type { DeviationRecord, DeviationState } from './deviations.types';

/** What stays of a deviation removed by retention: codes for the counts, no text, no person. */
export interface DeviationTombstone {
  tenantId: string;
  code: string;
  year: number;
  sequence: number;
  category: string;
  concerned: string[];
  reportingOrganisation: string;
  forumId?: string | undefined;
  escalatedTo?: string | undefined;
  term?: string | undefined;
  occurredOn: string;
  reportedAt: Date;
  closedAt: Date;
  /** The states it went through, in order (for counts by state). */
  states: DeviationState[];
  removedAt: Date;
}

/** Storage port; deviations.repository.ts implements it on MongoDB / FerretDB. */
export interface DeviationsRepository {
  /** The highest sequence used in a tenant's year, removed deviations included (0 when none). */
  maxSequence(tenantId: string, year: number): Promise<number>;
  /** The claim write of a new deviation: unique on (tenant, code). */
  insertWrite(record: DeviationRecord): Write;
  get(tenantId: string, code: string): Promise<DeviationRecord | null>;
  /** Compare-and-swap writes: a claim on `next.version`, then the deviation replaced. */
  versionWrites(next: DeviationRecord): Write[];
  /** A tenant's deviations in the given states (all tenants when `tenantId` is undefined). */
  listInStates(
    tenantId: string | undefined,
    states: readonly DeviationState[],
  ): Promise<DeviationRecord[]>;
  /** Deviations reported in [from, to) (the term summaries' recount). */
  reportedBetween(tenantId: string, from: Date, to: Date): Promise<DeviationRecord[]>;
  /** The deviations one user reported, newest first. */
  listByReporter(tenantId: string, aadObjectId: string, limit: number): Promise<DeviationRecord[]>;
  /** Deviations escalated to one of the forums, in the given states. */
  listEscalatedTo(
    tenantId: string,
    forumIds: readonly string[],
    states: readonly DeviationState[],
  ): Promise<DeviationRecord[]>;
  /** Deviations of a term and category (for the recurring check). */
  listByTermAndCategory(
    tenantId: string,
    term: string,
    category: string,
  ): Promise<DeviationRecord[]>;
  /** Closed before `cutoff`; `textPurged: false` = free text still there. */
  closedBefore(cutoff: Date, o: { textPurged?: boolean }): Promise<DeviationRecord[]>;
  /** Removes the earlier version snapshots (with text) of purged deviations closed before `cutoff`. */
  dropTextSnapshots(cutoff: Date): Promise<number>;
  /** Keeps the tombstone, then removes the deviation and its versions; false if already gone. */
  remove(record: DeviationRecord, tombstone: DeviationTombstone): Promise<boolean>;
}

/** What deviations need from the forums capability (ForumsService fits it). */
export interface DeviationForums {
  getForum(tenantId: string, forumId: string): Promise<Forum | null>;
  allForums(): Promise<Forum[]>;
}

/** A person to tell something, in the language they read. */
export interface Recipient {
  aadObjectId: string;
  locale: Locale;
}

/** What deviations need from the people capability (PeopleService fits it). */
export interface DeviationPeople {
  managersOf(tenantId: string, organisation: string): Promise<Recipient[]>;
  adminRecipients(tenantId: string): Promise<Recipient[]>;
  localeOf(tenantId: string, aadObjectId: string): Promise<Locale>;
}

/**
 * How a person is reached in personal chat: the id of a conversation the outbox can post to, or
 * null (Teams refused the 1:1 chat, or the person is unknown). Wired in src/app.ts to the roster
 * capability: the chat the user opened by writing, or one the bot opens through the connector
 * for a member of a team or group chat whose roster it read.
 */
export type PersonalChat = (tenantId: string, aadObjectId: string) => Promise<string | null>;
