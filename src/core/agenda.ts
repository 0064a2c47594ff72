import type { Locale } from '../i18n/i18n';

/**
 * Items a forum must follow up at its next meeting, contributed to the agenda digest and the
 * minutes by capabilities other than the one that builds them (deviations escalated to a
 * steering forum, for instance). The agenda asks every provider when it builds a digest; the
 * minutes card lists the items with a "followed up" choice, and the `minutes.saved` event
 * carries the refs marked followed up, which the contributing capability reacts to.
 *
 * Items hold codes and fixed labels only, never text users typed.
 */
export interface AgendaFollowUpItem {
  /** Stable and unique across providers, e.g. `deviation:AVV-26-007`. */
  ref: string;
  /** The provider's kind, e.g. `deviation`. */
  kind: string;
  /** A short line for the digest and the minutes card (codes, categories, organisations). */
  label: (locale: Locale) => string;
}

export interface AgendaFollowUpProvider {
  kind: string;
  /** What forum `forumId` should follow up at the meeting `meetingId` (tenant-scoped). */
  followUps(tenantId: string, forumId: string, meetingId: string): Promise<AgendaFollowUpItem[]>;
}
