/**
 * Requests about a person (registerutdrag, pseudonymisering). Every module that stores who did
 * something declares a source on its face (`Module.personalData`); the privacy capability asks
 * each one what it holds about a user, and has each one replace the user's identity with a
 * pseudonym. What a source returns is shown to an administrator and exported: ids, codes, dates
 * and values from fixed lists, never free text.
 */
export type PersonalDataValue = string | number | boolean;

/** One thing stored about the person (a case they raised, an audit entry they made …). */
export type PersonalDataItem = Readonly<Record<string, PersonalDataValue>>;

export interface PersonalDataSource {
  /** Stable name, e.g. `cases`; the section's key in the export. */
  name: string;
  /** The section's heading in the card and the export. */
  label: { sv: string; en: string };
  /** Everything this module holds about the user (by Entra object id, lower case). */
  collect(tenantId: string, userId: string): Promise<PersonalDataItem[]>;
  /**
   * Replaces the user's identity (Entra object id, name, any identifying reference) with the
   * pseudonym wherever this module stores it, keeping everything else, so counts and histories
   * stay consistent. Idempotent (a run taken over after a crash finishes the job); returns how
   * many records changed.
   */
  pseudonymize(tenantId: string, userId: string, pseudonym: string): Promise<number>;
}

/** Pseudonyms look like `anon-7f3a9c21b0d4`: never an Entra id, never a name. */
export const PSEUDONYM = /^anon-[0-9a-f]{12}$/;

/** Dates in a person's data are ISO strings (UTC). */
export const isoDate = (d: Date): string => d.toISOString();
