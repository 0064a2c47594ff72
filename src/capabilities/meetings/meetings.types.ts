import type { Occurrence, OccurrenceOverride, ReminderMoments } from '../calendar';

/** One materialized occurrence of a forum (a meeting), with its deadline and reminder moments. */
export interface Meeting extends Occurrence, ReminderMoments {
  tenantId: string;
}

/** A chair's cancellation or move of one meeting; kept so summaries can count them. */
export interface MeetingOverrideRecord {
  meetingId: string;
  tenantId: string;
  forumId: string;
  override: OccurrenceOverride;
  by: string;
  at: Date;
}
