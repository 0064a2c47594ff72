/**
 * The Teams roster, SDK-neutral: who is in a team or group chat (read through the Bot
 * Connector's paged members), and the 1:1 chat the bot can open with one of them. The bot layer
 * implements it (src/bot/roster.ts); a move to another SDK touches only that file.
 */

/** One member of a team or group chat, as the connector lists it (no e-mail, no UPN kept). */
export interface RosterMember {
  /** Entra object id (lower case). */
  aadObjectId: string;
  /** The Teams user id in this tenant (`29:…`): what a 1:1 conversation is created with. */
  rosterId: string;
  name: string;
}

/** Where a roster is read or a chat opened from: a conversation the bot has stored. */
export interface RosterSource {
  tenantId: string;
  /** The stored conversation reference (opaque JSON; only the bot layer reads it). */
  reference: Readonly<Record<string, unknown>>;
  serviceUrl: string;
}

/** The 1:1 chat that was opened: its id and the reference later proactive posts need. */
export interface PersonalChat {
  conversationId: string;
  reference: Readonly<Record<string, unknown>>;
}

/**
 * 'unreachable': Teams answered 403/404 (the app is not installed for the user, or the user
 * blocked it). Any other failure is thrown (the caller retries later).
 */
export type OpenPersonalResult = PersonalChat | 'unreachable';

/**
 * Teams answered 403 or 404 for a roster: the bot is not (or no longer) in that team or chat, or
 * it is a private channel. Retrying soon will not help; other failures are thrown as they are.
 */
export class RosterUnavailableError extends Error {
  constructor(readonly status: number) {
    super(`roster unavailable (${status})`);
    this.name = 'RosterUnavailableError';
  }
}

export interface Roster {
  /**
   * Every member of the conversation's team (a channel) or group chat, page by page. Throws
   * RosterUnavailableError when Teams refuses the roster (403/404).
   */
  members(source: RosterSource): AsyncIterable<RosterMember>;
  /** Creates (or finds, Teams answers the same id) the 1:1 conversation with a member. */
  openPersonal(
    source: RosterSource,
    member: Pick<RosterMember, 'rosterId' | 'aadObjectId' | 'name'>,
  ): Promise<OpenPersonalResult>;
}

/**
 * A person as an outbox address: a message enqueued to `person:<tenant>:<aadObjectId>` goes to
 * that person's 1:1 chat with the bot, which is opened on delivery if need be (the roster
 * capability resolves it for the outbox).
 */
export const personAddress = (tenantId: string, aadObjectId: string): string =>
  `person:${tenantId}:${aadObjectId.toLowerCase()}`;

export function parsePersonAddress(
  conversationId: string,
): { tenantId: string; aadObjectId: string } | undefined {
  const m = /^person:([^:]+):([0-9a-f-]{36,37})$/.exec(conversationId);
  return m ? { tenantId: m[1]!, aadObjectId: m[2]! } : undefined;
}

/** For tools and wiring tests that talk to no connector: any use of it fails loudly. */
export const offlineRoster: Roster = {
  members: () => ({
    [Symbol.asyncIterator]: () => ({
      next: () => Promise.reject(new Error('no Bot Connector here: rosters cannot be read')),
    }),
  }),
  openPersonal: () => Promise.reject(new Error('no Bot Connector here: chats cannot be opened')),
};
