import type { ForumSchedule } from '../calendar';
import type { ConversationType } from '../../core/capability';
import type { Locale } from '../../i18n/i18n';

export const FORUM_KINDS = [
  'caseForum',
  'steeringGroup',
  'managersMeeting',
  'network',
  'largeMeeting',
  'workingGroup',
  'other',
] as const;
export type ForumKind = (typeof FORUM_KINDS)[number];

/** Where a forum lives in Teams: the channel or group chat where an admin wrote `koppla forum`. */
export interface ForumBinding {
  conversationId: string;
  conversationType: ConversationType;
  boundAt: Date;
  boundBy: string;
  status: 'active' | 'broken';
  brokenAt?: Date | undefined;
}

/** The schedule of a forum: the calendar's ForumSchedule without the id (the forum has it). */
export type ForumScheduleSettings = Omit<ForumSchedule, 'forumId'>;

/** A samverkansforum: a recurring meeting with a fixed purpose and members. */
export interface Forum {
  /** Slug, unique within the tenant (e.g. `fossam`). */
  id: string;
  tenantId: string;
  name: string;
  /** 2–4 capital letters used in case codes (e.g. `FOS` → FOS-26-014). */
  code: string;
  kind: ForumKind;
  /** Member organisation codes (configuration: env/organisations.json). */
  organisations: string[];
  /** Entra object ids of the chairs (ordförande / sammankallande). */
  chairs: string[];
  schedule: ForumScheduleSettings;
  /** A place ("Stadshuset, sal 3") and/or a meeting link (Teams). */
  place?: string | undefined;
  meetingLink?: string | undefined;
  /** Language of the forum's posts in its conversation. */
  locale: Locale;
  binding?: ForumBinding | undefined;
  /** When the chairs get the agenda digest: minutes after the case deadline (absent = 0). */
  digestMinutesAfterDeadline?: number | undefined;
  createdAt: Date;
  updatedAt: Date;
  createdBy: string;
}
